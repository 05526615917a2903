/*
 * pthread_once.c - pthread_once (docs/libc.md "Threads"): the first caller
 * runs the function; the others wait (futex.c) until it has returned.
 */
#include <limits.h>

#include "pthread_impl.h"

enum { ONCE_NEW, ONCE_RUNNING, ONCE_DONE };

int pthread_once(pthread_once_t *once, void (*fn)(void))
{
	int s = ONCE_NEW;

	if (__atomic_load_n(&once->__state, __ATOMIC_ACQUIRE) == ONCE_DONE)
		return 0;
	if (__atomic_compare_exchange_n(&once->__state, &s, ONCE_RUNNING, 0, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
		fn();
		__atomic_store_n(&once->__state, ONCE_DONE, __ATOMIC_RELEASE);
		libc_futex_wake(&once->__state, INT_MAX);
		return 0;
	}
	while (__atomic_load_n(&once->__state, __ATOMIC_ACQUIRE) == ONCE_RUNNING)
		libc_futex_wait(&once->__state, ONCE_RUNNING, CLOCK_MONOTONIC, 0);
	return 0;
}
