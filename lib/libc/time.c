/*
 * time.c - clocks, from the kernel's clock in the KIP (microseconds since
 * boot).  There is no real-time clock yet, so CLOCK_REALTIME and
 * gettimeofday count from boot too (time() is seconds since boot), and
 * there is no CPU-time accounting, so times() and clock() report the time
 * since boot as user time: differences of them measure elapsed time.
 */
#include <errno.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

#include <mica/kip.h>

#include "glue.h"

uint64_t libc_now_us(void)
{
	return ((const volatile struct mica_kip *)MICA_KIP_ADDR)->clock_us;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	uint64_t us = libc_now_us();

	(void)tz;
	tv->tv_sec = (time_t)(us / 1000000);
	tv->tv_usec = (suseconds_t)(us % 1000000);
	return 0;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	uint64_t us;

	if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC)
		return libc_fail(EINVAL);
	us = libc_now_us();
	ts->tv_sec = (time_t)(us / 1000000);
	ts->tv_nsec = (long)(us % 1000000) * 1000;
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

clock_t times(struct tms *t)
{
	clock_t ticks = (clock_t)(libc_now_us() / (1000000 / CLOCKS_PER_SEC));

	if (t)
		*t = (struct tms){ ticks, 0, 0, 0 };
	return ticks;
}
