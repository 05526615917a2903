# lib/sys: the lowest user library (libsys.a): IPC, the kernel objects'
# stubs, threads, capability slots, error names, debug output.  Boot
# programs (started by the kernel itself, tests mostly) add the start-up
# code of libsys-boot.a; programs root starts use lib/rt's instead.

USER_CFLAGS += -Ilib/sys/include $(IDL_INCLUDE)
LIBSYS_SRCS := lib/sys/slot.c lib/sys/slot_drop.c lib/sys/cap.c lib/sys/debug.c $(LIB_STRING_SRCS) \
	lib/sys/strerror.c lib/sys/ipc.c lib/sys/thread.c lib/sys/thread_entry.S lib/sys/bootmem.c $(LIB_FMT_SRCS) $(KERNEL_IDL_CLIENT_SRCS) \
	$(KERNEL_IDL_TRACE_SRCS) $(KERNEL_IDL_USER_SERVER_SRCS)
LIBSYS := $(BUILD)/user/lib/libsys.a
LIBSYS_BOOT_SRCS := lib/sys/start.S lib/sys/start.c
LIBSYS_BOOT := $(BUILD)/user/lib/libsys-boot.a

$(BUILD)/user-obj/%.c.o: %.c | $(DEPS_STAMP) $(KERNEL_IDL_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c $< -o $@

$(BUILD)/user-obj/%.S.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c $< -o $@

# The archives depend on this fragment too: a source taken off a list must
# leave its archive (make alone rebuilds only for newer members).
$(LIBSYS): $(patsubst %,$(BUILD)/user-obj/%.o,$(LIBSYS_SRCS)) lib/sys/build.mk
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $(filter %.o,$^)

$(LIBSYS_BOOT): $(patsubst %,$(BUILD)/user-obj/%.o,$(LIBSYS_BOOT_SRCS)) lib/sys/build.mk
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $(filter %.o,$^)

# $(call boot_program,OUT,SOURCES[,ENTRY]): a static Mica program without
# newlib, entered at ENTRY (_start: libsys's start-up, which runs main).
define boot_program
$(1): $(patsubst %,$(BUILD)/user-obj/%.o,$(2)) $(LIBSYS_BOOT) $(LIBSERVER) $(LIBSYS)
	@mkdir -p $$(dir $$@)
	$$(LD) $$(USER_LDFLAGS) -e $(or $(3),_start) -o $$@ $$(filter %.o,$$^) --start-group $(LIBSYS_BOOT) $(LIBSERVER) $(LIBSYS) \
		--end-group
endef
