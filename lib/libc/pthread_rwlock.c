/*
 * pthread_rwlock.c - read-write locks (docs/libc.md "Threads"): a mutex
 * and two condition variables.  Readers go in whenever no writer holds
 * the lock (so a reader may take it again while a writer waits, as
 * POSIX requires of recursive read locks); a writer waits until neither
 * readers nor a writer hold it.
 */
#include <errno.h>

#include "pthread_impl.h"

int pthread_rwlockattr_init(pthread_rwlockattr_t *attr)
{
	*attr = (pthread_rwlockattr_t){ .is_initialized = 1 };
	return 0;
}

int pthread_rwlockattr_destroy(pthread_rwlockattr_t *attr)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	attr->is_initialized = 0;
	return 0;
}

int pthread_rwlockattr_setpshared(pthread_rwlockattr_t *attr, int pshared)
{
	if (!attr || !attr->is_initialized || (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED))
		return EINVAL;
	attr->pshared = pshared;
	return 0;
}

int pthread_rwlockattr_getpshared(const pthread_rwlockattr_t *attr, int *pshared)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*pshared = attr->pshared;
	return 0;
}

int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr)
{
	if (attr && !attr->is_initialized)
		return EINVAL;
	*rw = (pthread_rwlock_t)PTHREAD_RWLOCK_INITIALIZER;
	rw->__pshared = attr ? attr->pshared : 0;
	return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
	return rw->__nreaders || rw->__writer ? EBUSY : 0;
}

static int rdlock(pthread_rwlock_t *rw, const struct timespec *abstime, int try)
{
	int err = 0;

	if (abstime && !libc_timespec_valid(abstime))
		return EINVAL;
	pthread_mutex_lock(&rw->__lock);
	if (rw->__writer == pthread_self())
		err = EDEADLK;
	while (!err && rw->__writer) {
		if (try)
			err = EBUSY;
		else
			err = pthread_cond_timedwait(&rw->__readers, &rw->__lock, abstime);
	}
	if (!err)
		rw->__nreaders++;
	pthread_mutex_unlock(&rw->__lock);
	return err;
}

static int wrlock(pthread_rwlock_t *rw, const struct timespec *abstime, int try)
{
	int err = 0;

	if (abstime && !libc_timespec_valid(abstime))
		return EINVAL;
	pthread_mutex_lock(&rw->__lock);
	if (rw->__writer == pthread_self())
		err = EDEADLK;
	rw->__writers_waiting++;
	while (!err && (rw->__writer || rw->__nreaders)) {
		if (try)
			err = EBUSY;
		else
			err = pthread_cond_timedwait(&rw->__writers, &rw->__lock, abstime);
	}
	rw->__writers_waiting--;
	if (!err)
		rw->__writer = pthread_self();
	pthread_mutex_unlock(&rw->__lock);
	return err;
}

int pthread_rwlock_rdlock(pthread_rwlock_t *rw)
{
	return rdlock(rw, 0, 0);
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
{
	return rdlock(rw, 0, 1);
}

int pthread_rwlock_timedrdlock(pthread_rwlock_t *rw, const struct timespec *abstime)
{
	return rdlock(rw, abstime, 0);
}

int pthread_rwlock_wrlock(pthread_rwlock_t *rw)
{
	return wrlock(rw, 0, 0);
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
{
	return wrlock(rw, 0, 1);
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t *rw, const struct timespec *abstime)
{
	return wrlock(rw, abstime, 0);
}

int pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
	int err = 0;

	pthread_mutex_lock(&rw->__lock);
	if (rw->__writer == pthread_self())
		rw->__writer = 0;
	else if (rw->__nreaders)
		rw->__nreaders--;
	else
		err = EPERM;
	if (!err && !rw->__writer && !rw->__nreaders && rw->__writers_waiting)
		pthread_cond_signal(&rw->__writers);
	if (!err && !rw->__writer)
		pthread_cond_broadcast(&rw->__readers);
	pthread_mutex_unlock(&rw->__lock);
	return err;
}
