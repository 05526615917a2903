# tests/host/idlc: the IDL compiler's host tests.
#
#   idlc_roundtrip    generated client and server of roundtrip.idl linked
#                     through fake_transport.c; the generated code of
#                     roundtrip.idl and golden/file.idl is compiled with
#                     -Wall -Wextra -Werror on the way
#   idlc_golden       generated output of golden/file.idl against golden/expected/
#   idlc_errors       each errors/*.idl fails with its "// expect:" message
#   idlc_freestanding the generated code compiled with $(FREESTANDING) needs
#                     nothing but the libsys/ipc.h transport (and the
#                     declarations of server/server.h)
#
# `make update-golden` rewrites golden/expected/ from the current idlc.

include tools/idlc/build.mk

IDLC_TEST_GEN := $(BUILD)/gen/idl-tests
IDLC_TEST_IDLS := tests/host/idlc/roundtrip.idl tests/host/idlc/rt_types.idl tests/host/idlc/golden/file.idl \
	tests/host/idlc/golden/file_types.idl
$(foreach f,$(IDLC_TEST_IDLS),$(call idl_gen,$(f),$(IDLC_TEST_GEN)))
IDLC_RT_HDRS := $(foreach f,$(IDLC_TEST_IDLS),$(call idl_headers,$(f),$(IDLC_TEST_GEN)))
# rt_types.idl and file_types.idl hold only types: their .c files are empty.
IDLC_RT_GEN := $(foreach f,roundtrip golden/file,$(call idl_sources,tests/host/idlc/$(f).idl,$(IDLC_TEST_GEN)))

HOST_CFLAGS_tests/host/idlc/ := -Ilib/sys/include -Ilib/server/include $(IDL_INCLUDE) -Itests/host
HOST_CFLAGS_$(IDLC_TEST_GEN)/ := -Ilib/sys/include -Ilib/server/include $(IDL_INCLUDE)

IDLC_RT_SRCS := tests/host/idlc/roundtrip_test.c tests/host/idlc/fake_transport.c $(IDLC_RT_GEN)
$(call host_objs,$(IDLC_RT_SRCS)): $(IDLC_RT_HDRS)
$(eval $(call host_test,idlc_roundtrip,$(IDLC_RT_SRCS)))

# The generated code built as Mica code is: freestanding, no libc.
IDLC_FREE_OBJS := $(patsubst $(IDLC_TEST_GEN)/%.c,$(BUILD)/host/idlc-freestanding/%.o,$(IDLC_RT_GEN))
$(IDLC_FREE_OBJS): $(BUILD)/host/idlc-freestanding/%.o: $(IDLC_TEST_GEN)/%.c $(IDLC_RT_HDRS) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(COMMON_CFLAGS) -O2 $(FREESTANDING) -Iinclude -Ilib/sys/include -Ilib/server/include $(IDL_INCLUDE) -c $< -o $@

# Script tests get a wrapper naming what they check, so they run from the list.
define idlc_script_test
$(BUILD)/host/tests/$(1): tests/host/idlc/$(2) $(3) | $(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	printf '#!/bin/sh\nexec bash tests/host/idlc/$(2) %s\n' "$(3)" > $$@
	chmod +x $$@
HOST_TESTS += $(BUILD)/host/tests/$(1)
endef
$(eval $(call idlc_script_test,idlc_golden,golden.sh,$(IDLC)))
$(eval $(call idlc_script_test,idlc_errors,errors.sh,$(IDLC)))
$(eval $(call idlc_script_test,idlc_freestanding,freestanding.sh,$(IDLC_FREE_OBJS)))

IDLC_GOLDEN_IDL := tests/host/idlc/golden/file.idl
# As the build generates it into $(IDLC_TEST_GEN) (golden.sh passes the same).
IDLC_GOLDEN_PREFIX := idl-tests
update-golden: $(IDLC)
	rm -rf tests/host/idlc/golden/expected
	$(IDLC) -P $(IDLC_GOLDEN_PREFIX) -o tests/host/idlc/golden/expected -d tests/host/idlc/golden/expected $(IDLC_GOLDEN_IDL)

.PHONY: update-golden
