/*
 * kstring.h - the few string and memory routines the freestanding kernel
 * needs.  gcc may also emit calls to memcpy/memset/memmove/memcmp itself,
 * so those names are provided too (kstring.c).
 */
#ifndef KERN_KSTRING_H
#define KERN_KSTRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#define kmemcpy memcpy
#define kmemset memset
#define kmemcmp memcmp
size_t kstrlen(const char *s);
int kstrcmp(const char *a, const char *b);
/* Copy at most size-1 characters and always terminate; returns strlen(src). */
size_t kstrlcpy(char *dst, const char *src, size_t size);

#endif
