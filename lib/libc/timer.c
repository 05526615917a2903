/*
 * timer.c - the program's timers (docs/libc.md "Timers"): the one
 * mechanism behind alarm and setitimer (itimer.c: entry 0, SIGALRM) and
 * timer_create (posix_timer.c: entries 1 to LIBC_TIMER_MAX).
 *
 * A timer is two words the signal thread (sigdeliver.c) reads: when it
 * expires next on the monotonic clock and its period.  Arming one starts
 * the signal thread if the program has none yet and wakes it
 * (libc_signal_poke); the thread waits with a timeout until the earliest
 * expiry, then gives each timer that is due its notification and arms
 * its next period.  A signal is made pending with si_code SI_TIMER and
 * the timer's si_value, and a thread that lets it through diverted to it
 * as for any signal.  An expiry that comes while the timer's signal is still
 * pending is not a second signal but an overrun, counted; so are the
 * periods a timer that fell behind missed (one signal for them all, as
 * Linux).  SIGEV_THREAD timers hand the expiry to their own thread
 * (posix_timer.c).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <mica/ipc.h>

#include "glue.h"
#include "sigstate.h"
#include "timer.h"

#define WAIT_MAX 0x7fffffffu   /* µs per wait: below MICA_TIMEOUT_ZERO */

struct libc_timer libc_timers[1 + LIBC_TIMER_MAX] = {
	[LIBC_TIMER_ITIMER] = { .used = 1, .notify = SIGEV_SIGNAL, .sig = SIGALRM },
};

/* The timer whose signal each signal's pending siginfo_t is. */
static struct libc_timer *volatile owner[NSIG];

int libc_timer_arm(struct libc_timer *t, uint64_t at, uint64_t every)
{
	__atomic_store_n(&t->at, 0, __ATOMIC_RELEASE);   /* disarmed while it changes */
	t->every = at ? every : 0;
	if (!at)
		return 0;   /* the thread, if any, finds nothing armed when it next wakes */
	__atomic_store_n(&t->at, at, __ATOMIC_RELEASE);
	if (libc_signal_poke() != 0) {
		t->at = t->every = 0;
		return EAGAIN;
	}
	return 0;
}

uint64_t libc_timer_left(const struct libc_timer *t)
{
	uint64_t at = __atomic_load_n(&t->at, __ATOMIC_ACQUIRE), now = libc_now_us();

	/* Due but not yet taken by the signal thread: 1 µs, not 0 (disarmed). */
	return !at ? 0 : at > now ? at - now : 1;
}

int libc_timer_signal_pending(const struct libc_timer *t)
{
	return owner[t->sig] == t &&
	       (__atomic_load_n(&libc_sig_pending, __ATOMIC_ACQUIRE) & LIBC_SIG_BIT(t->sig));
}

uint32_t libc_timer_wait_us(void)
{
	uint64_t first = 0, now = libc_now_us();

	for (int i = 0; i <= LIBC_TIMER_MAX; i++) {
		uint64_t at = __atomic_load_n(&libc_timers[i].at, __ATOMIC_ACQUIRE);
		if (at && (!first || at < first))
			first = at;
	}
	if (!first)
		return MICA_TIMEOUT_NEVER;
	return first <= now ? 1 : first - now > WAIT_MAX ? WAIT_MAX : (uint32_t)(first - now);
}

int libc_timer_due(void)
{
	uint64_t now = libc_now_us();

	for (int i = 0; i <= LIBC_TIMER_MAX; i++) {
		uint64_t at = __atomic_load_n(&libc_timers[i].at, __ATOMIC_ACQUIRE);
		if (at && at <= now)
			return 1;
	}
	return 0;
}

static void add_overrun(volatile int *count, uint64_t n)
{
	*count = n > (uint64_t)(INT_MAX - *count) ? INT_MAX : *count + (int)n;
}

/* t's signal pending, or an overrun of the one that is. */
static void signal_expiry(struct libc_timer *t, uint64_t missed)
{
	int sig = t->sig;

	if (libc_sig_actions[sig].sa_handler == SIG_IGN)
		return;
	if (libc_timer_signal_pending(t)) {
		add_overrun(&t->overrun, 1 + missed);
		return;
	}
	t->overrun_last = t->overrun;
	t->overrun = 0;
	add_overrun(&t->overrun, missed);
	owner[sig] = t;
	libc_sig_infos[sig] = (siginfo_t){ .si_signo = sig, .si_code = SI_TIMER, .si_pid = getpid(),
					   .si_value = t->value };
	__atomic_fetch_or(&libc_sig_pending, LIBC_SIG_BIT(sig), __ATOMIC_SEQ_CST);
	libc_signal_wake_waiters(sig);
}

/* t's expiry, if it is due, and its next period armed. */
static void expire(struct libc_timer *t, uint64_t now)
{
	uint64_t at = __atomic_load_n(&t->at, __ATOMIC_SEQ_CST), every = t->every, next = 0, missed = 0;

	if (!at || at > now)
		return;
	if (every) {
		missed = (now - at) / every;
		next = at + (missed + 1) * every;
	}
	/* A timer set again between the load and here wins. */
	if (!__atomic_compare_exchange_n(&t->at, &at, next, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	if (t->notify == SIGEV_SIGNAL)
		signal_expiry(t, missed);
	else if (t->notify == SIGEV_THREAD)
		t->wake(t, missed > INT_MAX ? INT_MAX : (int)missed);
}

void libc_timer_expire(void)
{
	uint64_t now = libc_now_us();

	for (int i = 0; i <= LIBC_TIMER_MAX; i++) {
		struct libc_timer *t = &libc_timers[i];
		__atomic_fetch_add(&t->expiring, 1, __ATOMIC_SEQ_CST);
		expire(t, now);
		__atomic_fetch_sub(&t->expiring, 1, __ATOMIC_RELEASE);
	}
}

void libc_timer_after_fork(void)
{
	libc_timers[LIBC_TIMER_ITIMER].at = libc_timers[LIBC_TIMER_ITIMER].every = 0;
	libc_timers[LIBC_TIMER_ITIMER].overrun = libc_timers[LIBC_TIMER_ITIMER].overrun_last = 0;
	memset(&libc_timers[1], 0, LIBC_TIMER_MAX * sizeof libc_timers[0]);
	memset((void *)owner, 0, sizeof owner);
}
