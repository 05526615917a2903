# lib/libc: the glue under newlib for Mica programs (newlib's system calls),
# and $(call newlib_program,OUT,SOURCES) for programs that use the C library.

include lib/newlib/build.mk

# lib/libc/include (a real <sys/dirent.h>, lstat in <sys/stat.h>, utime in
# <utime.h>, and what newlib leaves to the system: <sys/termios.h>,
# <sys/ioctl.h>) comes before newlib's headers.
LIBC_CFLAGS = $(filter-out -nostdinc -isystem $(GCC_INCLUDE),$(USER_CFLAGS)) -isystem $(abspath lib/libc/include) $(NEWLIB_CFLAGS)
# POSIX options the glue provides (time.c, sleep.c: clock_gettime,
# CLOCK_MONOTONIC, nanosleep) that newlib's sys/features.h declares only for
# RTEMS and Cygwin.
LIBC_CFLAGS += -D_POSIX_TIMERS=1 -D_POSIX_MONOTONIC_CLOCK=200112L
LIBC_GLUE := $(addprefix lib/libc/,errno.c fd.c stream.c romfile.c fsfile.c mman.c path.c heap.c memalign.c proc.c time.c sleep.c termios.c ioctl.c)
LIBC_GLUE_OBJS := $(patsubst %,$(BUILD)/libc-obj/%.o,$(LIBC_GLUE))

$(BUILD)/libc-obj/%.c.o: %.c $(NEWLIB_STAMP) | $(KERNEL_IDL_HEADERS) $(RT_IDL_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(LIBC_CFLAGS) -c $< -o $@

define newlib_program
$(1): $(patsubst %,$(BUILD)/libc-obj/%.o,$(2)) $(LIBC_GLUE_OBJS) $(LIBRT) $(LIBSERVER) $(LIBSYS) $(NEWLIB_STAMP)
	@mkdir -p $$(dir $$@)
	$$(LD) $$(USER_LDFLAGS) -e _start -o $$@ $$(filter %.o,$$^) --start-group $(NEWLIB_LIBS) $(LIBRT) $(LIBSERVER) $(LIBSYS) \
		$$(shell $$(CC) -print-libgcc-file-name) --end-group
endef
