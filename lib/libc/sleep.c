/*
 * sleep.c - nanosleep, usleep and sleep: an open receive with a timeout on
 * the calling thread.  Something else may wake it early (the input irq of
 * stream.c, say), so it waits again until the KIP clock says the time is
 * over, unless a signal handler ran meanwhile (the signal thread diverted
 * the sleeper to it, sigdeliver.c): then the sleep ends early with EINTR
 * and what was left (nanosleep's rem, sleep's seconds), whatever
 * SA_RESTART says, as on Linux.
 */
#include <errno.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <libsys/ipc.h>

#include "glue.h"
#include "sigstate.h"

#define WAIT_MAX 0x7fffffffu   /* µs per wait: below MICA_TIMEOUT_ZERO */

/* Sleep us µs; what was left when a handler ran (0: the whole time slept). */
static uint64_t sleep_us(uint64_t us)
{
	uint64_t now = libc_now_us(), until = us > UINT64_MAX - now ? UINT64_MAX : now + us;
	unsigned long handlers = libc_signal_handlers_here();

	while ((now = libc_now_us()) < until) {
		uint64_t left = until - now;
		if (libc_signal_handlers_here() != handlers)
			return left;
		mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, left > WAIT_MAX ? WAIT_MAX : (uint32_t)left), 0, 0);
	}
	return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000)
		return libc_fail(EINVAL);
	uint64_t sec = (uint64_t)req->tv_sec;   /* a huge one (sleep forever) saturates */
	uint64_t left = sleep_us(sec > UINT64_MAX / 1000000 - 1 ? UINT64_MAX
							   : sec * 1000000 + ((uint64_t)req->tv_nsec + 999) / 1000);
	if (rem)
		*rem = (struct timespec){ (time_t)(left / 1000000), (long)(left % 1000000) * 1000 };
	return left ? libc_fail(EINTR) : 0;
}

int usleep(useconds_t us)
{
	return sleep_us(us) ? libc_fail(EINTR) : 0;
}

unsigned sleep(unsigned seconds)
{
	uint64_t left = sleep_us((uint64_t)seconds * 1000000);

	return (unsigned)((left + 999999) / 1000000);
}
