/*
 * stdio.h - newlib's, with getline and getdelim, which POSIX.1-2008 puts
 * here and newlib provides only as __getline and __getdelim
 * (lib/libc/getline.c).
 */
#ifndef LIBC_STDIO_H
#define LIBC_STDIO_H

#include_next <stdio.h>

#if __POSIX_VISIBLE >= 200809
ssize_t getline(char **__restrict line, size_t *__restrict cap, FILE *__restrict f);
ssize_t getdelim(char **__restrict line, size_t *__restrict cap, int delim, FILE *__restrict f);
#endif

#endif
