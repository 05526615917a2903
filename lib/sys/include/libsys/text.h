/*
 * libsys/text.h - the few string routines freestanding programs need (root,
 * the runtime, boot programs), named apart from the C library's so that
 * programs on newlib can link them too.
 */
#ifndef LIBSYS_TEXT_H
#define LIBSYS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

bool mica_streq(const char *a, const char *b);
size_t mica_strlen(const char *s);
/* Copy src into dst of `room` bytes, cut short if need be, always
 * terminated when room > 0. */
void mica_strlcpy(char *dst, const char *src, size_t room);

#endif
