/*
 * sys/stat.h - newlib's, and what it declares only for other systems but
 * Mica's C library provides (lib/libc/path.c, fsfile.c).
 */
#ifndef LIBC_SYS_STAT_H
#define LIBC_SYS_STAT_H

#include_next <sys/stat.h>

int lstat(const char *__restrict path, struct stat *__restrict st);

/* Special tv_nsec values for futimens and utimensat (Linux's). */
#ifndef UTIME_NOW
#define UTIME_NOW  ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)
#endif

#endif
