/* sys/uio.h - reading and writing several buffers at once (lib/libc/uio.c). */
#ifndef LIBC_SYS_UIO_H
#define LIBC_SYS_UIO_H

#include <sys/types.h>

struct iovec {
	void *iov_base;
	size_t iov_len;
};

#define IOV_MAX 1024

ssize_t readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t writev(int fd, const struct iovec *iov, int iovcnt);

#endif
