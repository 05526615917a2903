# Rules and helpers shared by the build.mk fragments.

# Host objects: build/host/<path>.o from <path>.c.  A directory can add flags
# with HOST_CFLAGS_<dir>/ (e.g. HOST_CFLAGS_tools/idlc/ := -Ibuild/gen/idlc).
host_objs = $(patsubst %.c,$(BUILD)/host/%.o,$(1))

$(BUILD)/host/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(HOST_CFLAGS_$(dir $<)) -c $< -o $@

# The host test harness, linked into every host unit test.
TAP_OBJ := $(BUILD)/host/tests/host/tap.o

# $(eval $(call host_test,NAME,SOURCES)): build/host/tests/NAME from SOURCES
# and the harness, registered as a host test.
define host_test
$(BUILD)/host/tests/$(1): $(call host_objs,$(2)) $(TAP_OBJ)
	$$(CC) $$(HOST_LDFLAGS) $$^ -o $$@
HOST_TESTS += $(BUILD)/host/tests/$(1)
endef

# The compilers' dependency files; not the ports' sources (build/ports: a
# package's own files, where a directory may be named *.d).
-include $(shell find $(BUILD) -path $(BUILD)/ports -prune -o -name '*.d' -type f -print 2>/dev/null)
