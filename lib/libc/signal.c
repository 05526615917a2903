/*
 * signal.c - signals within the process (docs/libc.md, "Signals"):
 * sigaction, signal, raise, sigprocmask, sigpending, sigsuspend.
 *
 * The handlers, the mask and the pending set are the program's own;
 * nothing from another program reaches them yet (kill of another process
 * ends it as if by the signal, proc.c).  A signal is delivered when the
 * program raises it (raise, kill of its own pid, abort): a handler runs
 * at once with the action's mask and the signal itself blocked, SIG_IGN
 * drops it, SIG_DFL ends the program with status 128 + the signal (the
 * way a shell reports a killed program; abort: 134) except for those whose
 * default is to do nothing.  A blocked signal stays pending until the mask
 * lets it through (sigprocmask, sigsuspend), then it is delivered.
 *
 * The one signal the system makes is SIGCHLD, in sigsuspend: a program
 * that catches it and lets it through the suspend mask waits there for a
 * child to end (the process server's notification, procsrv.c), and the
 * handler runs.  With nothing pending and nothing that could come,
 * sigsuspend answers EINTR at once instead of waiting forever.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include <rt/rt.h>

#include "glue.h"

#define BIT(sig) (1ul << (sig))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))

static struct sigaction actions[NSIG];
static sigset_t blocked, pending;

static int valid(int sig)
{
	return sig > 0 && sig < NSIG;
}

/* Signals whose default action is to do nothing (stopping is not there
 * yet: the stop signals end the program as the others do). */
static int ignored_by_default(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static void deliver_pending(void);

static void deliver(int sig)
{
	struct sigaction *a = &actions[sig];
	_sig_func_ptr h = a->sa_handler;

	if (h == SIG_IGN || (h == SIG_DFL && ignored_by_default(sig)))
		return;
	if (h == SIG_DFL)
		rt_exit(128 + sig);
	sigset_t saved = blocked;
	blocked |= (a->sa_mask | BIT(sig)) & ~UNBLOCKABLE;
	h(sig);
	blocked = saved;
	deliver_pending();
}

/* Every pending signal the mask lets through, lowest first. */
static void deliver_pending(void)
{
	for (int sig = 1; sig < NSIG; sig++)
		if ((pending & ~blocked) & BIT(sig)) {
			pending &= ~BIT(sig);
			deliver(sig);
		}
}

int raise(int sig)
{
	if (!valid(sig))
		return libc_fail(EINVAL);
	if ((blocked & BIT(sig)) && actions[sig].sa_handler != SIG_IGN) {
		pending |= BIT(sig);
		return 0;
	}
	deliver(sig);
	return 0;
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (!valid(sig) || (act && (BIT(sig) & UNBLOCKABLE) && act->sa_handler != SIG_DFL))
		return libc_fail(EINVAL);
	if (old)
		*old = actions[sig];
	if (act) {
		actions[sig] = *act;
		if (act->sa_handler == SIG_IGN || (act->sa_handler == SIG_DFL && ignored_by_default(sig)))
			pending &= ~BIT(sig);   /* POSIX: a pending signal so set is discarded */
	}
	return 0;
}

_sig_func_ptr signal(int sig, _sig_func_ptr handler)
{
	struct sigaction act = { .sa_handler = handler }, old;

	return sigaction(sig, &act, &old) ? SIG_ERR : old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	sigset_t now = blocked;

	if (set) {
		if (how == SIG_BLOCK)
			now |= *set;
		else if (how == SIG_UNBLOCK)
			now &= ~*set;
		else if (how == SIG_SETMASK)
			now = *set;
		else
			return libc_fail(EINVAL);
	}
	if (old)
		*old = blocked;
	blocked = now & ~UNBLOCKABLE;
	deliver_pending();
	return 0;
}

int sigpending(sigset_t *set)
{
	*set = pending;
	return 0;
}

int sigsuspend(const sigset_t *mask)
{
	sigset_t saved = blocked;

	blocked = *mask & ~UNBLOCKABLE;
	if (!(pending & ~blocked) && !(blocked & BIT(SIGCHLD)) && actions[SIGCHLD].sa_handler != SIG_DFL &&
	    actions[SIGCHLD].sa_handler != SIG_IGN && libc_proc() && libc_proc_wait_child() == 0)
		pending |= BIT(SIGCHLD);   /* a child ended (or may have: the handler looks) */
	deliver_pending();
	blocked = saved;
	return libc_fail(EINTR);
}
