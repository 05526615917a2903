/*
 * path.c - path names.  The only files are the boot files, under rom/
 * ("rom/NAME" or "/rom/NAME"), read-only; everything else does not exist,
 * and nothing can be created, so the calls that would change a file answer
 * EROFS.  (The file server, when it comes, gets the other paths.)
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "glue.h"

enum where { NOWHERE, ROM_DIR, ROM_FILE };

/* Where path is; for ROM_FILE, *name is the boot file's name. */
static enum where locate(const char *path, const char **name)
{
	if (*path == '/')
		path++;
	if (strncmp(path, "rom", 3) || (path[3] && path[3] != '/'))
		return NOWHERE;
	path += 3;
	if (!*path || !strcmp(path, "/"))
		return ROM_DIR;
	path++;
	if (strchr(path, '/'))
		return NOWHERE;   /* rom/ has no subdirectories */
	*name = path;
	return ROM_FILE;
}

int open(const char *path, int flags, ...)
{
	const char *name;

	switch (locate(path, &name)) {
	case ROM_FILE:
		return romfile_open(name, flags);
	case ROM_DIR:
		return libc_fail(EISDIR);
	default:
		return libc_fail(flags & O_CREAT ? EROFS : ENOENT);
	}
}

int stat(const char *path, struct stat *st)
{
	const char *name;

	*st = (struct stat){ 0 };
	switch (locate(path, &name)) {
	case ROM_FILE:
		return romfile_stat(name, st);
	case ROM_DIR:
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 2;
		return 0;
	default:
		return libc_fail(ENOENT);
	}
}

/* No symbolic links. */
int lstat(const char *path, struct stat *st)
{
	return stat(path, st);
}

int access(const char *path, int mode)
{
	struct stat st;

	if (stat(path, &st))
		return -1;
	return mode & W_OK ? libc_fail(EROFS) : 0;
}

int unlink(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : libc_fail(EROFS);
}

int link(const char *from, const char *to)
{
	struct stat st;

	(void)to;
	return stat(from, &st) ? -1 : libc_fail(EROFS);
}

int mkdir(const char *path, mode_t mode)
{
	struct stat st;

	(void)mode;
	return libc_fail(stat(path, &st) ? EROFS : EEXIST);
}
