/*
 * pthread_impl.h - what the thread files of the C library share
 * (docs/libc.md "Threads"): the thread structure and the wait/wake
 * primitive (futex.c) that every blocking object is built on.
 */
#ifndef LIBC_PTHREAD_IMPL_H
#define LIBC_PTHREAD_IMPL_H

#include <pthread.h>
#include <reent.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include <mica/types.h>

#define LIBC_KEYS_MAX 128   /* PTHREAD_KEYS_MAX */

enum thread_state { THREAD_RUNNING, THREAD_EXITED };

struct pthread {
	mica_cap_t thread;      /* its Thread object (the main thread: MICA_BOOT_THREAD) */
	mica_cap_t park;        /* the irq that wakes it (libc_thread_park), made at first need */
	mica_addr_t utcb;
	void *stack;            /* malloc'd by pthread_create, or 0 (the caller's or the main one) */
	void *(*start)(void *);
	void *arg;
	void *result;
	volatile int state;     /* enum thread_state; joiners wait on it */
	int detached;
	int joining;            /* a pthread_join waits for it */
	int cancel_pending, cancel_disabled, cancel_async;
	struct __pthread_cleanup *cleanup;
	/* Its signal mask, and the signals sent to it alone (pthread_kill,
	 * raise) that wait for the mask to let them through (signal.c); the
	 * signal thread reads both (sigdeliver.c). */
	volatile sigset_t blocked, pending;
	volatile int listens;   /* the program's wait irq wakes it, through the signal thread (notifier.c) */
	struct pthread *next, *prev;   /* every thread of the program */
	struct _reent reent;    /* newlib's per-thread state (errno, ...): __getreent */
	const void *specific[LIBC_KEYS_MAX];
};

/* The calling thread's structure (the main thread's is static). */
struct pthread *libc_thread_self(void);
/* The structure of the thread whose UTCB is u (the main thread's for a
 * UTCB that names none). */
struct pthread *libc_thread_of_utcb(const void *u);
/* The irq bound to t that wakes it from an open receive: every wait
 * looks again when it fires (futex.c).  Made at first need, by t or by
 * any other thread (one of two made at once is kept); 0 when no irq could
 * be made. */
mica_cap_t libc_thread_park(struct pthread *t);

/*
 * Wait while *addr == val: returns 0 when woken by futex_wake (or
 * spuriously: callers look again), EAGAIN when *addr was not val, and
 * ETIMEDOUT when the clock `clock` passed `abstime` (NULL: no deadline;
 * EINVAL for a bad timespec or clock).
 */
int libc_futex_wait(volatile int *addr, int val, clockid_t clock, const struct timespec *abstime);
/* Wake up to n of the threads waiting on addr (INT32_MAX: all). */
void libc_futex_wake(volatile int *addr, int n);
/* The deadline check of timed functions alone: EINVAL for a bad timespec. */
int libc_timespec_valid(const struct timespec *ts);

/* Condition variables: the mutex given up entirely (EPERM if not held),
 * then taken back with the recursion count it had. */
int libc_mutex_release(pthread_mutex_t *mutex, unsigned *count);
void libc_mutex_reacquire(pthread_mutex_t *mutex, unsigned count);

/* The list of the program's threads is under libc_threads_lock;
 * libc_thread_find (under it) is a thread of the list, or 0.  Every
 * thread, the main one first: t = libc_thread_next(0); t; t =
 * libc_thread_next(t), under the lock (ended ones too: state says). */
extern pthread_mutex_t libc_threads_lock;
struct pthread *libc_thread_find(pthread_t id);
struct pthread *libc_thread_next(struct pthread *t);

/* Keys: a new key's slot cleared in every thread (pthread.c); the
 * destructors of a thread that ends (pthread_key.c). */
void libc_keys_clear(unsigned key);
void libc_keys_run_destructors(struct pthread *self);

/* Give up the processor to another ready thread. */
void libc_thread_yield(void);

#endif
