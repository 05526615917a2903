/*
 * start.S - the entry of a boot program: the kernel starts it with rdi =
 * its module index and rsi = the KIP address (kern/bootstrap.c).  Align the
 * stack as the SysV ABI wants at a call and go to C.
 */
	.text
	.global _start
_start:
	xor %ebp, %ebp
	and $-16, %rsp
	call mica_start
	ud2
