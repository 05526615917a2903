/*
 * sigaltstack.c - the alternate signal stack (<signal.h>: sigaltstack,
 * SA_ONSTACK): a handler installed with SA_ONSTACK runs on the stack the
 * program gave, when it gave one and is not running on it already (a
 * handler that interrupts one on it stays there).  signal.c runs the
 * handlers, in the thread the signal is delivered in; the program has one
 * alternate stack (POSIX has one per thread: the signal thread diverts the
 * main thread, so that is where other programs' signals run).  A program
 * that never calls sigaltstack does not link this file: signal.c calls it
 * through a weak reference.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>

#include "glue.h"
#include "sigstate.h"

static stack_t alt = { .ss_flags = SS_DISABLE };
static volatile int on_alt;

/* fn(arg) with the stack pointer at top (16-byte aligned, as the x86-64
 * ABI wants it before a call); back on the caller's stack afterwards. */
void libc_call_on_stack(void (*fn)(void *), void *arg, void *top);
__asm__(".text\n"
	".globl libc_call_on_stack\n"
	".type libc_call_on_stack, @function\n"
	"libc_call_on_stack:\n"
	"	push %rbp\n"
	"	mov %rsp, %rbp\n"
	"	mov %rdx, %rsp\n"
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	call *%rax\n"
	"	mov %rbp, %rsp\n"
	"	pop %rbp\n"
	"	ret\n"
	".size libc_call_on_stack, .-libc_call_on_stack\n");

int sigaltstack(const stack_t *restrict ss, stack_t *restrict old)
{
	if (ss && on_alt)
		return libc_fail(EPERM);   /* the handler running on it may not move it */
	if (ss && (ss->ss_flags & ~SS_DISABLE))
		return libc_fail(EINVAL);
	if (ss && !(ss->ss_flags & SS_DISABLE) && ss->ss_size < MINSIGSTKSZ)
		return libc_fail(ENOMEM);
	if (old) {
		*old = alt;
		old->ss_flags = on_alt ? SS_ONSTACK : alt.ss_flags;
	}
	if (ss && (ss->ss_flags & SS_DISABLE))
		alt = (stack_t){ .ss_flags = SS_DISABLE };
	else if (ss)
		alt = (stack_t){ .ss_sp = ss->ss_sp, .ss_size = ss->ss_size, .ss_flags = 0 };
	return 0;
}

/* Run the handler, run(arg), on the alternate stack if there is one to go
 * to: 1, else 0 (the caller runs it where it is). */
int libc_signal_on_altstack(void (*run)(void *), void *arg)
{
	if (alt.ss_flags & SS_DISABLE || on_alt)
		return 0;
	on_alt = 1;
	libc_call_on_stack(run, arg, (void *)(((uintptr_t)alt.ss_sp + alt.ss_size) & ~(uintptr_t)15));
	on_alt = 0;
	return 1;
}
