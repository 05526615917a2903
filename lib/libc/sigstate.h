/*
 * sigstate.h - the program's signal state, which signal.c keeps and
 * sigdeliver.c shares (docs/libc.md "Signals").
 */
#ifndef LIBC_SIGSTATE_H
#define LIBC_SIGSTATE_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include <libsys/ipc.h>
#include <mica/ipc.h>

#define LIBC_SIG_BIT(sig) (1ul << (sig))
#define LIBC_SIG_UNBLOCKABLE (LIBC_SIG_BIT(SIGKILL) | LIBC_SIG_BIT(SIGSTOP))

/* The actions are the program's; each thread has its own mask and the
 * signals sent to it alone (struct pthread's blocked and pending); the
 * program's pending set holds those sent to the program (by other
 * programs, a timer), which any thread that does not block them takes. */
extern struct sigaction libc_sig_actions[NSIG];
/* The signals the actions ignore (SIG_IGN), bit n for signal n, as
 * Proc.sigstate and the exec's entry have them. */
uint32_t libc_sig_ignored(void);
extern sigset_t libc_sig_pending;                 /* every thread's: atomic */
extern siginfo_t libc_sig_infos[NSIG];            /* of each signal pending in it */
extern volatile int libc_sig_interrupted;         /* a handler without SA_RESTART ran in this diversion */
/* sigwait.c's waiters, whom libc_signal_make_pending wakes: the set the
 * main thread waits for and its wait irq; the count of signals made
 * pending, on which other threads wait (futex.c), and how many do. */
extern volatile sigset_t libc_sig_waited;
extern mica_cap_t libc_sig_wait_irq;
extern volatile int libc_sig_arrivals;
extern volatile int libc_sig_thread_waiters;

int libc_signal_valid(int sig);
int libc_signal_ignored_by_default(int sig);
/* The pending signals the calling thread's mask lets through, lowest
 * first: its own, then the program's (each taken off the program's set by
 * whichever thread gets it first). */
void libc_signal_deliver_pending(void);
/* Sent to the program by itself (kill of its own pid, its group, all):
 * the caller takes it before kill returns when its mask lets it through,
 * else the signal thread gives it to a thread that does. */
void libc_signal_to_program(int sig);
/* Signal sig pending for the program, with its siginfo_t's fields; a
 * sigwait for it woken. */
void libc_signal_make_pending(int sig, pid_t from, int code, int status);
/* sig was made pending (the pending bit set, sequentially consistent):
 * wake a sigwait for it (sigwait.c). */
void libc_signal_wake_waiters(int sig);
/* Run sig's handler (a caught one) with info (and ctx, SA_SIGINFO's third
 * argument): the action's mask and sig blocked meanwhile, SA_RESETHAND
 * and SA_SIGINFO honoured. */
void libc_signal_run_handler(int sig, const siginfo_t *info, void *ctx);
/* End the program by sig's default action (the process server ends it,
 * else it exits with 128 + sig). */
__attribute__((noreturn)) void libc_signal_die(int sig);

/* sigdeliver.c: tell the process server what the program catches and
 * ignores (when that changed); wake the signal thread, started if need
 * be, to look at the timers again (timer.c). */
void libc_signal_tell(void);
int libc_signal_poke(void);
/* SIGCHLD's SA_NOCLDSTOP and SA_NOCLDWAIT as Proc.sigstate's flags. */
uint32_t libc_sigchld_flags(void);

/* The words of a thread's UTCB (struct mica_utcb's user[]) the C library
 * keeps: its struct pthread (pthread.c; 0 for the main thread), its
 * alternate signal stack (sigaltstack: base and size, size 0 when it has
 * none), where a signal handler that ran for a fault returns to
 * (sigfault.c's return path jumps through it) and how many signal
 * handlers have run on the thread (signal.c). */
#define LIBC_UTCB_PTHREAD 0
#define LIBC_UTCB_ALTSTACK_SP 1
#define LIBC_UTCB_ALTSTACK_SIZE 2
#define LIBC_UTCB_FAULT_RETURN 3
#define LIBC_UTCB_HANDLERS 4

/* The count of signal handlers run on the calling thread: a wait that
 * sees it change ends with EINTR (sleep.c, poll.c, sigsuspend).  A
 * signal interrupts only the thread it is delivered to (POSIX): a
 * handler run on another thread (a fault there, its raise, a
 * pthread_kill to it, a signal to the program that it took) does not
 * count here. */
static inline unsigned long libc_signal_handlers_here(void)
{
	return __atomic_load_n(&mica_utcb()->user[LIBC_UTCB_HANDLERS], __ATOMIC_ACQUIRE);
}

/* A fault the region mapper made a signal (sigfault.c): the thread's
 * registers as the kernel gave them (struct user_regs' order: rip, rsp,
 * rflags, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8..r15) and the signal.  The
 * region mapper writes it into the faulting thread's UTCB page past the
 * kernel's part (MICA_UTCB_SIZE), where nothing can fault; the thread
 * copies it onto the stack its handler runs on. */
struct libc_fault_record {
	uint64_t regs[18];
	int64_t sig, code;
	uint64_t addr, pad;   /* a multiple of 16 bytes */
};
#define LIBC_FAULT_RECORD_WORDS 22

/* sigfault.c: the top of the calling thread's alternate signal stack
 * (16-byte aligned) when it has one and is not running on it, else NULL;
 * fn(arg) run with the stack pointer at top, back on the caller's stack
 * afterwards. */
void *libc_altstack_top(void);
void libc_call_on_stack(void (*fn)(void *), void *arg, void *top);

#endif
