/*
 * blkio.h - mica_blk, libext2fs's io_manager over a struct blkdev, with the
 * block cache libext2fs itself lacks (policy in docs/fs.md).
 *
 * libext2fs opens a channel by name, so a device is named by the address of
 * its configuration: blkio_name() writes that name, and the configuration
 * must outlive the channel.
 */
#ifndef LIB_FS_BLKIO_H
#define LIB_FS_BLKIO_H

#include <stddef.h>
#include <stdint.h>

#include <ext2fs/ext2fs.h>

#include "blkdev.h"

struct blkio_config {
	struct blkdev *dev;
	size_t cache_bytes;  /* cache budget; 0 means BLKIO_DEFAULT_CACHE */
	unsigned readahead;  /* blocks read beyond a sequential miss */
};

#define BLKIO_DEFAULT_CACHE (4u << 20)
#define BLKIO_DEFAULT_READAHEAD 16u

struct blkio_stats {
	uint64_t hits, misses;          /* block lookups in the cache */
	uint64_t dev_reads, dev_writes; /* calls on the device */
	uint64_t bytes_read, bytes_written;
};

extern io_manager mica_blk_io_manager;

void blkio_name(const struct blkio_config *cfg, char *buf, size_t size);
/* The counters of a mica_blk channel (zeroes for any other channel). */
void blkio_get_stats(io_channel ch, struct blkio_stats *st);
/* Of a mica_blk channel: write back the dirty cached blocks among
 * [blk, blk + count) (blkcache_write_back), and flush the device.
 * EINVAL for any other channel. */
int blkio_write_back(io_channel ch, uint64_t blk, uint64_t count);
int blkio_flush_device(io_channel ch);
/* Of a mica_blk channel: count blocks from blk on into the pieces of iov
 * (each a whole number of sectors, together count blocks) without filling
 * the cache (blkcache_read_direct).  EINVAL for any other channel. */
int blkio_read_direct(io_channel ch, uint64_t blk, uint64_t count, const struct blkdev_seg *iov, unsigned iovcnt);
/* Of a mica_blk channel: count blocks from buf to blk on
 * (blkcache_write_direct).  EINVAL for any other channel. */
int blkio_write_direct(io_channel ch, uint64_t blk, uint64_t count, const void *buf);

#endif
