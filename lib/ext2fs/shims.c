/*
 * Stand-ins for the symbols of e2fsprogs' OS-specific files that the rest of
 * libext2fs still references.  lib/ext2fs/build.mk leaves those files out
 * of every build (host and Mica alike: they talk to a kernel's mount table,
 * ioctls and block devices, which Mica's file server reaches through its own
 * io_manager instead); each stand-in answers with a clear error rather than
 * a guess.  docs/ext2.md lists what is left out.
 */
#include <ext2fs/ext2fs.h>

/*
 * From ismounted.c, which reads /proc/mounts.  Only mkjournal.c asks, before
 * adding a journal, unless the caller passes EXT2_MKJOURNAL_NO_MNT_CHECK.
 * There is no mount table to read: a Mica disk belongs to the one file
 * server that opened it.
 */
errcode_t ext2fs_check_mount_point(const char *device, int *mount_flags,
				   char *mtpt, int mtlen)
{
	(void)device;
	(void)mtpt;
	(void)mtlen;
	*mount_flags = 0;
	return EXT2_ET_UNIMPLEMENTED;
}
