# lib/libc: the glue under newlib for Mica programs (newlib's system calls),
# and $(call newlib_program,OUT,SOURCES) for programs that use the C library.

include lib/newlib/build.mk

# lib/libc/include (a real <sys/dirent.h>, lstat in <sys/stat.h>, utime in
# <utime.h>, and what newlib leaves to the system: <sys/termios.h>,
# <sys/ioctl.h>, <sys/statvfs.h>) comes before newlib's headers.
LIBC_CFLAGS = $(filter-out -nostdinc -isystem $(GCC_INCLUDE),$(USER_CFLAGS)) -isystem $(abspath lib/libc/include) $(NEWLIB_CFLAGS)
# POSIX options the glue provides (time.c, sleep.c: clock_gettime,
# CLOCK_MONOTONIC, nanosleep) that newlib's sys/features.h declares only for
# RTEMS and Cygwin.
LIBC_CFLAGS += -D_POSIX_TIMERS=1 -D_POSIX_MONOTONIC_CLOCK=200112L
# POSIX threads (pthread*.c, sem.c; docs/libc.md "Threads"): newlib's
# headers declare them only with these.
LIBC_CFLAGS += -D_POSIX_THREADS=200809L -D_POSIX_TIMEOUTS=200809L -D_POSIX_BARRIERS=200809L \
	-D_POSIX_SPIN_LOCKS=200809L -D_POSIX_READER_WRITER_LOCKS=200809L -D_POSIX_SEMAPHORES=200809L
# clock_nanosleep (clock_nanosleep.c).
LIBC_CFLAGS += -D_POSIX_CLOCK_SELECTION=200809L
# The CPU-time clocks (cputime.c): CLOCK_PROCESS_CPUTIME_ID,
# CLOCK_THREAD_CPUTIME_ID, clock_getcpuclockid, pthread_getcpuclockid.
LIBC_CFLAGS += -D_POSIX_CPUTIME=200809L -D_POSIX_THREAD_CPUTIME=200809L
LIBC_GLUE := $(addprefix lib/libc/,errno.c fd.c service.c stream.c pipe.c romfile.c devnull.c fsfile.c reclock.c mman.c path.c realpath.c heap.c memalign.c proc.c signal.c sigdeliver.c sigwait.c sigexec.c sigfault.c itimer.c timer.c sigxsi.c shm.c procsrv.c spawn.c fork.c inherit.c shell.c time.c cputime.c sleep.c termios.c ttyjob.c ioctl.c getline.c user.c userdb.c passwd.c group.c notifier.c poll.c pidfd.c sysconf.c strspn.c)
# memcpy, memmove, memset and memcmp are lib/common's (rep movsq and
# stosq), not newlib's: newlib's x86-64 memcpy moves 128 bytes in 38
# instructions, rep movsq in 16 (each repetition one instruction under
# icount), so a 64 KiB copy costs 8,200 instructions instead of 19,500.
LIBC_GLUE += $(LIB_MEM_SRCS)
LIBC_GLUE += $(addprefix lib/libc/,futex.c pthread.c pthread_attr.c pthread_mutex.c pthread_cond.c pthread_rwlock.c \
	pthread_once.c pthread_key.c pthread_barrier.c pthread_spin.c pthread_cancel.c pthread_sched.c pthread_atfork.c sem.c newlib_lock.c \
	flockfile.c clock_nanosleep.c posix_timer.c)
LIBC_GLUE_OBJS := $(patsubst %,$(BUILD)/libc-obj/%.o,$(LIBC_GLUE))
# The glue is an archive, so that a program links only the parts it uses.
# LIBC_LIBS is what a program on the C library links in one --start-group
# (the glue first, so that its memcpy is taken over newlib's; libposix
# before libc, so that what its members need comes from newlib and not
# from an archive later in the group, such as libsys),
# with LIBC_LDFLAGS: -u mica_start_exit brings in the glue's exit (proc.c:
# atexit handlers, stdio flushed) over lib/rt's weak default, which a
# program whose main returns would otherwise keep.
LIBC_GLUE_LIB := $(BUILD)/libc-obj/libmica-c.a
LIBC_LIBS := $(LIBC_GLUE_LIB) $(NEWLIB_POSIX_LIB) $(NEWLIB_LIBS)
LIBC_LDFLAGS := -u mica_start_exit
# -u rt_fault_signal: every program's faults become signals (sigfault.c),
# which lib/rt's region mapper asks for by a weak reference.
LIBC_LDFLAGS += -u rt_fault_signal
# newlib's per-thread reentrancy structure and its locks (pthread.c,
# newlib_lock.c) must be the glue's, asked for before newlib's defaults
# (libc/reent/getreent.c, libc/misc/lock.c) can be taken.
LIBC_LDFLAGS += -u __getreent -u __retarget_lock_acquire_recursive
$(LIBC_GLUE_LIB): $(LIBC_GLUE_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/libc-obj/%.c.o: %.c $(NEWLIB_STAMP) | $(KERNEL_IDL_HEADERS) $(RT_IDL_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(LIBC_CFLAGS) -c $< -o $@

define newlib_program
$(1): $(patsubst %,$(BUILD)/libc-obj/%.o,$(2)) $(LIBC_LIBS) $(LIBRT) $(LIBSERVER) $(LIBSYS) $(NEWLIB_STAMP)
	@mkdir -p $$(dir $$@)
	$$(LD) $$(USER_LDFLAGS) $(LIBC_LDFLAGS) -e _start -o $$@ $$(filter %.o,$$^) --start-group $(LIBC_LIBS) $(LIBRT) $(LIBSERVER) $(LIBSYS) \
		$$(shell $$(CC) -print-libgcc-file-name) --end-group
endef
# What programs such as toybox include and call (docs/libc.md): the *at
# calls, uname and gethostname,
# syslog to standard error, readv/writev, statfs, IPv4 addresses as text,
# a mount table (mntent), and sockets, pseudo-terminals, mount and
# extended attributes and inotify failing cleanly.
LIBC_TOYBOX_GLUE := $(addprefix lib/libc/,uname.c syslog.c uio.c statfs.c inet.c socket.c pty.c xattr.c mntent.c inotify.c at.c settimeofday.c)
LIBC_GLUE += $(LIBC_TOYBOX_GLUE)
LIBC_GLUE_OBJS += $(patsubst %,$(BUILD)/libc-obj/%.o,$(LIBC_TOYBOX_GLUE))
$(LIBC_GLUE_LIB): $(patsubst %,$(BUILD)/libc-obj/%.o,$(LIBC_TOYBOX_GLUE))
