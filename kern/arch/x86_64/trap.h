/*
 * trap.h - the register frame every kernel entry (exception, interrupt,
 * syscall) pushes on the thread's kernel stack, and the trap handlers.
 */
#ifndef KERN_ARCH_TRAP_H
#define KERN_ARCH_TRAP_H

#include <stddef.h>
#include <stdint.h>

#include "x86_defs.h"

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	/* pushed by the CPU (or built alike by the syscall entry) */
	uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(offsetof(struct trap_frame, rip) == FRAME_RIP, "x86_defs.h");
_Static_assert(offsetof(struct trap_frame, cs) == FRAME_CS, "x86_defs.h");
_Static_assert(offsetof(struct trap_frame, rflags) == FRAME_RFLAGS, "x86_defs.h");
_Static_assert(offsetof(struct trap_frame, rsp) == FRAME_RSP, "x86_defs.h");


static inline int trap_from_user(const struct trap_frame *f)
{
	return (f->cs & 3) == 3;
}

void trap_init(void);                 /* GDT, TSS, IDT, syscall MSRs */
void trap_set_kernel_stack(uint64_t top);
void trap_frame_dump(const struct trap_frame *f);

#endif
