/*
 * slab.c - per-type object caches (see slab.h).  A slab is one page: a
 * header, then equal objects; free objects are chained through their first
 * word.  The header is found from an object by rounding down to the page.
 * A slab whose last object is freed goes back to the page source at once,
 * so the page counters always show what the kernel really holds.
 */
#include "slab.h"

#include <mica/types.h>

/* lib/common/string.c or, in the host tests, the C library's. */
void *memset(void *dst, int c, size_t n);

#define SLAB_PAGE MICA_PAGE_SIZE

struct slab {
	struct slab *next, *prev;
	struct slab_cache *cache;
	void *free;          /* first free object */
	uint32_t in_use;
};

#define SLAB_HEADER ((sizeof(struct slab) + 15) & ~15u)

static const struct slab_page_source *source;
static struct slab_cache *all_caches;

void slab_set_page_source(const struct slab_page_source *src)
{
	source = src;
}

struct slab_cache *slab_caches(void)
{
	return all_caches;
}

void slab_cache_init(struct slab_cache *c, const char *name, size_t size)
{
	c->name = name;
	c->size = (uint32_t)((size + 15) & ~(size_t)15);
	if (c->size < 16)
		c->size = 16;
	c->per_slab = (SLAB_PAGE - SLAB_HEADER) / c->size;
	c->partial = c->full = 0;
	c->objects = c->pages = 0;
	c->total = 0;
	c->next_cache = all_caches;
	all_caches = c;
}

void slab_cache_init_private(struct slab_cache *c, struct slab_cache *shape)
{
	*c = (struct slab_cache){ .name = shape->name, .size = shape->size, .per_slab = shape->per_slab, .total = shape };
}

static void count(struct slab_cache *c, int64_t objects, int64_t pages)
{
	c->objects += objects;
	c->pages += pages;
	if (c->total) {
		c->total->objects += objects;
		c->total->pages += pages;
	}
}

static void list_remove(struct slab **head, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		*head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = 0;
}

static void list_push(struct slab **head, struct slab *s)
{
	s->prev = 0;
	s->next = *head;
	if (*head)
		(*head)->prev = s;
	*head = s;
}

static struct slab *slab_grow(struct slab_cache *c)
{
	char *page = source ? source->alloc() : 0;

	if (!page)
		return 0;
	struct slab *s = (struct slab *)page;
	s->cache = c;
	s->in_use = 0;
	s->free = 0;
	for (uint32_t i = c->per_slab; i-- > 0;) {
		void **obj = (void **)(page + SLAB_HEADER + i * c->size);
		*obj = s->free;
		s->free = obj;
	}
	list_push(&c->partial, s);
	count(c, 0, 1);
	return s;
}

void *slab_alloc_uninit(struct slab_cache *c)
{
	struct slab *s = c->partial ? c->partial : slab_grow(c);

	if (!s)
		return 0;
	void **obj = s->free;
	s->free = *obj;
	s->in_use++;
	count(c, 1, 0);
	if (!s->free) {
		list_remove(&c->partial, s);
		list_push(&c->full, s);
	}
	return obj;
}

void *slab_alloc(struct slab_cache *c)
{
	void *obj = slab_alloc_uninit(c);

	return obj ? memset(obj, 0, c->size) : 0;
}

void slab_free(struct slab_cache *c, void *obj)
{
	struct slab *s = (struct slab *)((uintptr_t)obj & ~(uintptr_t)(SLAB_PAGE - 1));

	if (!s->free) {
		list_remove(&c->full, s);
		list_push(&c->partial, s);
	}
	*(void **)obj = s->free;
	s->free = obj;
	s->in_use--;
	count(c, -1, 0);
	if (s->in_use == 0) {
		list_remove(&c->partial, s);
		count(c, 0, -1);
		source->free(s);
	}
}
