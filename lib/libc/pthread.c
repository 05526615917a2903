/*
 * pthread.c - POSIX threads on Mica threads (docs/libc.md "Threads"):
 * creating, ending, joining and detaching them, and which one is calling.
 *
 * A thread is a Thread object from the program's factory, bound to the
 * program's task with a UTCB from lib/rt, paged by the region mapper, at
 * the creator's priority, on a stack from malloc.  Its UTCB's first user
 * word points to its struct pthread, so pthread_self and newlib's
 * __getreent are one load through %gs; the main thread's word is 0 and its
 * structure static.
 *
 * A thread that ends marks itself exited and stops itself.  Its kernel
 * objects, UTCB and stack are freed by whoever reaps it: pthread_join for
 * a joinable one, and for a detached one the next pthread_create,
 * pthread_join or pthread_detach of the program, or the next thread that
 * ends.  The reaper first makes sure the thread has stopped (between the
 * mark and the stop it runs a few more instructions), then destroys it.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <libsys/thread.h>
#include <mica/boot.h>
#include <rt/rt.h>

#include <idl/kernel/kobject.h>
#include <idl/kernel/thread.h>

#include "glue.h"
#include "pthread_impl.h"
#include "sigstate.h"

#define STACK_DEFAULT (256u * 1024)   /* pthread_attr_setstacksize takes PTHREAD_STACK_MIN up */
#define UTCB_USER_OFFSET (MICA_UTCB_SELF + 8 + 8 * LIBC_UTCB_PTHREAD)   /* the struct pthread */
#define THREAD_STOPPED_STATE 0                  /* Thread.state's "stopped" */

static struct pthread main_thread = { .thread = MICA_BOOT_THREAD, .prev = 0, .next = 0 };
/* Every thread but the main one, under `libc_threads_lock`, and how many of
 * them have not ended (pthread_exit of the main thread waits on it). */
pthread_mutex_t libc_threads_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pthread *threads;
static volatile int running;
/* UTCB addresses of reaped threads, for the next ones. */
static mica_addr_t free_utcbs[64];
static unsigned nfree_utcbs;

struct pthread *libc_thread_self(void)
{
	struct pthread *t;

	__asm__("mov %%gs:%c1, %0" : "=r"(t) : "i"(UTCB_USER_OFFSET));
	return t ? t : &main_thread;
}

struct pthread *libc_thread_of_utcb(const void *u)
{
	struct pthread *t = (struct pthread *)((const struct mica_utcb *)u)->user[LIBC_UTCB_PTHREAD];

	return t ? t : &main_thread;
}

pthread_t pthread_self(void)
{
	return (pthread_t)libc_thread_self();
}

int pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}

/* newlib's reentrancy structure of the calling thread. */
struct _reent *__getreent(void)
{
	struct pthread *t;

	__asm__("mov %%gs:%c1, %0" : "=r"(t) : "i"(UTCB_USER_OFFSET));
	return t ? &t->reent : _impure_ptr;
}

/* A live thread of the program (under libc_threads_lock), or 0. */
struct pthread *libc_thread_find(pthread_t id)
{
	if (id == (pthread_t)&main_thread)
		return &main_thread;
	for (struct pthread *t = threads; t; t = t->next)
		if ((pthread_t)t == id)
			return t;
	return 0;
}

int libc_threads_running(void)
{
	return __atomic_load_n(&running, __ATOMIC_ACQUIRE);
}

struct pthread *libc_thread_next(struct pthread *t)
{
	return !t ? &main_thread : t == &main_thread ? threads : t->next;
}

static void unlink_thread(struct pthread *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		threads = t->next;
	if (t->next)
		t->next->prev = t->prev;
}

/* Destroy an ended thread that has stopped (under libc_threads_lock); with
 * `wait`, give it the processor until it has. */
static int reap(struct pthread *t, int wait)
{
	uint32_t state;
	uint64_t id;

	for (;;) {
		if (thread_state(t->thread, &state, &id) != 0 || state == THREAD_STOPPED_STATE)
			break;
		if (!wait)
			return 0;
		libc_thread_yield();
	}
	unlink_thread(t);
	kobject_destroy(t->thread);
	mica_slot_free(t->thread);
	if (t->park) {
		kobject_destroy(t->park);
		mica_slot_free(t->park);
	}
	if (nfree_utcbs < sizeof free_utcbs / sizeof free_utcbs[0])
		free_utcbs[nfree_utcbs++] = t->utcb;
	free(t->stack);
	free(t);
	return 1;
}

/* Reap the detached threads that have ended and stopped (under libc_threads_lock). */
static void reap_detached(void)
{
	for (struct pthread *t = threads, *next; t; t = next) {
		next = t->next;
		if (t->detached && t->state == THREAD_EXITED)
			reap(t, 0);
	}
}

static void thread_main(void *arg)
{
	struct pthread *self = arg;

	pthread_exit(self->start(self->arg));
}

/* A UTCB address not used after all, at the bottom of the free list: the
 * last to be used again, as its page may not be unmapped yet (the kernel
 * finishes a destroy later when another thread's reaping holds it up). */
static void keep_utcb_last(mica_addr_t utcb)
{
	if (!utcb || nfree_utcbs == sizeof free_utcbs / sizeof free_utcbs[0])
		return;
	memmove(free_utcbs + 1, free_utcbs, nfree_utcbs * sizeof free_utcbs[0]);
	free_utcbs[0] = utcb;
	nfree_utcbs++;
}

static int bind_and_start(struct pthread *t, void *stack, size_t size)
{
	uint32_t prio, mcp, slice;
	mica_addr_t utcb = nfree_utcbs ? free_utcbs[--nfree_utcbs] : rt_utcb_alloc();
	int err;

	if (!utcb || !(t->thread = mica_slot_alloc())) {
		keep_utcb_last(utcb);
		return EAGAIN;
	}
	err = mica_thread_create(MICA_BOOT_FACTORY, MICA_BOOT_TASK, t->thread, utcb, thread_main, t, stack, size, 0);
	if (err == -MICA_EEXIST) {
		/* That UTCB page was not unmapped yet: a fresh address. */
		keep_utcb_last(utcb);
		if (!(utcb = rt_utcb_alloc()))
			err = -MICA_ENOMEM;
		else
			err = mica_thread_create(MICA_BOOT_FACTORY, MICA_BOOT_TASK, t->thread, utcb, thread_main, t,
						 stack, size, 0);
	}
	if (err) {
		keep_utcb_last(utcb);
		mica_slot_free(t->thread);
		return EAGAIN;
	}
	t->utcb = utcb;
	((struct mica_utcb *)utcb)->user[LIBC_UTCB_PTHREAD] = (mica_word_t)t;
	if ((err = thread_set_handlers(t->thread, rt_cap("rm"), rt_cap("rm"))) == 0 &&
	    (err = thread_sched(libc_thread_self()->thread, &prio, &mcp, &slice)) == 0 &&
	    (err = thread_set_sched(t->thread, prio, slice)) == 0)
		err = thread_start(t->thread);
	if (err) {
		kobject_destroy(t->thread);
		mica_slot_free(t->thread);
		keep_utcb_last(utcb);
		return EAGAIN;
	}
	return 0;
}

int pthread_create(pthread_t *id, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
	size_t size = attr && attr->stacksize ? attr->stacksize : STACK_DEFAULT;
	void *stack = attr ? attr->stackaddr : 0;
	struct pthread *t;
	int err;

	if (attr && !attr->is_initialized)
		return EINVAL;
	if (!(t = calloc(1, sizeof *t)))
		return EAGAIN;
	if (!stack && !(stack = t->stack = malloc(size))) {
		free(t);
		return EAGAIN;
	}
	t->start = start;
	t->arg = arg;
	t->detached = attr && attr->detachstate == PTHREAD_CREATE_DETACHED;
	t->blocked = libc_thread_self()->blocked;   /* POSIX: the creator's mask, nothing pending */
	_REENT_INIT_PTR(&t->reent);
	pthread_mutex_lock(&libc_threads_lock);
	reap_detached();
	t->next = threads;
	if (threads)
		threads->prev = t;
	threads = t;
	__atomic_add_fetch(&running, 1, __ATOMIC_RELAXED);
	/* The id is there before the thread runs: it may look at it. */
	*id = (pthread_t)t;
	err = bind_and_start(t, stack, size);
	if (err) {
		unlink_thread(t);
		__atomic_sub_fetch(&running, 1, __ATOMIC_RELAXED);
		free(t->stack);
		free(t);
	}
	pthread_mutex_unlock(&libc_threads_lock);
	return err;
}

int pthread_join(pthread_t id, void **value)
{
	struct pthread *self = libc_thread_self(), *t;

	pthread_testcancel();
	pthread_mutex_lock(&libc_threads_lock);
	reap_detached();
	t = libc_thread_find(id);
	if (!t || t == &main_thread) {
		pthread_mutex_unlock(&libc_threads_lock);
		return t ? EINVAL : ESRCH;   /* the main thread cannot be joined here */
	}
	if (t == self || t->detached || t->joining) {
		pthread_mutex_unlock(&libc_threads_lock);
		return t == self ? EDEADLK : EINVAL;
	}
	t->joining = 1;
	pthread_mutex_unlock(&libc_threads_lock);
	while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_EXITED)
		libc_futex_wait(&t->state, THREAD_RUNNING, CLOCK_MONOTONIC, 0);
	if (value)
		*value = t->result;
	pthread_mutex_lock(&libc_threads_lock);
	reap(t, 1);
	pthread_mutex_unlock(&libc_threads_lock);
	return 0;
}

int pthread_detach(pthread_t id)
{
	struct pthread *t;
	int err = 0;

	pthread_mutex_lock(&libc_threads_lock);
	t = libc_thread_find(id);
	if (!t)
		err = ESRCH;
	else if (t->detached || t->joining || t == &main_thread)
		err = EINVAL;
	else
		t->detached = 1;
	reap_detached();
	pthread_mutex_unlock(&libc_threads_lock);
	return err;
}

void __pthread_cleanup_push(struct __pthread_cleanup *c, void (*fn)(void *), void *arg)
{
	struct pthread *self = libc_thread_self();

	c->__fn = fn;
	c->__arg = arg;
	c->__next = self->cleanup;
	self->cleanup = c;
}

void __pthread_cleanup_pop(struct __pthread_cleanup *c, int execute)
{
	libc_thread_self()->cleanup = c->__next;
	if (execute)
		c->__fn(c->__arg);
}

void pthread_exit(void *value)
{
	struct pthread *self = libc_thread_self();

	while (self->cleanup) {
		struct __pthread_cleanup *c = self->cleanup;
		self->cleanup = c->__next;
		c->__fn(c->__arg);
	}
	libc_keys_run_destructors(self);
	if (self == &main_thread) {
		/* The program goes on until its last thread ends. */
		for (int n; (n = __atomic_load_n(&running, __ATOMIC_ACQUIRE)) != 0;)
			libc_futex_wait(&running, n, CLOCK_MONOTONIC, 0);
		exit(0);
	}
	_reclaim_reent(&self->reent);
	self->result = value;
	pthread_mutex_lock(&libc_threads_lock);
	reap_detached();
	pthread_mutex_unlock(&libc_threads_lock);
	/* From the mark on, a reaper may destroy this thread once it stops. */
	__atomic_store_n(&self->state, THREAD_EXITED, __ATOMIC_RELEASE);
	libc_futex_wake(&self->state, INT_MAX);
	if (__atomic_sub_fetch(&running, 1, __ATOMIC_RELEASE) == 0)
		libc_futex_wake(&running, INT_MAX);
	thread_stop(self->thread);
	for (;;)
		mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, MICA_TIMEOUT_NEVER), 0, 0);
}

void libc_keys_clear(unsigned key)
{
	pthread_mutex_lock(&libc_threads_lock);
	main_thread.specific[key] = 0;
	for (struct pthread *t = threads; t; t = t->next)
		t->specific[key] = 0;
	pthread_mutex_unlock(&libc_threads_lock);
}

/* In a forked child: the caller is the only thread, the main one, on the
 * child's own thread and without the parent's park irq (fork.c gave it
 * the caller's signal mask; nothing is pending). */
void libc_threads_after_fork(void)
{
	struct pthread *self = libc_thread_self();

	for (struct pthread *t = threads; t; t = t->next) {
		mica_slot_drop(t->thread);   /* copies of the parent's objects */
		if (t->park)
			mica_slot_drop(t->park);
	}
	if (main_thread.park)
		mica_slot_drop(main_thread.park);
	main_thread.park = 0;
	main_thread.thread = MICA_BOOT_THREAD;
	main_thread.pending = 0;
	main_thread.listens = 0;
	main_thread.cleanup = self->cleanup;
	threads = 0;
	running = 0;
	libc_threads_lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
}

bool libc_threads_alone(void)
{
	return !threads;
}

void libc_threads_hold_others(bool hold)
{
	struct pthread *self = libc_thread_self();

	for (struct pthread *t = libc_thread_next(0); t; t = libc_thread_next(t))
		if (t != self)
			thread_hold(t->thread, hold);
}

int pthread_getconcurrency(void)
{
	return 0;
}

int pthread_setconcurrency(int level)
{
	return level < 0 ? EINVAL : 0;
}
