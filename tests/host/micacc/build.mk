# tests/host/micacc: tools/mica-cc's include path (headers.sh) and the
# options it takes like gcc (options.sh): a program's own headers come
# before the tree's, the tree's test helpers are not on it, and every form
# gcc accepts compiles and links.  The wrappers wait for what mica-cc links,
# so that the tests themselves only compile and link.
MICACC_DEPS := tools/mica-cc $(LIBC_LIBS) $(LIBRT) $(LIBSERVER) $(LIBSYS) \
	$(NEWLIB_STAMP) $(KERNEL_IDL_HEADERS) $(RT_IDL_HEADERS)
MICACC_HEADERS_TEST := $(BUILD)/host/tests/mica_cc_headers
MICACC_OPTIONS_TEST := $(BUILD)/host/tests/mica_cc_options
$(MICACC_HEADERS_TEST): tests/host/micacc/headers.sh $(MICACC_DEPS)
$(MICACC_OPTIONS_TEST): tests/host/micacc/options.sh $(wildcard tests/host/micacc/opts/*) $(MICACC_DEPS)
$(MICACC_HEADERS_TEST) $(MICACC_OPTIONS_TEST):
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec bash %s\n' $(abspath $<) > $@
	chmod +x $@
HOST_TESTS += $(MICACC_HEADERS_TEST) $(MICACC_OPTIONS_TEST)
