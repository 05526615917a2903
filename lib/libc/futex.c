/*
 * futex.c - the one wait/wake primitive of the thread functions
 * (docs/libc.md "Threads"), on Mica's irq objects.
 *
 * Every thread that ever blocks has a park irq bound to it (which also
 * wakes it for a signal and for the program's wait irq: sigdeliver.c,
 * notifier.c).  A waiter puts
 * a record (the word it waits on, its irq) in the queue of the word's
 * bucket, but only if the word still holds the value it expects; this
 * check and the enqueue happen under the bucket's lock, as do a waker's
 * dequeue and trigger, so a wake between a waiter's look at the word and
 * its sleep is never lost.  The waiter then sleeps in an open receive on
 * its thread: the irq's message (merged if it came first) ends the sleep.
 * Whatever else wakes the thread (a stray notification, the timeout) makes
 * it look at its record again.
 *
 * The bucket locks are the only thing that spins: each is held for a few
 * instructions and one irq trigger, and a thread that finds one taken gives
 * up the processor (Thread.yield) rather than burn its time slice.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/boot.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/thread.h>

#include "glue.h"
#include "pthread_impl.h"

#define PARK_IRQ_LABEL 0x7061726bull   /* "park" */
#define WAIT_MAX_US 0x7fffffffu         /* per receive: below MICA_TIMEOUT_ZERO */
#define BUCKETS 64                      /* a power of two */
#define US_PER_SEC 1000000ull

struct waiter {
	volatile int *addr;
	mica_cap_t park;
	volatile int woken;     /* set by the waker, under the bucket lock */
	struct waiter *next, *prev;
};

static struct bucket {
	volatile int lock;
	struct waiter *head, *tail;
} buckets[BUCKETS];

static struct bucket *bucket_of(volatile int *addr)
{
	uintptr_t a = (uintptr_t)addr;

	return &buckets[((a >> 2) ^ (a >> 9)) & (BUCKETS - 1)];
}

void libc_thread_yield(void)
{
	thread_yield(libc_thread_self()->thread);
}

static void bucket_lock(struct bucket *b)
{
	while (__atomic_exchange_n(&b->lock, 1, __ATOMIC_ACQUIRE))
		libc_thread_yield();
}

static void bucket_unlock(struct bucket *b)
{
	__atomic_store_n(&b->lock, 0, __ATOMIC_RELEASE);
}

static void unlink_waiter(struct bucket *b, struct waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		b->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		b->tail = w->prev;
}

mica_cap_t libc_thread_park(struct pthread *t)
{
	mica_cap_t irq = __atomic_load_n(&t->park, __ATOMIC_ACQUIRE), none = 0;

	if (irq)
		return irq;
	if (!(irq = mica_slot_alloc()))
		return 0;
	if (factory_create_irq(MICA_BOOT_FACTORY, irq, PARK_IRQ_LABEL) == 0 && irq_bind(irq, t->thread) == 0 &&
	    __atomic_compare_exchange_n(&t->park, &none, irq, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return irq;
	kobject_destroy(irq);   /* no irq, or another thread's came first: `none` says which */
	mica_slot_free(irq);
	return none;
}

int libc_timespec_valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000;
}

/* The monotonic clock's microsecond at which `clock` shows `abstime`
 * (the clocks differ by the boot's wall-clock time, which never changes):
 * 0 when it is past already, UINT64_MAX for no deadline. */
static int deadline_us(clockid_t clock, const struct timespec *abstime, uint64_t *out)
{
	struct timespec now;

	if (!abstime) {
		*out = UINT64_MAX;
		return 0;
	}
	if (!libc_timespec_valid(abstime))
		return EINVAL;
	if (clock_gettime(clock, &now))
		return EINVAL;
	int64_t left_s = (int64_t)abstime->tv_sec - (int64_t)now.tv_sec;
	int64_t left_ns = (int64_t)abstime->tv_nsec - (int64_t)now.tv_nsec;
	int64_t left_us = left_s * (int64_t)US_PER_SEC + left_ns / 1000 + (left_ns % 1000 > 0);
	*out = left_us <= 0 ? 0 : libc_now_us() + (uint64_t)left_us;
	return 0;
}

int libc_futex_wait(volatile int *addr, int val, clockid_t clock, const struct timespec *abstime)
{
	struct pthread *self = libc_thread_self();
	struct bucket *b = bucket_of(addr);
	struct waiter w = { .addr = addr };
	uint64_t deadline;
	int err = deadline_us(clock, abstime, &deadline);

	if (err)
		return err;
	if (!(w.park = libc_thread_park(self))) {
		/* No irq (out of kernel memory): wait by giving up the processor. */
		if (__atomic_load_n(addr, __ATOMIC_ACQUIRE) != val)
			return EAGAIN;
		libc_thread_yield();
		return deadline != UINT64_MAX && libc_now_us() >= deadline ? ETIMEDOUT : 0;
	}
	bucket_lock(b);
	if (__atomic_load_n(addr, __ATOMIC_RELAXED) != val) {
		bucket_unlock(b);
		return EAGAIN;
	}
	w.prev = b->tail;
	if (b->tail)
		b->tail->next = &w;
	else
		b->head = &w;
	b->tail = &w;
	bucket_unlock(b);
	for (;;) {
		uint64_t now = libc_now_us();
		if (now >= deadline) {
			bucket_lock(b);
			int woken = w.woken;
			if (!woken)
				unlink_waiter(b, &w);
			bucket_unlock(b);
			return woken ? 0 : ETIMEDOUT;
		}
		uint64_t left = deadline - now;
		mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, left > WAIT_MAX_US ? WAIT_MAX_US : (uint32_t)left), 0, 0);
		if (__atomic_load_n(&w.woken, __ATOMIC_ACQUIRE))
			return 0;
		/* A waker triggers before it marks the record, both under the
		 * lock: taking the lock settles which this wake-up was. */
		bucket_lock(b);
		int woken = w.woken;
		bucket_unlock(b);
		if (woken)
			return 0;
	}
}

void libc_futex_wake(volatile int *addr, int n)
{
	struct bucket *b = bucket_of(addr);

	bucket_lock(b);
	for (struct waiter *w = b->head, *next; w && n > 0; w = next) {
		next = w->next;
		if (w->addr != addr)
			continue;
		unlink_waiter(b, w);
		irq_trigger(w->park);
		__atomic_store_n(&w->woken, 1, __ATOMIC_RELEASE);
		n--;
	}
	bucket_unlock(b);
}
