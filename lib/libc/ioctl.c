/*
 * ioctl.c - ioctl(): the request goes to the descriptor's own operation
 * (struct file_ops' ioctl); a descriptor without one is no terminal
 * (ENOTTY).  Every request of <sys/ioctl.h> takes one pointer-sized
 * argument.
 */
#include <errno.h>
#include <stdarg.h>
#include <sys/ioctl.h>

#include "glue.h"

int ioctl(int fd, unsigned long request, ...)
{
	struct file *f = fd_lookup(fd);
	va_list ap;
	void *arg;

	if (!f)
		return -1;
	if (!f->ops->ioctl)
		return libc_fail(ENOTTY);
	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	return f->ops->ioctl(f, request, arg);
}
