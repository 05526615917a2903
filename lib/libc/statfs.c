/*
 * statfs, fstatfs - a file system's numbers in the BSD and Linux form,
 * from statvfs's (lib/libc/fsfile.c).  Mica's disks are ext2, whose Linux
 * magic number f_type carries.  mount and umount: the file server mounts
 * at boot; a program cannot (ENOSYS).
 */
#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#define EXT2_SUPER_MAGIC 0xEF53

static void statfs_from_statvfs(struct statfs *out, const struct statvfs *in)
{
	memset(out, 0, sizeof(*out));
	out->f_type = EXT2_SUPER_MAGIC;
	out->f_bsize = (long)in->f_bsize;
	out->f_frsize = (long)in->f_frsize;
	out->f_blocks = in->f_blocks;
	out->f_bfree = in->f_bfree;
	out->f_bavail = in->f_bavail;
	out->f_files = in->f_files;
	out->f_ffree = in->f_ffree;
	out->f_fsid.__val[0] = (int)in->f_fsid;
	out->f_namelen = (long)in->f_namemax;
	out->f_flags = (long)in->f_flag;
}

int statfs(const char *path, struct statfs *buf)
{
	struct statvfs v;

	if (statvfs(path, &v) < 0)
		return -1;
	statfs_from_statvfs(buf, &v);
	return 0;
}

int fstatfs(int fd, struct statfs *buf)
{
	struct statvfs v;

	if (fstatvfs(fd, &v) < 0)
		return -1;
	statfs_from_statvfs(buf, &v);
	return 0;
}

int mount(const char *source, const char *target, const char *type, unsigned long flags, const void *data)
{
	(void)source, (void)target, (void)type, (void)flags, (void)data;
	errno = ENOSYS;
	return -1;
}

int umount2(const char *target, int flags)
{
	(void)target, (void)flags;
	errno = ENOSYS;
	return -1;
}

int umount(const char *target)
{
	return umount2(target, 0);
}
