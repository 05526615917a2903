/*
 * sys/exception_signal.h - the signal POSIX gives a processor exception
 * (Mica's own, lib/libc/sigfault.c, docs/processes.md "Signals from
 * faults"): what the C library raises for a fault of its program, and
 * what the process server ends a program by when it faults before its C
 * library handles its exceptions.
 */
#ifndef _SYS_EXCEPTION_SIGNAL_H
#define _SYS_EXCEPTION_SIGNAL_H
#include <stdint.h>

/* The signal of exception `vector` (<mica/exception.h>) and its si_code
 * in *code: a page fault is SIGSEGV (SEGV_MAPERR: the C library tells
 * the other kinds apart), a general protection fault and any vector not
 * named SIGSEGV (code 0). */
int libc_exception_signal(uint64_t vector, int *code);

#endif
