/*
 * time.c - clocks, from the kernel's clock in the KIP: clock_us
 * (microseconds since boot, CLOCK_MONOTONIC) and rtc_at_boot (the CMOS
 * real-time clock, which the kernel reads once at boot, kern/arch/x86_64/
 * rtc.c).  CLOCK_REALTIME, gettimeofday and time() are rtc_at_boot plus the
 * monotonic clock.  The wall clock is the KIP's, shared by every task and
 * read-only: clock_settime refuses with EPERM (setting it would take a
 * time server that owns an offset; there is none).  There is no CPU-time
 * accounting, so times(), clock() and getrusage() report the time since
 * boot as user time: differences of them measure elapsed time.
 */
#include <errno.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

#include <mica/kip.h>

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
	uint64_t us;

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

/* The clock's unit; how often it advances is the kernel's timer. */
int clock_getres(clockid_t id, struct timespec *res)
{
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

clock_t times(struct tms *t)
{
	clock_t ticks = (clock_t)(libc_now_us() / (US_PER_SEC / CLOCKS_PER_SEC));

	if (t)
		*t = (struct tms){ ticks, 0, 0, 0 };
	return ticks;
}

int getrusage(int who, struct rusage *usage)
{
	uint64_t us = libc_now_us();

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN)
		return libc_fail(EINVAL);
	*usage = (struct rusage){ 0 };
	if (who == RUSAGE_SELF)
		usage->ru_utime = (struct timeval){ (time_t)(us / US_PER_SEC), (suseconds_t)(us % US_PER_SEC) };
	return 0;
}
