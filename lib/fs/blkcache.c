/*
 * blkcache.c - the block cache of the mica_blk io_manager.
 *
 * A fixed set of entries, found by a hash of the block number and kept on
 * one LRU list (most recent first; free entries sit at the tail).  Writes
 * stay in the cache (write-back) until their entry is evicted or the cache
 * is flushed; an evicted dirty block takes the dirty blocks that follow it
 * on disk along, so sequential writes reach the device in long runs.  A
 * miss right after the previous miss's end reads ahead.  Transfers larger
 * than a quarter of the cache go straight to the device (the cached copies
 * are updated), so one big file cannot wash the metadata out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blkcache.h"

#define MAX_RUN 64u /* blocks per device call when writing back */

struct entry {
	uint64_t blk;
	int valid, dirty;
	struct entry *hnext;       /* hash chain */
	struct entry *prev, *next; /* LRU list */
	char *data;
};

struct blkcache {
	struct blkdev *dev;
	unsigned bs, nent, nhash, readahead;
	struct entry *ents;
	struct entry **hash;
	struct entry lru; /* sentinel: lru.next is the most recent */
	char *mem;
	uint64_t next_seq; /* the block after the last miss's read */
	struct blkio_stats *st;
};

static unsigned hash_of(const struct blkcache *c, uint64_t blk)
{
	return (unsigned)((blk * 0x9e3779b97f4a7c15ull) >> 32) & (c->nhash - 1);
}

static struct entry *lookup(struct blkcache *c, uint64_t blk)
{
	struct entry *e = c->hash[hash_of(c, blk)];

	while (e && e->blk != blk)
		e = e->hnext;
	return e;
}

static void lru_unlink(struct entry *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void lru_push_front(struct blkcache *c, struct entry *e)
{
	e->next = c->lru.next;
	e->prev = &c->lru;
	c->lru.next->prev = e;
	c->lru.next = e;
}

static void touch(struct blkcache *c, struct entry *e)
{
	lru_unlink(e);
	lru_push_front(c, e);
}

static void unhash(struct blkcache *c, struct entry *e)
{
	struct entry **p = &c->hash[hash_of(c, e->blk)];

	while (*p != e)
		p = &(*p)->hnext;
	*p = e->hnext;
	e->valid = 0;
}

static int dev_io(struct blkcache *c, uint64_t blk, unsigned n, void *buf, int write)
{
	uint32_t per = c->bs / c->dev->sector_size;
	int err;

	if (write) {
		err = c->dev->write(c->dev, blk * per, n * per, buf);
		c->st->dev_writes++;
		c->st->bytes_written += (uint64_t)n * c->bs;
	} else {
		err = c->dev->read(c->dev, blk * per, n * per, buf);
		c->st->dev_reads++;
		c->st->bytes_read += (uint64_t)n * c->bs;
	}
	return err;
}

/* Write back e and the dirty cached blocks that follow it, in one call. */
static int write_back(struct blkcache *c, struct entry *e)
{
	struct entry *run[MAX_RUN];
	unsigned n = 0, i;
	char *buf;
	int err;

	for (struct entry *x = e; x && x->dirty && n < MAX_RUN; x = lookup(c, e->blk + n))
		run[n++] = x;
	buf = n > 1 ? malloc((size_t)n * c->bs) : NULL;
	if (!buf)
		n = 1;
	for (i = 0; i < n && buf; i++)
		memcpy(buf + (size_t)i * c->bs, run[i]->data, c->bs);
	err = dev_io(c, e->blk, n, buf ? buf : e->data, 1);
	free(buf);
	for (i = 0; i < n && !err; i++)
		run[i]->dirty = 0;
	return err;
}

/* An entry for blk (not cached yet), taken from the LRU tail. */
static int claim(struct blkcache *c, uint64_t blk, struct entry **out)
{
	struct entry *e = c->lru.prev;
	int err;

	if (e->valid && e->dirty && (err = write_back(c, e)))
		return err;
	if (e->valid)
		unhash(c, e);
	e->blk = blk;
	e->valid = 1;
	e->dirty = 0;
	e->hnext = c->hash[hash_of(c, blk)];
	c->hash[hash_of(c, blk)] = e;
	touch(c, e);
	*out = e;
	return 0;
}

int blkcache_create(struct blkdev *dev, unsigned block_size, size_t bytes,
		    unsigned readahead, struct blkio_stats *stats,
		    struct blkcache **out)
{
	struct blkcache *c = calloc(1, sizeof(*c));
	unsigned i;

	if (!c)
		return ENOMEM;
	c->dev = dev;
	c->bs = block_size;
	c->nent = bytes / block_size < 16 ? 16 : (unsigned)(bytes / block_size);
	c->readahead = readahead;
	c->st = stats;
	for (c->nhash = 16; c->nhash < c->nent; c->nhash *= 2)
		;
	c->ents = calloc(c->nent, sizeof(*c->ents));
	c->hash = calloc(c->nhash, sizeof(*c->hash));
	c->mem = malloc((size_t)c->nent * block_size);
	if (!c->ents || !c->hash || !c->mem) {
		blkcache_destroy(c);
		return ENOMEM;
	}
	c->lru.next = c->lru.prev = &c->lru;
	for (i = 0; i < c->nent; i++) {
		c->ents[i].data = c->mem + (size_t)i * block_size;
		lru_push_front(c, &c->ents[i]);
	}
	*out = c;
	return 0;
}

void blkcache_destroy(struct blkcache *c)
{
	free(c->ents);
	free(c->hash);
	free(c->mem);
	free(c);
}

static int is_big(const struct blkcache *c, uint64_t nblk)
{
	return nblk >= c->nent / 4;
}

/* Blocks [blk, blk+n) are all missing: read them (and maybe some ahead). */
static int fill(struct blkcache *c, uint64_t blk, unsigned n)
{
	uint64_t dev_blocks = c->dev->sectors / (c->bs / c->dev->sector_size);
	unsigned total = n, i;
	char *buf;
	int err;

	if (blk == c->next_seq)
		while (total < n + c->readahead && total < c->nent / 2 &&
		       blk + total < dev_blocks &&
		       !lookup(c, blk + total))
			total++;
	if (!(buf = malloc((size_t)total * c->bs)))
		return ENOMEM;
	err = dev_io(c, blk, total, buf, 0);
	for (i = 0; i < total && !err; i++) {
		struct entry *e;
		if (!(err = claim(c, blk + i, &e)))
			memcpy(e->data, buf + (size_t)i * c->bs, c->bs);
	}
	free(buf);
	c->next_seq = blk + total;
	return err;
}

/* Copy the whole blocks of [blk, blk+n) that are cached out to or into buf. */
static void sync_cached(struct blkcache *c, uint64_t blk, uint64_t n, char *buf, int into_cache)
{
	for (uint64_t i = 0; i < n; i++) {
		struct entry *e = lookup(c, blk + i);
		if (!e)
			continue;
		if (into_cache) {
			memcpy(e->data, buf + i * c->bs, c->bs);
			e->dirty = 0;
		} else {
			memcpy(buf + i * c->bs, e->data, c->bs);
		}
	}
}

/* len bytes from src to byte `at` of the pieces of iov. */
static void iov_put(const struct blkdev_seg *iov, unsigned iovcnt, size_t at, const char *src, size_t len)
{
	for (; iovcnt && len; iov++, iovcnt--) {
		if (at >= iov->len) {
			at -= iov->len;
			continue;
		}
		size_t k = iov->len - at < len ? iov->len - at : len;
		memcpy((char *)iov->buf + at, src, k);
		src += k, len -= k, at = 0;
	}
}

int blkcache_read_direct(struct blkcache *c, uint64_t blk, unsigned n, const struct blkdev_seg *iov, unsigned iovcnt)
{
	uint32_t per = c->bs / c->dev->sector_size;
	int err = 0;

	if (c->dev->readv) {
		err = c->dev->readv(c->dev, blk * per, n * per, iov, iovcnt);
	} else {
		uint64_t sector = blk * per;
		for (unsigned i = 0; i < iovcnt && !err; i++) {
			uint32_t count = (uint32_t)(iov[i].len / c->dev->sector_size);
			err = c->dev->read(c->dev, sector, count, iov[i].buf);
			sector += count;
		}
	}
	c->st->dev_reads++;
	c->st->bytes_read += (uint64_t)n * c->bs;
	for (unsigned i = 0; i < n && !err; i++) {   /* cached blocks may be newer */
		struct entry *e = lookup(c, blk + i);
		if (e)
			iov_put(iov, iovcnt, (size_t)i * c->bs, e->data, c->bs);
	}
	return err;
}

int blkcache_read(struct blkcache *c, uint64_t blk, size_t bytes, void *buf)
{
	uint64_t nblk = (bytes + c->bs - 1) / c->bs, whole = bytes / c->bs, i = 0;
	char *out = buf;
	int err;

	if (is_big(c, nblk) && whole) {
		struct blkdev_seg all = { out, (size_t)whole * c->bs };
		if ((err = blkcache_read_direct(c, blk, (unsigned)whole, &all, 1)))
			return err;
		i = whole;
	}
	while (i < nblk) {
		struct entry *e = lookup(c, blk + i);
		size_t len = bytes - i * c->bs < c->bs ? bytes - i * c->bs : c->bs;
		if (!e) {
			unsigned run = 1;
			while (i + run < nblk && run < c->nent / 4 &&
			       !lookup(c, blk + i + run))
				run++;
			c->st->misses += run;
			if ((err = fill(c, blk + i, run)))
				return err;
			continue;
		}
		c->st->hits++;
		memcpy(out + i * c->bs, e->data, len);
		touch(c, e);
		i++;
	}
	return 0;
}

int blkcache_write_direct(struct blkcache *c, uint64_t blk, unsigned n, const void *buf)
{
	int err = dev_io(c, blk, n, (void *)buf, 1);

	if (!err)
		sync_cached(c, blk, n, (char *)buf, 1);   /* cached copies take it, clean now */
	return err;
}

int blkcache_write(struct blkcache *c, uint64_t blk, size_t bytes, const void *buf)
{
	uint64_t nblk = (bytes + c->bs - 1) / c->bs, whole = bytes / c->bs, i = 0;
	const char *in = buf;
	int err;

	if (is_big(c, nblk) && whole) {
		if ((err = blkcache_write_direct(c, blk, (unsigned)whole, in)))
			return err;
		i = whole;
	}
	for (; i < nblk; i++) {
		struct entry *e = lookup(c, blk + i);
		size_t len = bytes - i * c->bs < c->bs ? bytes - i * c->bs : c->bs;
		if (!e && len < c->bs && (err = fill(c, blk + i, 1)))
			return err;
		if (!e && len < c->bs)
			e = lookup(c, blk + i);
		else if (!e && (err = claim(c, blk + i, &e)))
			return err;
		memcpy(e->data, in + i * c->bs, len);
		e->dirty = 1;
		touch(c, e);
	}
	return 0;
}

static int by_block(const void *a, const void *b)
{
	uint64_t x = (*(struct entry *const *)a)->blk, y = (*(struct entry *const *)b)->blk;

	return x < y ? -1 : x > y;
}

int blkcache_write_back(struct blkcache *c, uint64_t blk, uint64_t count)
{
	int err = 0;

	for (uint64_t i = 0; i < count && !err; i++) {
		struct entry *e = lookup(c, blk + i);
		if (e && e->valid && e->dirty)
			err = write_back(c, e);
	}
	return err;
}

int blkcache_flush_device(struct blkcache *c)
{
	return c->dev->flush(c->dev);
}

int blkcache_flush(struct blkcache *c)
{
	struct entry **dirty = malloc(c->nent * sizeof(*dirty));
	unsigned n = 0, i;
	int err = 0;

	if (!dirty)
		return ENOMEM;
	for (i = 0; i < c->nent; i++)
		if (c->ents[i].valid && c->ents[i].dirty)
			dirty[n++] = &c->ents[i];
	qsort(dirty, n, sizeof(*dirty), by_block);
	for (i = 0; i < n && !err; i++)
		if (dirty[i]->dirty)
			err = write_back(c, dirty[i]);
	free(dirty);
	return err ? err : c->dev->flush(c->dev);
}
