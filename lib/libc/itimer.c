/*
 * itimer.c - alarm, setitimer and getitimer (docs/libc.md "Signals"):
 * the program's one ITIMER_REAL timer, on the monotonic clock: entry 0
 * of the program's timers (timer.c), whose expiry makes SIGALRM pending
 * (si_code SI_TIMER) and diverts a thread that lets it through to its
 * handler, or to its default action, which ends the program.  A periodic
 * timer that fell behind gives one SIGALRM for the periods it missed, as
 * Linux does.
 * ITIMER_VIRTUAL and ITIMER_PROF are EINVAL: no timer runs on CPU time
 * (the CPU-time clocks, cputime.c, are read, never armed).
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>
#include <unistd.h>

#include "glue.h"
#include "timer.h"

#define ITIMER (&libc_timers[LIBC_TIMER_ITIMER])


#define US_PER_S 1000000ull

static bool valid(const struct timeval *t)
{
	return t->tv_sec >= 0 && t->tv_usec >= 0 && t->tv_usec < (suseconds_t)US_PER_S;
}

static uint64_t us_of(const struct timeval *t)
{
	uint64_t s = (uint64_t)t->tv_sec;

	return s > UINT64_MAX / US_PER_S / 2 ? UINT64_MAX / 2 : s * US_PER_S + (uint64_t)t->tv_usec;
}

static struct timeval timeval_of(uint64_t us)
{
	return (struct timeval){ .tv_sec = (time_t)(us / US_PER_S), .tv_usec = (suseconds_t)(us % US_PER_S) };
}

static void current(struct itimerval *v)
{
	v->it_interval = timeval_of(ITIMER->every);
	v->it_value = timeval_of(libc_timer_left(ITIMER));
}

int getitimer(int which, struct itimerval *v)
{
	if (which != ITIMER_REAL)
		return libc_fail(EINVAL);
	current(v);
	return 0;
}

int setitimer(int which, const struct itimerval *__restrict v, struct itimerval *__restrict old)
{
	if (which != ITIMER_REAL || !valid(&v->it_value) || !valid(&v->it_interval))
		return libc_fail(EINVAL);
	if (old)
		current(old);
	uint64_t value = us_of(&v->it_value);
	int err = libc_timer_arm(ITIMER, value ? libc_now_us() + value : 0, us_of(&v->it_interval));
	return err ? libc_fail(err) : 0;
}

unsigned alarm(unsigned seconds)
{
	struct itimerval v = { .it_value = { .tv_sec = seconds } }, old;

	if (setitimer(ITIMER_REAL, &v, &old))
		return 0;
	/* What was left, rounded to the nearest second but never 0 for an
	 * armed timer (POSIX). */
	unsigned left = (unsigned)old.it_value.tv_sec + (old.it_value.tv_usec >= 500000);
	return left ? left : old.it_value.tv_usec ? 1 : 0;
}
