/*
 * pool.h - fixed-size records (dataspaces, sessions, processes) carved from
 * the user pool's pages.  Freed records are reused; their pages stay.
 */
#ifndef SRV_ROOT_POOL_H
#define SRV_ROOT_POOL_H

#include <stddef.h>

struct pool {
	size_t size;   /* of one record, a multiple of 8 */
	void *free;    /* free records, linked through their first word */
};

#define POOL(type) { (sizeof(type) + 7) & ~(size_t)7, 0 }

/* A zeroed record, or 0 when the pool has no page left. */
void *pool_get(struct pool *p);
void pool_put(struct pool *p, void *rec);

#endif
