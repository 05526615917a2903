/*
 * arch_thread.h - the architecture's part of a thread: its kernel stack,
 * the stack pointer saved while it is switched out, its address space, its
 * x87/SSE state and its fs and gs (saved and restored on every switch: the
 * kernel itself never touches those registers).
 */
#ifndef KERN_ARCH_THREAD_H
#define KERN_ARCH_THREAD_H

#include <stdint.h>

#define ARCH_KSTACK_PAGES 2

struct arch_thread {
	uint8_t fpu[512] __attribute__((aligned(16)));   /* fxsave area */
	uint64_t ksp;        /* saved kernel stack pointer while switched out */
	uint64_t kstack;     /* physical address of the kernel stack (0: the boot stack) */
	uint64_t kstack_top; /* its top in the direct map (where the user frame ends) */
	uint64_t pml4;       /* page-table root to run in; 0 for kernel-only threads */
	union {              /* user gs base: the thread's UTCB until it loads gs */
		uint64_t gs_base;
		struct { uint32_t lo, hi; } gs_base32;
	};
	union {              /* user fs and gs selectors (the fs base is always 0) */
		uint32_t segs;
		struct { uint16_t fs, gs; } seg;
	};
};

/* ip, sp or flags of this value are left as they are (arch_thread_set_regs). */
#define ARCH_FLAGS_KEEP (~0ull)

/* Save the boot FPU state as the template for new threads. */
void arch_fpu_init(void);
/* A user thread starting at ip with stack sp and rdi = arg0, rsi = arg1. */
int arch_thread_init_user(struct arch_thread *a, uint64_t pml4, uint64_t ip, uint64_t sp, uint64_t arg0,
			  uint64_t arg1);
void arch_thread_fini(struct arch_thread *a);
/* Run in address space pml4 with the UTCB at user address utcb. */
void arch_thread_bind(struct arch_thread *a, uint64_t pml4, uint64_t utcb);
/* The user registers the thread returns to (its frame on its kernel stack). */
void arch_thread_get_regs(const struct arch_thread *a, uint64_t *ip, uint64_t *sp, uint64_t *flags);
/* May ip and sp (or ARCH_FLAGS_KEEP) be given to a user thread?  A
 * non-canonical one would fault on the way out, in the kernel. */
int arch_thread_regs_valid(uint64_t ip, uint64_t sp);
/* 0, or MICA_EINVAL for a non-canonical ip or sp (nothing is changed). */
int arch_thread_set_regs(struct arch_thread *a, uint64_t ip, uint64_t sp, uint64_t flags);
void arch_thread_set_args(struct arch_thread *a, uint64_t arg0, uint64_t arg1);
/* All user registers, in the order of idl/kernel/exception.idl's
 * user_regs: rip rsp rflags rax rbx rcx rdx rsi rdi rbp r8..r15. */
#define ARCH_USER_REGS 18
void arch_thread_get_user_regs(const struct arch_thread *a, uint64_t regs[ARCH_USER_REGS]);
int arch_thread_set_user_regs(struct arch_thread *a, const uint64_t regs[ARCH_USER_REGS]);
/* Switch from the running thread to `to` (returns when `from` runs again). */
void arch_thread_switch(struct arch_thread *from, struct arch_thread *to);

#endif
