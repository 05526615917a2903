# lib/libc: the glue under newlib for Mica programs (newlib's system calls),
# and $(call newlib_program,OUT,SOURCES) for programs that use the C library.

include lib/newlib/build.mk

LIBC_CFLAGS = $(filter-out -nostdinc -isystem $(GCC_INCLUDE),$(USER_CFLAGS)) $(NEWLIB_CFLAGS)
LIBC_GLUE := lib/libc/syscalls.c
LIBC_GLUE_OBJS := $(patsubst %,$(BUILD)/libc-obj/%.o,$(LIBC_GLUE))

$(BUILD)/libc-obj/%.c.o: %.c $(NEWLIB_STAMP) | $(KERNEL_IDL_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(LIBC_CFLAGS) -c $< -o $@

define newlib_program
$(1): $(patsubst %,$(BUILD)/libc-obj/%.o,$(2)) $(LIBC_GLUE_OBJS) $(LIBSYS_BOOT) $(NEWLIB_STAMP)
	@mkdir -p $$(dir $$@)
	$$(LD) $$(USER_LDFLAGS) -e _start -o $$@ $$(filter %.o,$$^) --start-group $(NEWLIB_LIBS) $(LIBSYS_BOOT) \
		$$(shell $$(CC) -print-libgcc-file-name) --end-group
endef
