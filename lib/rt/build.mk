# lib/rt: the runtime of programs root's launcher starts (rt/rt.h): start-up
# code, named capabilities, the region mapper, the protocols' client stubs.
# $(call newlib_program,...) (lib/libc/build.mk) links it.

USER_CFLAGS += -Ilib/rt/include
LIBRT_SRCS := lib/rt/start.S lib/rt/start.c lib/rt/env.c lib/rt/rm.c lib/rt/thread.c lib/rt/fork.c lib/rt/fork_regs.S $(LIB_FPAGE_SRCS) \
	$(RT_IDL_CLIENT_SRCS) $(RT_IDL_DIR)/region_map_server.c
LIBRT := $(BUILD)/user/lib/librt.a

$(patsubst %,$(BUILD)/user-obj/%.o,$(LIBRT_SRCS)): | $(RT_IDL_HEADERS)

$(LIBRT): $(patsubst %,$(BUILD)/user-obj/%.o,$(LIBRT_SRCS)) lib/rt/build.mk
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $(filter %.o,$^)

# $(call rt_program,OUT,SOURCES): a program root starts, without newlib
# (servers and tests that need only libsys and the runtime).
define rt_program
$(1): $(patsubst %,$(BUILD)/user-obj/%.o,$(2)) $(LIBRT) $(LIBSERVER) $(LIBSYS)
	@mkdir -p $$(dir $$@)
	$$(LD) $$(USER_LDFLAGS) -e _start -o $$@ $$(filter %.o,$$^) --start-group $(LIBRT) $(LIBSERVER) $(LIBSYS) \
		--end-group
endef

# Boot configurations: CFG.cfg becomes $(BUILD)/cfg/CFG/boot.cfg, since root
# looks for the boot file of that name.
$(BUILD)/cfg/%/boot.cfg: tests/qemu/%.cfg
	@mkdir -p $(dir $@)
	cp $< $@
