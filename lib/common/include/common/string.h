/*
 * common/string.h - the memory and string routines freestanding code needs,
 * one copy for the kernel and for programs without newlib (lib/common:
 * mem.c and string.c).  gcc may emit calls to memcpy, memset, memmove and memcmp on
 * its own, so those keep the C library's names; the others are named
 * apart from the C library's (mica_), so that programs on newlib link them
 * too.
 */
#ifndef COMMON_STRING_H
#define COMMON_STRING_H

#include <stdbool.h>
#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

bool mica_streq(const char *a, const char *b);
size_t mica_strlen(const char *s);
/* Copy src into dst of `room` bytes, cut short if need be, always
 * terminated when room > 0. */
void mica_strlcpy(char *dst, const char *src, size_t room);

#endif
