/*
 * path.c - path names.  The boot files are under rom/ ("rom/NAME" or
 * "/rom/NAME"), read-only: the calls that would change one answer EROFS.
 * /dev/null is the C library's own (devnull.c) for open and stat.  Every
 * other path belongs to the file server (fsfile.c), relative ones against
 * the working directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <time.h>
#include <utime.h>
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
	mode_t mode = 0;

	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (devnull_is(path))
		return devnull_open(flags);
	switch (locate(path, &name)) {
	case ROM_FILE:
		return romfile_open(name, flags);
	case ROM_DIR:
		return libc_fail(EISDIR);
	default:
		return fsfile_open(path, flags, mode);
	}
}

static int stat_at(const char *path, struct stat *st, int nofollow)
{
	const char *name;

	*st = (struct stat){ 0 };
	if (devnull_is(path))
		return devnull_stat(st);
	switch (locate(path, &name)) {
	case ROM_FILE:
		return romfile_stat(name, st);
	case ROM_DIR:
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 2;
		return 0;
	default:
		return fsfile_stat(path, st, nofollow);
	}
}

int stat(const char *path, struct stat *st)
{
	return stat_at(path, st, 0);
}

int lstat(const char *path, struct stat *st)
{
	return stat_at(path, st, 1);
}

/* Every program is user 0: what exists may be used, but rom/ is not
 * writable. */
int access(const char *path, int mode)
{
	const char *name;
	struct stat st;

	if (mode & ~(R_OK | W_OK | X_OK))
		return libc_fail(EINVAL);
	if (stat(path, &st))
		return -1;
	return mode & W_OK && locate(path, &name) != NOWHERE ? libc_fail(EROFS) : 0;
}

/* A call that would change rom/ or move a name across into it. */
static int in_rom(const char *path)
{
	const char *name;

	return locate(path, &name) != NOWHERE;
}

int unlink(const char *path)
{
	return in_rom(path) ? libc_fail(EROFS) : fsfile_unlink(path);
}

int link(const char *from, const char *to)
{
	if (in_rom(from) != in_rom(to))
		return libc_fail(EXDEV);
	return in_rom(to) ? libc_fail(EROFS) : fsfile_link(from, to);
}

int rename(const char *from, const char *to)
{
	if (in_rom(from) != in_rom(to))
		return libc_fail(EXDEV);
	return in_rom(to) ? libc_fail(EROFS) : fsfile_rename(from, to);
}

int mkdir(const char *path, mode_t mode)
{
	struct stat st;

	if (in_rom(path))
		return libc_fail(stat(path, &st) ? EROFS : EEXIST);
	return fsfile_mkdir(path, mode);
}

int chmod(const char *path, mode_t mode)
{
	return in_rom(path) ? libc_fail(EROFS) : fsfile_chmod(path, mode);
}

/* (uid_t)-1 or (gid_t)-1 leaves that one as it is. */
int chown(const char *path, uid_t uid, gid_t gid)
{
	struct stat st;

	if (in_rom(path))
		return libc_fail(EROFS);
	if (uid == (uid_t)-1 || gid == (gid_t)-1) {
		if (stat(path, &st))
			return -1;
		uid = uid == (uid_t)-1 ? st.st_uid : uid;
		gid = gid == (gid_t)-1 ? st.st_gid : gid;
	}
	return fsfile_chown(path, uid, gid);
}

/* Whole seconds: the inode keeps no more.  NULL: now. */
int utimes(const char *path, const struct timeval *tv)
{
	int64_t now = time(0);

	if (in_rom(path))
		return libc_fail(EROFS);
	return fsfile_utimes(path, tv ? tv[0].tv_sec : now, tv ? tv[1].tv_sec : now);
}

int utime(const char *path, const struct utimbuf *t)
{
	struct timeval tv[2];

	if (!t)
		return utimes(path, 0);
	tv[0] = (struct timeval){ .tv_sec = t->actime };
	tv[1] = (struct timeval){ .tv_sec = t->modtime };
	return utimes(path, tv);
}

/* A relative path from the directory dirfd (AT_FDCWD: the working
 * directory), whole seconds.  AT_SYMLINK_NOFOLLOW on a symlink is ENOTSUP:
 * the server changes times through links. */
int utimensat(int dirfd, const char *path, const struct timespec *ts, int flags)
{
	char buf[PATH_MAX];
	struct stat st;
	int64_t a, m;

	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return libc_fail(EINVAL);
	if (!*path)
		return libc_fail(ENOENT);
	if (*path != '/' && dirfd != AT_FDCWD) {
		const char *dir = fsfile_dir_path(dirfd);
		if (!dir)
			return -1;
		if (snprintf(buf, sizeof buf, "%s/%s", dir, path) >= (int)sizeof buf)
			return libc_fail(ENAMETOOLONG);
		path = buf;
	}
	if (in_rom(path))
		return libc_fail(EROFS);
	if (stat_at(path, &st, flags & AT_SYMLINK_NOFOLLOW))
		return -1;
	if (S_ISLNK(st.st_mode))
		return libc_fail(ENOTSUP);
	if (fsfile_times(ts, &st, &a, &m))
		return -1;
	return fsfile_utimes(path, a, m);
}

/* rom/ is no file system of the server's: ENOSYS. */
int statvfs(const char *path, struct statvfs *buf)
{
	return in_rom(path) ? libc_fail(ENOSYS) : fsfile_statvfs(path, buf);
}
