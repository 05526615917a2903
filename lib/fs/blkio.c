/*
 * blkio.c - mica_blk: libext2fs's io_manager over a struct blkdev.
 *
 * libext2fs names a channel with a string, so the name is the address of a
 * struct blkio_config (blkio_name).  The channel's block size changes while
 * libext2fs works (it reads the superblock with 1 KiB blocks, then uses the
 * filesystem's); each change flushes the cache and starts a fresh one of
 * the new size.  A negative count is a byte count, as in every io_manager.
 * The channel does not own the device: whoever opened it closes it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkcache.h"
#include "blkio.h"

struct blkio {
	struct blkio_config cfg;
	struct blkcache *cache;
	struct blkio_stats stats;
	struct struct_io_stats io_stats; /* what get_stats hands out */
};

static struct blkio *priv(io_channel ch)
{
	return ch->private_data;
}

void blkio_name(const struct blkio_config *cfg, char *buf, size_t size)
{
	snprintf(buf, size, "mica_blk:%p", (const void *)cfg);
}

static errcode_t new_cache(struct blkio *b, unsigned block_size)
{
	if (block_size % b->cfg.dev->sector_size)
		return EXT2_ET_INVALID_ARGUMENT;
	return blkcache_create(b->cfg.dev, block_size, b->cfg.cache_bytes,
			       b->cfg.readahead, &b->stats, &b->cache);
}

static errcode_t blk_open(const char *name, int flags, io_channel *out)
{
	struct blkio_config *cfg;
	struct blkio *b;
	io_channel ch;
	errcode_t err;
	void *p;

	if (!name || sscanf(name, "mica_blk:%p", &p) != 1)
		return EXT2_ET_BAD_DEVICE_NAME;
	cfg = p;
	ch = calloc(1, sizeof(*ch));
	b = calloc(1, sizeof(*b));
	if (!ch || !b || !(ch->name = strdup(name))) {
		free(b);
		if (ch)
			free(ch->name);
		free(ch);
		return EXT2_ET_NO_MEMORY;
	}
	b->cfg = *cfg;
	if (!b->cfg.cache_bytes)
		b->cfg.cache_bytes = BLKIO_DEFAULT_CACHE;
	if ((err = new_cache(b, 1024))) {
		free(ch->name);
		free(ch);
		free(b);
		return err;
	}
	ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	ch->manager = mica_blk_io_manager;
	ch->block_size = 1024;
	ch->refcount = 1;
	ch->flags = flags & IO_FLAG_RW;
	ch->private_data = b;
	*out = ch;
	return 0;
}

static errcode_t blk_flush(io_channel ch)
{
	return blkcache_flush(priv(ch)->cache);
}

static errcode_t blk_close(io_channel ch)
{
	struct blkio *b = priv(ch);
	errcode_t err = 0;

	if (--ch->refcount > 0)
		return 0;
	if (ch->flags & IO_FLAG_RW)
		err = blk_flush(ch);
	blkcache_destroy(b->cache);
	free(b);
	free(ch->name);
	free(ch);
	return err;
}

static errcode_t blk_set_blksize(io_channel ch, int size)
{
	struct blkio *b = priv(ch);
	struct blkcache *old = b->cache;
	errcode_t err;

	if (size <= 0)
		return EXT2_ET_INVALID_ARGUMENT;
	if (size == ch->block_size)
		return 0;
	if ((err = blkcache_flush(old)) || (err = new_cache(b, (unsigned)size))) {
		b->cache = old;
		return err;
	}
	blkcache_destroy(old);
	ch->block_size = size;
	return 0;
}

static size_t byte_count(io_channel ch, int count)
{
	return count < 0 ? (size_t)-(long)count : (size_t)count * (size_t)ch->block_size;
}

static errcode_t blk_read64(io_channel ch, unsigned long long block, int count, void *data)
{
	return blkcache_read(priv(ch)->cache, block, byte_count(ch, count), data);
}

static errcode_t blk_write64(io_channel ch, unsigned long long block, int count,
			     const void *data)
{
	if (!(ch->flags & IO_FLAG_RW))
		return EXT2_ET_RO_FILSYS;
	return blkcache_write(priv(ch)->cache, block, byte_count(ch, count), data);
}

static errcode_t blk_read(io_channel ch, unsigned long block, int count, void *data)
{
	return blk_read64(ch, block, count, data);
}

static errcode_t blk_write(io_channel ch, unsigned long block, int count, const void *data)
{
	return blk_write64(ch, block, count, data);
}

/* size bytes at byte `offset`, through the cache.  libext2fs writes the
 * superblock's changed bytes so; without it, it would change the block
 * size to 1 KiB and back around the write (a new cache each way) and not
 * look at whether that worked: when the new cache could not be made, the
 * superblock went to 1 KiB block 1 in the old size's units, over the
 * group descriptors of a file system of 4 KiB blocks. */
static errcode_t blk_write_byte(io_channel ch, unsigned long offset, int size, const void *data)
{
	struct blkio *b = priv(ch);
	unsigned bs = (unsigned)ch->block_size;
	const char *p = data;
	char *buf;
	int err = 0;

	if (size < 0)
		return EXT2_ET_INVALID_ARGUMENT;
	if (!(buf = malloc(bs)))
		return EXT2_ET_NO_MEMORY;
	while (size > 0 && !err) {
		unsigned in = (unsigned)(offset % bs), n = bs - in < (unsigned)size ? bs - in : (unsigned)size;
		if (!(err = blkcache_read(b->cache, offset / bs, bs, buf))) {
			memcpy(buf + in, p, n);
			err = blkcache_write(b->cache, offset / bs, bs, buf);
		}
		offset += n, p += n, size -= (int)n;
	}
	free(buf);
	return err;
}

static errcode_t blk_set_option(io_channel ch, const char *option, const char *arg)
{
	(void)ch, (void)option, (void)arg;
	return EXT2_ET_INVALID_ARGUMENT;
}

static errcode_t blk_get_stats(io_channel ch, io_stats *out)
{
	struct blkio *b = priv(ch);

	b->io_stats.num_fields = 2;
	b->io_stats.bytes_read = b->stats.bytes_read;
	b->io_stats.bytes_written = b->stats.bytes_written;
	*out = &b->io_stats;
	return 0;
}

void blkio_get_stats(io_channel ch, struct blkio_stats *st)
{
	if (ch->manager == mica_blk_io_manager)
		*st = priv(ch)->stats;
	else
		memset(st, 0, sizeof(*st));
}

int blkio_write_back(io_channel ch, uint64_t blk, uint64_t count)
{
	return ch->manager == mica_blk_io_manager ? blkcache_write_back(priv(ch)->cache, blk, count) : EINVAL;
}

int blkio_read_direct(io_channel ch, uint64_t blk, uint64_t count, const struct blkdev_seg *iov, unsigned iovcnt)
{
	return ch->manager == mica_blk_io_manager ? blkcache_read_direct(priv(ch)->cache, blk, (unsigned)count, iov, iovcnt)
						  : EINVAL;
}

int blkio_write_direct(io_channel ch, uint64_t blk, uint64_t count, const void *buf)
{
	return ch->manager == mica_blk_io_manager ? blkcache_write_direct(priv(ch)->cache, blk, (unsigned)count, buf)
						  : EINVAL;
}

int blkio_flush_device(io_channel ch)
{
	return ch->manager == mica_blk_io_manager ? blkcache_flush_device(priv(ch)->cache) : EINVAL;
}

static struct struct_io_manager mica_blk_manager = {
	.magic = EXT2_ET_MAGIC_IO_MANAGER,
	.name = "mica_blk",
	.open = blk_open,
	.close = blk_close,
	.set_blksize = blk_set_blksize,
	.read_blk = blk_read,
	.write_blk = blk_write,
	.write_byte = blk_write_byte,
	.flush = blk_flush,
	.set_option = blk_set_option,
	.get_stats = blk_get_stats,
	.read_blk64 = blk_read64,
	.write_blk64 = blk_write64,
};

io_manager mica_blk_io_manager = &mica_blk_manager;
