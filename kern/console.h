/*
 * console.h - kernel console output (COM1) with printf formatting.
 */
#ifndef KERN_CONSOLE_H
#define KERN_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
void kputs_n(const char *s, size_t n);
/* Text from a user program: it cannot pass for the kernel's (console.c). */
void kputs_user(const char *s, size_t n);

#endif
