/*
 * blkdev.h - the small block-device interface under the filesystem: read
 * and write ranges of sectors, flush, and the device's size.  The io_manager
 * (blkio.c) turns libext2fs's block I/O into calls on it.  On the host it is
 * a plain file (blkdev_file.c); inside Mica it is a session of the block
 * server (blkdev_mica.c, docs/blk.md).
 *
 * Every call returns 0 or an errno value (EIO, ENOSPC, ...).
 */
#ifndef LIB_FS_BLKDEV_H
#define LIB_FS_BLKDEV_H

#include <stddef.h>
#include <stdint.h>

/* One piece of a scattered transfer: len bytes at buf. */
struct blkdev_seg {
	void *buf;
	size_t len;
};

struct blkdev {
	uint32_t sector_size; /* bytes per sector, a power of two <= 4096 */
	uint64_t sectors;     /* the device's size in sectors */
	int (*read)(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf);
	int (*write)(struct blkdev *dev, uint64_t sector, uint32_t count,
		     const void *buf);
	int (*flush)(struct blkdev *dev);  /* written data is durable on return */
	void (*close)(struct blkdev *dev); /* frees the device */
	/* Optional (0: callers read each piece with `read`): count sectors
	 * into the pieces of iov in order, each a whole number of sectors,
	 * together count sectors. */
	int (*readv)(struct blkdev *dev, uint64_t sector, uint32_t count, const struct blkdev_seg *iov,
		     unsigned iovcnt);
};

/* Host only (blkdev_file.c): a device over the file at path. */
int blkdev_file_open(const char *path, int writable, struct blkdev **out);

/* Mica only (blkdev_mica.c): a device over a session of the block server
 * whose gate is the capability `blk` (the registry's `blk`); read-only
 * unless `writable` (EROFS when the disk is read-only). */
int blkdev_mica_open(uint64_t blk, int writable, struct blkdev **out);

#endif
