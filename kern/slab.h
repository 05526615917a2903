/*
 * slab.h - the kernel object allocator: one cache per object type, objects
 * carved from whole pages, with counters of objects and pages in use per
 * type (the kernel's memory accounting reads them).
 *
 * Pages come from a page source the kernel sets once (the physical page
 * allocator through the direct map); host tests plug in their own.
 */
#ifndef KERN_SLAB_H
#define KERN_SLAB_H

#include <stdint.h>
#include <stddef.h>

struct slab;

struct slab_cache {
	const char *name;
	uint32_t size;          /* object size, rounded to 16 bytes */
	uint32_t per_slab;      /* objects in one page */
	struct slab *partial;   /* slabs with at least one free object */
	struct slab *full;
	uint64_t objects;       /* objects allocated now */
	uint64_t pages;         /* pages held now */
	struct slab_cache *next_cache;
	struct slab_cache *total;  /* a private cache's registered one, counting its objects and pages too */
};

struct slab_page_source {
	void *(*alloc)(void);   /* one 4 KiB page, page-aligned, or NULL */
	void (*free)(void *page);
};

void slab_set_page_source(const struct slab_page_source *src);
/* Objects up to SLAB_MAX_OBJECT bytes; the cache registers itself for slab_caches(). */
#define SLAB_MAX_OBJECT 2048
void slab_cache_init(struct slab_cache *c, const char *name, size_t size);
/* A private cache of shape's objects (one owner's: its pages hold no one
 * else's objects), counted in shape's totals too; not registered itself. */
void slab_cache_init_private(struct slab_cache *c, struct slab_cache *shape);
/* Would the next slab_alloc take a new page? */
static inline int slab_needs_page(const struct slab_cache *c)
{
	return !c->partial;
}
void *slab_alloc(struct slab_cache *c);     /* zeroed object, or NULL when out of pages */
/* The same, not zeroed: for a caller that writes every field itself. */
void *slab_alloc_uninit(struct slab_cache *c);
void slab_free(struct slab_cache *c, void *obj);
/* The first registered cache; walk with ->next_cache. */
struct slab_cache *slab_caches(void);

#endif
