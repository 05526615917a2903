/*
 * fd.c - the descriptor table: each open descriptor is an object with its
 * operations (struct file_ops), so read(), write() and the rest only look
 * the descriptor up and pass the call on.  0, 1 and 2 start out as the
 * streams (stream.c); open() adds rom files (romfile.c).  There is no dup:
 * each descriptor owns its object.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <unistd.h>

#include "glue.h"

#define FD_MAX 64

static struct file files[FD_MAX] = {
	[0] = { &stdstream_ops, &stdstream_in, O_RDONLY },
	[1] = { &stdstream_ops, &stdstream_out, O_WRONLY },
	[2] = { &stdstream_ops, &stdstream_err, O_WRONLY },
};

struct file *fd_lookup(int fd)
{
	if (fd < 0 || fd >= FD_MAX || !files[fd].ops) {
		libc_fail(EBADF);
		return 0;
	}
	return &files[fd];
}

int fd_install(const struct file_ops *ops, void *obj, int flags)
{
	for (int fd = 0; fd < FD_MAX; fd++)
		if (!files[fd].ops) {
			files[fd] = (struct file){ ops, obj, flags };
			return fd;
		}
	return libc_fail(EMFILE);
}

/* newlib declares read and write returning _READ_WRITE_RETURN_TYPE (int
 * in this configuration): a call moves at most INT_MAX bytes, so that its
 * count fits. */
_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len)
{
	struct file *f = fd_lookup(fd);

	if (!f)
		return -1;
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return libc_fail(EBADF);
	return (_READ_WRITE_RETURN_TYPE)f->ops->read(f, buf, len > INT_MAX ? INT_MAX : len);
}

_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len)
{
	struct file *f = fd_lookup(fd);

	if (!f)
		return -1;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return libc_fail(EBADF);
	return (_READ_WRITE_RETURN_TYPE)f->ops->write(f, buf, len > INT_MAX ? INT_MAX : len);
}

off_t lseek(int fd, off_t off, int whence)
{
	struct file *f = fd_lookup(fd);

	return f ? f->ops->lseek(f, off, whence) : -1;
}

int fstat(int fd, struct stat *st)
{
	struct file *f = fd_lookup(fd);

	if (!f)
		return -1;
	*st = (struct stat){ 0 };
	return f->ops->fstat(f, st);
}

int close(int fd)
{
	struct file *f = fd_lookup(fd);
	int ret;

	if (!f)
		return -1;
	ret = f->ops->close(f);
	*f = (struct file){ 0 };   /* the descriptor is free even if close failed */
	return ret;
}

int isatty(int fd)
{
	struct file *f = fd_lookup(fd);

	if (!f)
		return 0;
	if (!f->ops->tty) {
		libc_fail(ENOTTY);
		return 0;
	}
	return 1;
}

/* What newlib's fdopen asks (F_GETFL) and little more. */
int fcntl(int fd, int cmd, ...)
{
	struct file *f = fd_lookup(fd);

	if (!f)
		return -1;
	switch (cmd) {
	case F_GETFL:
		return f->flags;
	case F_GETFD:
	case F_SETFD:   /* there is no exec to close descriptors on */
	case F_SETFL:   /* no flag that can change means anything here */
		return 0;
	default:
		return libc_fail(EINVAL);
	}
}
