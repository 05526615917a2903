/*
 * poll.c - poll, ppoll, select and pselect (<poll.h>, <sys/select.h>,
 * docs/poll.md): each one wait of notifier.c on the descriptors given.
 *
 * A timeout of 0 only looks, none (-1, NULL) waits as long as it takes,
 * and a finite one ends the wait on the KIP clock, as sleep.c's do.  A
 * signal handler that runs meanwhile ends the wait with EINTR (whatever
 * SA_RESTART says, as on Linux); ppoll's and pselect's mask is the
 * program's while they wait (the handlers it lets through count from
 * before it is set, so one pending at once interrupts the wait).
 */
#define _GNU_SOURCE   /* ppoll */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/select.h>
#include <time.h>

#include "glue.h"
#include "sigstate.h"

#define NO_LIMIT UINT64_MAX

/* A struct timespec as microseconds (rounded up), NO_LIMIT for NULL;
 * -1 with errno EINVAL for a negative or malformed one. */
static int timespec_us(const struct timespec *ts, uint64_t *us)
{
	if (!ts) {
		*us = NO_LIMIT;
		return 0;
	}
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000)
		return libc_fail(EINVAL);
	uint64_t sec = (uint64_t)ts->tv_sec;
	*us = sec > NO_LIMIT / 1000000 - 1 ? NO_LIMIT : sec * 1000000 + ((uint64_t)ts->tv_nsec + 999) / 1000;
	return 0;
}

static int poll_us(struct pollfd *fds, nfds_t nfds, uint64_t us, unsigned long handlers)
{
	if (nfds > FD_MAX)
		return libc_fail(EINVAL);   /* more entries than the program has descriptors */
	return notifier_poll(fds, nfds, us, handlers, 0);
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	return poll_us(fds, nfds, timeout_ms < 0 ? NO_LIMIT : (uint64_t)timeout_ms * 1000,
		       libc_signal_handlers_here());
}

/* The program's mask set to *mask (if given) around a wait, the count of
 * handlers taken before (a signal it lets through is delivered as it is
 * set, and must interrupt the wait). */
struct masked {
	sigset_t old;
	unsigned long handlers;
	int saved_errno;
};

static void mask_set(struct masked *m, const sigset_t *mask)
{
	m->handlers = libc_signal_handlers_here();
	if (mask)
		sigprocmask(SIG_SETMASK, mask, &m->old);
}

static int mask_restore(struct masked *m, const sigset_t *mask, int result)
{
	if (mask) {
		m->saved_errno = errno;
		sigprocmask(SIG_SETMASK, &m->old, 0);
		errno = m->saved_errno;
	}
	return result;
}

int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout, const sigset_t *sigmask)
{
	uint64_t us = NO_LIMIT;
	struct masked m;

	if (timespec_us(timeout, &us))
		return -1;
	mask_set(&m, sigmask);
	return mask_restore(&m, sigmask, poll_us(fds, nfds, us, m.handlers));
}

/* select on poll: a descriptor of any set is one entry; every descriptor
 * of the sets must be open (EBADF).  A hang-up or an error makes a
 * descriptor readable (a read would not wait), an error writable too.
 * The sets are rewritten with what is ready, the count of bits returned. */
static int select_us(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, uint64_t us, unsigned long handlers)
{
	struct pollfd fds[FD_MAX];
	nfds_t n = 0;
	int count = 0;

	if (nfds < 0 || nfds > FD_SETSIZE)
		return libc_fail(EINVAL);
	for (int fd = 0; fd < nfds; fd++) {
		short ev = (rd && FD_ISSET(fd, rd) ? POLLIN : 0) | (wr && FD_ISSET(fd, wr) ? POLLOUT : 0) |
			   (ex && FD_ISSET(fd, ex) ? POLLPRI : 0);
		if (!ev)
			continue;
		if (!fd_lookup(fd))
			return -1;   /* EBADF */
		fds[n++] = (struct pollfd){ fd, ev, 0 };
	}
	int got = notifier_poll(fds, n, us, handlers, 0);
	if (got < 0)
		return -1;
	for (nfds_t i = 0; i < n; i++) {
		int fd = fds[i].fd;
		short r = fds[i].revents;
		if (rd && FD_ISSET(fd, rd) && !(r & (POLLIN | POLLHUP | POLLERR)))
			FD_CLR(fd, rd);
		if (wr && FD_ISSET(fd, wr) && !(r & (POLLOUT | POLLERR)))
			FD_CLR(fd, wr);
		if (ex && FD_ISSET(fd, ex) && !(r & POLLPRI))
			FD_CLR(fd, ex);
		count += (rd && FD_ISSET(fd, rd)) + (wr && FD_ISSET(fd, wr)) + (ex && FD_ISSET(fd, ex));
	}
	return count;
}

int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *timeout)
{
	uint64_t us = NO_LIMIT;

	if (timeout) {
		if (timeout->tv_sec < 0 || timeout->tv_usec < 0 || timeout->tv_usec >= 1000000)
			return libc_fail(EINVAL);
		uint64_t sec = (uint64_t)timeout->tv_sec;
		us = sec > NO_LIMIT / 1000000 - 1 ? NO_LIMIT : sec * 1000000 + (uint64_t)timeout->tv_usec;
	}
	return select_us(nfds, rd, wr, ex, us, libc_signal_handlers_here());
}

int pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, const struct timespec *timeout, const sigset_t *sigmask)
{
	uint64_t us = NO_LIMIT;

	struct masked m;

	if (timespec_us(timeout, &us))
		return -1;
	mask_set(&m, sigmask);
	return mask_restore(&m, sigmask, select_us(nfds, rd, wr, ex, us, m.handlers));
}
