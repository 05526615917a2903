/*
 * libsys/debug.h - output and exit through the kernel debug interface, for
 * programs that run before (or without) the console server and the C
 * library: boot tests and the runtime's own start-up.
 */
#ifndef LIBSYS_DEBUG_H
#define LIBSYS_DEBUG_H

#include <stddef.h>

/* Print with the Log capability in slot MICA_BOOT_LOG (silently nothing
 * without one): a formatted line (or part of one) of up to
 * MICA_DEBUG_PRINT_MAX bytes in one kernel call, so that the output of two
 * programs never mixes inside it; longer text in several. */
int mica_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mica_print(const char *s, size_t len);
__attribute__((noreturn)) void mica_exit(int status);

#endif
