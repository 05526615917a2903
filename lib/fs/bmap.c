/*
 * bmap.c - the page cache's view of a file: which disk blocks hold a byte
 * range, as runs, holes (and ext4's uninitialised extents, which read as
 * zeroes) reported as runs at block 0.  With alloc the holes are filled
 * first with zeroed blocks, so the cache can write pages straight to disk;
 * the file's size is left to the caller (fs_truncate once the data is in).
 */
#include <errno.h>

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

int fs_bmap(struct fs_file *f, uint64_t off, uint64_t len, int alloc,
	    struct fs_run *runs, unsigned max, unsigned *n)
{
	struct fs *fs = f->fs;
	struct ext2_inode_large in;
	uint64_t bs = fs->e2->blocksize, lblk;
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
	if (len == 0)
		return 0;
	for (lblk = off / bs; lblk <= (off + len - 1) / bs; lblk++) {
		blk64_t pblk = 0;
		int ret = 0;
		errcode_t e = ext2fs_bmap2(fs->e2, f->node->ino, (struct ext2_inode *)&in, NULL, 0, lblk,
					   &ret, &pblk);
		/* Only a hole is filled: libext2fs's BMAP_ZERO zeroes whatever
		 * block it answers, data too. */
		if (!e && alloc && (!pblk || (ret & BMAP_RET_UNINIT))) {
			ret = 0;
			e = ext2fs_bmap2(fs->e2, f->node->ino, (struct ext2_inode *)&in, NULL,
					 BMAP_ALLOC | BMAP_ZERO, lblk, &ret, &pblk);
		}
		if (e)
			return fs_fail(fs, fs_errno(e), "bmap %s block %llu: %s", f->path,
				       (unsigned long long)lblk, error_message(e));
		if (ret & BMAP_RET_UNINIT)
			pblk = 0;
		if (!add_block(runs, max, n, lblk, pblk))
			break;
	}
	return 0;
}
