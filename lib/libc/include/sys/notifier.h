/*
 * sys/notifier.h - notifiers (Mica's own, lib/libc/notifier.c,
 * docs/poll.md): one wait on many descriptors, which says which of them
 * are ready and for what.  poll() and select() are made of one.
 *
 * A notifier is a set of subscriptions, each a descriptor and the events
 * wanted (<poll.h>'s POLLIN, POLLOUT, and for a file of the file server
 * the NOTIFIER_* events below); POLLHUP, POLLERR and POLLNVAL are
 * reported whether asked or not.  Waiting blocks the program's main
 * thread on the program's one wait irq, which every source triggers when
 * it may have become ready: a pipe's server through the program's
 * attachment to the end, the console through Pollable.poll, the file
 * server through OpenFile.notify; files of the file server and rom files
 * are always readable and writable.  A wake-up is a hint: the notifier
 * looks at its sources again and sleeps again if none is ready.
 */
#ifndef _SYS_NOTIFIER_H
#define _SYS_NOTIFIER_H

#include <poll.h>

#include <mica/fs.h>

/* Events of a regular file of the file server (docs/poll.md), each
 * reported once: by the first look after it came (by any session of the
 * file, the looking program's too), which is the same look that arms the
 * wait for the next.  Any other descriptor never has them. */
#define NOTIFIER_WRITTEN MICA_FS_EV_WRITTEN   /* data written (a shared mapping's: once written back) */
#define NOTIFIER_RESIZED MICA_FS_EV_RESIZED   /* the size changed */
#define NOTIFIER_CLOSED  MICA_FS_EV_CLOSED    /* a session of the file was closed */

struct notifier;

/* A new notifier with no subscription; NULL with errno ENOMEM. */
struct notifier *notifier_new(void);
/* Subscribe to `events` of fd (again: replace the events).  -1 with
 * errno: EBADF (no descriptor), ENOMEM (as many subscriptions as
 * descriptors). */
int notifier_add(struct notifier *n, int fd, short events);
/* End fd's subscription; -1 with errno ENOENT if it had none. */
int notifier_remove(struct notifier *n, int fd);
/* Wait until a source is ready or `timeout_ms` has passed (0: only look,
 * negative: no limit).  Fills at most `max` entries of `ready` (fd, the
 * events subscribed, what holds) and returns how many sources are ready,
 * 0 at the timeout; -1 with errno ENOMEM when the program cannot make its
 * wait irq, EINTR when a signal handler ran while it waited. */
int notifier_wait(struct notifier *n, struct pollfd *ready, int max, int timeout_ms);
/* How many times the notifier has looked at its sources: once per wait,
 * and once more after each wake-up.  A test's proof that a wait sleeps
 * rather than spins. */
unsigned long notifier_turns(const struct notifier *n);
void notifier_free(struct notifier *n);

#endif
