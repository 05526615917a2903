/*
 * sigxsi.c - the System V signal calls POSIX keeps as XSI (<signal.h>):
 * sighold, sigrelse, sigignore, sigpause (newlib's XSI <signal.h> names it
 * __xpg_sigpause) and sigset, each what POSIX defines it as in terms of
 * sigprocmask, sigaction and sigsuspend (sigdeliver.c).
 */
#include <errno.h>
#include <signal.h>

#include "glue.h"
#include "sigstate.h"

/* sig added to (how SIG_BLOCK) or taken from (SIG_UNBLOCK) the mask. */
static int mask_one(int how, int sig)
{
	sigset_t set;

	if (!libc_signal_valid(sig))
		return libc_fail(EINVAL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	return sigprocmask(how, &set, 0);
}

int sighold(int sig)
{
	return mask_one(SIG_BLOCK, sig);
}

int sigrelse(int sig)
{
	return mask_one(SIG_UNBLOCK, sig);
}

int sigignore(int sig)
{
	struct sigaction a = { .sa_handler = SIG_IGN };

	sigemptyset(&a.sa_mask);
	return sigaction(sig, &a, 0);
}

/* sig out of the mask, then wait for a signal as sigsuspend does (-1,
 * EINTR, once a handler ran). */
int __xpg_sigpause(int sig)
{
	sigset_t mask;

	if (!libc_signal_valid(sig))
		return libc_fail(EINVAL);
	sigprocmask(SIG_BLOCK, 0, &mask);
	sigdelset(&mask, sig);
	return sigsuspend(&mask);
}

/* The disposition `disp` for sig, or with SIG_HOLD sig blocked and its
 * action kept; what it was before: SIG_HOLD if sig was blocked, else its
 * handler.  SIG_ERR with errno for a bad sig or one that cannot be caught. */
_sig_func_ptr sigset(int sig, _sig_func_ptr disp)
{
	struct sigaction a = { .sa_handler = disp }, old;
	sigset_t mask;

	if (!libc_signal_valid(sig) || sigprocmask(SIG_BLOCK, 0, &mask) || sigaction(sig, 0, &old)) {
		errno = EINVAL;
		return SIG_ERR;
	}
	_sig_func_ptr was = sigismember(&mask, sig) ? SIG_HOLD : old.sa_handler;
	if (disp == SIG_HOLD && (LIBC_SIG_BIT(sig) & LIBC_SIG_UNBLOCKABLE)) {
		errno = EINVAL;   /* SIGKILL and SIGSTOP cannot be held */
		return SIG_ERR;
	}
	if (disp == SIG_HOLD)
		return mask_one(SIG_BLOCK, sig) ? SIG_ERR : was;
	sigemptyset(&a.sa_mask);
	if (sigaction(sig, &a, 0) || mask_one(SIG_UNBLOCK, sig))
		return SIG_ERR;
	return was;
}
