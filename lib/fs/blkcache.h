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
/* n whole blocks from blk on straight from the device into the pieces of
 * iov (each a whole number of sectors, together n blocks), the cached ones
 * among them (which may be newer) copied over: the cache is not filled
 * (a page cache above it caches file data itself). */
int blkcache_read_direct(struct blkcache *c, uint64_t blk, unsigned n, const struct blkdev_seg *iov, unsigned iovcnt);
/* n whole blocks from blk on straight to the device; cached copies of
 * them take the bytes too (clean now), and no block is cached anew. */
int blkcache_write_direct(struct blkcache *c, uint64_t blk, unsigned n, const void *buf);
/* Writes every dirty block back, in block order, then flushes the device. */
int blkcache_flush(struct blkcache *c);
/* Writes back the dirty cached blocks among [blk, blk + count) (each with
 * the dirty blocks that follow it on disk, as eviction does); no flush. */
int blkcache_write_back(struct blkcache *c, uint64_t blk, uint64_t count);
/* The device's own flush: what was written is on stable storage. */
int blkcache_flush_device(struct blkcache *c);

#endif
