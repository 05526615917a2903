# tests/host/micacc: tools/mica-cc's include path (headers.sh): a program's
# own headers come before the tree's, and the tree's test helpers are not on
# it.  The wrapper waits for what mica-cc links, so that the test itself
# only compiles and links.
MICACC_HEADERS_TEST := $(BUILD)/host/tests/mica_cc_headers
$(MICACC_HEADERS_TEST): tests/host/micacc/headers.sh tools/mica-cc $(LIBC_GLUE_OBJS) $(LIBRT) $(LIBSERVER) $(LIBSYS) \
		$(NEWLIB_STAMP) $(KERNEL_IDL_HEADERS) $(RT_IDL_HEADERS)
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec bash %s\n' $(abspath tests/host/micacc/headers.sh) > $@
	chmod +x $@
HOST_TESTS += $(MICACC_HEADERS_TEST)
