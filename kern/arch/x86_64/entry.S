/*
 * entry.S - every way into and out of the kernel: the 256 interrupt and
 * exception stubs, the syscall entry, the return paths and the kernel
 * stack switch.  All entries build a struct trap_frame (trap.h) on the
 * current thread's kernel stack; gs points at the per-CPU block in the
 * kernel (swapgs on every crossing from and to user mode).
 */
#include "x86_defs.h"

.macro SAVE_REGS
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
.endm

.macro RESTORE_REGS
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
.endm

/* 256 stubs of 16 bytes each: push a zero error code where the CPU pushes
 * none, push the vector number, go to the common path. */
	.text
	.align 16
vectors_start:
	.set vec, 0
	.rept 256
	.align 16
	.if (vec == VEC_DOUBLE_FAULT || vec == VEC_INVALID_TSS || vec == VEC_SEGMENT_NP || vec == VEC_STACK_FAULT || vec == VEC_GP || vec == VEC_PAGE_FAULT || vec == VEC_ALIGNMENT || vec == VEC_CONTROL_PROT || vec == VEC_VMM_COMM || vec == VEC_SECURITY)
	.else
	push $0
	.endif
	push $vec
	jmp trap_common
	.set vec, vec + 1
	.endr

	.section .rodata
	.global trap_vectors
	.align 8
trap_vectors:
	.set i, 0
	.rept 256
	.quad vectors_start + i * 16
	.set i, i + 1
	.endr

	.text
trap_common:
	.global smap_clac_entry
smap_clac_entry:
	clac                      /* user code may have set AC: SMAP on (trap.c) */
	testb $3, 24(%rsp)        /* cs: coming from user mode? */
	jz 1f
	swapgs
1:	SAVE_REGS
	xor %ebp, %ebp
	mov %rsp, %rdi
	cld
	call trap_handler
	.global trap_return
trap_return:
	RESTORE_REGS
	add $16, %rsp             /* vector, error */
	testb $3, 8(%rsp)
	jz 2f
	swapgs
2:	iretq

/* syscall: rcx = user rip, r11 = user rflags, interrupts masked by SFMASK. */
	.global syscall_entry
syscall_entry:
	swapgs
	mov %rsp, %gs:CPU_USER_RSP
	mov %gs:CPU_KSTACK_TOP, %rsp
	push $GDT_UDATA            /* ss */
	push %gs:CPU_USER_RSP
	push %r11                 /* rflags */
	push $GDT_UCODE            /* cs */
	push %rcx                 /* rip */
	push $0
	push $VEC_SYSCALL
	/* Only what C code may clobber (and rbp, zeroed for backtraces) goes
	 * into the frame.  rbx and r12..r15 stay in their registers, which the
	 * C code preserves; rcx and r11 are the instruction's (rip, rflags).
	 * Their slots are filled only if the frame must be complete (below). */
	push %rax
	sub $16, %rsp             /* rbx, rcx */
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	sub $40, %rsp             /* r11..r15 */
	xor %ebp, %ebp
	mov %rsp, %rdi            /* (DF is clear: SFMASK) */
	call syscall_handler
	/* Back by sysret unless the frame's ip is not a user address (then
	 * iret, which faults in user mode instead of in the kernel). */
	mov FRAME_RIP(%rsp), %rcx
	shr $47, %rcx
	jnz 3f
	add $40, %rsp
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	add $16, %rsp
	pop %rax
	add $16, %rsp
	mov (%rsp), %rcx          /* rip */
	mov 16(%rsp), %r11        /* rflags */
	mov 24(%rsp), %rsp
	swapgs
	sysretq
3:	/* iret restores every register: complete the frame, with rcx and r11
	 * as sysret would leave them (no kernel value reaches user mode). */
	mov %r15, 0(%rsp)
	mov %r14, 8(%rsp)
	mov %r13, 16(%rsp)
	mov %r12, 24(%rsp)
	mov %rbx, 13 * 8(%rsp)
	mov FRAME_RIP(%rsp), %rcx
	mov %rcx, 12 * 8(%rsp)
	mov FRAME_RFLAGS(%rsp), %r11
	mov %r11, 4 * 8(%rsp)
	jmp trap_return

/* arch_context_switch(uint64_t *save_ksp, uint64_t load_ksp): callee-saved
 * registers on the old stack, then the new stack's. */
	.global arch_context_switch
arch_context_switch:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret

/* A new thread's first switch returns here, onto its prepared frame. */
	.global thread_first_return
thread_first_return:
	jmp trap_return

/* int arch_user_copy(void *dst, const void *src, size_t n): 0, or 1
 * when a user page is missing (the caller names the error); the fault handler moves
 * a fault at user_copy_insn to user_copy_fault.  The only kernel access
 * to user addresses: between stac and clac, SMAP lets it through (on a
 * CPU without SMAP the three are nops, trap.c). */
	.global arch_user_copy, user_copy_insn, user_copy_fault
	.global smap_stac_copy, smap_clac_copy, smap_clac_fault
arch_user_copy:
	mov %rdx, %rcx
smap_stac_copy:
	stac
user_copy_insn:
	rep movsb
smap_clac_copy:
	clac
	xor %eax, %eax
	ret
user_copy_fault:
smap_clac_fault:
	clac
	mov $1, %eax
	ret
