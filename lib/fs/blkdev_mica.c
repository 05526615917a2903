/*
 * blkdev_mica.c - the block device over Mica's block server (blkdev.h;
 * docs/blk.md): a Block session with a buffer the server's device reads
 * and writes directly.  Sector ranges longer than the buffer go in
 * pieces; the bytes are copied between the caller's memory (one buffer,
 * or several for readv) and the buffer, which is the only copy (no data
 * travels in messages).  Mica
 * only: it uses the runtime's stubs and the C library's errno mapping.
 */
#include "blkdev.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libsys/slot.h>
#include <mica/error.h>
#include <rt/rt.h>

#include <idl/rt/block.h>
#include <idl/rt/region_map.h>

#define BUFFER (64u << 10)

struct mica_blkdev {
	struct blkdev dev;
	mica_cap_t session, buffer;
	uint8_t *buf;
	uint32_t per_piece;   /* sectors that fit the buffer */
};

int libc_errno_of(int mica_err);   /* lib/libc/errno.c */

static int errno_of(int err)
{
	return err ? libc_errno_of(err) : 0;
}

static int mb_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf)
{
	struct mica_blkdev *m = (struct mica_blkdev *)dev;
	uint8_t *p = buf;

	while (count) {
		uint32_t n = count < m->per_piece ? count : m->per_piece;
		int err = block_read(m->session, sector, n, 0);
		if (err)
			return errno_of(err);
		memcpy(p, m->buf, (size_t)n * dev->sector_size);
		p += (size_t)n * dev->sector_size, sector += n, count -= n;
	}
	return 0;
}

/* The same into pieces: each buffer-full copied out across them. */
static int mb_readv(struct blkdev *dev, uint64_t sector, uint32_t count, const struct blkdev_seg *iov, unsigned iovcnt)
{
	struct mica_blkdev *m = (struct mica_blkdev *)dev;
	size_t in = 0;   /* bytes of iov[0] already filled */

	while (count) {
		uint32_t n = count < m->per_piece ? count : m->per_piece;
		int err = block_read(m->session, sector, n, 0);
		if (err)
			return errno_of(err);
		for (size_t at = 0, len = (size_t)n * dev->sector_size; at < len && iovcnt;) {
			size_t k = iov->len - in < len - at ? iov->len - in : len - at;
			memcpy((uint8_t *)iov->buf + in, m->buf + at, k);
			at += k, in += k;
			if (in == iov->len)
				iov++, iovcnt--, in = 0;
		}
		sector += n, count -= n;
	}
	return 0;
}

static int mb_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf)
{
	struct mica_blkdev *m = (struct mica_blkdev *)dev;
	const uint8_t *p = buf;

	while (count) {
		uint32_t n = count < m->per_piece ? count : m->per_piece;
		memcpy(m->buf, p, (size_t)n * dev->sector_size);
		int err = block_write(m->session, sector, n, 0);
		if (err == -MICA_EPERM)
			return EROFS;   /* a device opened read-only */
		if (err)
			return errno_of(err);
		p += (size_t)n * dev->sector_size, sector += n, count -= n;
	}
	return 0;
}

static int mb_flush(struct blkdev *dev)
{
	return errno_of(block_flush(((struct mica_blkdev *)dev)->session));
}

static void mb_close(struct blkdev *dev)
{
	struct mica_blkdev *m = (struct mica_blkdev *)dev;
	uint64_t start, size;
	mica_cap_t back = mica_slot_alloc();

	if (back && region_map_detach(rt_cap("rm"), (uint64_t)m->buf, &start, &size, &back) == 0)
		mica_slot_drop(back);
	else if (back)
		mica_slot_free(back);
	mica_slot_drop(m->session);   /* the server ends the session */
	free(m);
}

int blkdev_mica_open(uint64_t blk, int writable, struct blkdev **out)
{
	struct mica_blkdev *m = calloc(1, sizeof *m);
	uint64_t blocks, start;
	uint32_t block_size, buffer_size;
	bool read_only;
	int err;

	if (!m)
		return ENOMEM;
	m->session = mica_slot_alloc();
	m->buffer = mica_slot_alloc();
	if (!m->session || !m->buffer)
		err = -MICA_ENOMEM;
	else if ((err = block_open((mica_cap_t)blk, BUFFER, !writable, &m->session, &m->buffer)) == 0 &&
		 (err = block_info(m->session, &blocks, &block_size, &read_only, &buffer_size)) == 0) {
		if (writable && read_only)
			err = -MICA_EROFS;
		else
			err = region_map_attach(rt_cap("rm"), 0, BUFFER, MICA_R | MICA_W, m->buffer, 0, &start);
	}
	if (err) {
		mica_slot_drop(m->session);
		mica_slot_drop(m->buffer);
		free(m);
		return errno_of(err);
	}
	m->buf = (uint8_t *)start;
	m->per_piece = BUFFER / block_size;
	m->dev = (struct blkdev){ .sector_size = block_size, .sectors = blocks, .read = mb_read, .write = mb_write,
				  .flush = mb_flush, .close = mb_close, .readv = mb_readv };
	*out = &m->dev;
	return 0;
}
