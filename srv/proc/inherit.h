/*
 * inherit.h - what a parent gives its next spawned child (Proc.give) and
 * the child takes (Proc.take): open file descriptions and the working
 * directory, each an entry with at most one capability, kept in lists of
 * the server's (docs/processes.md, "What a child inherits").  No IPC
 * here but dropping an entry's capability.
 */
#ifndef SRV_PROC_INHERIT_H
#define SRV_PROC_INHERIT_H

#include <stdint.h>

#include <mica/types.h>

#define INHERIT_POOL 256   /* entries at once, all processes together */

struct inherit_entry {
	struct inherit_entry *next;
	uint64_t fds, arg;
	uint32_t kind, flags;
	char *name;
	mica_cap_t item;   /* the server's, or 0 */
};

struct inherit_list {
	struct inherit_entry *head;
	unsigned n;
};

/* Append an entry (a copy of name; item now the list's): 0, or an errno
 * value (EAGAIN: the list has MICA_INHERIT_MAX, or the pool is full;
 * ENOMEM), and item is still the caller's. */
int inherit_add(struct inherit_list *l, uint64_t fds, uint32_t kind, uint32_t flags, uint64_t arg,
		const char *name, mica_cap_t item);
/* The first entry, taken off the list (the caller frees it with
 * inherit_free once it has used its item), or NULL. */
struct inherit_entry *inherit_pop(struct inherit_list *l);
void inherit_free(struct inherit_entry *e);
/* Everything of `from` to the end of `to`. */
void inherit_move(struct inherit_list *from, struct inherit_list *to);
/* Every entry freed, its capability dropped. */
void inherit_drop(struct inherit_list *l);

#endif
