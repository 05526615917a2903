/*
 * sigstate.h - the program's signal state, which signal.c keeps and
 * sigdeliver.c shares (docs/libc.md "Signals").
 */
#ifndef LIBC_SIGSTATE_H
#define LIBC_SIGSTATE_H

#include <signal.h>
#include <sys/types.h>

#define LIBC_SIG_BIT(sig) (1ul << (sig))
#define LIBC_SIG_UNBLOCKABLE (LIBC_SIG_BIT(SIGKILL) | LIBC_SIG_BIT(SIGSTOP))

extern struct sigaction libc_sig_actions[NSIG];
extern volatile sigset_t libc_sig_blocked;        /* the main thread's; the signal thread reads it */
extern sigset_t libc_sig_pending;                 /* both threads: atomic */
extern siginfo_t libc_sig_infos[NSIG];            /* of each pending signal */
extern volatile unsigned long libc_sig_handlers_run;   /* for sigsuspend */
extern volatile int libc_sig_interrupted;         /* a handler without SA_RESTART ran in this diversion */

int libc_signal_valid(int sig);
int libc_signal_ignored_by_default(int sig);
/* The pending signals the mask lets through, lowest first, each taken off
 * the set by whichever thread of the program gets it first. */
void libc_signal_deliver_pending(void);
/* Signal sig pending, with its siginfo_t's fields. */
void libc_signal_make_pending(int sig, pid_t from, int code, int status);
/* sigaltstack.c's, weak (linked with sigaltstack): run(arg) on the
 * alternate signal stack, 1; 0 when there is none to go to. */
int libc_signal_on_altstack(void (*run)(void *), void *arg) __attribute__((weak));

#endif
