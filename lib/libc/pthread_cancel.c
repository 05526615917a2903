/*
 * pthread_cancel.c - cancellation (docs/libc.md "Threads"): deferred.  A
 * cancelled thread that has cancellation enabled ends, as by
 * pthread_exit(PTHREAD_CANCELED), at its next cancellation point:
 * pthread_testcancel, pthread_join, pthread_cond_wait and
 * pthread_cond_timedwait (before the wait and after it), sem_wait and
 * sem_timedwait.  The asynchronous type is accepted and acts at the same
 * points: a thread cannot be made to run its cleanup at any instruction.
 * pthread_cancel also wakes the thread, so a wait at a cancellation point
 * looks again.
 */
#include <errno.h>

#include <idl/kernel/irq.h>

#include "pthread_impl.h"

int pthread_cancel(pthread_t id)
{
	struct pthread *t;

	pthread_mutex_lock(&libc_threads_lock);
	if ((t = libc_thread_find(id)) != 0) {
		__atomic_store_n(&t->cancel_pending, 1, __ATOMIC_RELEASE);
		if (t->park)
			irq_trigger(t->park);
	}
	pthread_mutex_unlock(&libc_threads_lock);
	return t ? 0 : ESRCH;
}

int pthread_setcancelstate(int state, int *old)
{
	struct pthread *self = libc_thread_self();

	if (state != PTHREAD_CANCEL_ENABLE && state != PTHREAD_CANCEL_DISABLE)
		return EINVAL;
	if (old)
		*old = self->cancel_disabled ? PTHREAD_CANCEL_DISABLE : PTHREAD_CANCEL_ENABLE;
	self->cancel_disabled = state == PTHREAD_CANCEL_DISABLE;
	return 0;
}

int pthread_setcanceltype(int type, int *old)
{
	struct pthread *self = libc_thread_self();

	if (type != PTHREAD_CANCEL_DEFERRED && type != PTHREAD_CANCEL_ASYNCHRONOUS)
		return EINVAL;
	if (old)
		*old = self->cancel_async ? PTHREAD_CANCEL_ASYNCHRONOUS : PTHREAD_CANCEL_DEFERRED;
	self->cancel_async = type == PTHREAD_CANCEL_ASYNCHRONOUS;
	return 0;
}

void pthread_testcancel(void)
{
	struct pthread *self = libc_thread_self();

	if (!self->cancel_disabled && __atomic_load_n(&self->cancel_pending, __ATOMIC_ACQUIRE))
		pthread_exit(PTHREAD_CANCELED);
}
