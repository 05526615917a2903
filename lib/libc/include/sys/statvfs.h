/*
 * sys/statvfs.h - the file system's numbers (POSIX), which newlib leaves
 * to the system: statvfs and fstatvfs (lib/libc/fsfile.c).
 */
#ifndef LIBC_SYS_STATVFS_H
#define LIBC_SYS_STATVFS_H

#include <sys/types.h>

struct statvfs {
	unsigned long f_bsize;    /* the block size */
	unsigned long f_frsize;   /* the unit of f_blocks, f_bfree, f_bavail: the same */
	fsblkcnt_t f_blocks;
	fsblkcnt_t f_bfree;
	fsblkcnt_t f_bavail;      /* free for anyone: every program is user 0 */
	fsfilcnt_t f_files;
	fsfilcnt_t f_ffree;
	fsfilcnt_t f_favail;
	unsigned long f_fsid;
	unsigned long f_flag;     /* ST_* */
	unsigned long f_namemax;
};

#define ST_RDONLY 1ul
#define ST_NOSUID 2ul

int statvfs(const char *__restrict path, struct statvfs *__restrict buf);
int fstatvfs(int fd, struct statvfs *buf);

#endif
