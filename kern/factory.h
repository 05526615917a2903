/*
 * factory.h - Factory objects: every object is created by a factory and
 * charged to its kernel-memory quota; a factory can create a sub-factory
 * holding part of its own quota.  Running out is MICA_ENOMEM, never a
 * panic; destroying an object gives its bytes back.
 *
 * Charges are page-granular, so that what a factory is charged is the
 * kernel memory it pins: each factory has its own object caches (no page
 * holds two factories' objects), charged a page as a cache grows and
 * given back as it shrinks; page runs, tables and kernel stacks are
 * charged as pages.  The invariant checker verifies the sum.
 *
 * A factory keeps a list of the objects charged to it.  Destroying a
 * factory destroys them all (and so, recursively, its sub-factories' ones);
 * its own memory and quota go back to its parent once the last of them is
 * freed.
 *
 * A paid factory (factory_create_paid) is made by one factory and paid
 * for by another: its maker destroys it, its payer's quota bounds it.
 * Root makes a program's factory so, paid by the program's parent's
 * (docs/objects.md, "Paid factories"): the parent's quota bounds all its
 * descendants, and a child outlives its parent's end.
 */
#ifndef KERN_FACTORY_H
#define KERN_FACTORY_H

#include <stdint.h>

#include "kobj.h"
#include "slab.h"

/* A factory's own caches: one per object type, and mapping nodes. */
#define FACTORY_CACHE_MAPNODE KOBJ_TYPES
#define FACTORY_CACHES (KOBJ_TYPES + 1)

struct factory {
	struct kobj obj;
	uint64_t limit;           /* bytes it may hand out */
	uint64_t used;            /* bytes charged now (objects, pages, sub-factory quotas, payees') */
	struct factory *parent;   /* its maker: it is on the maker's list of objects */
	uint64_t reserved;        /* of its maker's quota: its limit, or 0 when a payer pays */
	/* A paid factory's payer (0: none): every charge to it is the payer's
	 * (and the payer's payer's) too, within each one's limit. */
	struct factory *payer;
	uint64_t check_paid;      /* kcheck's scratch: what its payees are charged */
	unsigned depth;           /* payers above it */
	uint8_t pinned;           /* its memory stays until unpinned (the bootstrap's) */
	uint8_t destroyed;        /* factory_destroy ran: free it when it is empty */
	struct kobj *objects;     /* objects charged to it (kobj.sib) */
	uint64_t pages;           /* pages of factory_alloc_pages held */
	struct slab_cache caches[FACTORY_CACHES];   /* its own, shaped as the type's */
};

extern struct factory factory_root;

void factory_init_root(uint64_t limit);
/* Charge bytes to f: 0 or MICA_ENOMEM. */
int factory_charge(struct factory *f, uint64_t bytes);
/* Whether f could be charged `bytes` now (factory_charge would succeed):
 * it and every payer above it have the room.  Inline: every new mapping
 * asks (mapdb.c). */
static inline int factory_has_room(const struct factory *f, uint64_t bytes)
{
	do
		if (f->used + bytes > f->limit || f->used + bytes < f->used)
			return 0;
	while ((f = f->payer) != 0);
	return 1;
}
void factory_uncharge(struct factory *f, uint64_t bytes);
/* Allocate a zeroed object from f's cache of the type (shaped as `cache`),
 * on f's list; a new cache page is charged to f.  NULL (nothing charged)
 * when the quota or memory runs out. */
void *factory_alloc_obj(struct factory *f, struct slab_cache *cache, enum kobj_type type);
/* Free an object allocated by factory_alloc_obj (a page its cache no
 * longer needs is uncharged). */
void factory_free_obj(struct slab_cache *cache, struct kobj *obj);
/* The same for memory that is not an object (mapping nodes): cache index
 * `which`, shaped as `shape`. */
void *factory_slab_alloc(struct factory *f, struct slab_cache *shape, unsigned which);
/* The same, not zeroed (slab_alloc_uninit). */
void *factory_slab_alloc_uninit(struct factory *f, struct slab_cache *shape, unsigned which);
void factory_slab_free(struct factory *f, unsigned which, void *p);
/* Page runs charged to a factory (kernel stacks, tables, UTCBs); zeroed. */
int factory_alloc_pages(struct factory *f, unsigned pages, uint64_t *pa);
void factory_free_pages(struct factory *f, uint64_t pa, unsigned pages);

/* A sub-factory holding `limit` bytes of parent's quota. */
int factory_create_sub(struct factory *parent, uint64_t limit, struct factory **out);
/* A factory of maker's (destroyed with it) whose charges are payer's too:
 * `limit` is a limit within payer's, nothing reserved; payer is charged
 * FACTORY_PAYEE_BYTES while it lives, so it stays until it has gone.
 * MICA_ENOMEM: out of quota, less than `keep` bytes of room left on
 * payer's chain after it, or payer already FACTORY_PAYERS_MAX deep;
 * MICA_EGONE: payer destroyed. */
int factory_create_paid(struct factory *maker, uint64_t limit, struct factory *payer, uint64_t keep,
			struct factory **out);
#define FACTORY_PAYEE_BYTES sizeof(struct factory)
#define FACTORY_PAYERS_MAX 64
/* Let a pinned factory's memory go (now, if it is destroyed and empty). */
void factory_unpin(struct factory *f);

extern const struct factory_ops factory_protocol;
/* Kill what f made, spending *budget in revocation steps (kobj.c's
 * reaper destroys them between two steps); 1 when the last was killed. */
int factory_destroy(struct factory *f, long *budget);

#endif
