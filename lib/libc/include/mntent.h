/*
 * mntent.h - reading a table of mounted file systems in fstab's format
 * (lib/libc/mntent.c).  Mica keeps no such file: opening the system's
 * table (MOUNTED, /etc/mtab, or /proc/mounts) gives what the system has
 * mounted, the file server's ext2 disk as /.
 */
#ifndef LIBC_MNTENT_H
#define LIBC_MNTENT_H

#include <stdio.h>

#define MOUNTED "/etc/mtab"
#define _PATH_MOUNTED MOUNTED
#define MNTTAB "/etc/fstab"

struct mntent {
	char *mnt_fsname;
	char *mnt_dir;
	char *mnt_type;
	char *mnt_opts;
	int mnt_freq;
	int mnt_passno;
};

FILE *setmntent(const char *path, const char *mode);
struct mntent *getmntent(FILE *f);
int endmntent(FILE *f);
char *hasmntopt(const struct mntent *ent, const char *opt);

#endif
