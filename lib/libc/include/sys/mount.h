/*
 * sys/mount.h - mounting.  Mica's file systems are mounted by the file
 * server at boot, not by programs: mount and umount fail with ENOSYS
 * (lib/libc/statfs.c).  It gives <sys/statfs.h> as well, as BSD's does.
 */
#ifndef LIBC_SYS_MOUNT_H
#define LIBC_SYS_MOUNT_H

#include <sys/statfs.h>

#define MS_RDONLY 1
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_REMOUNT 32
#define MS_BIND 4096
#define MS_MOVE 8192
#define MS_REC 16384
#define MNT_FORCE 1
#define MNT_DETACH 2

int mount(const char *source, const char *target, const char *type, unsigned long flags, const void *data);
int umount(const char *target);
int umount2(const char *target, int flags);

#endif
