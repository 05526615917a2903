/*
 * time.c - clocks, from the kernel's clock in the KIP: clock_us
 * (microseconds since boot, CLOCK_MONOTONIC) and rtc_at_boot (the CMOS
 * real-time clock, which the kernel reads once at boot, kern/arch/x86_64/
 * rtc.c).  CLOCK_REALTIME, gettimeofday and time() are rtc_at_boot plus the
 * monotonic clock.  The wall clock is the KIP's, shared by every task and
 * read-only: clock_settime refuses with EPERM (setting it would take a
 * time server that owns an offset; there is none).  The CPU-time clocks
 * are cputime.c's.
 */
#include <errno.h>
#include <sys/time.h>
#include <time.h>

#include <mica/kip.h>

#include "cputime.h"
#include "glue.h"

#define US_PER_SEC 1000000u

static const volatile struct mica_kip *kip(void)
{
	return (const volatile struct mica_kip *)MICA_KIP_ADDR;
}

uint64_t libc_now_us(void)
{
	return kip()->clock_us;
}

static uint64_t realtime_us(void)
{
	return kip()->rtc_at_boot * US_PER_SEC + libc_now_us();
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	uint64_t us = realtime_us();

	(void)tz;
	tv->tv_sec = (time_t)(us / US_PER_SEC);
	tv->tv_usec = (suseconds_t)(us % US_PER_SEC);
	return 0;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	uint64_t us, ns;
	int err;

	if (libc_cpuclock_is(id)) {
		if ((err = libc_cpuclock_ns(id, &ns)) != 0)
			return libc_fail(err);
		ts->tv_sec = (time_t)(ns / (US_PER_SEC * 1000));
		ts->tv_nsec = (long)(ns % (US_PER_SEC * 1000));
		return 0;
	}
	if (id == CLOCK_REALTIME)
		us = realtime_us();
	else if (id == CLOCK_MONOTONIC)
		us = libc_now_us();
	else
		return libc_fail(EINVAL);
	ts->tv_sec = (time_t)(us / US_PER_SEC);
	ts->tv_nsec = (long)(us % US_PER_SEC) * 1000;
	return 0;
}

/* The clock's unit (how often the wall and monotonic clocks advance is
 * the kernel's timer); the CPU-time clocks count the time-stamp counter's
 * cycles. */
int clock_getres(clockid_t id, struct timespec *res)
{
	uint64_t ns;

	if (libc_cpuclock_is(id) && libc_cpuclock_ns(id, &ns) == 0) {
		if (res)
			*res = (struct timespec){ 0, libc_cpuclock_res_ns() };
		return 0;
	}
	if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC)
		return libc_fail(EINVAL);
	if (res)
		*res = (struct timespec){ 0, 1000 };
	return 0;
}

int clock_settime(clockid_t id, const struct timespec *ts)
{
	if (id != CLOCK_REALTIME || !ts || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000)
		return libc_fail(EINVAL);
	return libc_fail(EPERM);
}
