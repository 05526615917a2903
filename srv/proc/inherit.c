/*
 * inherit.c - the lists of what a parent gives its next child and what a
 * child has yet to take (inherit.h).  The pool bounds what all processes
 * together keep: a client giving without spawning exhausts it for itself
 * and the others until its next spawn or its end drops its list.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libsys/slot.h>
#include <mica/proc.h>

#include "inherit.h"

static unsigned pool_used;

int inherit_add(struct inherit_list *l, uint64_t fds, uint32_t kind, uint32_t flags, uint64_t arg,
		const char *name, mica_cap_t item)
{
	struct inherit_entry *e, **p;

	if (l->n >= MICA_INHERIT_MAX || pool_used >= INHERIT_POOL)
		return EAGAIN;
	if (!(e = calloc(1, sizeof *e)) || !(e->name = strdup(name))) {
		free(e);
		return ENOMEM;
	}
	e->fds = fds, e->kind = kind, e->flags = flags, e->arg = arg, e->item = item;
	for (p = &l->head; *p; p = &(*p)->next)
		;
	*p = e;
	l->n++;
	pool_used++;
	return 0;
}

struct inherit_entry *inherit_pop(struct inherit_list *l)
{
	struct inherit_entry *e = l->head;

	if (e) {
		l->head = e->next;
		l->n--;
		e->next = 0;
	}
	return e;
}

void inherit_free(struct inherit_entry *e)
{
	free(e->name);
	free(e);
	pool_used--;
}

void inherit_move(struct inherit_list *from, struct inherit_list *to)
{
	struct inherit_entry **p;

	for (p = &to->head; *p; p = &(*p)->next)
		;
	*p = from->head;
	to->n += from->n;
	*from = (struct inherit_list){ 0 };
}

void inherit_drop(struct inherit_list *l)
{
	struct inherit_entry *e;

	while ((e = inherit_pop(l)) != 0) {
		if (e->item)
			mica_slot_drop(e->item);
		inherit_free(e);
	}
}
