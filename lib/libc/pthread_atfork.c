/*
 * pthread_atfork.c - fork handlers (<pthread.h>): fork (fork.c) runs the
 * prepare handlers in the reverse order of their registration before it
 * forks, then the parent handlers in the parent and the child handlers in
 * the child, each in the order of registration.  Registration allocates:
 * ENOMEM when the heap has no room.  fork reaches this file through a weak
 * reference: a program that registers nothing does not link it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "glue.h"

struct handlers {
	struct handlers *next, *prev;
	void (*prepare)(void), (*parent)(void), (*child)(void);
};

static struct handlers *first, *last;

int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
	struct handlers *h = malloc(sizeof *h);

	if (!h)
		return ENOMEM;
	*h = (struct handlers){ .prev = last, .prepare = prepare, .parent = parent, .child = child };
	if (last)
		last->next = h;
	else
		first = h;
	last = h;
	return 0;
}

void libc_atfork_run(int when)
{
	if (when == LIBC_ATFORK_PREPARE) {
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
}
