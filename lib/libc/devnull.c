/*
 * devnull.c - /dev/null, the C library's own (path.c): Mica has no device
 * files yet, and programs (a shell's background job's stdin) open it by
 * name.  Reading it is the end of data, writing it succeeds and keeps
 * nothing, seeking it stays at 0; it is a character device to fstat.  A
 * spawned or exec'd program inherits it (MICA_INHERIT_NULL, inherit.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <mica/proc.h>

#include "glue.h"

static ssize_t null_read(struct file *f, void *buf, size_t len)
{
	(void)f, (void)buf, (void)len;
	return 0;
}

static ssize_t null_write(struct file *f, const void *buf, size_t len)
{
	(void)f, (void)buf;
	return (ssize_t)len;
}

static off_t null_lseek(struct file *f, off_t off, int whence)
{
	(void)f, (void)off, (void)whence;
	return 0;
}

static int null_stat(struct stat *st)
{
	*st = (struct stat){ .st_mode = S_IFCHR | 0666, .st_nlink = 1, .st_blksize = 512 };
	return 0;
}

static int null_fstat(struct file *f, struct stat *st)
{
	(void)f;
	return null_stat(st);
}

static int null_close(struct file *f)
{
	(void)f;
	return 0;
}

static int null_hand_off(struct file *f, struct inherit_item *out)
{
	(void)f;
	*out = (struct inherit_item){ MICA_INHERIT_NULL, 0, "", 0 };
	return 0;
}

static const struct file_ops devnull_ops = {
	.read = null_read, .write = null_write, .lseek = null_lseek, .fstat = null_fstat, .close = null_close,
	.hand_off = null_hand_off,
};

int devnull_is(const char *path)
{
	return !strcmp(path, DEVNULL_PATH);
}

int devnull_open(int flags)
{
	if (flags & O_DIRECTORY)
		return libc_fail(ENOTDIR);
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return libc_fail(EEXIST);
	return fd_install(&devnull_ops, 0, flags);
}

int devnull_stat(struct stat *st)
{
	return null_stat(st);
}
