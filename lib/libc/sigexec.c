/*
 * sigexec.c - what an exec keeps of the program's signal state (POSIX
 * execve; docs/processes.md "exec in place"): the mask, the pending
 * signals, the ignored ones and the ITIMER_REAL timer (alarm's time left)
 * go to the new program; caught signals go back to their defaults.  A
 * posix_spawn child gets the mask and the ignored signals the same way
 * (POSIX_SPAWN_SETSIGMASK and POSIX_SPAWN_SETSIGDEF change them), nothing
 * pending and no timer.
 *
 * Before Proc.exec the caller gives it as one entry of what the new
 * program inherits (MICA_INHERIT_SIGNALS, mica/proc.h), from which the
 * process server makes the new program's summary once the exec is done
 * (what it blocks queued, what it ignores dropped, a caught signal at its
 * default; a failed exec leaves the caller's handlers as they were).  The new
 * program's C library takes it before main (inherit.c): the mask, the
 * pending set and the ignored actions, and the timer at the same expiry
 * on the monotonic clock, which every program shares, so that its signal
 * thread delivers SIGALRM when the old program's would have.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <mica/proc.h>

#include <idl/rt/proc.h>

#include "glue.h"
#include "pthread_impl.h"
#include "sigstate.h"
#include "timer.h"

int libc_signal_exec_give(mica_cap_t proc, bool first)
{
	uint32_t ignore = libc_sig_ignored();
	struct pthread *self = libc_thread_self();   /* the caller's mask and signals are the new program's */
	sigset_t blocked = self->blocked, pending = __atomic_load_n(&libc_sig_pending, __ATOMIC_ACQUIRE) | self->pending;
	struct libc_timer *alarm = &libc_timers[LIBC_TIMER_ITIMER];
	uint64_t at = __atomic_load_n(&alarm->at, __ATOMIC_ACQUIRE), every = alarm->every;
	char period[24] = "";

	if (!blocked && !pending && !ignore && !at)
		return 0;   /* the new program's start is the defaults' */
	if (at && every)
		snprintf(period, sizeof period, "%llu", (unsigned long long)every);
	return proc_give(proc, first, (uint32_t)blocked | (uint64_t)ignore << 32, MICA_INHERIT_SIGNALS,
			 (uint32_t)pending, at, period, 0);
}

int libc_signal_spawn_give(mica_cap_t proc, bool first, const sigset_t *mask, const sigset_t *set_default)
{
	uint32_t ignored_here = libc_sig_ignored(), ignore = ignored_here & ~(set_default ? (uint32_t)*set_default : 0);
	sigset_t blocked = mask ? *mask & ~LIBC_SIG_UNBLOCKABLE : libc_thread_self()->blocked;

	/* The server starts the child's record with our ignored signals: the
	 * child tells it its own when we ignore any. */
	if (!blocked && !ignored_here)
		return 0;
	return proc_give(proc, first, (uint32_t)blocked | (uint64_t)ignore << 32, MICA_INHERIT_SIGNALS, 0, 0, "", 0);
}

void libc_signal_exec_take(uint64_t masks, uint32_t pending, uint64_t at, const char *period)
{
	uint32_t ignore = (uint32_t)(masks >> 32);

	for (int sig = 1; sig < NSIG; sig++)
		if ((ignore >> sig & 1) && !(LIBC_SIG_BIT(sig) & LIBC_SIG_UNBLOCKABLE))
			libc_sig_actions[sig].sa_handler = SIG_IGN;
	sigset_t blocked = libc_thread_self()->blocked = (uint32_t)masks & ~LIBC_SIG_UNBLOCKABLE;
	for (int sig = 1; sig < NSIG; sig++)
		if ((pending >> sig & 1) && (blocked & LIBC_SIG_BIT(sig)))
			libc_signal_make_pending(sig, 0, SI_USER, 0);
	if (!at || libc_timer_arm(&libc_timers[LIBC_TIMER_ITIMER], at, strtoull(period, 0, 10)) != 0)
		libc_signal_tell();   /* else the signal thread, poked, tells the server */
}
