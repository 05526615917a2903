/*
 * clock_test.c - the wall clock (clock.scenario boots QEMU with its RTC at
 * a known date): prints the date time() gives, and checks that
 * CLOCK_REALTIME, gettimeofday and time() agree, that CLOCK_MONOTONIC is
 * the time since boot (far below the wall clock), the clocks' resolution,
 * that clock_settime is refused (EPERM; EINVAL for a bad clock or time),
 * and that times(), clock() and getrusage() answer.  Exit status: the
 * number of failed checks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

static int checks, failed;

static void check(int ok, const char *what)
{
	printf("clock_test: %s - %s\n", ok ? "ok" : "not ok", what);
	checks++;
	failed += !ok;
}

int main(void)
{
	struct timespec rt, mono, res;
	struct timeval tv;
	struct tms tms;
	struct rusage ru;
	char date[64];
	time_t now = time(NULL);

	strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", gmtime(&now));
	printf("clock_test: date %s UTC\n", date);

	check(clock_gettime(CLOCK_REALTIME, &rt) == 0 && rt.tv_sec >= now && rt.tv_sec - now <= 1,
	      "CLOCK_REALTIME agrees with time()");
	check(gettimeofday(&tv, NULL) == 0 && tv.tv_sec >= rt.tv_sec && tv.tv_sec - rt.tv_sec <= 1 &&
		      tv.tv_usec >= 0 && tv.tv_usec < 1000000,
	      "gettimeofday agrees with CLOCK_REALTIME");
	check(clock_gettime(CLOCK_MONOTONIC, &mono) == 0 && mono.tv_sec < rt.tv_sec - 1000000000,
	      "CLOCK_MONOTONIC counts from boot, not from 1970");
	check(clock_getres(CLOCK_REALTIME, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0,
	      "clock_getres(CLOCK_REALTIME)");
	check(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0,
	      "clock_getres(CLOCK_MONOTONIC)");
	errno = 0;
	check(clock_getres((clockid_t)1234, &res) == -1 && errno == EINVAL, "clock_getres of no clock: EINVAL");
	errno = 0;
	check(clock_settime(CLOCK_REALTIME, &rt) == -1 && errno == EPERM, "clock_settime: EPERM");
	errno = 0;
	check(clock_settime(CLOCK_MONOTONIC, &rt) == -1 && errno == EINVAL, "clock_settime(CLOCK_MONOTONIC): EINVAL");
	rt.tv_nsec = 1000000000;
	errno = 0;
	check(clock_settime(CLOCK_REALTIME, &rt) == -1 && errno == EINVAL, "clock_settime of a bad time: EINVAL");
	check(times(&tms) != (clock_t)-1 && tms.tms_stime == 0, "times()");
	check(clock() != (clock_t)-1, "clock()");
	memset(&ru, 0xff, sizeof ru);
	check(getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000 &&
		      ru.ru_stime.tv_sec == 0,
	      "getrusage(RUSAGE_SELF)");
	errno = 0;
	check(getrusage(42, &ru) == -1 && errno == EINVAL, "getrusage of no one: EINVAL");
	printf("clock_test: 1..%d\n", checks);
	return failed;
}
