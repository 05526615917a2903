/*
 * errno.c - Mica's errors (mica/error.h) as errno values, and setting errno
 * so that both of its readers see it: the program, through newlib's errno
 * macro (the per-reentrancy value), and newlib's _r wrappers (closer.c and
 * the like), which clear the global `errno` before calling the glue and
 * copy it afterwards.
 */
#include <errno.h>

#include <mica/error.h>

#include "glue.h"

static const int errnos[MICA_ERROR_COUNT] = {
	[MICA_OK] = 0,
	[MICA_EINVAL] = EINVAL,
	[MICA_EBADCAP] = EBADF,      /* a slot that holds nothing: a bad handle */
	[MICA_ETYPE] = EBADF,
	[MICA_EPERM] = EACCES,       /* a capability without the right */
	[MICA_ENOSYS] = ENOSYS,
	[MICA_EMSG] = EPROTO,        /* the two ends disagree on the protocol */
	[MICA_E2BIG] = EMSGSIZE,
	[MICA_ENOBUF] = EPROTO,
	[MICA_ETIMEOUT] = ETIMEDOUT,
	[MICA_ECANCELED] = EINTR,    /* someone broke the IPC off */
	[MICA_ENOMEM] = ENOMEM,
	[MICA_EGONE] = EPIPE,        /* the server at the other end has gone */
	[MICA_EOVERFLOW] = EOVERFLOW,
	[MICA_EFAULT] = EFAULT,
	[MICA_EEXIST] = EEXIST,
	[MICA_ENOENT] = ENOENT,
	[MICA_EBUSY] = EBUSY,
	[MICA_EAGAIN] = EAGAIN,
	[MICA_ENODEV] = ENODEV,
	[MICA_EROFS] = EROFS,
	[MICA_EIO] = EIO,
};

int libc_errno_of(int mica_err)
{
	unsigned code = mica_err < 0 ? 0u - (unsigned)mica_err : (unsigned)mica_err;

	if (code >= MICA_ERROR_COUNT || (code && !errnos[code]))
		return EIO;
	return errnos[code];
}

int libc_fail_mica(int mica_err)
{
	return libc_fail(libc_errno_of(mica_err));
}

/* From here on `errno` is the global that newlib's reent.c defines. */
#undef errno
extern int errno;

int libc_fail(int e)
{
	*__errno() = e;
	errno = e;
	return -1;
}
