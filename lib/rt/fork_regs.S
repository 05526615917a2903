/*
 * fork_regs.S - the registers a forked child resumes with (rt/rt.h): the
 * callee-saved ones, the stack pointer and the return address, as setjmp
 * saves them.  The child's thread starts in rt_fork_child_entry with its
 * stack pointer at the saved registers (in its copy of the stack) and
 * returns from rt_fork_save a second time, with 1.
 */
	.text
	.global rt_fork_save
rt_fork_save:
	mov %rbx, 0(%rdi)
	mov %rbp, 8(%rdi)
	mov %r12, 16(%rdi)
	mov %r13, 24(%rdi)
	mov %r14, 32(%rdi)
	mov %r15, 40(%rdi)
	lea 8(%rsp), %rax	/* the caller's stack pointer after the return */
	mov %rax, 48(%rdi)
	mov (%rsp), %rax	/* the return address */
	mov %rax, 56(%rdi)
	xor %eax, %eax
	ret

	.global rt_fork_child_entry
rt_fork_child_entry:
	mov %rsp, %rdi
	mov 0(%rdi), %rbx
	mov 8(%rdi), %rbp
	mov 16(%rdi), %r12
	mov 24(%rdi), %r13
	mov 32(%rdi), %r14
	mov 40(%rdi), %r15
	mov 48(%rdi), %rsp
	mov $1, %eax
	jmp *56(%rdi)
