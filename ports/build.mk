# ports/: programs nobody here wrote, built from their Debian source packages
# with tools/mica-cc and installed on the disk of `make run` (docs/ports.md).
# One directory per port with its recipe (and its .patch files, if any).
PORTS := lua mawk bc sqlite3 dash toybox
PORT_STAMPS := $(patsubst %,$(BUILD)/ports/%/.stamp,$(PORTS))
# A port's install tree: what the disk image takes of it.
PORT_ROOTS := $(patsubst %,$(BUILD)/ports/%/root,$(PORTS))

define port_rule
$(BUILD)/ports/$(1)/.stamp: ports/$(1)/recipe $(wildcard ports/$(1)/*.patch ports/$(1)/config) tools/port tools/mica-cc \
		$(LIBC_LIBS) $(LIBRT) $(LIBSERVER) $(LIBSYS) $(NEWLIB_STAMP) | $(KERNEL_IDL_HEADERS) $(RT_IDL_HEADERS)
	tools/port $(1) $(BUILD)
endef
$(foreach p,$(PORTS),$(eval $(call port_rule,$(p))))
ALL += $(PORT_STAMPS)
