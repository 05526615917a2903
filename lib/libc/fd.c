/*
 * fd.c - the descriptor table.  A descriptor points to an open file
 * description (struct file: an object, its operations and the status
 * flags); dup, dup2, dup3 and fcntl(F_DUPFD) make more descriptors for the
 * same description, which lives until its last descriptor is closed, and
 * only then is its object's close() called; a close of any descriptor of a
 * file releases the process's record locks of it (reclock.c).  Close-on-exec
 * belongs to the descriptor, the status flags (O_NONBLOCK, O_APPEND) to the
 * description.
 *
 * 0, 1 and 2 start out as the streams (stream.c), unless the program's
 * parent gave it a table (inherit.c), which replaces them before the
 * table's first use; open() adds rom files (romfile.c).  Descriptions come from a fixed pool as large as the table:
 * there are never more descriptions in use than open descriptors.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <unistd.h>

#include "glue.h"

/* What F_SETFL may change; the access mode and the rest stay. */
#define FD_STATUS_FLAGS (O_NONBLOCK | O_APPEND)

struct fd_slot {
	struct file *file;   /* NULL: the descriptor is free */
	int fd_flags;        /* FD_CLOEXEC */
};

static struct file descriptions[FD_MAX] = {
	[0] = { &stdstream_ops, &stdstream_in, O_RDONLY, 1 },
	[1] = { &stdstream_ops, &stdstream_out, O_WRONLY, 1 },
	[2] = { &stdstream_ops, &stdstream_err, O_WRONLY, 1 },
};

static struct fd_slot table[FD_MAX] = {
	[0] = { &descriptions[0], 0 },
	[1] = { &descriptions[1], 0 },
	[2] = { &descriptions[2], 0 },
};

static int valid(int fd)
{
	return fd >= 0 && fd < FD_MAX;
}

/* What the parent gave, installed once before the table is first used. */
static void ready(void)
{
	static int inherited;

	if (!inherited) {
		inherited = 1;
		libc_inherit();
	}
}

struct file *fd_file(int fd)
{
	ready();
	return valid(fd) ? table[fd].file : 0;
}

struct file *fd_get(int fd, int *fd_flags)
{
	struct file *f = fd_file(fd);

	if (f)
		*fd_flags = table[fd].fd_flags;
	return f;
}

struct file *fd_lookup(int fd)
{
	struct file *f = fd_file(fd);

	if (!f)
		libc_fail(EBADF);
	return f;
}

/* The lowest free descriptor at or above `from`, or -1 with errno EMFILE
 * (EINVAL when `from` is out of range, as fcntl(F_DUPFD) wants). */
static int lowest_free(int from)
{
	ready();
	if (from < 0 || from >= FD_MAX)
		return libc_fail(EINVAL);
	for (int fd = from; fd < FD_MAX; fd++)
		if (!table[fd].file)
			return fd;
	return libc_fail(EMFILE);
}

static void release(struct file *f)
{
	if (--f->refs == 0) {
		f->ops->close(f);
		*f = (struct file){ 0 };
	}
}

off_t fd_seek_target(struct file *f, off_t pos, off_t off, int whence, off_t (*size_of)(struct file *f))
{
	off_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = pos;
		break;
	case SEEK_END:
		if ((base = size_of(f)) < 0)
			return -1;
		break;
	default:
		return libc_fail(EINVAL);
	}
	if (off < -base)
		return libc_fail(EINVAL);
	if (off > 0 && off > INT64_MAX - base)
		return libc_fail(EOVERFLOW);
	return base + off;
}

int fd_install(const struct file_ops *ops, void *obj, int flags)
{
	int fd = lowest_free(0);

	if (fd < 0)
		return -1;
	for (int i = 0; i < FD_MAX; i++)
		if (!descriptions[i].refs) {
			descriptions[i] = (struct file){ ops, obj, flags & (O_ACCMODE | FD_STATUS_FLAGS), 1 };
			table[fd] = (struct fd_slot){ &descriptions[i], flags & O_CLOEXEC ? FD_CLOEXEC : 0 };
			return fd;
		}
	return libc_fail(ENFILE);   /* unreachable while descriptions <= descriptors */
}

/* Point descriptor `to` at fd's description, closing what `to` held. */
static int duplicate(int fd, int to, int fd_flags)
{
	struct file *f = table[fd].file;
	struct file *old = table[to].file;

	f->refs++;
	table[to] = (struct fd_slot){ f, fd_flags };
	if (old) {
		libc_record_locks_release(old);
		release(old);   /* dup2 reports no error of the implicit close */
	}
	return to;
}

int dup(int fd)
{
	int to;

	if (!fd_lookup(fd) || (to = lowest_free(0)) < 0)
		return -1;
	return duplicate(fd, to, 0);
}

int dup2(int fd, int to)
{
	if (!fd_lookup(fd))
		return -1;
	if (!valid(to))
		return libc_fail(EBADF);
	if (fd == to)
		return to;
	return duplicate(fd, to, 0);
}

int dup3(int fd, int to, int flags)
{
	if (!fd_lookup(fd))
		return -1;
	if (!valid(to))
		return libc_fail(EBADF);
	if (fd == to || (flags & ~O_CLOEXEC))
		return libc_fail(EINVAL);
	return duplicate(fd, to, flags & O_CLOEXEC ? FD_CLOEXEC : 0);
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
	int ret = 0;

	if (!f)
		return -1;
	table[fd] = (struct fd_slot){ 0 };   /* free even if the close fails */
	libc_record_locks_release(f);   /* POSIX: any descriptor of the file */
	if (--f->refs == 0) {
		ret = f->ops->close(f);
		*f = (struct file){ 0 };
	}
	return ret;
}

int isatty(int fd)
{
	struct file *f = fd_lookup(fd);

	if (!f)
		return 0;
	if (f->ops->tty) {
		struct stat st;
		f->ops->fstat(f, &st);   /* a stream given a pipe ticket becomes the pipe end (stream.c) */
	}
	if (!f->ops->tty) {
		libc_fail(ENOTTY);
		return 0;
	}
	return 1;
}

int fcntl(int fd, int cmd, ...)
{
	struct file *f = fd_lookup(fd);
	va_list ap;
	int arg, to;

	if (!f)
		return -1;
	va_start(ap, cmd);
	if (cmd == F_GETLK || cmd == F_SETLK || cmd == F_SETLKW) {
		struct flock *fl = va_arg(ap, struct flock *);
		va_end(ap);
		return libc_record_lock(f, cmd, fl);
	}
	arg = cmd == F_GETFD || cmd == F_GETFL ? 0 : va_arg(ap, int);
	va_end(ap);
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((to = lowest_free(arg)) < 0)
			return -1;
		return duplicate(fd, to, cmd == F_DUPFD_CLOEXEC ? FD_CLOEXEC : 0);
	case F_GETFD:
		return table[fd].fd_flags;
	case F_SETFD:
		table[fd].fd_flags = arg & FD_CLOEXEC;
		return 0;
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		f->flags = (f->flags & ~FD_STATUS_FLAGS) | (arg & FD_STATUS_FLAGS);
		return 0;
	default:
		return libc_fail(EINVAL);
	}
}
