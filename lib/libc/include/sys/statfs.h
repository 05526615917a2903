/*
 * sys/statfs.h - the BSD and Linux form of a file system's numbers, made
 * from statvfs's (lib/libc/statfs.c).  f_type is the file system's magic
 * number as Linux gives it: Mica's disks are ext2 (0xEF53).
 */
#ifndef LIBC_SYS_STATFS_H
#define LIBC_SYS_STATFS_H

#include <sys/types.h>

typedef struct { int __val[2]; } fsid_t;

struct statfs {
	long f_type;
	long f_bsize;
	fsblkcnt_t f_blocks;
	fsblkcnt_t f_bfree;
	fsblkcnt_t f_bavail;
	fsfilcnt_t f_files;
	fsfilcnt_t f_ffree;
	fsid_t f_fsid;
	long f_namelen;
	long f_frsize;
	long f_flags;
};

int statfs(const char *path, struct statfs *buf);
int fstatfs(int fd, struct statfs *buf);

#endif
