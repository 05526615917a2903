/*
 * file.c - open files.  Each open inode has one node (fs_node) counting
 * its opens; each open is an fs_file with its own reference count
 * (fs_dup).  When the last open of an inode whose last name is gone
 * closes, the inode and its blocks are released: deferred deletion.
 * Data moves through libext2fs's ext2_file, opened per call, so no state
 * of libext2fs outlives a call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fs_impl.h"

#define CHUNK (1u << 30) /* ext2fs_file_read/write take unsigned counts */

struct fs_node *node_find(struct fs *fs, ext2_ino_t ino)
{
	struct fs_node *n = fs->nodes;

	while (n && n->ino != ino)
		n = n->next;
	return n;
}

static struct fs_node *node_get(struct fs *fs, ext2_ino_t ino)
{
	struct fs_node *n = node_find(fs, ino);

	if (!n && (n = calloc(1, sizeof(*n)))) {
		n->ino = ino;
		n->next = fs->nodes;
		fs->nodes = n;
	}
	if (n)
		n->opens++;
	return n;
}

/* The last close of an inode without names releases it. */
static int node_put(struct fs *fs, struct fs_node *n)
{
	struct ext2_inode_large in;
	struct fs_node **p = &fs->nodes;
	int err;

	if (--n->opens)
		return 0;
	while (*p != n)
		p = &(*p)->next;
	*p = n->next;
	err = inode_get(fs, n->ino, &in);
	if (!err && in.i_links_count == 0 && !fs->rdonly)
		err = inode_release(fs, n->ino);
	free(n);
	return err;
}

static int set_size(struct fs *fs, ext2_ino_t ino, uint64_t size, const char *path)
{
	ext2_file_t ef;
	errcode_t e = ext2fs_file_open(fs->e2, ino, EXT2_FILE_WRITE, &ef);

	if (!e) {
		e = ext2fs_file_set_size2(ef, size);
		errcode_t c = ext2fs_file_close(ef);
		e = e ? e : c;
	}
	if (e)
		return fs_fail_e2(fs, e, "truncate", path);
	return inode_touch(fs, ino, FS_TOUCH_MTIME);
}

static int create_file(struct fs *fs, const char *path, uint32_t mode, ext2_ino_t *out)
{
	char name[FS_NAME_MAX + 1];
	struct ext2_inode_large in;
	ext2_ino_t dir, ino;
	errcode_t e;
	int err;

	if ((err = path_parent(fs, path, &dir, name)))
		return err;
	/* The name exists only if it is a dangling symlink: not followed. */
	if (!ext2fs_lookup(fs->e2, dir, name, (int)strlen(name), NULL, &ino))
		return fs_fail_e2(fs, EEXIST, "create", path);
	if ((e = ext2fs_new_inode(fs->e2, dir, LINUX_S_IFREG | 0644, NULL, &ino)))
		return fs_fail_e2(fs, e, "create", path);
	memset(&in, 0, sizeof(in));
	in.i_mode = (uint16_t)(LINUX_S_IFREG | (mode & 07777));
	in.i_links_count = 1;
	if (EXT2_INODE_SIZE(fs->e2->super) > EXT2_GOOD_OLD_INODE_SIZE)
		in.i_extra_isize = sizeof(in) - EXT2_GOOD_OLD_INODE_SIZE;
	int64_t now = fs_now();
	inode_set_times(&in, now, now, now);
	if ((err = inode_inherit_gid(fs, dir, &in)))
		return err;
	if (ext2fs_has_feature_extents(fs->e2->super)) {
		ext2_extent_handle_t h;
		if ((e = ext2fs_extent_open2(fs->e2, ino, (struct ext2_inode *)&in, &h)))
			return fs_fail_e2(fs, e, "create", path);
		ext2fs_extent_free(h);
	}
	if ((e = ext2fs_write_new_inode(fs->e2, ino, (struct ext2_inode *)&in)))
		return fs_fail_e2(fs, e, "create", path);
	if ((err = inode_put(fs, ino, &in)))
		return err;
	ext2fs_inode_alloc_stats2(fs->e2, ino, +1, 0);
	if ((err = dir_add(fs, dir, name, ino, EXT2_FT_REG_FILE))) {
		inode_drop_link(fs, ino, 1);
		return err;
	}
	*out = ino;
	return 0;
}

/* Finds or creates the inode fs_open is about, and checks it fits flags. */
static int open_inode(struct fs *fs, const char *path, unsigned flags, uint32_t mode,
		      ext2_ino_t *ino)
{
	struct ext2_inode_large in;
	int err = path_lookup(fs, path, !(flags & FS_O_NOFOLLOW), ino);

	/* "name/" names a directory: a file is not created under it. */
	if (err == ENOENT && (flags & FS_O_CREAT) && path_trailing_slash(path))
		return fs_fail_e2(fs, EISDIR, "open", path);
	if (err == ENOENT && (flags & FS_O_CREAT))
		return create_file(fs, path, mode, ino);
	if (err)
		return err;
	if ((flags & FS_O_CREAT) && (flags & FS_O_EXCL))
		return fs_fail_e2(fs, EEXIST, "open", path);
	if ((err = inode_get(fs, *ino, &in)))
		return err;
	if (LINUX_S_ISLNK(in.i_mode) && (flags & (FS_O_WRITE | FS_O_TRUNC)))
		return fs_fail_e2(fs, ELOOP, "open", path);
	/* Only a regular file is opened for writing (a directory: EISDIR). */
	if ((flags & (FS_O_WRITE | FS_O_TRUNC)) &&
	    (err = file_data_kind(fs, in.i_mode, "open", path)))
		return err;
	if ((flags & FS_O_TRUNC) && EXT2_I_SIZE(&in))
		return set_size(fs, *ino, 0, path);
	return 0;
}

int fs_open(struct fs *fs, const char *path, unsigned flags, uint32_t mode,
	    struct fs_file **out)
{
	struct fs_file *f;
	ext2_ino_t ino;
	int err;

	if (flags & (FS_O_CREAT | FS_O_TRUNC))
		flags |= FS_O_WRITE;
	if ((flags & FS_O_WRITE) && (err = fs_check_rw(fs, "open", path)))
		return err;
	if ((err = open_inode(fs, path, flags, mode, &ino)))
		return err;
	if (!(f = calloc(1, sizeof(*f))) || !(f->path = strdup(path)) ||
	    !(f->node = node_get(fs, ino))) {
		if (f)
			free(f->path);
		free(f);
		return fs_fail_e2(fs, ENOMEM, "open", path);
	}
	f->fs = fs;
	f->refs = 1;
	f->flags = flags & FS_O_WRITE;
	*out = f;
	return 0;
}

struct fs_file *fs_dup(struct fs_file *f)
{
	f->refs++;
	return f;
}

int fs_close(struct fs_file *f)
{
	int err = 0;

	if (--f->refs == 0) {
		err = node_put(f->fs, f->node);
		free(f->path);
		free(f);
	}
	return err;
}

int fs_fstat(struct fs_file *f, struct fs_stat *st)
{
	struct ext2_inode_large in;
	int err = inode_get(f->fs, f->node->ino, &in);

	if (!err)
		inode_to_stat(f->fs, f->node->ino, &in, st);
	return err;
}

/*
 * Only a regular file has data lib/fs may move: a device, fifo or socket
 * keeps no blocks (its i_block holds a device number or nothing) and a
 * symlink's target is read by readlink.  The errno is POSIX's for the
 * kind: EISDIR for a directory, ENODEV for a device (no driver behind
 * it here), EINVAL for the rest.
 */
int file_data_kind(struct fs *fs, uint32_t mode, const char *op, const char *path)
{
	const char *what;
	int err;

	if (LINUX_S_ISREG(mode))
		return 0;
	if (LINUX_S_ISDIR(mode))
		err = EISDIR, what = "a directory";
	else if (LINUX_S_ISCHR(mode) || LINUX_S_ISBLK(mode))
		err = ENODEV, what = "a device node, which has no data here";
	else if (LINUX_S_ISFIFO(mode))
		err = EINVAL, what = "a fifo, which has no data here";
	else if (LINUX_S_ISSOCK(mode))
		err = EINVAL, what = "a socket, which has no data here";
	else if (LINUX_S_ISLNK(mode))
		err = EINVAL, what = "a symlink (read it with readlink)";
	else
		err = EINVAL, what = "not a regular file";
	return fs_fail(fs, err, "%s %s: %s", op, path, what);
}

/* Opens f's data for one transfer at off (file_data_kind decides). */
static int data_open(struct fs_file *f, int write, uint64_t off, ext2_file_t *ef,
		     uint64_t *size)
{
	const char *op = write ? "write" : "read";
	struct ext2_inode_large in;
	errcode_t e;
	int err;

	if (write && !(f->flags & FS_O_WRITE))
		return fs_fail(f->fs, EBADF, "write %s: not open for writing", f->path);
	if ((err = inode_get(f->fs, f->node->ino, &in)))
		return err;
	if ((err = file_data_kind(f->fs, in.i_mode, op, f->path)))
		return err;
	*size = EXT2_I_SIZE(&in);
	e = ext2fs_file_open2(f->fs->e2, f->node->ino, (struct ext2_inode *)&in,
			      write ? EXT2_FILE_WRITE : 0, ef);
	if (!e && (e = ext2fs_file_llseek(*ef, off, EXT2_SEEK_SET, NULL)))
		ext2fs_file_close(*ef);
	if (e)
		return fs_fail_e2(f->fs, e, op, f->path);
	return 0;
}

static int data_done(struct fs_file *f, ext2_file_t ef, errcode_t e, const char *op)
{
	errcode_t c = ext2fs_file_close(ef);

	e = e ? e : c;
	return e ? fs_fail_e2(f->fs, e, op, f->path) : 0;
}

int fs_read(struct fs_file *f, uint64_t off, void *buf, size_t len, size_t *done)
{
	ext2_file_t ef;
	errcode_t e = 0;
	unsigned got = 1;
	uint64_t size;
	int err;

	*done = 0;
	if ((err = data_open(f, 0, off, &ef, &size)))
		return err;
	/* libext2fs reads an inline-data file's whole i_block (60 bytes):
	 * the file ends at its size. */
	len = off >= size ? 0 : size - off < len ? (size_t)(size - off) : len;
	while (!e && *done < len && got) {
		unsigned n = len - *done > CHUNK ? CHUNK : (unsigned)(len - *done);
		e = ext2fs_file_read(ef, (char *)buf + *done, n, &got);
		*done += got;
	}
	return data_done(f, ef, e, "read");
}

int fs_write(struct fs_file *f, uint64_t off, const void *buf, size_t len, size_t *done)
{
	ext2_file_t ef;
	errcode_t e = 0;
	uint64_t size;
	int err;

	*done = 0;
	if ((err = data_open(f, 1, off, &ef, &size)))
		return err;
	while (!e && *done < len) {
		unsigned n = len - *done > CHUNK ? CHUNK : (unsigned)(len - *done), put = 0;
		e = ext2fs_file_write(ef, (const char *)buf + *done, n, &put);
		*done += put;
	}
	if ((err = data_done(f, ef, e, "write")))
		return err;
	return len ? inode_touch(f->fs, f->node->ino, FS_TOUCH_MTIME) : 0;
}

int fs_touch(struct fs_file *f)
{
	if (!(f->flags & FS_O_WRITE))
		return fs_fail(f->fs, EBADF, "touch %s: not open for writing", f->path);
	return inode_touch(f->fs, f->node->ino, FS_TOUCH_MTIME);
}

int fs_truncate(struct fs_file *f, uint64_t size)
{
	struct ext2_inode_large in;
	int err;

	if (!(f->flags & FS_O_WRITE))
		return fs_fail(f->fs, EBADF, "truncate %s: not open for writing", f->path);
	if ((err = inode_get(f->fs, f->node->ino, &in)) ||
	    (err = file_data_kind(f->fs, in.i_mode, "truncate", f->path)))
		return err;
	return set_size(f->fs, f->node->ino, size, f->path);
}
