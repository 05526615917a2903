/*
 * utime.h - newlib's struct utimbuf, and utime, which newlib leaves to
 * each system and Mica's C library provides (lib/libc/path.c).
 */
#ifndef LIBC_UTIME_H
#define LIBC_UTIME_H

#include_next <utime.h>

int utime(const char *path, const struct utimbuf *times);

#endif
