/*
 * path.c - path lookup: from the root, component by component, with '.',
 * '..' (the directories' own entries; the root's '..' is the root) and
 * symlinks, of which at most FS_MAX_SYMLINKS are followed per lookup
 * (then ELOOP, as on Linux).  A symlink's target replaces the component
 * and the rest of the path is appended to it, so a relative target is
 * resolved from the directory holding the link.
 *
 * A small cache of the names looked up (struct fs's `names`) saves
 * libext2fs's directory scan and the inode read of each component walked
 * again.  It holds names found and names not found (inode 0: a program
 * asking again and again whether a file exists, as SQLite does for its
 * journal, costs no scan).  Adding a name forgets what was cached of it
 * (dir_add calls path_forget_name), and so does removing one; removing a
 * directory or changing its '..' forgets every name cached in it
 * (path_forget_dir).  An inode's type never changes while it has a name,
 * and an inode number is reused only after its last name went (a
 * directory's only after it was emptied and removed), so what is left is
 * right.
 *
 * A path is walked where it is; only a symlink's target needs a buffer
 * (two, taken at the first symlink met).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fs_impl.h"

struct walk {
	struct fs *fs;
	const char *path; /* as given, for messages */
	const char *buf;  /* the path still to resolve: path, or one of mem's halves */
	char *mem;        /* 2 * FS_PATH_MAX bytes, from the first symlink on */
	unsigned links;
};

static int is_dir(struct fs *fs, ext2_ino_t ino, int *dir)
{
	struct ext2_inode_large in;
	int err = inode_get(fs, ino, &in);

	*dir = !err && LINUX_S_ISDIR(in.i_mode);
	return err;
}

/* Replace the walked part by the target of link; rest is what followed. */
static int splice_link(struct walk *w, ext2_ino_t link, const char *rest)
{
	size_t tl, rl = strlen(rest);
	char *to;
	int err;

	if (++w->links > FS_MAX_SYMLINKS)
		return fs_fail_e2(w->fs, ELOOP, "lookup", w->path);
	if (!w->mem && !(w->mem = malloc(2 * FS_PATH_MAX)))
		return fs_fail_e2(w->fs, ENOMEM, "lookup", w->path);
	to = w->buf == w->mem ? w->mem + FS_PATH_MAX : w->mem;   /* not where rest is */
	if ((err = inode_readlink(w->fs, link, w->path, to, FS_PATH_MAX, &tl)))
		return err;
	if (tl == 0)
		return fs_fail_e2(w->fs, ENOENT, "lookup", w->path);
	if (tl + rl + 1 > FS_PATH_MAX)
		return fs_fail_e2(w->fs, ENAMETOOLONG, "lookup", w->path);
	memcpy(to + tl, rest, rl + 1);
	w->buf = to;
	return 0;
}

/* The set of PATH_CACHE_WAYS entries where (dir, name) may be cached. */
static struct path_cache_entry *cache_set(struct fs *fs, ext2_ino_t dir, const char *name, size_t n)
{
	uint32_t h = 2166136261u ^ dir;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	h ^= h >> 16;   /* FNV's low bits depend only on the inputs' low bits */
	h *= 0x45d9f3bu;
	h ^= h >> 16;
	return &fs->names[(h & (PATH_CACHE_SIZE / PATH_CACHE_WAYS - 1)) * PATH_CACHE_WAYS];
}

void path_forget_name(struct fs *fs, ext2_ino_t dir, const char *name)
{
	size_t n = strlen(name);

	if (n > PATH_CACHE_NAME)
		return;
	struct path_cache_entry *set = cache_set(fs, dir, name, n);
	for (unsigned i = 0; i < PATH_CACHE_WAYS; i++)
		if (set[i].dir == dir && set[i].len == n && !memcmp(set[i].name, name, n))
			set[i] = (struct path_cache_entry){ 0 };
}

void path_forget_dir(struct fs *fs, ext2_ino_t dir)
{
	for (unsigned i = 0; i < PATH_CACHE_SIZE; i++)
		if (fs->names[i].dir == dir)
			fs->names[i] = (struct path_cache_entry){ 0 };
}

/* name (n bytes) in directory dir: its inode and i_mode, from the cache or
 * from the directory and the inode (then cached in place of the entry of
 * its set used longest ago, as is a name the directory lacks). */
static int lookup_name(struct walk *w, ext2_ino_t dir, const char *name, size_t n, ext2_ino_t *ino,
		       uint16_t *mode)
{
	struct fs *fs = w->fs;
	struct path_cache_entry *set = n <= PATH_CACHE_NAME ? cache_set(fs, dir, name, n) : NULL, *old = set;
	struct ext2_inode_large in;
	int err;

	for (unsigned i = 0; set && i < PATH_CACHE_WAYS; i++) {
		struct path_cache_entry *c = &set[i];
		if (c->dir == dir && c->len == n && !memcmp(c->name, name, n)) {
			c->used = ++fs->names_clock;
			if (!c->ino)
				return fs_fail_e2(fs, EXT2_ET_FILE_NOT_FOUND, "lookup", w->path);
			*ino = c->ino;
			*mode = c->mode;
			return 0;
		}
		if (c->used < old->used)
			old = c;
	}
	errcode_t e = ext2fs_lookup(fs->e2, dir, name, (int)n, NULL, ino);
	if (e == EXT2_ET_FILE_NOT_FOUND && old) {
		*old = (struct path_cache_entry){ .dir = dir, .used = ++fs->names_clock, .len = (uint8_t)n };
		memcpy(old->name, name, n);
	}
	if (e)
		return fs_fail_e2(fs, e, "lookup", w->path);
	if ((err = inode_get(fs, *ino, &in)))
		return err;
	*mode = in.i_mode;
	if (old) {
		*old = (struct path_cache_entry){ .dir = dir, .ino = *ino, .used = ++fs->names_clock, .mode = in.i_mode,
						  .len = (uint8_t)n };
		memcpy(old->name, name, n);
	}
	return 0;
}

static int only_slashes(const char *s)
{
	while (*s == '/')
		s++;
	return *s == 0;
}

static int walk(struct walk *w, int follow, ext2_ino_t *out)
{
	struct fs *fs = w->fs;
	ext2_ino_t cur = EXT2_ROOT_INO, next;
	const char *p = w->buf;
	int err, dir = 1; /* whether cur is a directory: the root is one */

	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		size_t n = (size_t)(end - p);
		if (n > FS_NAME_MAX)
			return fs_fail_e2(fs, ENAMETOOLONG, "lookup", w->path);
		if (!dir)
			return fs_fail_e2(fs, ENOTDIR, "lookup", w->path);
		if (n == 1 && p[0] == '.') {
			p = end;
			continue;
		}
		uint16_t mode = 0;
		if ((err = lookup_name(w, cur, p, n, &next, &mode)))
			return err;
		if (LINUX_S_ISLNK(mode) && (follow || !only_slashes(end) || *end == '/')) {
			if ((err = splice_link(w, next, end)))
				return err;
			p = w->buf;
			if (*p == '/')
				cur = EXT2_ROOT_INO;   /* else cur is still the link's directory */
			continue;
		}
		cur = next;
		dir = LINUX_S_ISDIR(mode); /* the inode just read: no second read */
		p = end;
	}
	*out = cur;
	return 0;
}

int path_lookup(struct fs *fs, const char *path, int follow, ext2_ino_t *ino)
{
	size_t len = strlen(path);
	struct walk w = { fs, path, path, NULL, 0 };
	int err, dir;

	if (len >= FS_PATH_MAX)
		return fs_fail_e2(fs, ENAMETOOLONG, "lookup", path);
	err = walk(&w, follow, ino);
	if (!err && len && path[len - 1] == '/' && !(err = is_dir(fs, *ino, &dir)) && !dir)
		err = fs_fail_e2(fs, ENOTDIR, "lookup", path);
	free(w.mem);
	return err;
}

int path_parent(struct fs *fs, const char *path, ext2_ino_t *dir,
		char name[FS_NAME_MAX + 1])
{
	size_t len = strlen(path), start;
	char *head;
	int err, isdir;

	while (len > 1 && path[len - 1] == '/')
		len--;
	for (start = len; start > 0 && path[start - 1] != '/'; start--)
		;
	size_t n = len - start;
	if (n == 0 || (n == 1 && path[start] == '.') ||
	    (n == 2 && path[start] == '.' && path[start + 1] == '.'))
		return fs_fail(fs, EINVAL, "%s: not a name that can be created or removed", path);
	if (n > FS_NAME_MAX)
		return fs_fail_e2(fs, ENAMETOOLONG, "lookup", path);
	memcpy(name, path + start, n);
	name[n] = 0;
	if (!(head = malloc(start + 2)))
		return fs_fail_e2(fs, ENOMEM, "lookup", path);
	memcpy(head, path, start);
	head[start] = 0;
	err = path_lookup(fs, start ? head : "/", 1, dir);
	free(head);
	if (!err && !(err = is_dir(fs, *dir, &isdir)) && !isdir)
		err = fs_fail_e2(fs, ENOTDIR, "lookup", path);
	return err;
}

int path_trailing_slash(const char *path)
{
	size_t len = strlen(path);

	return len && path[len - 1] == '/' && !only_slashes(path);
}

int path_last_is_dot(const char *path)
{
	size_t len = strlen(path), start;

	while (len > 1 && path[len - 1] == '/')
		len--;
	for (start = len; start > 0 && path[start - 1] != '/'; start--)
		;
	if (len - start == 1 && path[start] == '.')
		return 1;
	return len - start == 2 && path[start] == '.' && path[start + 1] == '.' ? 2 : 0;
}
