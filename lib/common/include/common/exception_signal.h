/*
 * common/exception_signal.h - the signal an x86-64 exception of a user
 * thread stands for (docs/processes.md, "Signals from faults"), one table
 * for every side that turns one into the other: the C library, which
 * delivers the signal (lib/libc/sigfault.c, which adds si_code), and root,
 * which ends a program it started with 128 + the signal as its status
 * (srv/root/launcher.c).
 *
 * The numbers are the C library's <signal.h> (newlib's), which root, built
 * without it, cannot include: sigfault.c checks that they agree.
 */
#ifndef COMMON_EXCEPTION_SIGNAL_H
#define COMMON_EXCEPTION_SIGNAL_H

#include <stdint.h>

#include <mica/exception.h>

enum exception_signal_number {
	EXC_SIGILL = 4,
	EXC_SIGTRAP = 5,
	EXC_SIGFPE = 8,
	EXC_SIGBUS = 10,
	EXC_SIGSEGV = 11,
};

static inline int exception_signal(uint64_t vector)
{
	switch (vector) {
	case MICA_EXC_DIVIDE:
	case MICA_EXC_OVERFLOW:
	case MICA_EXC_X87:
	case MICA_EXC_SIMD:
		return EXC_SIGFPE;
	case MICA_EXC_INVALID_OPCODE:
		return EXC_SIGILL;
	case MICA_EXC_DEBUG:
	case MICA_EXC_BREAKPOINT:
		return EXC_SIGTRAP;
	case MICA_EXC_ALIGNMENT:
	case MICA_EXC_STACK_SEGMENT:
		return EXC_SIGBUS;
	default:   /* a page fault, general protection (a privileged instruction, a non-canonical address) */
		return EXC_SIGSEGV;
	}
}

#endif
