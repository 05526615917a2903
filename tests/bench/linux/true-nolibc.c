/*
 * true-nolibc.c - the exec target of fork_exec_nolibc_wait: one exit
 * system call and nothing else (built with -nostdlib).
 */
void _start(void)
{
	__asm__ volatile("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");	/* exit(0) */
}
