/*
 * sem.c - unnamed semaphores (<semaphore.h>, docs/libc.md "Threads"): the
 * value is one word that sem_wait decrements when it is above 0 and
 * otherwise waits on (futex.c); sem_post increments it and wakes a waiter
 * if there may be one.
 */
#include <errno.h>
#include <semaphore.h>

#include "glue.h"
#include "pthread_impl.h"

int sem_init(sem_t *sem, int pshared, unsigned value)
{
	if (value > SEM_VALUE_MAX)
		return libc_fail(EINVAL);
	*sem = (sem_t){ .__value = (int)value, .__pshared = pshared };
	return 0;
}

int sem_destroy(sem_t *sem)
{
	if (sem->__waiters)
		return libc_fail(EBUSY);
	return 0;
}

static int take(sem_t *sem)
{
	int v = __atomic_load_n(&sem->__value, __ATOMIC_RELAXED);

	while (v > 0)
		if (__atomic_compare_exchange_n(&sem->__value, &v, v - 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return 1;
	return 0;
}

int sem_trywait(sem_t *sem)
{
	return take(sem) ? 0 : libc_fail(EAGAIN);
}

int sem_timedwait(sem_t *sem, const struct timespec *abstime)
{
	pthread_testcancel();
	if (take(sem))
		return 0;
	if (abstime && !libc_timespec_valid(abstime))
		return libc_fail(EINVAL);
	for (;;) {
		__atomic_add_fetch(&sem->__waiters, 1, __ATOMIC_ACQ_REL);
		int err = libc_futex_wait(&sem->__value, 0, CLOCK_REALTIME, abstime);
		__atomic_sub_fetch(&sem->__waiters, 1, __ATOMIC_ACQ_REL);
		pthread_testcancel();
		if (take(sem))
			return 0;
		if (err == ETIMEDOUT || err == EINVAL)
			return libc_fail(err);
	}
}

int sem_wait(sem_t *sem)
{
	return sem_timedwait(sem, 0);
}

int sem_post(sem_t *sem)
{
	int v = __atomic_load_n(&sem->__value, __ATOMIC_RELAXED);

	do {
		if (v == SEM_VALUE_MAX)
			return libc_fail(EOVERFLOW);
	} while (!__atomic_compare_exchange_n(&sem->__value, &v, v + 1, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
	if (__atomic_load_n(&sem->__waiters, __ATOMIC_ACQUIRE))
		libc_futex_wake(&sem->__value, 1);
	return 0;
}

int sem_getvalue(sem_t *sem, int *value)
{
	*value = __atomic_load_n(&sem->__value, __ATOMIC_RELAXED);
	return 0;
}
