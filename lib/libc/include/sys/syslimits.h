/*
 * sys/syslimits.h - newlib's (which <limits.h> includes), with Mica's
 * ARG_MAX: what posix_spawn and execve carry of arguments and environment
 * together, the process server's bound (idl/rt/proc.idl; sysconf.c checks
 * the two agree).  newlib's figure is a BSD's.
 */
#ifndef LIBC_SYS_SYSLIMITS_H
#define LIBC_SYS_SYSLIMITS_H

#include_next <sys/syslimits.h>

#undef ARG_MAX
#define ARG_MAX 16384

#endif
