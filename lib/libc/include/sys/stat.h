/*
 * sys/stat.h - newlib's, and what it declares only for other systems but
 * Mica's C library provides (lib/libc/path.c).
 */
#ifndef LIBC_SYS_STAT_H
#define LIBC_SYS_STAT_H

#include_next <sys/stat.h>

int lstat(const char *__restrict path, struct stat *__restrict st);

#endif
