/*
 * panic.h - the end of the kernel when one of its own invariants breaks.
 * Never for anything a user task can cause: that is an error code.
 */
#ifndef KERN_PANIC_H
#define KERN_PANIC_H

/* Print the reason, the registers, a backtrace with symbol names and the
 * thread list, then end the machine (under test: QEMU exits with failure). */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);
/* The two halves of panic(), for the architecture's fault handler, which
 * prints its own reason and registers between them. */
void panic_start(void);
__attribute__((noreturn)) void panic_finish(unsigned long rbp, unsigned long rip);

#define KASSERT(cond) \
	do { \
		if (!(cond)) \
			panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
	} while (0)

/* Symbol containing addr and the offset into it, from the table the build
 * links in; NULL when none. */
const char *ksym_lookup(unsigned long addr, unsigned long *offset);

#endif
