/*
 * pool.c - fixed-size records from whole pages (pool.h).
 */
#include "pool.h"

#include "root.h"

void *pool_get(struct pool *p)
{
	if (!p->free) {
		uint64_t pa = pages_alloc();
		if (!pa)
			return 0;
		char *page = pages_va(pa);
		for (size_t off = 0; off + p->size <= PAGE; off += p->size) {
			*(void **)(page + off) = p->free;
			p->free = page + off;
		}
	}
	void *rec = p->free;
	p->free = *(void **)rec;
	memset(rec, 0, p->size);
	return rec;
}

void pool_put(struct pool *p, void *rec)
{
	*(void **)rec = p->free;
	p->free = rec;
}
