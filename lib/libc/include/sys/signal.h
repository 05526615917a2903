/*
 * sys/signal.h - newlib's, with POSIX's struct sigaction and siginfo_t.
 *
 * newlib's x86_64-elf configuration gives a struct sigaction with only
 * sa_handler and a flag SA_NOCLDSTOP, and a siginfo_t without si_pid:
 * Mica's C library delivers signals between programs (lib/libc/signal.c,
 * docs/libc.md "Signals"), so programs get the POSIX ones.  newlib's
 * are renamed out of the way while its header is read, with the two
 * calls that take its siginfo_t.
 */
#ifndef LIBC_SYS_SIGNAL_H
#define LIBC_SYS_SIGNAL_H

/* A handler of a fault on an alternate stack needs about 1.7 KiB for the
 * saved state before its own frames (lib/libc/sigfault.c). */
#define MINSIGSTKSZ 4096
#define SIGSTKSZ 16384

#define sigaction __newlib_sigaction
#define siginfo_t __newlib_siginfo_t
#define sigwaitinfo __newlib_sigwaitinfo
#define sigtimedwait __newlib_sigtimedwait
#include_next <sys/signal.h>
#undef sigaction
#undef siginfo_t
#undef sigwaitinfo
#undef sigtimedwait
#include <sys/_timespec.h>

typedef struct {
	int si_signo;            /* the signal */
	int si_code;             /* SI_USER (kill), CLD_* (SIGCHLD), SEGV_* and the like (faults) */
	int si_errno;
	pid_t si_pid;            /* who sent it (SIGCHLD: the child) */
	uid_t si_uid;            /* 0: Mica has one user */
	void *si_addr;           /* a fault's: the address (SIGSEGV, SIGBUS) or the instruction */
	int si_status;           /* SIGCHLD: the exit status or the signal */
#if defined(_POSIX_REALTIME_SIGNALS) || __POSIX_VISIBLE >= 199309
	union sigval si_value;
#endif
} siginfo_t;

struct sigaction {
	union {
		_sig_func_ptr _handler;
		void (*_sigaction)(int, siginfo_t *, void *);
	} _signal_handlers;
	sigset_t sa_mask;
	int sa_flags;
};
#define sa_handler _signal_handlers._handler
#define sa_sigaction _signal_handlers._sigaction

/* sa_flags beside SA_NOCLDSTOP (1): SA_SIGINFO calls sa_sigaction with a
 * siginfo_t; SA_RESTART goes on waiting where the C library can (read of a
 * pipe or the console, waitpid) instead of failing with EINTR; SA_NODEFER
 * leaves the signal unblocked in its handler; SA_RESETHAND sets the action
 * back to SIG_DFL as the handler starts. */
#ifndef SA_SIGINFO
#define SA_SIGINFO 0x2
#endif
#ifndef SA_ONSTACK
#define SA_ONSTACK 0x4
#endif
#define SA_RESTART 0x8
#define SA_NODEFER 0x10
#define SA_RESETHAND 0x20
#define SA_NOCLDWAIT 0x40

/* si_code of SIGCHLD. */
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* si_code of the signals from faults (lib/libc/sigfault.c). */
#define ILL_ILLOPC 1
#define ILL_ILLOPN 2
#define ILL_ILLADR 3
#define ILL_ILLTRP 4
#define ILL_PRVOPC 5
#define ILL_PRVREG 6
#define ILL_COPROC 7
#define ILL_BADSTK 8
#define FPE_INTDIV 1
#define FPE_INTOVF 2
#define FPE_FLTDIV 3
#define FPE_FLTOVF 4
#define FPE_FLTUND 5
#define FPE_FLTRES 6
#define FPE_FLTINV 7
#define FPE_FLTSUB 8
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define BUS_ADRERR 2
#define BUS_OBJERR 3
#define TRAP_BRKPT 1
#define TRAP_TRACE 2

int sigaction(int sig, const struct sigaction *__restrict act, struct sigaction *__restrict old);
/* lib/libc/sigwait.c, with this siginfo_t. */
int sigwaitinfo(const sigset_t *__restrict set, siginfo_t *__restrict info);
int sigtimedwait(const sigset_t *__restrict set, siginfo_t *__restrict info, const struct timespec *__restrict timeout);

#include <sys/ucontext.h>   /* POSIX: <signal.h> gives ucontext_t */

#endif
