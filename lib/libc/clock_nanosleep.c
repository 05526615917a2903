/*
 * clock_nanosleep.c - clock_nanosleep (docs/libc.md "Time"): nanosleep on
 * CLOCK_MONOTONIC or CLOCK_REALTIME, for a time or (TIMER_ABSTIME) until
 * the clock shows one.  Both clocks advance together (the wall clock is
 * the boot's RTC time plus the monotonic clock, and cannot be set), so an
 * absolute sleep is a relative one of what is left.  Errors are returned,
 * not put in errno, as POSIX says for this call.
 */
#include <errno.h>
#include <time.h>

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem)
{
	struct timespec now, left;

	if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME)
		return EINVAL;
	if (req->tv_nsec < 0 || req->tv_nsec >= 1000000000 || req->tv_sec < 0)
		return EINVAL;
	if (!(flags & TIMER_ABSTIME))
		return nanosleep(req, rem) ? errno : 0;
	clock_gettime(clock, &now);
	left.tv_sec = req->tv_sec - now.tv_sec;
	left.tv_nsec = req->tv_nsec - now.tv_nsec;
	if (left.tv_nsec < 0) {
		left.tv_nsec += 1000000000;
		left.tv_sec--;
	}
	if (left.tv_sec < 0)
		return 0;
	return nanosleep(&left, 0) ? errno : 0;
}
