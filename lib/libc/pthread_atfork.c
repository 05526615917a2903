/*
 * pthread_atfork.c - fork handlers (<pthread.h>): fork (fork.c) runs the
 * prepare handlers in the reverse order of their registration before it
 * forks, then the parent handlers in the parent and the child handlers in
 * the child, each in the order of registration.  Registration allocates:
 * ENOMEM when the heap has no room.  fork reaches this file through a weak
 * reference: a program that registers nothing does not link it.
 *
 * The list is locked from the prepare handlers to the parent's (the
 * child's list is its only thread's): a registration by another thread
 * meanwhile waits for the fork's end, so every fork runs the handlers of
 * one list, and two threads' forks take turns.  A handler must not
 * register handlers (it would wait for itself).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "glue.h"

struct handlers {
	struct handlers *next, *prev;
	void (*prepare)(void), (*parent)(void), (*child)(void);
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct handlers *first, *last;

int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
	struct handlers *h = malloc(sizeof *h);

	if (!h)
		return ENOMEM;
	pthread_mutex_lock(&lock);
	*h = (struct handlers){ .prev = last, .prepare = prepare, .parent = parent, .child = child };
	if (last)
		last->next = h;
	else
		first = h;
	last = h;
	pthread_mutex_unlock(&lock);
	return 0;
}

void libc_atfork_run(int when)
{
	if (when == LIBC_ATFORK_PREPARE) {
		pthread_mutex_lock(&lock);   /* until the parent's or the child's handlers have run */
		for (struct handlers *h = last; h; h = h->prev)
			if (h->prepare)
				h->prepare();
		return;
	}
	for (struct handlers *h = first; h; h = h->next) {
		void (*fn)(void) = when == LIBC_ATFORK_PARENT ? h->parent : h->child;
		if (fn)
			fn();
	}
	if (when == LIBC_ATFORK_CHILD)
		lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;   /* its waiters are the parent's threads */
	else
		pthread_mutex_unlock(&lock);
}
