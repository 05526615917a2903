/*
 * trap.h - the register frame every kernel entry (exception, interrupt,
 * syscall) pushes on the thread's kernel stack, and the trap handlers.
 */
#ifndef KERN_ARCH_TRAP_H
#define KERN_ARCH_TRAP_H

#include <stdint.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	/* pushed by the CPU (or built alike by the syscall entry) */
	uint64_t rip, cs, rflags, rsp, ss;
};

#define VEC_DIVIDE 0
#define VEC_DEBUG 1
#define VEC_NMI 2
#define VEC_BREAKPOINT 3
#define VEC_INVALID_OP 6
#define VEC_DOUBLE_FAULT 8
#define VEC_GP 13
#define VEC_PAGE_FAULT 14
#define VEC_TIMER 32
#define VEC_IRQ_BASE 48      /* IO-APIC lines are vectors 48.. */
#define VEC_SPURIOUS 255
#define VEC_SYSCALL 256      /* frame->vector of a syscall entry */

#define GDT_KCODE 0x08
#define GDT_KDATA 0x10
#define GDT_UDATA 0x23       /* user data, RPL 3 */
#define GDT_UCODE 0x2b       /* user 64-bit code, RPL 3 */
#define GDT_TSS 0x30

static inline int trap_from_user(const struct trap_frame *f)
{
	return (f->cs & 3) == 3;
}

void trap_init(void);                 /* GDT, TSS, IDT, syscall MSRs */
void trap_set_kernel_stack(uint64_t top);
void trap_frame_dump(const struct trap_frame *f);

#endif
