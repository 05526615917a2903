/*
 * sys/ucontext.h - the context an SA_SIGINFO handler's third argument
 * points to (lib/libc/sigfault.c, docs/libc.md "Signals").
 *
 * For a signal from a fault it holds the faulting thread's registers, in
 * the order of the kernel's exception message (idl/kernel/exception.idl),
 * and the thread goes on with them as the handler leaves them: a handler
 * may step over the instruction (uc_mcontext.gregs[REG_RIP]) instead of
 * retrying it.  Only the arithmetic flags and DF of REG_EFL take effect.
 * For other signals the argument is NULL.  getcontext, setcontext,
 * makecontext and swapcontext are not provided.
 */
#ifndef LIBC_SYS_UCONTEXT_H
#define LIBC_SYS_UCONTEXT_H

#include <sys/signal.h>

#if __GNU_VISIBLE
/* Indices into gregs (glibc's names, Mica's order). */
enum {
	REG_RIP, REG_RSP, REG_EFL, REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI, REG_RBP,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};
#endif
#define NGREG 18

typedef long long greg_t;
typedef greg_t gregset_t[NGREG];

typedef struct {
	gregset_t gregs;
} mcontext_t;

typedef struct ucontext {
	struct ucontext *uc_link;   /* always NULL */
	sigset_t uc_sigmask;        /* the mask when the signal came (changing it changes nothing) */
	stack_t uc_stack;           /* the thread's alternate stack */
	mcontext_t uc_mcontext;
} ucontext_t;

#endif
