/*
 * fs_impl.h - what the files of lib/fs share and fs.h does not publish:
 * the mounted filesystem, open-file nodes, and the helpers for errors,
 * paths and inodes.
 */
#ifndef LIB_FS_FS_IMPL_H
#define LIB_FS_FS_IMPL_H

#include <ext2fs/ext2fs.h>
#include <et/com_err.h>

#include "blkio.h"
#include "fs.h"

#define FS_MAX_SYMLINKS 40 /* symlinks followed in one lookup: then ELOOP */
#define FS_NAME_MAX 255
#define FS_PATH_MAX 4096
/* A message holds an operation, a whole path and a cause. */
#define FS_MSG_MAX (FS_PATH_MAX + 512)
#define FS_LINK_MAX 32000 /* links, then EMLINK: Linux ext2's EXT2_LINK_MAX */

/* One per inode that is open; the opens of the inode share it. */
struct fs_node {
	ext2_ino_t ino;
	unsigned opens;
	struct fs_node *next;
};

struct fs_file {
	struct fs *fs;
	struct fs_node *node;
	unsigned refs;
	unsigned flags; /* FS_O_WRITE */
	char *path;     /* as opened, for messages */
};

/* path.c: names looked up lately, (directory, name) -> inode and its type,
 * or inode 0 for a name the directory lacks; a name added or removed is
 * forgotten (path_forget_name), and so is everything in a directory
 * removed or moved (path_forget_dir). */
#define PATH_CACHE_SIZE 256   /* entries, a power of two */
#define PATH_CACHE_WAYS 4     /* where one name may be: sets of 4 */
#define PATH_CACHE_NAME 43    /* longer names are not cached */
struct path_cache_entry {
	ext2_ino_t dir, ino;      /* dir 0: empty; ino 0: no such name */
	uint32_t used;            /* names_clock when last found */
	uint16_t mode;            /* the inode's i_mode when it was looked up */
	uint8_t len;
	char name[PATH_CACHE_NAME];
};

struct fs {
	ext2_filsys e2;
	struct path_cache_entry names[PATH_CACHE_SIZE];
	uint32_t names_clock;
	struct blkio_config io;
	int rdonly;
	struct fs_node *nodes; /* the open inodes */
	void (*released)(void *arg, uint32_t ino);   /* fs_options' */
	void *released_arg;
	char *dir_block;       /* fs_readdir_at's block, kept between calls (made at its first) */
	char msg[FS_MSG_MAX];
	/* fs_fail_e2's message, made only when fs_error asks: msg holds the
	 * path until then (a failing lookup is frequent, and its message
	 * seldom read). */
	const char *e2_op;     /* NULL: msg is the message */
	errcode_t e2_code;
};

/* err.c: record a message, return err (an errno value). */
int fs_fail(struct fs *fs, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* err.c: a libext2fs error as errno, with its message. */
int fs_fail_e2(struct fs *fs, errcode_t code, const char *op, const char *path);
int fs_errno(errcode_t code);

/* path.c */
int path_lookup(struct fs *fs, const char *path, int follow, ext2_ino_t *ino);
/* The directory holding path's last component, and that name.  A last
 * component '.' or '..' is EINVAL (callers that owe another errno test
 * path_last_is_dot first). */
int path_parent(struct fs *fs, const char *path, ext2_ino_t *dir,
		char name[FS_NAME_MAX + 1]);
/* Forget the cached name in dir: called when it is removed. */
void path_forget_name(struct fs *fs, ext2_ino_t dir, const char *name);
/* Forget every name cached in dir ('..' too): called when dir is removed
 * or its '..' changes. */
void path_forget_dir(struct fs *fs, ext2_ino_t dir);
/* Whether path ends in '/' (after a name: "a/", not "/"). */
int path_trailing_slash(const char *path);
/* Whether path's last component is '.' (1) or '..' (2); else 0. */
int path_last_is_dot(const char *path);

/* inode.c */
int inode_get(struct fs *fs, ext2_ino_t ino, struct ext2_inode_large *in);
int inode_put(struct fs *fs, ext2_ino_t ino, struct ext2_inode_large *in);
/* Sets ctime (and mtime too with FS_TOUCH_MTIME) to now and writes. */
#define FS_TOUCH_MTIME 1
int inode_touch(struct fs *fs, ext2_ino_t ino, int what);
/* Frees the inode and its blocks (its link count is already 0). */
int inode_release(struct fs *fs, ext2_ino_t ino);
/* Drops one link (all of them with all); at none the inode goes, now or,
 * while it is open, at its last close. */
int inode_drop_link(struct fs *fs, ext2_ino_t ino, int all);
/* Sets the times that are >= 0. */
void inode_set_times(struct ext2_inode_large *in, int64_t atime, int64_t mtime,
		     int64_t ctime);
/* path names the link in messages (or the lookup it was met in). */
int inode_readlink(struct fs *fs, ext2_ino_t ino, const char *path, char *buf, size_t size,
		   size_t *len);
void inode_to_stat(struct fs *fs, ext2_ino_t ino, const struct ext2_inode_large *in,
		   struct fs_stat *st);
unsigned inode_ftype(uint32_t mode);
/* A new inode in a set-group-ID directory takes its group (and a new
 * directory the set-group-ID bit), as on Linux. */
int inode_inherit_gid(struct fs *fs, ext2_ino_t dir, struct ext2_inode_large *in);
int64_t fs_now(void);

/* file.c */
struct fs_node *node_find(struct fs *fs, ext2_ino_t ino);
/* 0 for a regular file, else the errno (and message) for moving data of
 * an inode of that mode: EISDIR, ENODEV or EINVAL. */
int file_data_kind(struct fs *fs, uint32_t mode, const char *op, const char *path);

/* dir.c */
/* Adds name -> ino to dir, growing dir when it is full. */
int dir_add(struct fs *fs, ext2_ino_t dir, const char *name, ext2_ino_t ino,
	    unsigned ftype);
int dir_is_empty(struct fs *fs, ext2_ino_t dir, const char *path, int *empty);
/* EMLINK when dir cannot take another subdirectory's '..'. */
int dir_check_links(struct fs *fs, ext2_ino_t dir, const char *op, const char *path);
/* Removes the empty directory ino, named name in dir (ENOTEMPTY if not). */
int dir_remove(struct fs *fs, ext2_ino_t dir, const char *name, ext2_ino_t ino,
	       const char *path);

int fs_check_rw(struct fs *fs, const char *op, const char *path);

#endif
