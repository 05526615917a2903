/*
 * sigwait.c - sigwait, sigwaitinfo, sigtimedwait (docs/libc.md
 * "Signals"): take a pending signal of a set, which the caller keeps
 * blocked, without running its handler; wait for one when none is.
 *
 * The signals waited for must reach the program: a blocked signal is
 * queued for it by the process server (sigdeliver.c's libc_signal_tell)
 * and made pending by the signal thread, or by the program's own raise.
 * Whoever makes one pending wakes the waiters (signal.c, and timer.c for
 * a timer's signal): the main thread
 * waits as sigsuspend does, in an open receive woken by its wait irq, so
 * that a handler diverting it (a signal outside the set) ends the wait
 * with EINTR; another thread waits on the count of signals made pending
 * (futex.c, there whenever threads are).
 */
#include <errno.h>
#include <stdint.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <libsys/ipc.h>
#include <mica/ipc.h>

#include "glue.h"
#include "pthread_impl.h"
#include "sigstate.h"

#define WAIT_MAX_US 0x7fffffffu   /* per receive: below MICA_TIMEOUT_ZERO */
#define US_PER_SEC 1000000ull

/* The thread functions' wait, linked whenever there is a thread other
 * than the main one to call it. */
#pragma weak libc_futex_wait

/* The lowest pending signal of set, taken off the pending set, with its
 * siginfo; 0 if none.  The thread's own signals (pthread_kill, raise)
 * first, as sent by the program; then the program's. */
static int take(sigset_t set, siginfo_t *info)
{
	struct pthread *self = libc_thread_self();

	for (;;) {
		sigset_t own = __atomic_load_n(&self->pending, __ATOMIC_SEQ_CST) & set;
		sigset_t ready = own ? own : __atomic_load_n(&libc_sig_pending, __ATOMIC_SEQ_CST) & set;
		if (!ready)
			return 0;
		int sig = __builtin_ctzl(ready);
		volatile sigset_t *from = own ? &self->pending : &libc_sig_pending;
		if (__atomic_fetch_and(from, ~LIBC_SIG_BIT(sig), __ATOMIC_ACQ_REL) & LIBC_SIG_BIT(sig)) {
			if (info)
				*info = own ? (siginfo_t){ .si_signo = sig, .si_code = SI_USER, .si_pid = getpid() }
					    : libc_sig_infos[sig];
			return sig;
		}
	}
}

/* The main thread: a signal of set taken, or -EAGAIN at the deadline
 * (UINT64_MAX: none), -EINTR once a handler ran on it.  The set is
 * blocked meanwhile, as Linux does it: one of its signals that is caught
 * and was left unblocked is taken here, not diverted to its handler. */
static int wait_main(sigset_t set, siginfo_t *info, uint64_t deadline)
{
	unsigned long seen = libc_signal_handlers_here();
	mica_cap_t irq = libc_wait_irq();
	struct pthread *self = libc_thread_self();
	sigset_t saved = self->blocked;
	int sig;

	if (!irq)
		return -ENOMEM;
	__atomic_store_n(&self->blocked, saved | set, __ATOMIC_SEQ_CST);
	libc_sig_wait_irq = irq;
	__atomic_store_n(&libc_sig_waited, set, __ATOMIC_SEQ_CST);   /* before the look: no arrival missed */
	for (;;) {
		uint64_t now;
		if ((sig = take(set, info)) != 0)
			break;
		if (libc_signal_handlers_here() != seen) {
			sig = -EINTR;
			break;
		}
		if ((now = libc_now_us()) >= deadline) {
			sig = -EAGAIN;
			break;
		}
		uint64_t left = deadline - now;
		mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, left > WAIT_MAX_US ? WAIT_MAX_US : (uint32_t)left), 0, 0);
	}
	__atomic_store_n(&libc_sig_waited, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&self->blocked, saved, __ATOMIC_SEQ_CST);
	libc_signal_deliver_pending();   /* what came of the set meanwhile, if unblocked again */
	return sig;
}

/* Another thread: on the count of arrivals. */
static int wait_thread(sigset_t set, siginfo_t *info, uint64_t deadline)
{
	int sig = 0;

	__atomic_fetch_add(&libc_sig_thread_waiters, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		int arrivals = __atomic_load_n(&libc_sig_arrivals, __ATOMIC_SEQ_CST);
		if ((sig = take(set, info)) != 0)
			break;
		uint64_t now = libc_now_us();
		if (now >= deadline) {
			sig = -EAGAIN;
			break;
		}
		struct timespec at, *abstime = 0;
		if (deadline != UINT64_MAX) {
			at = (struct timespec){ (time_t)(deadline / US_PER_SEC), (long)(deadline % US_PER_SEC) * 1000 };
			abstime = &at;
		}
		libc_futex_wait(&libc_sig_arrivals, arrivals, CLOCK_MONOTONIC, abstime);
	}
	__atomic_fetch_sub(&libc_sig_thread_waiters, 1, __ATOMIC_SEQ_CST);
	return sig;
}

/* A signal of set, or -errno: EAGAIN when timeout (NULL: none) passed,
 * EINTR when a handler ran, EINVAL for a bad timeout. */
static int wait_for(const sigset_t *set, siginfo_t *info, const struct timespec *timeout)
{
	sigset_t want = *set & ~LIBC_SIG_UNBLOCKABLE & ~(sigset_t)1 & (LIBC_SIG_BIT(NSIG) - 1);
	uint64_t deadline = UINT64_MAX;
	int sig;

	if ((sig = take(want, info)) != 0)
		return sig;
	if (timeout) {
		if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000)
			return -EINVAL;
		uint64_t us = (uint64_t)timeout->tv_sec * US_PER_SEC + ((uint64_t)timeout->tv_nsec + 999) / 1000;
		if (timeout->tv_sec >= (time_t)(UINT64_MAX / 2 / US_PER_SEC))
			us = UINT64_MAX / 2;
		deadline = libc_now_us() + us;
	}
	if (mica_utcb()->user[LIBC_UTCB_PTHREAD] && libc_futex_wait)
		return wait_thread(want, info, deadline);
	return wait_main(want, info, deadline);
}

int sigtimedwait(const sigset_t *restrict set, siginfo_t *restrict info, const struct timespec *restrict timeout)
{
	int sig = wait_for(set, info, timeout);

	return sig < 0 ? libc_fail(-sig) : sig;
}

int sigwaitinfo(const sigset_t *restrict set, siginfo_t *restrict info)
{
	return sigtimedwait(set, info, 0);
}

/* Not ended by a handler (POSIX lists no EINTR): it waits on. */
int sigwait(const sigset_t *set, int *sig)
{
	int got;

	while ((got = wait_for(set, 0, 0)) == -EINTR)
		continue;
	if (got < 0)
		return -got;
	*sig = got;
	return 0;
}
