/*
 * shm.c - POSIX shared memory objects (docs/libc.md "Files of the file
 * server"): shm_open and shm_unlink.
 *
 * An object is a file of the file server under /dev/shm, the directory
 * the system keeps for them: "/NAME" is /dev/shm/NAME.  The first
 * shm_open that creates an object makes the directory (mode 1777, as
 * /tmp) when the disk has none.  Its pages are the server's page cache,
 * which every client shares, so mmap MAP_SHARED of the descriptor is the
 * same memory in every program that maps it, and across fork (docs/
 * processes.md "fork"); ftruncate gives it its size.  An object lives
 * until shm_unlink, and on the disk: it outlives a reboot, unlike
 * Linux's (tmpfs).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "glue.h"

#define SHM_DIR "/dev/shm"

/* The path of the object `name`: "/NAME" or "NAME" (as Linux's C
 * library), NAME one path component. */
static int shm_path(const char *name, char path[sizeof SHM_DIR + NAME_MAX + 1])
{
	while (*name == '/')
		name++;
	size_t n = strlen(name);
	if (!n || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return EINVAL;
	if (n > NAME_MAX)
		return ENAMETOOLONG;
	memcpy(path, SHM_DIR "/", sizeof SHM_DIR);
	memcpy(path + sizeof SHM_DIR, name, n + 1);
	return 0;
}

/* /dev/shm, made if the disk has none (EEXIST: another program made it). */
static void make_dir(void)
{
	if (mkdir("/dev", 0755) && errno != EEXIST)
		return;
	if (mkdir(SHM_DIR, 01777) == 0)
		chmod(SHM_DIR, 01777);   /* the umask took bits away */
}

int shm_open(const char *name, int oflag, mode_t mode)
{
	char path[sizeof SHM_DIR + NAME_MAX + 1];
	int err = shm_path(name, path);

	if (err)
		return libc_fail(err);
	if ((oflag & O_ACCMODE) == O_WRONLY || (oflag & ~(O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC)))
		return libc_fail(EINVAL);
	int fd = open(path, oflag | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0 && errno == ENOENT && (oflag & O_CREAT)) {
		make_dir();
		fd = open(path, oflag | O_CLOEXEC | O_NOFOLLOW, mode);
	}
	return fd;
}

int shm_unlink(const char *name)
{
	char path[sizeof SHM_DIR + NAME_MAX + 1];
	int err = shm_path(name, path);

	return err ? libc_fail(err) : unlink(path);
}
