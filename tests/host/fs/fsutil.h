/*
 * fsutil.h - helpers shared by the lib/fs tests: scratch directories,
 * images made with mke2fs, mounting them through lib/fs, e2fsck -fn.
 */
#ifndef TESTS_HOST_FS_FSUTIL_H
#define TESTS_HOST_FS_FSUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "fs.h"

/* A fresh scratch directory (removed at exit); returns its path. */
const char *scratch_dir(void);
/* Runs a shell command; returns its exit status (-1 if it did not run). */
int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* mke2fs -q -F -t TYPE -b BS [-d DIR] IMG SIZE_K[k]; 0 on success. */
int make_image(const char *img, const char *type, unsigned bs, const char *dir,
	       unsigned long size_k, const char *extra);
/* Mounts img (read-only with FS_RDONLY); NULL on failure (printed). */
struct fs *mount_image(const char *img, unsigned flags);
/* Mounts img (read-only with FS_RDONLY) only to learn whether it mounts:
 * 0 or the errno, with lib/fs's message in msg (empty if the image could
 * not be opened). */
int mount_error(const char *img, unsigned flags, char *msg, size_t size);
/* Unmounts and closes the device of a mount_image; 0 on success. */
int unmount_image(struct fs *fs);
/* e2fsck -fn img: 0 when clean. */
int fsck_clean(const char *img);
/* A whole file of the image; *len its size; NULL on error. */
char *read_all(struct fs *fs, const char *path, size_t *len);
/* A whole host file; NULL on error. */
char *read_host(const char *path, size_t *len);
/* Writes len bytes at off, creating the file; 0 on success. */
int write_at(struct fs *fs, const char *path, uint64_t off, const void *buf, size_t len);

#endif
