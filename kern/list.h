/*
 * list.h - intrusive doubly linked lists, the one list the kernel uses for
 * its "objects of a ..." relations (a factory's objects, a task's threads
 * and mappings, a thread's gates and irqs, ...).
 *
 * A list is a pointer to its first object (NULL: empty, so a zeroed object
 * holds empty lists); each object on it has a struct list_link member.
 * Walk it with `for (x = head; x; x = x->member.next)`.  Insertion at the
 * front and removal are O(1).  (The kernel is built with
 * -fno-strict-aliasing: the head is reached as a void pointer.)
 */
#ifndef KERN_LIST_H
#define KERN_LIST_H

#include <stddef.h>

struct list_link {
	void *next, *prev;   /* the neighbouring objects, NULL at the ends */
};

static inline struct list_link *list_link_at(void *obj, size_t off)
{
	return (struct list_link *)((char *)obj + off);
}

static inline void list_push_at(void **head, void *obj, size_t off)
{
	struct list_link *l = list_link_at(obj, off);

	l->prev = 0;
	l->next = *head;
	if (*head)
		list_link_at(*head, off)->prev = obj;
	*head = obj;
}

static inline void list_remove_at(void **head, void *obj, size_t off)
{
	struct list_link *l = list_link_at(obj, off);

	if (l->prev)
		list_link_at(l->prev, off)->next = l->next;
	else
		*head = l->next;
	if (l->next)
		list_link_at(l->next, off)->prev = l->prev;
	l->next = l->prev = 0;
}

/* Put obj at the front of the list `head` / take it off, through its
 * link `member`. */
#define list_push(head, obj, member) list_push_at((void **)&(head), (obj), offsetof(__typeof__(*(obj)), member))
#define list_remove(head, obj, member) list_remove_at((void **)&(head), (obj), offsetof(__typeof__(*(obj)), member))

#endif
