/*
 * strerror.c - mica_strerror (see libsys/error.h).  The table is indexed by
 * code, so a code added to enum mica_error without a line here reads as
 * "unknown error" (and fails the host test that walks the enum).
 */
#include <libsys/error.h>

static const char *const names[MICA_ERROR_COUNT] = {
	[MICA_OK] = "OK: success",
	[MICA_EINVAL] = "EINVAL: invalid argument",
	[MICA_EBADCAP] = "EBADCAP: bad capability slot",
	[MICA_ETYPE] = "ETYPE: wrong object type",
	[MICA_EPERM] = "EPERM: capability lacks a right",
	[MICA_ENOSYS] = "ENOSYS: unknown protocol or operation",
	[MICA_EMSG] = "EMSG: malformed message",
	[MICA_E2BIG] = "E2BIG: too many words or items",
	[MICA_ENOBUF] = "ENOBUF: no receive buffer for an item",
	[MICA_ETIMEOUT] = "ETIMEOUT: timed out",
	[MICA_ECANCELED] = "ECANCELED: IPC cancelled",
	[MICA_ENOMEM] = "ENOMEM: out of memory or quota",
	[MICA_EGONE] = "EGONE: partner or object gone",
	[MICA_EOVERFLOW] = "EOVERFLOW: string longer than the receive buffer",
	[MICA_EFAULT] = "EFAULT: bad user address",
	[MICA_EEXIST] = "EEXIST: already in use",
	[MICA_ENOENT] = "ENOENT: no such name or entry",
	[MICA_EBUSY] = "EBUSY: object busy",
	[MICA_EAGAIN] = "EAGAIN: nothing ready yet",
	[MICA_ENODEV] = "ENODEV: no such device",
	[MICA_EROFS] = "EROFS: read-only",
	[MICA_EIO] = "EIO: device error",
};

const char *mica_strerror(int err)
{
	/* Negated in unsigned arithmetic, so that INT_MIN is merely unknown. */
	unsigned code = err < 0 ? 0u - (unsigned)err : (unsigned)err;

	if (code >= MICA_ERROR_COUNT || !names[code])
		return "unknown error";
	return names[code];
}
