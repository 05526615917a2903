/*
 * memory.c - the memory server's sessions (idl/rt/memory.idl).  Each
 * program gets one, with a quota in bytes; an anonymous dataspace counts
 * against it from its creation until it is gone.  A session outlives the
 * program that held it until its last dataspace has gone too.
 *
 * Sessions form a tree (a program's session is a child of its starter's):
 * a quota is a limit, not a reservation.  What a session uses counts
 * against it and against every session above it, so a program and all it
 * started together stay within its quota, while a child's quota costs its
 * parent nothing until the child uses memory (docs/root.md, "Memory").
 */
#include "root.h"

#include "pool.h"

#include <mica/error.h>
#include <mica/ipc.h>

#include <idl/kernel/gate.h>
#include <idl/kernel/task.h>

struct session {
	struct obj obj;
	uint64_t quota;           /* the limit of what it and its children use */
	uint64_t used;            /* its own use and its children's */
	struct session *parent;   /* charged with its use too (0: root's own) */
	unsigned children;        /* sessions whose parent it is */
	bool released;   /* its program has ended */
};

static struct pool session_pool = POOL(struct session);

#define DMA_MAX (4ull << 20)   /* one DMA dataspace: at most 4 MiB */

struct session *session_create(uint64_t quota, struct session *parent)
{
	if (parent && quota > parent->quota)
		return 0;   /* no more than the parent may use itself */
	struct session *s = pool_get(&session_pool);

	if (!s)
		return 0;
	*s = (struct session){ .quota = quota, .parent = parent };
	/* No watch: the launcher ends the session with the program. */
	if (obj_open(&s->obj, K_SESSION, false)) {
		pool_put(&session_pool, s);
		return 0;
	}
	if (parent)
		parent->children++;
	return s;
}

/* A session goes when its program has ended and its last dataspace and
 * its children's sessions have gone; then its parent may be done too. */
static void session_free_if_done(struct session *s)
{
	while (s && s->released && s->used == 0 && s->children == 0) {
		struct session *parent = s->parent;
		obj_close(&s->obj);
		pool_put(&session_pool, s);
		if (parent)
			parent->children--;
		s = parent;
	}
}

/* What the session may still take: the least room along its chain. */
uint64_t session_left(struct session *s)
{
	uint64_t left = s->quota - s->used;

	for (s = s->parent; s; s = s->parent)
		if (s->quota - s->used < left)
			left = s->quota - s->used;
	return left;
}

uint64_t session_quota(struct session *s)
{
	return s->quota;
}

int session_charge(struct session *s, uint64_t bytes)
{
	if (bytes > session_left(s))
		return -MICA_ENOMEM;
	for (struct session *a = s; a; a = a->parent)
		a->used += bytes;
	return 0;
}

void session_uncharge(struct session *s, uint64_t bytes)
{
	for (struct session *a = s; a; a = a->parent)
		a->used -= bytes;
	session_free_if_done(s);
}

void session_release(struct session *s)
{
	s->released = true;
	/* No new dataspaces through it. */
	obj_close(&s->obj);
	session_free_if_done(s);
}

mica_cap_t session_gate(struct session *s)
{
	return s->obj.gate;
}

int session_alloc(struct session *s, uint64_t size, struct ds **out)
{
	struct ds *d;
	uint64_t total, free;

	pages_stats(&total, &free);
	if (size > free * PAGE)
		return -MICA_ENOMEM;
	int err = ds_create(DS_ANON, size, MICA_RWX, s, 0, 0, true, &d);
	if (!err)
		*out = d;
	return err;
}

/* Contiguous pages are taken at once (a device will write them without
 * faulting them in) and charged from creation like any dataspace. */
int session_alloc_dma(struct session *s, uint64_t size, struct ds **out, uint64_t *pa)
{
	if (!size || size > DMA_MAX)
		return -MICA_EINVAL;
	size = (size + PAGE - 1) & ~(PAGE - 1);
	if (size > session_left(s))
		return -MICA_ENOMEM;
	uint64_t first = pages_alloc_run(size / PAGE, PAGE);
	if (!first)
		return -MICA_ENOMEM;
	/* Touch every page now: the kernel zeroes a pool page when root first
	 * maps it, which must not happen after a device has written it. */
	for (uint64_t off = 0; off < size; off += PAGE)
		(void)*(volatile char *)pages_va(first + off);
	int err = ds_create(DS_DMA, size, MICA_R | MICA_W, s, first, size, true, out);
	if (err) {
		for (uint64_t off = 0; off < size; off += PAGE)
			pages_free(first + off);
		return err;
	}
	*pa = first;
	return 0;
}

int session_stats(struct session *s, uint64_t *quota, uint64_t *used, uint64_t *pool_pages, uint64_t *pool_free)
{
	*quota = s->quota;
	*used = s->used;
	pages_stats(pool_pages, pool_free);
	return 0;
}

/* The live session whose gate `cap` is. */
struct session *session_of(mica_cap_t cap)
{
	struct obj *o = obj_of_cap(cap);
	struct session *s = o && o->kind == K_SESSION ? (struct session *)o : 0;   /* obj first */

	return s && !s->released ? s : 0;
}
