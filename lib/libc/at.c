/*
 * at.c - the *at calls (POSIX.1-2008): a relative path is taken from the
 * directory descriptor dirfd instead of the working directory.  Mica's
 * file server has no lookup relative to an open directory, so the path is
 * joined to the one the directory was opened by (fsfile_dir_path) and the
 * plain call does the rest.  AT_FDCWD, or an absolute path, is the plain
 * call unchanged.  A directory renamed after it was opened is therefore
 * followed by its old name, not by the descriptor (the difference from
 * Linux; docs/libc.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "glue.h"

/* The path to use for (dirfd, path): path itself, or buf holding the
 * directory's path joined to it; NULL with errno set. */
static const char *at_path(int dirfd, const char *path, char buf[PATH_MAX])
{
	const char *dir;

	if (!path)
		return libc_fail(EFAULT), NULL;
	if (*path == '/' || dirfd == AT_FDCWD)
		return path;
	if (!*path)
		return libc_fail(ENOENT), NULL;
	dir = fsfile_dir_path(dirfd);
	if (!dir)
		return NULL;
	if (snprintf(buf, PATH_MAX, "%s/%s", dir, path) >= PATH_MAX)
		return libc_fail(ENAMETOOLONG), NULL;
	return buf;
}

int openat(int dirfd, const char *path, int flags, ...)
{
	char buf[PATH_MAX];
	mode_t mode = 0;

	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (!(path = at_path(dirfd, path, buf)))
		return -1;
	return open(path, flags, mode);
}

int fstatat(int dirfd, const char *restrict path, struct stat *restrict st, int flags)
{
	char buf[PATH_MAX];

	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return libc_fail(EINVAL);
	if (!(path = at_path(dirfd, path, buf)))
		return -1;
	return flags & AT_SYMLINK_NOFOLLOW ? lstat(path, st) : stat(path, st);
}

/* Every program is user 0: AT_EACCESS (the effective user) is the same. */
int faccessat(int dirfd, const char *path, int mode, int flags)
{
	char buf[PATH_MAX];

	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW))
		return libc_fail(EINVAL);
	if (!(path = at_path(dirfd, path, buf)))
		return -1;
	return access(path, mode);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	char buf[PATH_MAX];

	if (flags & ~AT_REMOVEDIR)
		return libc_fail(EINVAL);
	if (!(path = at_path(dirfd, path, buf)))
		return -1;
	return flags & AT_REMOVEDIR ? rmdir(path) : unlink(path);
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	char buf[PATH_MAX];

	if (!(path = at_path(dirfd, path, buf)))
		return -1;
	return mkdir(path, mode);
}

/* The file server makes no device nodes or FIFOs. */
int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	char buf[PATH_MAX];

	(void)mode, (void)dev;
	if (!(path = at_path(dirfd, path, buf)))
		return -1;
	return libc_fail(ENOTSUP);
}

/* Symbolic links have no mode of their own to change (as on Linux). */
int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	char buf[PATH_MAX];
	struct stat st;

	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return libc_fail(EINVAL);
	if (!(path = at_path(dirfd, path, buf)))
		return -1;
	if (flags & AT_SYMLINK_NOFOLLOW) {
		if (lstat(path, &st))
			return -1;
		if (S_ISLNK(st.st_mode))
			return libc_fail(ENOTSUP);
	}
	return chmod(path, mode);
}

/* The server changes a symbolic link's owner through it, so with
 * AT_SYMLINK_NOFOLLOW a link itself cannot be given one: ENOTSUP. */
int fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	char buf[PATH_MAX];
	struct stat st;

	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return libc_fail(EINVAL);
	if (!(path = at_path(dirfd, path, buf)))
		return -1;
	if (flags & AT_SYMLINK_NOFOLLOW) {
		if (lstat(path, &st))
			return -1;
		if (S_ISLNK(st.st_mode))
			return libc_fail(ENOTSUP);
	}
	return chown(path, uid, gid);
}

int linkat(int fromfd, const char *from, int tofd, const char *to, int flags)
{
	char frombuf[PATH_MAX], tobuf[PATH_MAX], target[PATH_MAX];
	struct stat st;

	if (flags & ~AT_SYMLINK_FOLLOW)
		return libc_fail(EINVAL);
	if (!(from = at_path(fromfd, from, frombuf)) || !(to = at_path(tofd, to, tobuf)))
		return -1;
	/* link() links a symbolic link itself (POSIX leaves it open; Linux
	 * does so); AT_SYMLINK_FOLLOW links what it names. */
	if (flags & AT_SYMLINK_FOLLOW) {
		if (lstat(from, &st))
			return -1;
		if (S_ISLNK(st.st_mode)) {
			if (!realpath(from, target))
				return -1;
			from = target;
		}
	}
	return link(from, to);
}

int symlinkat(const char *target, int dirfd, const char *path)
{
	char buf[PATH_MAX];

	if (!(path = at_path(dirfd, path, buf)))
		return -1;
	return symlink(target, path);
}

ssize_t readlinkat(int dirfd, const char *restrict path, char *restrict out, size_t size)
{
	char buf[PATH_MAX];

	if (!(path = at_path(dirfd, path, buf)))
		return -1;
	return readlink(path, out, size);
}

int renameat(int fromfd, const char *from, int tofd, const char *to)
{
	char frombuf[PATH_MAX], tobuf[PATH_MAX];

	if (!(from = at_path(fromfd, from, frombuf)) || !(to = at_path(tofd, to, tobuf)))
		return -1;
	return rename(from, to);
}
