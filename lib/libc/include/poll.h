/*
 * poll.h - poll() and ppoll() (lib/libc/poll.c, docs/poll.md), which
 * newlib leaves to the system.  The event bits are Linux's; the console
 * server and the C library speak them in Pollable.poll (idl/rt/notify.idl).
 */
#ifndef _POLL_H
#define _POLL_H

#include <sys/cdefs.h>

#define POLLIN 0x001      /* readable: a read would not wait */
#define POLLPRI 0x002     /* urgent data: no descriptor has any */
#define POLLOUT 0x004     /* writable: a write would not wait */
#define POLLERR 0x008     /* an error, or no reader left (a pipe's write end) */
#define POLLHUP 0x010     /* hang-up: no writer left (a pipe's read end) */
#define POLLNVAL 0x020    /* fd is no open descriptor */
#define POLLRDNORM 0x040  /* POLLIN */
#define POLLRDBAND 0x080  /* never */
#define POLLWRNORM 0x100  /* POLLOUT */
#define POLLWRBAND 0x200  /* never */

typedef unsigned int nfds_t;

struct pollfd {
	int fd;          /* negative: ignored, revents 0 */
	short events;    /* what to wait for */
	short revents;   /* what holds: of events, and POLLERR, POLLHUP, POLLNVAL */
};

__BEGIN_DECLS
int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);
#if __GNU_VISIBLE
#include <signal.h>
#include <sys/timespec.h>
/* There are no signals yet: `sigmask` has nothing to block. */
int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout, const sigset_t *sigmask);
#endif
__END_DECLS

#endif
