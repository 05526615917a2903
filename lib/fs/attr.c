/*
 * attr.c - an inode's attributes by path (stat and lstat, chmod, chown,
 * utimes) or of an open file (fchmod, fchown, futimes); and the
 * filesystem's own numbers (statfs).
 */
#include <errno.h>
#include <string.h>

#include "fs_impl.h"

static int stat_path(struct fs *fs, const char *path, int follow, struct fs_stat *st)
{
	struct ext2_inode_large in;
	ext2_ino_t ino;
	int err;

	if ((err = path_lookup(fs, path, follow, &ino)) || (err = inode_get(fs, ino, &in)))
		return err;
	inode_to_stat(fs, ino, &in, st);
	return 0;
}

int fs_stat(struct fs *fs, const char *path, struct fs_stat *st)
{
	return stat_path(fs, path, 1, st);
}

int fs_lstat(struct fs *fs, const char *path, struct fs_stat *st)
{
	return stat_path(fs, path, 0, st);
}

int fs_lstatat(struct fs_file *dir, const char *name, struct fs_stat *st)
{
	struct fs *fs = dir->fs;
	struct ext2_inode_large in;
	size_t len = strlen(name);
	ext2_ino_t ino;
	errcode_t e;
	int err;

	if (!len || strchr(name, '/'))
		return fs_fail(fs, EINVAL, "lstat %s in %s: not a single name", name, dir->path);
	if (len > FS_NAME_MAX)
		return fs_fail(fs, ENAMETOOLONG, "lstat %s in %s: name too long", name, dir->path);
	if ((err = inode_get(fs, dir->node->ino, &in)))
		return err;
	if (!LINUX_S_ISDIR(in.i_mode))
		return fs_fail_e2(fs, ENOTDIR, "lstat in", dir->path);
	if ((e = ext2fs_lookup(fs->e2, dir->node->ino, name, (int)len, NULL, &ino)))
		return fs_fail(fs, fs_errno(e), "lstat %s in %s: %s", name, dir->path,
			       error_message(fs_errno(e) == EIO ? e : fs_errno(e)));
	if ((err = inode_get(fs, ino, &in)))
		return err;
	inode_to_stat(fs, ino, &in, st);
	return 0;
}

/* Reads the inode at path (following symlinks) for a change. */
static int change_begin(struct fs *fs, const char *op, const char *path,
			ext2_ino_t *ino, struct ext2_inode_large *in)
{
	int err;

	if ((err = fs_check_rw(fs, op, path)) || (err = path_lookup(fs, path, 1, ino)))
		return err;
	return inode_get(fs, *ino, in);
}

/* The same for the inode of an open file. */
static int change_begin_file(struct fs_file *f, const char *op, ext2_ino_t *ino,
			     struct ext2_inode_large *in)
{
	int err;

	if ((err = fs_check_rw(f->fs, op, f->path)))
		return err;
	*ino = f->node->ino;
	return inode_get(f->fs, *ino, in);
}

static int change_end(struct fs *fs, ext2_ino_t ino, struct ext2_inode_large *in)
{
	inode_set_times(in, -1, -1, fs_now());
	return inode_put(fs, ino, in);
}

static void set_mode(struct ext2_inode_large *in, uint32_t mode)
{
	in->i_mode = (uint16_t)((in->i_mode & LINUX_S_IFMT) | (mode & 07777));
}

static void set_owner(struct ext2_inode_large *in, uint32_t uid, uint32_t gid)
{
	in->i_uid = (uint16_t)uid;
	ext2fs_set_i_uid_high(*in, uid >> 16);
	in->i_gid = (uint16_t)gid;
	ext2fs_set_i_gid_high(*in, gid >> 16);
}

/* ext2 keeps 32-bit seconds. */
static int set_times(struct fs *fs, const char *path, struct ext2_inode_large *in,
		     int64_t atime, int64_t mtime)
{
	if (atime < 0 || mtime < 0 || atime > UINT32_MAX || mtime > UINT32_MAX)
		return fs_fail(fs, EINVAL, "utimes %s: time out of range", path);
	inode_set_times(in, atime, mtime, -1);
	return 0;
}

int fs_chmod(struct fs *fs, const char *path, uint32_t mode)
{
	struct ext2_inode_large in;
	ext2_ino_t ino;
	int err = change_begin(fs, "chmod", path, &ino, &in);

	if (err)
		return err;
	set_mode(&in, mode);
	return change_end(fs, ino, &in);
}

int fs_fchmod(struct fs_file *f, uint32_t mode)
{
	struct ext2_inode_large in;
	ext2_ino_t ino;
	int err = change_begin_file(f, "chmod", &ino, &in);

	if (err)
		return err;
	set_mode(&in, mode);
	return change_end(f->fs, ino, &in);
}

int fs_chown(struct fs *fs, const char *path, uint32_t uid, uint32_t gid)
{
	struct ext2_inode_large in;
	ext2_ino_t ino;
	int err = change_begin(fs, "chown", path, &ino, &in);

	if (err)
		return err;
	set_owner(&in, uid, gid);
	return change_end(fs, ino, &in);
}

int fs_fchown(struct fs_file *f, uint32_t uid, uint32_t gid)
{
	struct ext2_inode_large in;
	ext2_ino_t ino;
	int err = change_begin_file(f, "chown", &ino, &in);

	if (err)
		return err;
	set_owner(&in, uid, gid);
	return change_end(f->fs, ino, &in);
}

int fs_utimes(struct fs *fs, const char *path, int64_t atime, int64_t mtime)
{
	struct ext2_inode_large in;
	ext2_ino_t ino;
	int err = change_begin(fs, "utimes", path, &ino, &in);

	if (err || (err = set_times(fs, path, &in, atime, mtime)))
		return err;
	return change_end(fs, ino, &in);
}

int fs_futimes(struct fs_file *f, int64_t atime, int64_t mtime)
{
	struct ext2_inode_large in;
	ext2_ino_t ino;
	int err = change_begin_file(f, "utimes", &ino, &in);

	if (err || (err = set_times(f->fs, f->path, &in, atime, mtime)))
		return err;
	return change_end(f->fs, ino, &in);
}

int fs_statfs(struct fs *fs, struct fs_statfs *st)
{
	struct ext2_super_block *sb = fs->e2->super;

	st->block_size = fs->e2->blocksize;
	st->blocks = ext2fs_blocks_count(sb);
	st->free_blocks = ext2fs_free_blocks_count(sb);
	st->inodes = sb->s_inodes_count;
	st->free_inodes = sb->s_free_inodes_count;
	return 0;
}

uint32_t fs_block_size(const struct fs *fs)
{
	return fs->e2->blocksize;
}

struct blkdev *fs_device(const struct fs *fs)
{
	return fs->io.dev;
}
