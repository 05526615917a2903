/*
 * inode.c - inodes as lib/fs uses them: read and write whole (large)
 * inodes, timestamps, dropping links, and releasing an inode with its
 * blocks once no name and no open file refers to it (deferred deletion:
 * an unlinked inode that is still open keeps link count 0 and its blocks
 * until file.c's last close calls inode_release).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "fs_impl.h"

int64_t fs_now(void)
{
	return (int64_t)time(NULL);
}

int inode_get(struct fs *fs, ext2_ino_t ino, struct ext2_inode_large *in)
{
	errcode_t e;

	memset(in, 0, sizeof(*in));
	e = ext2fs_read_inode_full(fs->e2, ino, (struct ext2_inode *)in, sizeof(*in));
	if (e)
		return fs_fail(fs, fs_errno(e), "read inode %u: %s", ino, error_message(e));
	return 0;
}

int inode_put(struct fs *fs, ext2_ino_t ino, struct ext2_inode_large *in)
{
	errcode_t e = ext2fs_write_inode_full(fs->e2, ino, (struct ext2_inode *)in,
					      sizeof(*in));
	if (e)
		return fs_fail(fs, fs_errno(e), "write inode %u: %s", ino, error_message(e));
	return 0;
}

/* The nanosecond/epoch extensions, when the inode has them, are cleared. */
static int has_extra_times(const struct ext2_inode_large *in)
{
	return in->i_extra_isize >= offsetof(struct ext2_inode_large, i_crtime) -
		EXT2_GOOD_OLD_INODE_SIZE;
}

void inode_set_times(struct ext2_inode_large *in, int64_t atime, int64_t mtime,
		     int64_t ctime)
{
	int extra = has_extra_times(in);

	if (atime >= 0) {
		in->i_atime = (uint32_t)atime;
		if (extra)
			in->i_atime_extra = 0;
	}
	if (mtime >= 0) {
		in->i_mtime = (uint32_t)mtime;
		if (extra)
			in->i_mtime_extra = 0;
	}
	if (ctime >= 0) {
		in->i_ctime = (uint32_t)ctime;
		if (extra)
			in->i_ctime_extra = 0;
	}
}

/* Times are whole seconds: an inode touched again in the same second is
 * not written again. */
int inode_touch(struct fs *fs, ext2_ino_t ino, int what)
{
	struct ext2_inode_large in, was;
	int64_t now = fs_now();
	int err = inode_get(fs, ino, &in);

	if (err)
		return err;
	was = in;
	inode_set_times(&in, -1, what & FS_TOUCH_MTIME ? now : -1, now);
	if (!memcmp(&was, &in, sizeof(in)))
		return 0;
	return inode_put(fs, ino, &in);
}

int inode_release(struct fs *fs, ext2_ino_t ino)
{
	struct ext2_inode_large in;
	errcode_t e;
	int err = inode_get(fs, ino, &in);

	if (err)
		return err;
	if ((e = ext2fs_free_ext_attr(fs->e2, ino, &in)))
		return fs_fail(fs, fs_errno(e), "free attributes of inode %u: %s", ino,
			       error_message(e));
	if (ext2fs_inode_has_valid_blocks2(fs->e2, (struct ext2_inode *)&in) &&
	    (e = ext2fs_punch(fs->e2, ino, (struct ext2_inode *)&in, NULL, 0, ~0ULL)))
		return fs_fail(fs, fs_errno(e), "free blocks of inode %u: %s", ino,
			       error_message(e));
	in.i_links_count = 0;
	in.i_dtime = (uint32_t)fs_now();
	if ((err = inode_put(fs, ino, &in)))
		return err;
	ext2fs_inode_alloc_stats2(fs->e2, ino, -1, LINUX_S_ISDIR(in.i_mode));
	if (fs->released)
		fs->released(fs->released_arg, ino);
	return 0;
}

int inode_drop_link(struct fs *fs, ext2_ino_t ino, int all)
{
	struct ext2_inode_large in;
	int err = inode_get(fs, ino, &in);

	if (err)
		return err;
	if (in.i_links_count > 0)
		in.i_links_count--;
	if (all)
		in.i_links_count = 0;
	inode_set_times(&in, -1, -1, fs_now());
	if ((err = inode_put(fs, ino, &in)))
		return err;
	if (in.i_links_count || node_find(fs, ino))
		return 0;
	return inode_release(fs, ino);
}

static int read_slow_link(struct fs *fs, ext2_ino_t ino, const char *path, char *buf,
			  unsigned size)
{
	ext2_file_t f;
	unsigned got;
	errcode_t e = ext2fs_file_open(fs->e2, ino, 0, &f);

	if (!e) {
		e = ext2fs_file_read(f, buf, size, &got);
		ext2fs_file_close(f);
		if (!e && got != size)
			e = EXT2_ET_SHORT_READ;
	}
	if (e)
		return fs_fail_e2(fs, e, "readlink", path);
	return 0;
}

int inode_readlink(struct fs *fs, ext2_ino_t ino, const char *path, char *buf, size_t size,
		   size_t *len)
{
	struct ext2_inode_large in;
	uint64_t n;
	int err = inode_get(fs, ino, &in);

	if (err)
		return err;
	if (!LINUX_S_ISLNK(in.i_mode))
		return fs_fail(fs, EINVAL, "readlink %s: not a symlink", path);
	n = EXT2_I_SIZE(&in);
	if (n >= size || n > fs->e2->blocksize)
		return fs_fail(fs, ENAMETOOLONG, "readlink %s: target too long", path);
	if (ext2fs_is_fast_symlink((struct ext2_inode *)&in))
		memcpy(buf, in.i_block, n);
	else if ((err = read_slow_link(fs, ino, path, buf, (unsigned)n)))
		return err;
	buf[n] = 0;
	*len = n;
	return 0;
}

void inode_to_stat(struct fs *fs, ext2_ino_t ino, const struct ext2_inode_large *in,
		   struct fs_stat *st)
{
	st->ino = ino;
	st->mode = in->i_mode;
	st->nlink = in->i_links_count;
	st->uid = inode_uid(*in);
	st->gid = inode_gid(*in);
	st->size = EXT2_I_SIZE(in);
	st->blocks = ext2fs_get_stat_i_blocks(fs->e2, (struct ext2_inode *)in);
	st->atime = in->i_atime;
	st->mtime = in->i_mtime;
	st->ctime = in->i_ctime;
}

unsigned inode_ftype(uint32_t mode)
{
	switch (mode & LINUX_S_IFMT) {
	case LINUX_S_IFREG: return EXT2_FT_REG_FILE;
	case LINUX_S_IFDIR: return EXT2_FT_DIR;
	case LINUX_S_IFCHR: return EXT2_FT_CHRDEV;
	case LINUX_S_IFBLK: return EXT2_FT_BLKDEV;
	case LINUX_S_IFIFO: return EXT2_FT_FIFO;
	case LINUX_S_IFSOCK: return EXT2_FT_SOCK;
	case LINUX_S_IFLNK: return EXT2_FT_SYMLINK;
	default: return EXT2_FT_UNKNOWN;
	}
}

int inode_inherit_gid(struct fs *fs, ext2_ino_t dir, struct ext2_inode_large *in)
{
	struct ext2_inode_large parent;
	int err = inode_get(fs, dir, &parent);

	if (err || !(parent.i_mode & LINUX_S_ISGID))
		return err;
	in->i_gid = parent.i_gid;
	ext2fs_set_i_gid_high(*in, inode_gid(parent) >> 16);
	if (LINUX_S_ISDIR(in->i_mode))
		in->i_mode |= LINUX_S_ISGID;
	return 0;
}
