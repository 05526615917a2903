/*
 * factory.h - Factory objects: every object is created by a factory and
 * charged to its kernel-memory quota; a factory can create a sub-factory
 * holding part of its own quota.  Running out is MICA_ENOMEM, never a
 * panic; destroying an object gives its bytes back.
 *
 * A factory keeps a list of the objects charged to it.  Destroying a
 * factory destroys them all (and so, recursively, its sub-factories' ones);
 * its own memory and quota go back to its parent once the last of them is
 * freed.
 */
#ifndef KERN_FACTORY_H
#define KERN_FACTORY_H

#include <stdint.h>

#include "kobj.h"
#include "slab.h"

struct factory {
	struct kobj obj;
	uint64_t limit;           /* bytes it may hand out */
	uint64_t used;            /* bytes charged now (objects, pages, sub-factory quotas) */
	struct factory *parent;
	uint8_t pinned;           /* its memory stays until unpinned (the bootstrap's) */
	uint8_t destroyed;        /* factory_destroy ran: free it when it is empty */
	struct kobj *objects;     /* objects charged to it (kobj.sib) */
};

extern struct factory factory_root;

void factory_init_root(uint64_t limit);
/* Charge bytes to f: 0 or MICA_ENOMEM. */
int factory_charge(struct factory *f, uint64_t bytes);
void factory_uncharge(struct factory *f, uint64_t bytes);
/* Allocate a zeroed object from its type's cache, charged to f and on its
 * list; NULL (nothing charged) when the quota or memory runs out. */
void *factory_alloc_obj(struct factory *f, struct slab_cache *cache, enum kobj_type type);
/* Free an object allocated by factory_alloc_obj and uncharge it. */
void factory_free_obj(struct slab_cache *cache, struct kobj *obj);
/* Page runs charged to a factory (kernel stacks, tables, UTCBs); zeroed. */
int factory_alloc_pages(struct factory *f, unsigned pages, uint64_t *pa);
void factory_free_pages(struct factory *f, uint64_t pa, unsigned pages);

int factory_create_sub(struct factory *parent, uint64_t limit, struct factory **out);
/* Let a pinned factory's memory go (now, if it is destroyed and empty). */
void factory_unpin(struct factory *f);

extern const struct factory_ops factory_protocol;
void factory_destroy(struct factory *f);

#endif
