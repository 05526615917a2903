/*
 * bmap.c - the page cache's view of a file: which disk blocks hold a byte
 * range, as runs, holes (and ext4's uninitialised extents, which read as
 * zeroes) reported as runs at block 0.  With alloc the holes are filled
 * first with zeroed blocks, so the cache can write pages straight to disk;
 * the file's size is left to the caller (fs_truncate once the data is in).
 * And the page cache's transfers over those runs: fs_read_direct and
 * fs_write_direct move a file's data between the device and the caller
 * without lib/fs's block cache (docs/fs.md).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fs_impl.h"

static int add_block(struct fs_run *runs, unsigned max, unsigned *n, uint64_t lblk,
		     uint64_t pblk)
{
	struct fs_run *r = *n ? &runs[*n - 1] : NULL;

	if (r && ((pblk == 0 && r->pblk == 0) || (pblk && r->pblk && pblk == r->pblk + r->count))) {
		r->count++;
		return 1;
	}
	if (*n == max)
		return 0;
	runs[(*n)++] = (struct fs_run){ lblk, pblk, 1 };
	return 1;
}

/*
 * A walk of one file's block map for a range: libext2fs's ext2fs_bmap2
 * reads every indirect block again for each block it maps (a copy out of
 * the block cache each time, two for a doubly indirect one), so a file
 * mapped by indirect blocks (ext2's; not ext4's extents, nor what is being
 * allocated) is walked here, each indirect block read once while the
 * walk stays in it.  `level[d]` holds the last block read at distance d
 * from the data blocks; `scratch` is ext2fs_bmap2's (two blocks), which it
 * would allocate per call.  One allocation of five blocks in all.
 */
struct map_walk {
	struct fs_file *f;
	struct ext2_inode_large *in;
	char *scratch;
	uint32_t *level[3];
	blk64_t at[3];        /* the block in level[d] (0: none) */
	uint64_t leaf_first;  /* the logical block level[0]'s entry 0 maps */
	bool leaf_ok;         /* level[0] holds that leaf */
};

static int walk_start(struct map_walk *w, struct fs_file *f, struct ext2_inode_large *in)
{
	uint64_t bs = f->fs->e2->blocksize;

	*w = (struct map_walk){ .f = f, .in = in };
	if (ext2fs_get_array(5, bs, &w->scratch))
		return fs_fail(f->fs, ENOMEM, "map %s: no memory", f->path);
	for (unsigned d = 0; d < 3; d++)
		w->level[d] = (uint32_t *)(w->scratch + (2 + d) * bs);
	return 0;
}

static void walk_end(struct map_walk *w)
{
	ext2fs_free_mem(&w->scratch);
}

/* Entry `index` of indirect block blk, read into level[d] unless there. */
static errcode_t ind_entry(struct map_walk *w, unsigned d, blk64_t blk, uint64_t index, blk64_t *out)
{
	ext2_filsys e2 = w->f->fs->e2;

	if (w->at[d] != blk) {
		if (blk < e2->super->s_first_data_block || blk >= ext2fs_blocks_count(e2->super))
			return EXT2_ET_BAD_IND_BLOCK;
		errcode_t e = io_channel_read_blk64(e2->io, blk, 1, w->level[d]);
		if (e) {
			w->at[d] = 0;
			return e;
		}
		w->at[d] = blk;
	}
	*out = ext2fs_le32_to_cpu(w->level[d][index]);
	return 0;
}

/* The block behind logical block lblk of an inode mapped by indirect
 * blocks (0: a hole). */
static errcode_t ind_bmap(struct map_walk *w, uint64_t lblk, blk64_t *pblk)
{
	uint64_t apb = w->f->fs->e2->blocksize / 4, span = 1, want = lblk;
	unsigned depth = 0;

	if (w->leaf_ok && lblk >= w->leaf_first && lblk - w->leaf_first < apb) {   /* the leaf read last */
		*pblk = ext2fs_le32_to_cpu(w->level[0][lblk - w->leaf_first]);
		return 0;
	}
	if (lblk < EXT2_NDIR_BLOCKS) {
		*pblk = ext2fs_le32_to_cpu(w->in->i_block[lblk]);
		return 0;
	}
	lblk -= EXT2_NDIR_BLOCKS;
	while (depth < 3 && lblk >= apb * span) {   /* past what this depth maps */
		lblk -= apb * span;
		span *= apb;
		depth++;
	}
	if (depth == 3)
		return EXT2_ET_FILE_TOO_BIG;
	blk64_t b = ext2fs_le32_to_cpu(w->in->i_block[EXT2_IND_BLOCK + depth]);
	for (unsigned d = depth + 1; d-- > 0 && b; span /= apb) {
		w->leaf_ok = w->leaf_ok && d;
		errcode_t e = ind_entry(w, d, b, lblk / span % apb, &b);
		if (e)
			return e;
		if (!d) {
			w->leaf_first = want - lblk % apb;
			w->leaf_ok = true;
		}
	}
	*pblk = b;
	return 0;
}

/* The runs behind [off, off + len) of the walk's file (fs_bmap). */
static int runs_of(struct map_walk *w, uint64_t off, uint64_t len, int alloc, struct fs_run *runs, unsigned max,
		   unsigned *n)
{
	struct fs *fs = w->f->fs;
	uint64_t bs = fs->e2->blocksize;
	bool by_ind = !alloc && !(w->in->i_flags & (EXT4_EXTENTS_FL | EXT4_INLINE_DATA_FL));

	*n = 0;
	for (uint64_t lblk = off / bs; len && lblk <= (off + len - 1) / bs; lblk++) {
		blk64_t pblk = 0;
		int ret = 0;
		errcode_t e = by_ind ? ind_bmap(w, lblk, &pblk)
				     : ext2fs_bmap2(fs->e2, w->f->node->ino, (struct ext2_inode *)w->in, w->scratch, 0,
						    lblk, &ret, &pblk);
		/* Only a hole is filled: libext2fs's BMAP_ZERO zeroes whatever
		 * block it answers, data too. */
		if (!e && alloc && (!pblk || (ret & BMAP_RET_UNINIT))) {
			ret = 0;
			e = ext2fs_bmap2(fs->e2, w->f->node->ino, (struct ext2_inode *)w->in, w->scratch,
					 BMAP_ALLOC | BMAP_ZERO, lblk, &ret, &pblk);
		}
		if (e)
			return fs_fail(fs, fs_errno(e), "bmap %s block %llu: %s", w->f->path,
				       (unsigned long long)lblk, error_message(e));
		if (ret & BMAP_RET_UNINIT)
			pblk = 0;
		if (!add_block(runs, max, n, lblk, pblk))
			break;
	}
	return 0;
}

int fs_bmap(struct fs_file *f, uint64_t off, uint64_t len, int alloc,
	    struct fs_run *runs, unsigned max, unsigned *n)
{
	struct fs *fs = f->fs;
	struct ext2_inode_large in;
	int err;

	*n = 0;
	if (alloc && !(f->flags & FS_O_WRITE))
		return fs_fail(fs, EBADF, "bmap %s: not open for writing", f->path);
	if ((err = inode_get(fs, f->node->ino, &in)))
		return err;
	/* A directory's blocks may be mapped for reading; only a regular file
	 * has blocks to fill (a device's i_block holds its number). */
	if ((alloc || !LINUX_S_ISDIR(in.i_mode)) &&
	    (err = file_data_kind(fs, in.i_mode, "bmap", f->path)))
		return err;
	struct map_walk w;
	if ((err = walk_start(&w, f, &in)))
		return err;
	err = runs_of(&w, off, len, alloc, runs, max, n);
	walk_end(&w);
	return err;
}

#define DIRECT_RUNS 16     /* runs mapped at a time */
#define DIRECT_PIECES 64   /* pieces of a direct read at most */

/* The pieces of iov covering bytes [at, at + len) of it, into out (at most
 * max): how many. */
static unsigned iov_slice(const struct blkdev_seg *iov, unsigned iovcnt, size_t at, size_t len, struct blkdev_seg *out,
			  unsigned max)
{
	unsigned n = 0;

	for (; iovcnt && len && n < max; iov++, iovcnt--) {
		if (at >= iov->len) {
			at -= iov->len;
			continue;
		}
		size_t k = iov->len - at < len ? iov->len - at : len;
		out[n++] = (struct blkdev_seg){ (char *)iov->buf + at, k };
		len -= k, at = 0;
	}
	return n;
}

/* Zeros over bytes [at, at + len) of iov. */
static void iov_zero(const struct blkdev_seg *iov, unsigned iovcnt, size_t at, size_t len)
{
	struct blkdev_seg piece[DIRECT_PIECES];
	unsigned n;

	while (len && (n = iov_slice(iov, iovcnt, at, len, piece, DIRECT_PIECES)) != 0)
		for (unsigned i = 0; i < n; i++) {
			memset(piece[i].buf, 0, piece[i].len);
			at += piece[i].len, len -= piece[i].len;
		}
}

int fs_read_direct(struct fs_file *f, uint64_t off, const struct blkdev_seg *iov, unsigned iovcnt, size_t *done)
{
	struct fs *fs = f->fs;
	struct ext2_inode_large in;
	struct fs_run runs[DIRECT_RUNS];
	struct blkdev_seg piece[DIRECT_PIECES];
	uint64_t bs = fs->e2->blocksize;
	struct map_walk w;
	size_t len = 0;
	bool whole = iovcnt <= DIRECT_PIECES;
	unsigned n;
	int err;

	*done = 0;
	for (unsigned i = 0; i < iovcnt; i++) {
		len += iov[i].len;
		whole = whole && iov[i].len % fs_device(fs)->sector_size == 0;
	}
	if ((err = inode_get(fs, f->node->ino, &in)))
		return err;
	/* What has no blocks of its own (inline data) or is not read in
	 * whole blocks (and sectors) goes through libext2fs's file reads. */
	if (!whole || off % bs || len % bs || (in.i_flags & EXT4_INLINE_DATA_FL) || !LINUX_S_ISREG(in.i_mode)) {
		for (unsigned i = 0; i < iovcnt && !err; i++) {
			size_t got;
			err = fs_read(f, off + *done, iov[i].buf, iov[i].len, &got);
			*done += got;
			if (got < iov[i].len)
				break;
		}
		return err;
	}
	uint64_t size = EXT2_I_SIZE(&in);
	size_t want = off >= size ? 0 : size - off < len ? (size_t)(size - off) : len;
	uint64_t end = (want + bs - 1) / bs * bs, at = 0;   /* whole blocks of iov */
	if (!want)
		return 0;
	if ((err = walk_start(&w, f, &in)))
		return err;
	while (!err && at < end) {
		if ((err = runs_of(&w, off + at, end - at, 0, runs, DIRECT_RUNS, &n)))
			break;
		for (unsigned i = 0; i < n && !err; i++) {
			size_t bytes = runs[i].count * bs;
			unsigned k = iov_slice(iov, iovcnt, at, bytes, piece, DIRECT_PIECES);
			if (!runs[i].pblk)
				iov_zero(iov, iovcnt, at, bytes);
			else if ((err = blkio_read_direct(fs->e2->io, runs[i].pblk, runs[i].count, piece, k)))
				err = fs_fail(fs, err, "read %s: %s", f->path, strerror(err));
			at += bytes;
		}
	}
	walk_end(&w);
	if (err)
		return err;
	iov_zero(iov, iovcnt, want, end - want);   /* the last block past the end */
	*done = want;
	return 0;
}

int fs_write_direct(struct fs_file *f, uint64_t off, const void *buf, size_t len, size_t *done)
{
	struct fs *fs = f->fs;
	struct ext2_inode_large in;
	struct fs_run runs[DIRECT_RUNS];
	uint64_t bs = fs->e2->blocksize, at = 0;
	struct map_walk w;
	char *last;
	unsigned n;
	int err;

	*done = 0;
	if (!(f->flags & FS_O_WRITE))
		return fs_fail(fs, EBADF, "write %s: not open for writing", f->path);
	if ((err = inode_get(fs, f->node->ino, &in)))
		return err;
	uint64_t size = EXT2_I_SIZE(&in);
	if (off % bs || off > size || len > size - off || (in.i_flags & EXT4_INLINE_DATA_FL) ||
	    !LINUX_S_ISREG(in.i_mode))
		return fs_write(f, off, buf, len, done);
	if ((err = walk_start(&w, f, &in)))
		return err;
	if (ext2fs_get_mem(bs, &last)) {   /* a last partial block */
		walk_end(&w);
		return fs_fail(fs, ENOMEM, "write %s: no memory", f->path);
	}
	while (!err && at < len) {
		if ((err = runs_of(&w, off + at, len - at, 0, runs, DIRECT_RUNS, &n)))
			break;
		for (unsigned i = 0; i < n && !err; i++) {
			uint64_t bytes = runs[i].count * bs < len - at ? runs[i].count * bs : len - at;
			const char *src = (const char *)buf + at;
			size_t put = 0;
			if (!runs[i].pblk) {   /* a hole: libext2fs allocates it */
				err = fs_write(f, off + at, src, bytes, &put);
				at += put;
				continue;
			}
			uint64_t whole = bytes / bs;
			err = whole ? blkio_write_direct(fs->e2->io, runs[i].pblk, whole, src) : 0;
			if (!err && bytes % bs) {   /* the file's last block: zeros after its end */
				memcpy(last, src + whole * bs, bytes % bs);
				memset(last + bytes % bs, 0, bs - bytes % bs);
				err = blkio_write_direct(fs->e2->io, runs[i].pblk + whole, 1, last);
			}
			if (err)
				err = fs_fail(fs, err, "write %s: %s", f->path, strerror(err));
			else
				at += bytes;
		}
	}
	ext2fs_free_mem(&last);
	walk_end(&w);
	*done = at;
	return err;
}
