/* settimeofday - setting the wall clock, which is read-only on Mica:
 * clock_settime's answer (EPERM, time.c). */
#include <sys/time.h>
#include <time.h>

int settimeofday(const struct timeval *tv, const struct timezone *tz)
{
	struct timespec ts = { 0, 0 };

	(void)tz;
	if (tv)
		ts = (struct timespec){ tv->tv_sec, tv->tv_usec * 1000 };
	return clock_settime(CLOCK_REALTIME, &ts);
}
