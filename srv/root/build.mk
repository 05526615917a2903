# srv/root: the root task, a boot program (the kernel starts it when its
# command line says `root`).  Its protocols are idl/rt/root.idl.

ROOT_SRCS := $(addprefix srv/root/,main.c handlers.c obj.c pages.c pool.c ds.c memory.c rom.c registry.c log.c \
	launcher.c config.c pci.c) $(LIB_ELF_SRCS) $(LIB_FPAGE_SRCS) $(RT_IDL_DIR)/root_server.c \
	$(patsubst %,$(RT_IDL_DIR)/%_server.c,dataspace memory rom registry process stream pci)
ROOT := $(BUILD)/srv/root
$(eval $(call boot_program,$(ROOT),$(ROOT_SRCS)))
$(patsubst %,$(BUILD)/user-obj/%.o,$(ROOT_SRCS)): | $(RT_IDL_HEADERS)
$(patsubst %,$(BUILD)/user-obj/%.o,$(ROOT_SRCS)): USER_CFLAGS += -Isrv/root
ALL += $(ROOT)
