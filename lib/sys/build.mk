# lib/sys: the lowest user library.  For now the start-up code, kernel
# debug output and error names of boot programs that run without newlib
# (libsys-boot.a).

USER_CFLAGS += -Ilib/sys/include -Ilib/fmt -I$(KERNEL_IDL_DIR)
LIBSYS_BOOT_SRCS := lib/sys/start.S lib/sys/start.c lib/sys/debug.c lib/sys/string.c \
	lib/sys/strerror.c lib/sys/ipc.c lib/sys/thread.c lib/sys/thread_entry.S lib/sys/bootmem.c lib/fmt/fmt.c $(KERNEL_IDL_CLIENT_SRCS) \
	$(KERNEL_IDL_TRACE_SRCS) $(KERNEL_IDL_USER_SERVER_SRCS)
LIBSYS_BOOT := $(BUILD)/user/lib/libsys-boot.a

$(BUILD)/user-obj/%.c.o: %.c | $(DEPS_STAMP) $(KERNEL_IDL_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c $< -o $@

$(BUILD)/user-obj/%.S.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c $< -o $@

$(LIBSYS_BOOT): $(patsubst %,$(BUILD)/user-obj/%.o,$(LIBSYS_BOOT_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

# $(call boot_program,OUT,SOURCES): a static Mica program without newlib.
define boot_program
$(1): $(patsubst %,$(BUILD)/user-obj/%.o,$(2)) $(LIBSYS_BOOT)
	@mkdir -p $$(dir $$@)
	$$(LD) $$(USER_LDFLAGS) -e _start -o $$@ $$(filter %.o,$$^) --start-group $(LIBSYS_BOOT) --end-group
endef
