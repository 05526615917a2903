/*
 * err.c - errors of lib/fs: every failure is an errno value returned to
 * the caller plus a message kept in the struct fs ("unlink /a/b: No such
 * file or directory").  libext2fs's own codes (com_err) are mapped to the
 * nearest errno; what has no nearer meaning (corruption) is EIO, and the
 * message keeps libext2fs's own wording.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <et/com_err.h>

#include "fs_impl.h"

static const struct {
	errcode_t code;
	int err;
} map[] = {
	{ EXT2_ET_NO_MEMORY, ENOMEM },
	{ EXT2_ET_RO_FILSYS, EROFS },
	{ EXT2_ET_FILE_RO, EBADF },
	{ EXT2_ET_DIR_NO_SPACE, ENOSPC },
	{ EXT2_ET_BLOCK_ALLOC_FAIL, ENOSPC },
	{ EXT2_ET_INODE_ALLOC_FAIL, ENOSPC },
	{ EXT2_ET_EA_NO_SPACE, ENOSPC },
	{ EXT2_ET_TOOSMALL, ENOSPC },
	{ EXT2_ET_FILE_TOO_BIG, EFBIG },
	{ EXT2_ET_NO_DIRECTORY, ENOTDIR },
	{ EXT2_ET_SYMLINK_LOOP, ELOOP },
	{ EXT2_ET_FILE_NOT_FOUND, ENOENT },
	{ EXT2_ET_DIR_EXISTS, EEXIST },
	{ EXT2_ET_FILE_EXISTS, EEXIST },
	{ EXT2_ET_INVALID_ARGUMENT, EINVAL },
	{ EXT2_ET_UNIMPLEMENTED, ENOSYS },
	{ EXT2_ET_OP_NOT_SUPPORTED, ENOTSUP },
	{ EXT2_ET_UNSUPP_FEATURE, ENOTSUP },
	{ EXT2_ET_RO_UNSUPP_FEATURE, EROFS },
};

int fs_errno(errcode_t code)
{
	if (code > 0 && code < 4096)
		return (int)code; /* already an errno value (from the device) */
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].code == code)
			return map[i].err;
	return EIO;
}

/* A message cut to fit ends before a UTF-8 sequence it would split. */
static void cut_utf8(char *msg, size_t len)
{
	size_t start = len;

	while (start > 0 && ((unsigned char)msg[start - 1] & 0xc0) == 0x80)
		start--;
	if (start == 0)
		return;
	unsigned char lead = (unsigned char)msg[start - 1];
	size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	if (len - (start - 1) < need)
		msg[start - 1] = 0;
}

int fs_fail(struct fs *fs, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	fs->e2_op = 0;
	va_start(ap, fmt);
	n = vsnprintf(fs->msg, sizeof(fs->msg), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(fs->msg))
		cut_utf8(fs->msg, sizeof(fs->msg) - 1);
	return err;
}

/* A mapped code reads as its errno ("No such file or directory"); the
 * message waits for fs_error, the path kept in msg. */
int fs_fail_e2(struct fs *fs, errcode_t code, const char *op, const char *path)
{
	size_t n = strnlen(path, sizeof(fs->msg) - 1);

	memmove(fs->msg, path, n);
	fs->msg[n] = 0;
	fs->e2_op = op;
	fs->e2_code = code;
	return fs_errno(code);
}

const char *fs_error(struct fs *fs)
{
	if (fs->e2_op) {
		char path[FS_MSG_MAX];
		int err = fs_errno(fs->e2_code);
		memcpy(path, fs->msg, sizeof path);
		fs_fail(fs, err, "%s %s: %s", fs->e2_op, path, error_message(err == EIO ? fs->e2_code : err));
	}
	return fs->msg;
}

int fs_check_rw(struct fs *fs, const char *op, const char *path)
{
	if (fs->rdonly)
		return fs_fail(fs, EROFS, "%s %s: %s", op, path, error_message(EROFS));
	return 0;
}
