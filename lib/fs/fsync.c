/*
 * fsync.c - one file made durable, as ext2's fsync does: the file's blocks
 * (data, and the indirect or extent blocks that map them) and the block of
 * the inode table holding its inode go from the block cache to the device,
 * then the device flushes.  Everything else that is dirty (other files,
 * the allocation bitmaps, the group descriptors and the superblock with
 * their free counts) waits for fs_sync: after a crash, e2fsck rebuilds the
 * bitmaps and counts from the inodes, so the file is whole.  A new file's
 * name lives in its directory, which is fsync'ed on its own.
 */
#include <errno.h>

#include "fs_impl.h"

/* Past this many blocks walking the file's map costs more than writing
 * back everything: fs_sync instead. */
#define FS_FSYNC_BLOCKS_MAX 16384

struct run {
	io_channel io;
	uint64_t start, len;   /* the run of blocks waiting to be written back */
	int err;
};

static int run_flush(struct run *r)
{
	if (r->len && !r->err)
		r->err = blkio_write_back(r->io, r->start, r->len);
	r->len = 0;
	return r->err;
}

/* ext2fs_block_iterate3's callback: every block of the file, data and
 * mapping blocks alike; consecutive ones are written back together. */
static int add_block(ext2_filsys e2, blk64_t *blocknr, e2_blkcnt_t blockcnt, blk64_t ref_blk, int ref_offset,
		     void *arg)
{
	struct run *r = arg;

	(void)e2, (void)blockcnt, (void)ref_blk, (void)ref_offset;
	if (r->len && *blocknr == r->start + r->len) {
		r->len++;
		return 0;
	}
	if (run_flush(r))
		return BLOCK_ABORT;
	r->start = *blocknr;
	r->len = 1;
	return 0;
}

int fs_fsync(struct fs_file *f)
{
	struct fs *fs = f->fs;
	ext2_filsys e2 = fs->e2;
	ext2_ino_t ino = f->node->ino;
	struct ext2_inode_large in;
	struct run r = { .io = e2->io };
	int err;

	if (fs->rdonly)
		return 0;
	if ((err = inode_get(fs, ino, &in)))
		return err;
	if (ext2fs_get_stat_i_blocks(e2, (struct ext2_inode *)&in) / (e2->blocksize / 512) > FS_FSYNC_BLOCKS_MAX)
		return fs_sync(fs);
	/* Inline data and fast symlinks have no blocks: the inode is all. */
	if (ext2fs_inode_data_blocks2(e2, (struct ext2_inode *)&in) && !(in.i_flags & EXT4_INLINE_DATA_FL)) {
		errcode_t e = ext2fs_block_iterate3(e2, ino, BLOCK_FLAG_READ_ONLY, NULL, add_block, &r);
		if (!e)
			run_flush(&r);
		if (e || r.err)
			return fs_fail(fs, e ? fs_errno(e) : r.err, "fsync %s: %s", f->path,
				       e ? error_message(e) : "writing its blocks failed");
	}
	dgrp_t group = (ino - 1) / e2->super->s_inodes_per_group;
	uint64_t offset = (uint64_t)((ino - 1) % e2->super->s_inodes_per_group) * EXT2_INODE_SIZE(e2->super);
	if ((err = blkio_write_back(e2->io, ext2fs_inode_table_loc(e2, group) + offset / e2->blocksize, 1)) ||
	    (err = blkio_flush_device(e2->io)))
		return fs_fail(fs, err, "fsync %s: writing its inode failed", f->path);
	return 0;
}
