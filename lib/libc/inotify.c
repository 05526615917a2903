/* inotify: no change notifications on Mica yet (<sys/inotify.h>). */
#include <errno.h>
#include <sys/inotify.h>

int inotify_init1(int flags)
{
	(void)flags;
	errno = ENOSYS;
	return -1;
}

int inotify_init(void)
{
	return inotify_init1(0);
}

int inotify_add_watch(int fd, const char *path, uint32_t mask)
{
	(void)path, (void)mask;
	errno = fd < 0 ? EBADF : EINVAL;
	return -1;
}

int inotify_rm_watch(int fd, int wd)
{
	(void)wd;
	errno = fd < 0 ? EBADF : EINVAL;
	return -1;
}
