/*
 * pthread_spin.c - spin locks (docs/libc.md "Threads"): one atomic word;
 * a thread that finds it taken gives up the processor (Thread.yield) and
 * tries again, since the holder may be a thread that is not running.
 */
#include <errno.h>

#include "pthread_impl.h"

int pthread_spin_init(pthread_spinlock_t *lock, int pshared)
{
	if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
		return EINVAL;
	*lock = 0;
	return 0;
}

int pthread_spin_destroy(pthread_spinlock_t *lock)
{
	return *lock ? EBUSY : 0;
}

int pthread_spin_lock(pthread_spinlock_t *lock)
{
	while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
		libc_thread_yield();
	return 0;
}

int pthread_spin_trylock(pthread_spinlock_t *lock)
{
	return __atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE) ? EBUSY : 0;
}

int pthread_spin_unlock(pthread_spinlock_t *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
	return 0;
}
