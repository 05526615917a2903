/*
 * common/fmt.h - the printf engine shared by the kernel's console, early user
 * programs and the host tests.  Freestanding: output goes one character at
 * a time to a callback, so the same code serves a UART and a buffer.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, with flags '-', '0', ' ',
 * '+', '#', a width and precision (numbers or '*'), and the length
 * modifiers hh h l ll z t j.
 */
#ifndef COMMON_FMT_H
#define COMMON_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_put_fn)(void *ctx, char c);

/* Format to put(); returns the number of characters produced. */
int fmt_vformat(fmt_put_fn put, void *ctx, const char *fmt, va_list ap);

/* snprintf-like: always NUL-terminates when size > 0; returns the full length. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
