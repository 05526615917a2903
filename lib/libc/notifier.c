/*
 * notifier.c - notifiers (sys/notifier.h, docs/poll.md): one wait on many
 * descriptors, and the program's wait irq that every wait of the C
 * library blocks on.
 *
 * The program has one irq, made at the first wait: pipe.c attaches it to
 * every pipe end the program holds (PipeEnd.attach), stream.c arms it
 * with the console (Stream.notify, Pollable.poll), procsrv.c gives it to
 * the process server for a child's end (Proc.notify).  It is bound to the
 * main thread, which then needs nothing more, until another thread first
 * waits on it (libc_wait_irq_listen); from then on it is bound to the
 * signal thread (sigdeliver.c), which triggers the park irq (futex.c) of
 * every thread that listens -- the main thread and each one that ever
 * waited -- at each notification: a thread that is not waiting any more
 * finds a wake-up when it next waits, and looks again.  A thread that
 * starts to listen is woken once at once (it may have looked before
 * listening), and so is the main thread when the irq leaves it (a
 * notification pending for it goes with the binding).  A wait looks at each source
 * through its descriptor's poll operation, which also arranges for the
 * irq to be triggered when the source may change (a pipe's waiting flag,
 * the console's arming), and only when none is ready sleeps in an open
 * receive on the thread, with the timeout left.  Whatever wakes it (the
 * irq, a child's end, the timeout) makes it look again: a wake-up is a
 * hint, and arming before looking means no change goes unseen.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/notifier.h>

#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/boot.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/rt/proc.h>

#include "glue.h"
#include "pthread_impl.h"
#include "sigstate.h"

#define WAIT_MAX_US 0x7fffffffu         /* per receive: below MICA_TIMEOUT_ZERO */

struct notifier {
	struct pollfd subs[FD_MAX];   /* fd, events; revents of the last wait */
	int n;
	unsigned long turns;   /* looks at the sources, ever */
};

static mica_cap_t irq;      /* the program's wait irq, 0 until made */
static mica_cap_t lock_irq;   /* the process server's owner of our record locks, 0 until asked */
static volatile int relayed;   /* bound to the signal thread */

void libc_wait_irq_after_fork(void)
{
	mica_slot_drop(irq);   /* our copy of the parent's, bound to its thread */
	irq = 0;
	mica_slot_drop(lock_irq);   /* the parent's: the child asks for its own */
	lock_irq = 0;
	relayed = 0;
}

int libc_wait_irq_relayed(void)
{
	return __atomic_load_n(&relayed, __ATOMIC_ACQUIRE);
}

/* t listens from now on (under libc_threads_lock), woken once now. */
static void start_listening(struct pthread *t)
{
	mica_cap_t park = libc_thread_park(t);

	if (!park)
		return;   /* no irq: it is woken by nothing of the wait irq's */
	__atomic_store_n(&t->listens, 1, __ATOMIC_RELEASE);
	irq_trigger(park);
}

void libc_wait_irq_listen(void)
{
	struct pthread *self = libc_thread_self(), *main = libc_thread_next(0);
	mica_cap_t to;

	if (__atomic_load_n(&self->listens, __ATOMIC_ACQUIRE) || (self == main && !libc_wait_irq_relayed()))
		return;
	pthread_mutex_lock(&libc_threads_lock);
	if (!relayed && libc_wait_irq() && (to = libc_signal_thread()) != 0 && irq_bind(irq, to) == 0) {
		if (lock_irq)
			irq_bind(lock_irq, to);
		__atomic_store_n(&relayed, 1, __ATOMIC_RELEASE);
		start_listening(main);
	}
	if (relayed && !self->listens)
		start_listening(self);
	pthread_mutex_unlock(&libc_threads_lock);
}

/* Made by whichever thread needs it first (one of two made at once is kept). */
mica_cap_t libc_wait_irq(void)
{
	mica_cap_t made, none = 0;

	if (__atomic_load_n(&irq, __ATOMIC_ACQUIRE))
		return irq;
	if (!(made = mica_slot_alloc()))
		return 0;
	if (factory_create_irq(MICA_BOOT_FACTORY, made, LIBC_WAIT_IRQ_LABEL) == 0 &&
	    irq_bind(made, MICA_BOOT_THREAD) == 0 &&
	    __atomic_compare_exchange_n(&irq, &none, made, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return made;
	kobject_destroy(made);
	mica_slot_free(made);
	return none;
}

/* The owner of the process's record locks (reclock.c): the process
 * server's irq for the process, which exec keeps (Proc.lock_owner), bound
 * where the wait irq is, under the same label, so that a release wakes a
 * waiter as the wait irq does; without a process server, the wait irq. */
mica_cap_t libc_lock_owner(void)
{
	mica_cap_t proc, made, to;

	if (__atomic_load_n(&lock_irq, __ATOMIC_ACQUIRE))
		return lock_irq;
	if (!libc_wait_irq())
		return 0;
	if (!(proc = libc_proc()))
		return irq;
	if (!(made = mica_slot_alloc()))
		return 0;
	pthread_mutex_lock(&libc_threads_lock);
	if (lock_irq)
		mica_slot_free(made);   /* another thread asked first */
	else if (proc_lock_owner(proc, &made) == 0 &&
		 irq_bind(made, relayed && (to = libc_signal_thread()) != 0 ? to : MICA_BOOT_THREAD) == 0)
		__atomic_store_n(&lock_irq, made, __ATOMIC_RELEASE);
	else
		mica_slot_drop(made);
	pthread_mutex_unlock(&libc_threads_lock);
	return lock_irq;
}

/* What holds for p: of its events, and the errors and hang-up asked or not.
 * A descriptor without a poll operation (a rom file) is always ready; a
 * file of the file server too, and has its own events besides. */
static short look(const struct pollfd *p, mica_cap_t irq)
{
	struct file *f;
	short events = p->events, r;

	if (p->fd < 0)
		return 0;
	if (!(f = fd_file(p->fd)))
		return POLLNVAL;
	if (events & POLLRDNORM)
		events |= POLLIN;
	if (events & POLLWRNORM)
		events |= POLLOUT;
	events &= POLLIN | POLLOUT | MICA_FS_EVENTS;
	r = f->ops->poll ? f->ops->poll(f, events, irq) : (short)(POLLIN | POLLOUT);
	if (r & POLLIN)
		r |= POLLRDNORM;
	if (r & POLLOUT)
		r |= POLLWRNORM;
	return r & (p->events | POLLERR | POLLHUP);
}

int notifier_poll(struct pollfd *fds, size_t n, uint64_t timeout_us, unsigned long handlers, unsigned long *turns)
{
	mica_cap_t irq = libc_wait_irq();
	uint64_t now = libc_now_us(), deadline = timeout_us > UINT64_MAX - now ? UINT64_MAX : now + timeout_us;

	if (!irq)
		return libc_fail(ENOMEM);   /* the console's look needs it too */
	libc_wait_irq_listen();
	for (;;) {
		int ready = 0;
		if (turns)
			++*turns;
		for (size_t i = 0; i < n; i++)
			if ((fds[i].revents = look(&fds[i], irq)) != 0)
				ready++;
		if (ready || !timeout_us || (now = libc_now_us()) >= deadline)
			return ready;
		if (libc_signal_handlers_here() != handlers)
			return libc_fail(EINTR);
		uint64_t left = deadline - now;
		mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, left > WAIT_MAX_US ? WAIT_MAX_US : (uint32_t)left), 0, 0);
	}
}

struct notifier *notifier_new(void)
{
	struct notifier *n = calloc(1, sizeof *n);

	if (!n)
		libc_fail(ENOMEM);
	return n;
}

static struct pollfd *find(struct notifier *n, int fd)
{
	for (int i = 0; i < n->n; i++)
		if (n->subs[i].fd == fd)
			return &n->subs[i];
	return 0;
}

int notifier_add(struct notifier *n, int fd, short events)
{
	struct pollfd *p;

	if (!fd_lookup(fd))
		return -1;
	if (!(p = find(n, fd))) {
		if (n->n == FD_MAX)
			return libc_fail(ENOMEM);
		p = &n->subs[n->n++];
	}
	*p = (struct pollfd){ fd, events, 0 };
	return 0;
}

int notifier_remove(struct notifier *n, int fd)
{
	struct pollfd *p = find(n, fd);

	if (!p)
		return libc_fail(ENOENT);
	*p = n->subs[--n->n];
	return 0;
}

int notifier_wait(struct notifier *n, struct pollfd *ready, int max, int timeout_ms)
{
	int got = notifier_poll(n->subs, (size_t)n->n, timeout_ms < 0 ? UINT64_MAX : (uint64_t)timeout_ms * 1000,
				libc_signal_handlers_here(), &n->turns);

	for (int i = 0, k = 0; got > 0 && i < n->n && k < max; i++)
		if (n->subs[i].revents)
			ready[k++] = n->subs[i];
	return got;
}

unsigned long notifier_turns(const struct notifier *n)
{
	return n->turns;
}

void notifier_free(struct notifier *n)
{
	free(n);
}
