/*
 * readv, writev - several buffers in one call (POSIX), as one read or
 * write per buffer: Mica's file protocols move one buffer per request.
 * A short transfer ends the call, as it would end a single read or write.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/uio.h>
#include <unistd.h>

static int iov_check(const struct iovec *iov, int iovcnt)
{
	size_t total = 0;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -1;
	for (int i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > (size_t)PTRDIFF_MAX - total)
			return -1;
		total += iov[i].iov_len;
	}
	return 0;
}

ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
	ssize_t done = 0;

	if (iov_check(iov, iovcnt) < 0) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < iovcnt; i++) {
		ssize_t n = read(fd, iov[i].iov_base, iov[i].iov_len);
		if (n < 0)
			return done ? done : -1;
		done += n;
		if ((size_t)n < iov[i].iov_len)
			break;
	}
	return done;
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
	ssize_t done = 0;

	if (iov_check(iov, iovcnt) < 0) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < iovcnt; i++) {
		ssize_t n = write(fd, iov[i].iov_base, iov[i].iov_len);
		if (n < 0)
			return done ? done : -1;
		done += n;
		if ((size_t)n < iov[i].iov_len)
			break;
	}
	return done;
}
