/*
 * pthread_barrier.c - barriers (docs/libc.md "Threads"): a mutex, a
 * condition variable and a round number; the last thread to arrive starts
 * the next round, wakes the others and is the serial thread.
 */
#include <errno.h>

#include "pthread_impl.h"

int pthread_barrierattr_init(pthread_barrierattr_t *attr)
{
	*attr = (pthread_barrierattr_t){ .is_initialized = 1 };
	return 0;
}

int pthread_barrierattr_destroy(pthread_barrierattr_t *attr)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	attr->is_initialized = 0;
	return 0;
}

int pthread_barrierattr_setpshared(pthread_barrierattr_t *attr, int pshared)
{
	if (!attr || !attr->is_initialized || (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED))
		return EINVAL;
	attr->pshared = pshared;
	return 0;
}

int pthread_barrierattr_getpshared(const pthread_barrierattr_t *attr, int *pshared)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*pshared = attr->pshared;
	return 0;
}

int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr, unsigned count)
{
	if (count == 0 || (attr && !attr->is_initialized))
		return EINVAL;
	*b = (pthread_barrier_t){ .__lock = PTHREAD_MUTEX_INITIALIZER, .__cond = PTHREAD_COND_INITIALIZER,
				  .__count = count };
	return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *b)
{
	return b->__waiting ? EBUSY : 0;
}

int pthread_barrier_wait(pthread_barrier_t *b)
{
	int serial = 0;

	pthread_mutex_lock(&b->__lock);
	unsigned round = b->__round;
	if (++b->__waiting == b->__count) {
		b->__waiting = 0;
		b->__round++;
		serial = 1;
		pthread_cond_broadcast(&b->__cond);
	} else {
		while (b->__round == round)
			pthread_cond_wait(&b->__cond, &b->__lock);
	}
	pthread_mutex_unlock(&b->__lock);
	return serial ? PTHREAD_BARRIER_SERIAL_THREAD : 0;
}
