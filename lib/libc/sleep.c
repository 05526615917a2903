/*
 * sleep.c - nanosleep, usleep and sleep: an open receive with a timeout on
 * the calling thread.  Something else may wake it early (the input irq of
 * stream.c, say), so it waits again until the KIP clock says the time is
 * over; no signal interrupts a sleep, so it never ends early (EINTR).
 */
#include <errno.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <libsys/ipc.h>

#include "glue.h"

#define WAIT_MAX 0x7fffffffu   /* µs per wait: below MICA_TIMEOUT_ZERO */

static void sleep_us(uint64_t us)
{
	uint64_t now = libc_now_us(), until = us > UINT64_MAX - now ? UINT64_MAX : now + us;

	while ((now = libc_now_us()) < until) {
		uint64_t left = until - now;
		mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, left > WAIT_MAX ? WAIT_MAX : (uint32_t)left), 0, 0);
	}
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000)
		return libc_fail(EINVAL);
	uint64_t sec = (uint64_t)req->tv_sec;   /* a huge one (sleep forever) saturates */
	sleep_us(sec > UINT64_MAX / 1000000 - 1 ? UINT64_MAX
						: sec * 1000000 + ((uint64_t)req->tv_nsec + 999) / 1000);
	if (rem)
		*rem = (struct timespec){ 0, 0 };
	return 0;
}

int usleep(useconds_t us)
{
	sleep_us(us);
	return 0;
}

unsigned sleep(unsigned seconds)
{
	sleep_us((uint64_t)seconds * 1000000);
	return 0;
}
