/*
 * dir.c - directory operations: add and remove names, mkdir, rmdir,
 * unlink, link, symlink, readlink, readdir (whole, or from a position:
 * fs_readdir_at).  Names are added with
 * libext2fs's ext2fs_link, growing the directory by a block when it is
 * full.  New inodes are set up completely before their name is added, so
 * a failure to add the name only has to release the inode again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fs_impl.h"

int dir_add(struct fs *fs, ext2_ino_t dir, const char *name, ext2_ino_t ino,
	    unsigned ftype)
{
	errcode_t e;

	path_forget_name(fs, dir, name);   /* it may be cached as missing */
	e = ext2fs_link(fs->e2, dir, name, ino, (int)ftype);
	if (e == EXT2_ET_DIR_NO_SPACE) {
		e = ext2fs_expand_dir(fs->e2, dir);
		if (!e)
			e = ext2fs_link(fs->e2, dir, name, ino, (int)ftype);
	}
	if (e)
		return fs_fail_e2(fs, e, "add name", name);
	/* The name is there: a failure to set the directory's times must not
	 * make the caller undo an inode the name now points to. */
	inode_touch(fs, dir, FS_TOUCH_MTIME);
	return 0;
}

struct count {
	unsigned entries;
};

static int count_entry(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset,
		       int blocksize, char *buf, void *arg)
{
	int len = ext2fs_dirent_name_len(d);

	(void)dir, (void)entry, (void)offset, (void)blocksize, (void)buf;
	if (!(len == 1 && d->name[0] == '.') && !(len == 2 && !strncmp(d->name, "..", 2)))
		((struct count *)arg)->entries++;
	return 0;
}

int dir_is_empty(struct fs *fs, ext2_ino_t dir, const char *path, int *empty)
{
	struct count c = { 0 };
	errcode_t e = ext2fs_dir_iterate2(fs->e2, dir, 0, NULL, count_entry, &c);

	*empty = 0;
	if (e)
		return fs_fail_e2(fs, e, "read directory", path);
	*empty = c.entries == 0;
	return 0;
}

/* The inode named by name in dir, which must exist. */
static int entry_of(struct fs *fs, ext2_ino_t dir, const char *name, const char *path,
		    ext2_ino_t *ino, struct ext2_inode_large *in)
{
	errcode_t e = ext2fs_lookup(fs->e2, dir, name, (int)strlen(name), NULL, ino);

	if (e)
		return fs_fail_e2(fs, e, "lookup", path);
	return inode_get(fs, *ino, in);
}

/* Where a new name goes: its directory, checking that the name is free.
 * Only a new directory may be named "name/" (else ENOENT, as Linux). */
static int new_entry(struct fs *fs, const char *op, const char *path, int is_dir,
		     ext2_ino_t *dir, char name[FS_NAME_MAX + 1])
{
	ext2_ino_t ino;
	errcode_t e;
	int err;

	if ((err = fs_check_rw(fs, op, path)))
		return err;
	if (path_last_is_dot(path))
		return fs_fail_e2(fs, EEXIST, op, path);
	if ((err = path_parent(fs, path, dir, name)))
		return err;
	e = ext2fs_lookup(fs->e2, *dir, name, (int)strlen(name), NULL, &ino);
	if (!e)
		return fs_fail_e2(fs, EEXIST, op, path);
	if (e != EXT2_ET_FILE_NOT_FOUND)
		return fs_fail_e2(fs, e, op, path);
	if (!is_dir && path_trailing_slash(path))
		return fs_fail_e2(fs, ENOENT, op, path);
	return 0;
}

/* A directory's link count grows with each subdirectory: EMLINK at the
 * limit (ext2's 32000, as Linux ext2), never a 16-bit wrap. */
int dir_check_links(struct fs *fs, ext2_ino_t dir, const char *op, const char *path)
{
	struct ext2_inode_large in;
	int err = inode_get(fs, dir, &in);

	if (!err && in.i_links_count >= FS_LINK_MAX)
		err = fs_fail(fs, EMLINK, "%s %s: the parent directory has %u links, "
			      "the most ext2 allows", op, path, (unsigned)in.i_links_count);
	return err;
}

static int new_inode(struct fs *fs, ext2_ino_t dir, uint32_t mode, const char *path,
		     ext2_ino_t *ino)
{
	errcode_t e = ext2fs_new_inode(fs->e2, dir, (int)mode, NULL, ino);

	return e ? fs_fail_e2(fs, e, "create", path) : 0;
}

int fs_mkdir(struct fs *fs, const char *path, uint32_t mode)
{
	char name[FS_NAME_MAX + 1];
	struct ext2_inode_large in;
	ext2_ino_t dir, ino;
	errcode_t e;
	int err;

	if ((err = new_entry(fs, "mkdir", path, 1, &dir, name)) ||
	    (err = dir_check_links(fs, dir, "mkdir", path)) ||
	    (err = new_inode(fs, dir, LINUX_S_IFDIR | 0755, path, &ino)))
		return err;
	if ((e = ext2fs_mkdir(fs->e2, dir, ino, NULL)))
		return fs_fail_e2(fs, e, "mkdir", path);
	if (!(err = inode_get(fs, ino, &in))) {
		int64_t now = fs_now();
		in.i_mode = (uint16_t)(LINUX_S_IFDIR | (mode & 07777));
		inode_set_times(&in, now, now, now);
		if (!(err = inode_inherit_gid(fs, dir, &in)))
			err = inode_put(fs, ino, &in);
	}
	if (!err && !(err = dir_add(fs, dir, name, ino, EXT2_FT_DIR)))
		return 0;
	/* Undo: the parent's link from '..', then the directory itself. */
	if (!inode_get(fs, dir, &in) && in.i_links_count > 1) {
		in.i_links_count--;
		inode_put(fs, dir, &in);
	}
	inode_drop_link(fs, ino, 1);
	return err;
}

int fs_symlink(struct fs *fs, const char *target, const char *path)
{
	char name[FS_NAME_MAX + 1];
	ext2_ino_t dir, ino;
	errcode_t e;
	int err;

	if (strlen(target) >= fs->e2->blocksize || !*target)
		return fs_fail(fs, strlen(target) ? ENAMETOOLONG : ENOENT,
			       "symlink %s: bad target length", path);
	if ((err = new_entry(fs, "symlink", path, 0, &dir, name)) ||
	    (err = new_inode(fs, dir, LINUX_S_IFLNK | 0777, path, &ino)))
		return err;
	if ((e = ext2fs_symlink(fs->e2, dir, ino, NULL, target)))
		return fs_fail_e2(fs, e, "symlink", path);
	if ((err = inode_touch(fs, ino, FS_TOUCH_MTIME)) ||
	    (err = dir_add(fs, dir, name, ino, EXT2_FT_SYMLINK)))
		inode_drop_link(fs, ino, 1);
	return err;
}

int fs_link(struct fs *fs, const char *existing, const char *path)
{
	char name[FS_NAME_MAX + 1];
	struct ext2_inode_large in;
	ext2_ino_t dir, ino;
	int err;

	/* Checked in Linux's order: both paths, the new name, then the file. */
	if ((err = fs_check_rw(fs, "link", path)) ||
	    (err = path_lookup(fs, existing, 0, &ino)) ||
	    (err = new_entry(fs, "link", path, 0, &dir, name)) || (err = inode_get(fs, ino, &in)))
		return err;
	if (LINUX_S_ISDIR(in.i_mode))
		return fs_fail(fs, EPERM, "link %s: is a directory", existing);
	if (in.i_links_count >= FS_LINK_MAX)
		return fs_fail_e2(fs, EMLINK, "link", existing);
	in.i_links_count++;
	inode_set_times(&in, -1, -1, fs_now());
	if ((err = inode_put(fs, ino, &in)))
		return err;
	if ((err = dir_add(fs, dir, name, ino, inode_ftype(in.i_mode))))
		inode_drop_link(fs, ino, 0);
	return err;
}

int fs_unlink(struct fs *fs, const char *path)
{
	char name[FS_NAME_MAX + 1];
	struct ext2_inode_large in;
	ext2_ino_t dir, ino;
	errcode_t e;
	int err;

	if ((err = fs_check_rw(fs, "unlink", path)))
		return err;
	if (path_last_is_dot(path))
		return fs_fail_e2(fs, EISDIR, "unlink", path);
	if ((err = path_parent(fs, path, &dir, name)) ||
	    (err = entry_of(fs, dir, name, path, &ino, &in)))
		return err;
	if (LINUX_S_ISDIR(in.i_mode))
		return fs_fail_e2(fs, EISDIR, "unlink", path);
	if (path_trailing_slash(path))
		return fs_fail_e2(fs, ENOTDIR, "unlink", path);
	path_forget_name(fs, dir, name);
	if ((e = ext2fs_unlink(fs->e2, dir, name, ino, 0)))
		return fs_fail_e2(fs, e, "unlink", path);
	if ((err = inode_touch(fs, dir, FS_TOUCH_MTIME)))
		return err;
	return inode_drop_link(fs, ino, 0);
}

/* Removes the empty directory ino, named name in dir. */
int dir_remove(struct fs *fs, ext2_ino_t dir, const char *name, ext2_ino_t ino,
	       const char *path)
{
	struct ext2_inode_large in;
	errcode_t e;
	int err, empty;

	if ((err = dir_is_empty(fs, ino, path, &empty)))
		return err;
	if (!empty)
		return fs_fail_e2(fs, ENOTEMPTY, "rmdir", path);
	path_forget_name(fs, dir, name);
	path_forget_dir(fs, ino);
	if ((e = ext2fs_unlink(fs->e2, dir, name, ino, 0)))
		return fs_fail_e2(fs, e, "rmdir", path);
	if ((err = inode_drop_link(fs, ino, 1)) || (err = inode_get(fs, dir, &in)))
		return err;
	if (in.i_links_count > 1)
		in.i_links_count--;
	inode_set_times(&in, -1, fs_now(), fs_now());
	return inode_put(fs, dir, &in);
}

int fs_rmdir(struct fs *fs, const char *path)
{
	char name[FS_NAME_MAX + 1];
	struct ext2_inode_large in;
	ext2_ino_t dir, ino;
	int err;

	if ((err = fs_check_rw(fs, "rmdir", path)))
		return err;
	/* Linux: '.' is not a name to remove, '..' is a non-empty directory. */
	if (path_last_is_dot(path))
		return fs_fail_e2(fs, path_last_is_dot(path) == 1 ? EINVAL : ENOTEMPTY,
				  "rmdir", path);
	if ((err = path_parent(fs, path, &dir, name)) ||
	    (err = entry_of(fs, dir, name, path, &ino, &in)))
		return err;
	if (!LINUX_S_ISDIR(in.i_mode))
		return fs_fail_e2(fs, ENOTDIR, "rmdir", path);
	return dir_remove(fs, dir, name, ino, path);
}

int fs_readlink(struct fs *fs, const char *path, char *buf, size_t size, size_t *len)
{
	ext2_ino_t ino;
	int err = path_lookup(fs, path, 0, &ino);

	return err ? err : inode_readlink(fs, ino, path, buf, size, len);
}

struct list {
	fs_dir_fn fn;
	void *arg;
};

static int list_entry(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset,
		      int blocksize, char *buf, void *arg)
{
	struct list *l = arg;

	(void)dir, (void)entry, (void)offset, (void)blocksize, (void)buf;
	if (l->fn(l->arg, d->name, (size_t)ext2fs_dirent_name_len(d), d->inode,
		  (unsigned)ext2fs_dirent_file_type(d)))
		return DIRENT_ABORT;
	return 0;
}

int fs_readdir(struct fs_file *f, fs_dir_fn fn, void *arg)
{
	struct list l = { fn, arg };
	struct ext2_inode_large in;
	errcode_t e;
	int err;

	if ((err = inode_get(f->fs, f->node->ino, &in)))
		return err;
	if (!LINUX_S_ISDIR(in.i_mode))
		return fs_fail_e2(f->fs, ENOTDIR, "readdir", f->path);
	e = ext2fs_dir_iterate2(f->fs->e2, f->node->ino, 0, NULL, list_entry, &l);
	return e ? fs_fail_e2(f->fs, e, "readdir", f->path) : 0;
}

/* The records of one directory block from offset `from`, checked as
 * libext2fs checks them (a record inside the block, 4-byte aligned, its
 * name inside it); *stopped when fn stopped at one (*pos is then its
 * position).  An ext2 error code. */
static errcode_t block_entries(struct fs *fs, const char *buf, uint64_t blk, unsigned from, fs_dir_at_fn fn,
			       void *arg, uint64_t *pos, int *stopped)
{
	unsigned bs = fs->e2->blocksize;

	for (unsigned at = 0; at < bs;) {
		struct ext2_dir_entry *d = (struct ext2_dir_entry *)(buf + at);
		unsigned rec;
		if (bs - at < 8 || ext2fs_get_rec_len(fs->e2, d, &rec) || rec < 8 || rec % 4 || rec > bs - at ||
		    (unsigned)ext2fs_dirent_name_len(d) + 8 > rec)
			return EXT2_ET_DIR_CORRUPTED;
		unsigned next = at + rec;
		if (d->inode && at >= from) {
			uint64_t after = next < bs ? FS_DIR_POS(blk, next) : FS_DIR_POS(blk + 1, 0);
			if (fn(arg, d->name, (size_t)ext2fs_dirent_name_len(d), d->inode,
			       (unsigned)ext2fs_dirent_file_type(d), after)) {
				*pos = FS_DIR_POS(blk, at);
				*stopped = 1;
				return 0;
			}
		}
		at = next;
	}
	return 0;
}

/* A position names a block of the directory and an offset in it.  ext2
 * never moves an entry in a linear directory: a new name goes into free
 * room of a block or a new block at the end, a removed one's record joins
 * the one before it (or is marked unused, first in its block).  So the
 * entries at or after a position are those that were there, wherever
 * names came or went meanwhile: each one is listed once. */
int fs_readdir_at(struct fs_file *f, uint64_t *pos, fs_dir_at_fn fn, void *arg)
{
	struct fs *fs = f->fs;
	struct ext2_inode_large in;
	errcode_t e = 0;
	int err, stopped = 0;

	if ((err = inode_get(fs, f->node->ino, &in)))
		return err;
	if (!LINUX_S_ISDIR(in.i_mode))
		return fs_fail_e2(fs, ENOTDIR, "readdir", f->path);
	uint64_t blocks = EXT2_I_SIZE(&in) / fs->e2->blocksize;
	uint64_t blk = *pos >> 32;
	unsigned from = (unsigned)*pos;
	if (!fs->dir_block && !(fs->dir_block = malloc(fs->e2->blocksize)))
		return ENOMEM;
	char *buf = fs->dir_block;   /* a malloc and a free a call showed in a listing's cost */
	for (; blk < blocks && !stopped; blk++, from = 0) {
		blk64_t pblk = 0;
		if ((e = ext2fs_bmap2(fs->e2, f->node->ino, (struct ext2_inode *)&in, NULL, 0, blk, NULL, &pblk)))
			break;
		if (pblk && ((e = ext2fs_read_dir_block4(fs->e2, pblk, buf, 0, f->node->ino)) ||
			     (e = block_entries(fs, buf, blk, from, fn, arg, pos, &stopped))))
			break;
	}
	if (e)
		return fs_fail_e2(fs, e, "readdir", f->path);
	if (!stopped && blk > *pos >> 32)
		*pos = FS_DIR_POS(blk, 0);   /* the end as it is now: where entries added later would go */
	return 0;
}
