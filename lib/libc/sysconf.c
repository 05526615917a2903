/*
 * sysconf.c - sysconf and getpagesize (<unistd.h>): the limits a program
 * asks for at run time, from the constants the glue itself works with.
 * A name Mica has no figure for is EINVAL, as POSIX says for an unknown one.
 */
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include <mica/types.h>

#include <idl/rt/proc.h>

#include "glue.h"

long sysconf(int name)
{
	switch (name) {
	case _SC_PAGESIZE:
		return MICA_PAGE_SIZE;
	case _SC_OPEN_MAX:
		return FD_MAX;
	case _SC_ARG_MAX:   /* Proc.spawn's arguments (the environment has as much again) */
		return PROC_SPAWN_ARGS_MAX;
	case _SC_CLK_TCK:   /* times() counts in these */
		return CLOCKS_PER_SEC;
	}
	errno = EINVAL;
	return -1;
}

int getpagesize(void)
{
	return MICA_PAGE_SIZE;
}
