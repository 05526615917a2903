/*
 * sysconf.c - the limits a program asks for at run time (<unistd.h>):
 * sysconf, pathconf and fpathconf, getpagesize, from the constants the glue
 * and the servers work with.  A name Mica has no figure for is EINVAL, as
 * POSIX says for a name that is not valid: better a caller's fallback than
 * a made-up limit.
 */
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mica/fs.h>
#include <mica/pipe.h>
#include <mica/types.h>

#include <idl/rt/proc.h>

#include "glue.h"
#include "timer.h"

/* <limits.h> says it too (include/sys/syslimits.h), and spawn.c packs to
 * the protocol's bound. */
_Static_assert(ARG_MAX == PROC_SPAWN_ARGS_MAX, "ARG_MAX is what Proc.spawn carries of argv and envp together");

long sysconf(int name)
{
	switch (name) {
	case _SC_PAGESIZE:
		return MICA_PAGE_SIZE;
	case _SC_OPEN_MAX:
		return FD_MAX;
	case _SC_ARG_MAX:   /* Proc.spawn's arguments and environment together */
		return ARG_MAX;
	case _SC_CLK_TCK:   /* times() counts in these */
		return CLOCKS_PER_SEC;
	case _SC_MONOTONIC_CLOCK:   /* time.c */
		return _POSIX_MONOTONIC_CLOCK;
	case _SC_CPUTIME:           /* cputime.c */
		return _POSIX_CPUTIME;
	case _SC_THREAD_CPUTIME:
		return _POSIX_THREAD_CPUTIME;
	case _SC_TIMERS:            /* posix_timer.c */
		return _POSIX_TIMERS;
	case _SC_TIMER_MAX:
		return LIBC_TIMER_MAX;
	case _SC_DELAYTIMER_MAX:    /* timer_getoverrun's count stops there */
		return INT_MAX;
	}
	errno = EINVAL;
	return -1;
}

/* The same for every file: the names of the file system protocol, the
 * paths the glue resolves, the pipes' untorn writes. */
static long file_limit(int name)
{
	switch (name) {
	case _PC_NAME_MAX:
		return MICA_FS_NAME_MAX;
	case _PC_PATH_MAX:
		return PATH_MAX;
	case _PC_PIPE_BUF:
		return MICA_PIPE_BUF;
	}
	errno = EINVAL;
	return -1;
}

long pathconf(const char *path, int name)
{
	struct stat st;

	return stat(path, &st) < 0 ? -1 : file_limit(name);
}

long fpathconf(int fd, int name)
{
	struct stat st;

	return fstat(fd, &st) < 0 ? -1 : file_limit(name);
}

int getpagesize(void)
{
	return MICA_PAGE_SIZE;
}
