/*
 * posix_timer.c - POSIX per-process timers (docs/libc.md "Timers"):
 * timer_create, timer_settime, timer_gettime, timer_getoverrun,
 * timer_delete, on the program's timers (timer.c; entries 1 to
 * LIBC_TIMER_MAX, so a timer_t is its entry's number).
 *
 * Both clocks run on the monotonic one (the wall clock is the boot's RTC
 * time plus it, and cannot be set: docs/libc.md "Time"), so a
 * TIMER_ABSTIME time on either becomes a monotonic expiry at once.  Times
 * are kept in microseconds, the clocks' unit, rounded up: a timer never
 * expires early.  A SIGEV_THREAD timer has a thread of its own, made by
 * timer_create with the attributes the sigevent gives (detached), which
 * sleeps until an expiry and calls the function with sigev_value: one
 * call at a time, the expiries that came meanwhile being its overruns.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "glue.h"
#include "pthread_impl.h"
#include "timer.h"

#define US_PER_S 1000000ull
#define NS_PER_US 1000ull
#define US_MAX (UINT64_MAX / 4)   /* a time beyond any boot: at + every cannot wrap */

/* A SIGEV_THREAD timer's thread and what it shares with the signal
 * thread; the thread frees it when timer_delete says so. */
struct notifier {
	volatile int fired;   /* expiries not yet taken (futex word) */
	volatile int quit;
	void (*fn)(union sigval);
	union sigval value;
	struct libc_timer *t;
};

/* Per entry: its clock, and its notifier (SIGEV_THREAD). */
static clockid_t clocks[1 + LIBC_TIMER_MAX];
static struct notifier *notifiers[1 + LIBC_TIMER_MAX];

static struct libc_timer *lookup(timer_t id)
{
	if (id < 1 || id > LIBC_TIMER_MAX || __atomic_load_n(&libc_timers[id].used, __ATOMIC_ACQUIRE) != 1)
		return 0;
	return &libc_timers[id];
}

static uint64_t us_of(const struct timespec *ts)
{
	uint64_t s = (uint64_t)ts->tv_sec, us = ((uint64_t)ts->tv_nsec + NS_PER_US - 1) / NS_PER_US;

	return s >= US_MAX / US_PER_S ? US_MAX : s * US_PER_S + us;
}

static struct timespec timespec_of(uint64_t us)
{
	return (struct timespec){ .tv_sec = (time_t)(us / US_PER_S), .tv_nsec = (long)(us % US_PER_S * NS_PER_US) };
}

/* The signal thread's part of a SIGEV_THREAD expiry. */
static void wake(struct libc_timer *t, int missed)
{
	struct notifier *n = notifiers[t - libc_timers];
	int add = missed < INT_MAX ? missed + 1 : INT_MAX;

	if (!n)
		return;
	if (__atomic_add_fetch(&n->fired, add, __ATOMIC_ACQ_REL) < 0)
		__atomic_store_n(&n->fired, INT_MAX, __ATOMIC_RELEASE);
	libc_futex_wake(&n->fired, 1);
}

static void *notifier_thread(void *arg)
{
	struct notifier *n = arg;

	for (;;) {
		if (__atomic_load_n(&n->quit, __ATOMIC_ACQUIRE))
			break;
		int fired = __atomic_exchange_n(&n->fired, 0, __ATOMIC_ACQ_REL);
		if (!fired) {
			libc_futex_wait(&n->fired, 0, CLOCK_MONOTONIC, 0);
			continue;
		}
		n->t->overrun = fired - 1;
		n->fn(n->value);
	}
	free(n);
	return 0;
}

static int start_notifier(timer_t id, const struct sigevent *ev)
{
	struct notifier *n = calloc(1, sizeof *n);
	pthread_attr_t attr;
	pthread_t thread;
	int err;

	if (!n)
		return EAGAIN;
	*n = (struct notifier){ .fn = ev->sigev_notify_function, .value = ev->sigev_value, .t = &libc_timers[id] };
	if (ev->sigev_notify_attributes)
		attr = *ev->sigev_notify_attributes;
	else
		pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if ((err = pthread_create(&thread, &attr, notifier_thread, n)) != 0) {
		free(n);
		return EAGAIN;
	}
	notifiers[id] = n;
	return 0;
}

static int check_event(const struct sigevent *ev)
{
	if (ev->sigev_notify == SIGEV_SIGNAL)
		return ev->sigev_signo > 0 && ev->sigev_signo < NSIG;
	if (ev->sigev_notify == SIGEV_THREAD)
		return ev->sigev_notify_function != 0;
	return ev->sigev_notify == SIGEV_NONE;
}

int timer_create(clockid_t clock, struct sigevent *__restrict evp, timer_t *__restrict out)
{
	timer_t id;

	if ((clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) || (evp && !check_event(evp)))
		return libc_fail(EINVAL);
	for (id = 1; id <= LIBC_TIMER_MAX; id++) {
		int unused = 0;
		if (__atomic_compare_exchange_n(&libc_timers[id].used, &unused, -1, false, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED))
			break;
	}
	if (id > LIBC_TIMER_MAX)
		return libc_fail(EAGAIN);
	struct libc_timer *t = &libc_timers[id];
	/* No sigevent: SIGALRM with the timer's id as its value (POSIX). */
	struct sigevent ev = evp ? *evp
				 : (struct sigevent){ .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM,
						      .sigev_value.sival_int = (int)id };
	*t = (struct libc_timer){ .used = -1, .notify = ev.sigev_notify, .sig = ev.sigev_signo,
				  .value = ev.sigev_value, .wake = wake };
	if (t->notify != SIGEV_SIGNAL)
		t->sig = 0;
	clocks[id] = clock;
	notifiers[id] = 0;
	if (t->notify == SIGEV_THREAD) {
		int err = start_notifier(id, &ev);
		if (err) {
			__atomic_store_n(&t->used, 0, __ATOMIC_RELEASE);
			return libc_fail(err);
		}
	}
	__atomic_store_n(&t->used, 1, __ATOMIC_RELEASE);
	*out = id;
	return 0;
}

int timer_gettime(timer_t id, struct itimerspec *v)
{
	struct libc_timer *t = lookup(id);

	if (!t || !v)
		return libc_fail(EINVAL);
	v->it_interval = timespec_of(t->every);
	v->it_value = timespec_of(libc_timer_left(t));
	return 0;
}

/* The monotonic expiry of it_value on the timer's clock. */
static uint64_t expiry(timer_t id, int flags, const struct timespec *value)
{
	uint64_t us = us_of(value);

	if (!(flags & TIMER_ABSTIME))
		return libc_now_us() + us;
	/* The clock read first: a tick between the two reads makes the
	 * expiry later, never earlier. */
	struct timespec ts;
	clock_gettime(clocks[id], &ts);
	uint64_t now = us_of(&ts), mono = libc_now_us();
	return us <= now ? (mono ? mono : 1) : mono + (us - now);
}

int timer_settime(timer_t id, int flags, const struct itimerspec *__restrict v, struct itimerspec *__restrict old)
{
	struct libc_timer *t = lookup(id);

	if (!t || !v || (flags & ~TIMER_ABSTIME) || !libc_timespec_valid(&v->it_value) ||
	    !libc_timespec_valid(&v->it_interval))
		return libc_fail(EINVAL);
	if (old)
		timer_gettime(id, old);
	bool armed = v->it_value.tv_sec || v->it_value.tv_nsec;
	int err = libc_timer_arm(t, armed ? expiry(id, flags, &v->it_value) : 0, us_of(&v->it_interval));
	return err ? libc_fail(err) : 0;
}

int timer_getoverrun(timer_t id)
{
	struct libc_timer *t = lookup(id);

	if (!t)
		return libc_fail(EINVAL);
	if (t->notify == SIGEV_SIGNAL && libc_timer_signal_pending(t))
		return t->overrun_last;
	return t->overrun;
}

int timer_delete(timer_t id)
{
	struct libc_timer *t = lookup(id);

	if (!t)
		return libc_fail(EINVAL);
	libc_timer_arm(t, 0, 0);
	/* An expiry the signal thread began may still use the notifier (the
	 * fence: our disarm before our look at its mark, timer.h). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	while (__atomic_load_n(&t->expiring, __ATOMIC_SEQ_CST))
		libc_thread_yield();
	struct notifier *n = notifiers[id];
	if (n) {
		notifiers[id] = 0;
		__atomic_store_n(&n->quit, 1, __ATOMIC_RELEASE);
		__atomic_fetch_add(&n->fired, 1, __ATOMIC_ACQ_REL);
		libc_futex_wake(&n->fired, 1);
	}
	__atomic_store_n(&t->used, 0, __ATOMIC_RELEASE);
	return 0;
}
