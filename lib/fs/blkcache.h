/*
 * blkcache.h - a write-back LRU cache of fixed-size blocks over a struct
 * blkdev, the cache of the mica_blk io_manager (blkio.c).  Policy in
 * docs/fs.md.  Calls return 0 or an errno value.
 */
#ifndef LIB_FS_BLKCACHE_H
#define LIB_FS_BLKCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "blkdev.h"
#include "blkio.h"

struct blkcache;

/* A cache of about bytes worth of block_size blocks (at least 16). */
int blkcache_create(struct blkdev *dev, unsigned block_size, size_t bytes,
		    unsigned readahead, struct blkio_stats *stats,
		    struct blkcache **out);
/* Frees the cache; dirty blocks are lost (flush first). */
void blkcache_destroy(struct blkcache *c);
/* bytes from block blk on; a partial last block is allowed. */
int blkcache_read(struct blkcache *c, uint64_t blk, size_t bytes, void *buf);
int blkcache_write(struct blkcache *c, uint64_t blk, size_t bytes, const void *buf);
/* Writes every dirty block back, in block order, then flushes the device. */
int blkcache_flush(struct blkcache *c);
/* Writes back the dirty cached blocks among [blk, blk + count) (each with
 * the dirty blocks that follow it on disk, as eviction does); no flush. */
int blkcache_write_back(struct blkcache *c, uint64_t blk, uint64_t count);
/* The device's own flush: what was written is on stable storage. */
int blkcache_flush_device(struct blkcache *c);

#endif
