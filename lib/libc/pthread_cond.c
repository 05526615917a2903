/*
 * pthread_cond.c - condition variables (docs/libc.md "Threads").
 *
 * The variable is a sequence number that every signal and broadcast
 * advances.  A waiter reads it while it still holds the mutex, gives the
 * mutex up and waits (futex.c) as long as the number is the one it read:
 * a signal between the two changes the number, so the wait ends at once
 * and no wake-up is lost.  A signal wakes one waiter, a broadcast all;
 * as POSIX allows, a waiter may also wake without one.
 */
#include <errno.h>
#include <limits.h>

#include "pthread_impl.h"

int pthread_condattr_init(pthread_condattr_t *attr)
{
	*attr = (pthread_condattr_t){ .is_initialized = 1, .clock = (int)CLOCK_REALTIME };
	return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *attr)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	attr->is_initialized = 0;
	return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock)
{
	if (!attr || !attr->is_initialized || (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC))
		return EINVAL;
	attr->clock = (int)clock;
	return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*clock = attr->clock;
	return 0;
}

int pthread_condattr_setpshared(pthread_condattr_t *attr, int pshared)
{
	if (!attr || !attr->is_initialized || (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED))
		return EINVAL;
	attr->pshared = pshared;
	return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t *attr, int *pshared)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*pshared = attr->pshared;
	return 0;
}

/* __clock holds the clock's number, 0 for the default CLOCK_REALTIME (so
 * that PTHREAD_COND_INITIALIZER, all zeroes, means it). */
int pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr)
{
	if (attr && !attr->is_initialized)
		return EINVAL;
	*cond = (pthread_cond_t){ .__clock = attr && attr->clock != (int)CLOCK_REALTIME ? attr->clock : 0,
				  .__pshared = attr ? attr->pshared : 0 };
	return 0;
}

int pthread_cond_destroy(pthread_cond_t *cond)
{
	(void)cond;
	return 0;
}

int pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex, const struct timespec *abstime)
{
	int seq = (int)__atomic_load_n(&cond->__seq, __ATOMIC_ACQUIRE);
	unsigned count;
	int err;

	if (abstime && !libc_timespec_valid(abstime))
		return EINVAL;
	pthread_testcancel();
	if ((err = libc_mutex_release(mutex, &count)) != 0)
		return err;
	clockid_t clock = cond->__clock ? (clockid_t)cond->__clock : CLOCK_REALTIME;
	err = libc_futex_wait((volatile int *)&cond->__seq, seq, clock, abstime);
	libc_mutex_reacquire(mutex, count);
	pthread_testcancel();
	return err == ETIMEDOUT ? ETIMEDOUT : 0;
}

int pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex)
{
	return pthread_cond_timedwait(cond, mutex, 0);
}

int pthread_cond_signal(pthread_cond_t *cond)
{
	__atomic_add_fetch(&cond->__seq, 1, __ATOMIC_RELEASE);
	libc_futex_wake((volatile int *)&cond->__seq, 1);
	return 0;
}

int pthread_cond_broadcast(pthread_cond_t *cond)
{
	__atomic_add_fetch(&cond->__seq, 1, __ATOMIC_RELEASE);
	libc_futex_wake((volatile int *)&cond->__seq, INT_MAX);
	return 0;
}
