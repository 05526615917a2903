/*
 * newlib_lock.c - the locks newlib takes around malloc, stdio, atexit, the
 * environment and the time zone (docs/libc.md "Threads"): newlib is built
 * with retargetable locking (lib/newlib/build-newlib), so its
 * __retarget_lock_* calls and static lock objects come here.  Every lock
 * is a recursive mutex of pthread_mutex.c; newlib's own definitions
 * (libc/misc/lock.c, no-ops) are never linked, since this file defines
 * all that one does and LIBC_LDFLAGS asks for it first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/lock.h>

#include "glue.h"
#include "pthread_impl.h"

struct __lock {
	pthread_mutex_t m;
};

#define RECURSIVE { { 0, PTHREAD_MUTEX_RECURSIVE, 0, 0, 0 } }

struct __lock __lock___sinit_recursive_mutex = RECURSIVE;
struct __lock __lock___sfp_recursive_mutex = RECURSIVE;
struct __lock __lock___atexit_recursive_mutex = RECURSIVE;
struct __lock __lock___at_quick_exit_mutex = RECURSIVE;
struct __lock __lock___malloc_recursive_mutex = RECURSIVE;
struct __lock __lock___env_recursive_mutex = RECURSIVE;
struct __lock __lock___tz_mutex = RECURSIVE;
struct __lock __lock___dd_hash_mutex = RECURSIVE;
struct __lock __lock___arc4random_mutex = RECURSIVE;

/* A lock newlib makes at run time (a FILE's): from malloc, so that it
 * can be closed; without memory it is none (each call on it does nothing,
 * as in a program of one thread). */
void __retarget_lock_init_recursive(_LOCK_T *lock)
{
	if ((*lock = malloc(sizeof **lock)) != 0)
		(*lock)->m = (pthread_mutex_t){ 0, PTHREAD_MUTEX_RECURSIVE, 0, 0, 0 };
}

void __retarget_lock_init(_LOCK_T *lock)
{
	__retarget_lock_init_recursive(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock)
{
	free(lock);
}

void __retarget_lock_close(_LOCK_T lock)
{
	free(lock);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
	if (lock)
		pthread_mutex_lock(&lock->m);
}

void __retarget_lock_acquire(_LOCK_T lock)
{
	__retarget_lock_acquire_recursive(lock);
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
	return lock ? pthread_mutex_trylock(&lock->m) : 0;
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
	return __retarget_lock_try_acquire_recursive(lock);
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
	if (lock)
		pthread_mutex_unlock(&lock->m);
}

void __retarget_lock_release(_LOCK_T lock)
{
	__retarget_lock_release_recursive(lock);
}

/* fork (fork.c, glue.h): the environment, the list of FILEs, then (after
 * libc_threads_lock) the heap. */
void libc_newlib_lock_outer(void)
{
	pthread_mutex_lock(&__lock___env_recursive_mutex.m);
	pthread_mutex_lock(&__lock___sfp_recursive_mutex.m);
}

void libc_newlib_lock_heap(void)
{
	pthread_mutex_lock(&__lock___malloc_recursive_mutex.m);
}

void libc_newlib_unlock_for_fork(void)
{
	pthread_mutex_unlock(&__lock___malloc_recursive_mutex.m);
	pthread_mutex_unlock(&__lock___sfp_recursive_mutex.m);
	pthread_mutex_unlock(&__lock___env_recursive_mutex.m);
}

/* The child's only thread: those three free, and the standard streams'
 * (a thread of the parent's may have been writing to one). */
void libc_newlib_locks_child(void)
{
	static const pthread_mutex_t free_lock = { 0, PTHREAD_MUTEX_RECURSIVE, 0, 0, 0 };
	FILE *streams[] = { stdin, stdout, stderr };

	__lock___env_recursive_mutex.m = free_lock;
	__lock___sfp_recursive_mutex.m = free_lock;
	__lock___malloc_recursive_mutex.m = free_lock;
	for (unsigned i = 0; i < sizeof streams / sizeof streams[0]; i++)
		if (streams[i]->_lock)
			streams[i]->_lock->m = free_lock;
}
