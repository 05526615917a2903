/*
 * pthread_mutex.c - mutexes and their attributes (docs/libc.md "Threads").
 *
 * The lock word is 0 (free), 1 (held) or 2 (held, and someone may wait):
 * taking a free mutex and giving back one nobody waits for are one atomic
 * instruction each; only a contended mutex goes through futex.c.  Recursive
 * and error-checking mutexes also keep their holder.  Process-shared
 * mutexes are accepted and are the same: a program shares no memory with
 * another but through mmap, and futex.c's queues are the program's own.
 */
#include <errno.h>

#include "pthread_impl.h"

int pthread_mutexattr_init(pthread_mutexattr_t *attr)
{
	*attr = (pthread_mutexattr_t){ .is_initialized = 1, .type = PTHREAD_MUTEX_DEFAULT };
	return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *attr)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	attr->is_initialized = 0;
	return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type)
{
	if (!attr || !attr->is_initialized || type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_ERRORCHECK)
		return EINVAL;
	attr->type = type;
	return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*type = attr->type;
	return 0;
}

int pthread_mutexattr_setpshared(pthread_mutexattr_t *attr, int pshared)
{
	if (!attr || !attr->is_initialized || (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED))
		return EINVAL;
	attr->pshared = pshared;
	return 0;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t *attr, int *pshared)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*pshared = attr->pshared;
	return 0;
}

/* Priority protocols: all threads of a program run at one priority, so
 * PTHREAD_PRIO_NONE is the only protocol there is. */
int pthread_mutexattr_setprotocol(pthread_mutexattr_t *attr, int protocol)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	if (protocol == PTHREAD_PRIO_INHERIT || protocol == PTHREAD_PRIO_PROTECT)
		return ENOTSUP;
	if (protocol != PTHREAD_PRIO_NONE)
		return EINVAL;
	attr->protocol = protocol;
	return 0;
}

int pthread_mutexattr_getprotocol(const pthread_mutexattr_t *attr, int *protocol)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*protocol = attr->protocol;
	return 0;
}

int pthread_mutexattr_setprioceiling(pthread_mutexattr_t *attr, int ceiling)
{
	(void)attr;
	(void)ceiling;
	return ENOTSUP;
}

int pthread_mutexattr_getprioceiling(const pthread_mutexattr_t *attr, int *ceiling)
{
	(void)attr;
	(void)ceiling;
	return ENOTSUP;
}

int pthread_mutex_getprioceiling(const pthread_mutex_t *mutex, int *ceiling)
{
	(void)mutex;
	(void)ceiling;
	return ENOTSUP;
}

int pthread_mutex_setprioceiling(pthread_mutex_t *mutex, int ceiling, int *old)
{
	(void)mutex;
	(void)ceiling;
	(void)old;
	return ENOTSUP;
}

int pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr)
{
	if (attr && !attr->is_initialized)
		return EINVAL;
	*mutex = (pthread_mutex_t){ .__type = attr ? attr->type : PTHREAD_MUTEX_DEFAULT,
				    .__pshared = attr ? attr->pshared : 0 };
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *mutex)
{
	if (__atomic_load_n(&mutex->__lock, __ATOMIC_RELAXED))
		return EBUSY;
	return 0;
}

/* The lock word alone: 0 taken, ETIMEDOUT or EINVAL (the deadline). */
static int lock_word(volatile int *w, const struct timespec *abstime)
{
	int c = 0;

	if (__atomic_compare_exchange_n(w, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 0;
	if (abstime && !libc_timespec_valid(abstime))
		return EINVAL;
	if (c != 2)
		c = __atomic_exchange_n(w, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		int err = libc_futex_wait(w, 2, CLOCK_REALTIME, abstime);
		if (err == ETIMEDOUT || err == EINVAL)
			return err;
		c = __atomic_exchange_n(w, 2, __ATOMIC_ACQUIRE);
	}
	return 0;
}

static void unlock_word(volatile int *w)
{
	if (__atomic_exchange_n(w, 0, __ATOMIC_RELEASE) == 2)
		libc_futex_wake(w, 1);
}

static int lock(pthread_mutex_t *m, const struct timespec *abstime, int try)
{
	pthread_t self = pthread_self();
	int err;

	if (m->__type != PTHREAD_MUTEX_NORMAL && m->__owner == self) {
		if (m->__type == PTHREAD_MUTEX_ERRORCHECK)
			return try ? EBUSY : EDEADLK;   /* trylock: it is locked */
		if (m->__count == ~0u)
			return EAGAIN;
		m->__count++;
		return 0;
	}
	if (try) {
		int c = 0;
		if (!__atomic_compare_exchange_n(&m->__lock, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return EBUSY;
	} else if ((err = lock_word(&m->__lock, abstime)) != 0) {
		return err;
	}
	m->__owner = self;
	m->__count = 1;
	return 0;
}

int pthread_mutex_lock(pthread_mutex_t *mutex)
{
	return lock(mutex, 0, 0);
}

int pthread_mutex_trylock(pthread_mutex_t *mutex)
{
	return lock(mutex, 0, 1);
}

int pthread_mutex_timedlock(pthread_mutex_t *mutex, const struct timespec *abstime)
{
	return lock(mutex, abstime, 0);
}

int pthread_mutex_unlock(pthread_mutex_t *mutex)
{
	if (mutex->__type != PTHREAD_MUTEX_NORMAL) {
		if (mutex->__owner != pthread_self() || !mutex->__lock)
			return EPERM;
		if (--mutex->__count)
			return 0;
	}
	mutex->__owner = 0;
	unlock_word(&mutex->__lock);
	return 0;
}

/* For condition variables: give the mutex up entirely (EPERM when the
 * caller does not hold a mutex that knows its holder), and take it back
 * as it was. */
int libc_mutex_release(pthread_mutex_t *mutex, unsigned *count)
{
	if (mutex->__type != PTHREAD_MUTEX_NORMAL && (mutex->__owner != pthread_self() || !mutex->__lock))
		return EPERM;
	*count = mutex->__count;
	mutex->__owner = 0;
	unlock_word(&mutex->__lock);
	return 0;
}

void libc_mutex_reacquire(pthread_mutex_t *mutex, unsigned count)
{
	/* Others may wait as well: take it as contended (2), so that our
	 * unlock wakes them. */
	while (__atomic_exchange_n(&mutex->__lock, 2, __ATOMIC_ACQUIRE) != 0)
		libc_futex_wait(&mutex->__lock, 2, CLOCK_MONOTONIC, 0);
	mutex->__owner = pthread_self();
	mutex->__count = count;
}
