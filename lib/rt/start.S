/*
 * start.S - the entry of a program that root's launcher started: the stack
 * pointer points at argc, argv, envp and auxv (System V x86-64 psABI
 * §3.4.1).  Hand that pointer to C on an aligned stack.
 */
	.text
	.global _start
_start:
	xor %ebp, %ebp
	mov %rsp, %rdi
	and $-16, %rsp
	call rt_start
	ud2
