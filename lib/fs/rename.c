/*
 * rename.c - rename: within a directory or across, over an existing
 * target (a file over a file, an empty directory over a directory), and
 * a directory into a new parent, whose '..' and link counts follow it.
 * The target name is replaced before the old name is removed.
 */
#include <errno.h>
#include <string.h>

#include "fs_impl.h"

struct end {
	ext2_ino_t dir, ino; /* ino 0: the name does not exist */
	char name[FS_NAME_MAX + 1];
	struct ext2_inode_large in;
};

/* The entry of an end whose directory (path_parent) is known. */
static int find_end(struct fs *fs, const char *path, struct end *e)
{
	errcode_t x = ext2fs_lookup(fs->e2, e->dir, e->name, (int)strlen(e->name), NULL, &e->ino);
	if (x == EXT2_ET_FILE_NOT_FOUND) {
		e->ino = 0;
		return 0;
	}
	return x ? fs_fail_e2(fs, x, "rename", path) : inode_get(fs, e->ino, &e->in);
}

/* Is dir (a directory) ino itself or inside it?  Walks '..' to the root. */
static int inside(struct fs *fs, ext2_ino_t dir, ext2_ino_t ino, int *yes)
{
	unsigned depth = 0;

	*yes = 0;
	while (!*yes && dir != EXT2_ROOT_INO && depth++ < 65536) {
		errcode_t e;
		*yes = dir == ino;
		if ((e = ext2fs_lookup(fs->e2, dir, "..", 2, NULL, &dir)))
			return fs_fail(fs, fs_errno(e), "rename: walk up: %s", error_message(e));
	}
	return 0;
}

struct dotdot {
	ext2_ino_t parent;
};

/* The '..' entry is known by its name: an inline-data directory's '..'
 * (the parent number in i_block) comes with entry DIRENT_OTHER_FILE. */
static int set_dotdot(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset,
		      int blocksize, char *buf, void *arg)
{
	(void)dir, (void)entry, (void)offset, (void)blocksize, (void)buf;
	if (ext2fs_dirent_name_len(d) != 2 || d->name[0] != '.' || d->name[1] != '.')
		return 0;
	d->inode = ((struct dotdot *)arg)->parent;
	return DIRENT_CHANGED | DIRENT_ABORT;
}

/* Moves a directory's parent link from one parent to another. */
static int reparent(struct fs *fs, ext2_ino_t ino, ext2_ino_t from, ext2_ino_t to)
{
	struct dotdot dd = { to };
	struct ext2_inode_large in;
	path_forget_dir(fs, ino);
	errcode_t e = ext2fs_dir_iterate2(fs->e2, ino, DIRENT_FLAG_INCLUDE_EMPTY, NULL,
					  set_dotdot, &dd);
	int err;

	if (e)
		return fs_fail(fs, fs_errno(e), "rename: update '..': %s", error_message(e));
	if ((err = inode_get(fs, from, &in)))
		return err;
	if (in.i_links_count > 1)
		in.i_links_count--;
	if ((err = inode_put(fs, from, &in)) || (err = inode_get(fs, to, &in)))
		return err;
	in.i_links_count++;
	return inode_put(fs, to, &in);
}

/* The checks POSIX makes before anything changes. */
static int check(struct fs *fs, struct end *from, struct end *to, const char *path)
{
	int src_dir = LINUX_S_ISDIR(from->in.i_mode), err, yes, empty;

	if (src_dir && (err = inside(fs, to->dir, from->ino, &yes)))
		return err;
	if (src_dir && yes)
		return fs_fail(fs, EINVAL, "rename %s: into its own subdirectory", path);
	if (!to->ino)
		return src_dir && from->dir != to->dir ?
			dir_check_links(fs, to->dir, "rename", path) : 0;
	/* A target above the source is not empty (Linux checks this first). */
	if (LINUX_S_ISDIR(to->in.i_mode) && (err = inside(fs, from->dir, to->ino, &yes)))
		return err;
	if (LINUX_S_ISDIR(to->in.i_mode) && yes)
		return fs_fail_e2(fs, ENOTEMPTY, "rename", path);
	if (src_dir && !LINUX_S_ISDIR(to->in.i_mode))
		return fs_fail_e2(fs, ENOTDIR, "rename", path);
	if (!src_dir && LINUX_S_ISDIR(to->in.i_mode))
		return fs_fail_e2(fs, EISDIR, "rename", path);
	if (src_dir && (err = dir_is_empty(fs, to->ino, path, &empty)))
		return err;
	if (src_dir && !empty)
		return fs_fail_e2(fs, ENOTEMPTY, "rename", path);
	return 0;
}

int fs_rename(struct fs *fs, const char *oldpath, const char *newpath)
{
	struct end from, to;
	errcode_t e;
	int err;

	if ((err = fs_check_rw(fs, "rename", oldpath)))
		return err;
	/* '.' and '..' are in use as names of their directories (Linux). */
	if (path_last_is_dot(oldpath) || path_last_is_dot(newpath))
		return fs_fail_e2(fs, EBUSY, "rename",
				  path_last_is_dot(oldpath) ? oldpath : newpath);
	/* Linux's order: both directories, then the source, then the target. */
	if (
	    (err = path_parent(fs, oldpath, &from.dir, from.name)) ||
	    (err = path_parent(fs, newpath, &to.dir, to.name)) ||
	    (err = find_end(fs, oldpath, &from)))
		return err;
	if (!from.ino)
		return fs_fail_e2(fs, ENOENT, "rename", oldpath);
	/* "name/" is a directory: a file so named is ENOTDIR. */
	if (!LINUX_S_ISDIR(from.in.i_mode) &&
	    (path_trailing_slash(oldpath) || path_trailing_slash(newpath)))
		return fs_fail_e2(fs, ENOTDIR, "rename",
				  path_trailing_slash(oldpath) ? oldpath : newpath);
	if ((err = find_end(fs, newpath, &to)))
		return err;
	if (to.ino == from.ino)
		return 0; /* the same file (POSIX: do nothing) */
	if ((err = check(fs, &from, &to, newpath)))
		return err;
	if (to.ino && LINUX_S_ISDIR(to.in.i_mode))
		err = dir_remove(fs, to.dir, to.name, to.ino, newpath);
	else if (to.ino && (path_forget_name(fs, to.dir, to.name), e = ext2fs_unlink(fs->e2, to.dir, to.name, to.ino, 0)))
		err = fs_fail_e2(fs, e, "rename", newpath);
	else if (to.ino)
		err = inode_drop_link(fs, to.ino, 0);
	if (err || (err = dir_add(fs, to.dir, to.name, from.ino, inode_ftype(from.in.i_mode))))
		return err;
	path_forget_name(fs, from.dir, from.name);
	if ((e = ext2fs_unlink(fs->e2, from.dir, from.name, from.ino, 0)))
		return fs_fail_e2(fs, e, "rename", oldpath);
	if ((err = inode_touch(fs, from.dir, FS_TOUCH_MTIME)) ||
	    (err = inode_touch(fs, from.ino, 0)))
		return err;
	if (LINUX_S_ISDIR(from.in.i_mode) && from.dir != to.dir)
		return reparent(fs, from.ino, from.dir, to.dir);
	return 0;
}
