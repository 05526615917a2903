/* Extended attributes: Mica's file server keeps none (<sys/xattr.h>). */
#include <errno.h>
#include <sys/xattr.h>

static int no_xattrs(void)
{
	errno = ENOTSUP;
	return -1;
}

ssize_t getxattr(const char *path, const char *name, void *value, size_t size)
{
	(void)path, (void)name, (void)value, (void)size;
	return no_xattrs();
}

ssize_t lgetxattr(const char *path, const char *name, void *value, size_t size)
{
	(void)path, (void)name, (void)value, (void)size;
	return no_xattrs();
}

ssize_t fgetxattr(int fd, const char *name, void *value, size_t size)
{
	(void)fd, (void)name, (void)value, (void)size;
	return no_xattrs();
}

ssize_t listxattr(const char *path, char *list, size_t size)
{
	(void)path, (void)list, (void)size;
	return no_xattrs();
}

ssize_t llistxattr(const char *path, char *list, size_t size)
{
	(void)path, (void)list, (void)size;
	return no_xattrs();
}

ssize_t flistxattr(int fd, char *list, size_t size)
{
	(void)fd, (void)list, (void)size;
	return no_xattrs();
}

int setxattr(const char *path, const char *name, const void *value, size_t size, int flags)
{
	(void)path, (void)name, (void)value, (void)size, (void)flags;
	return no_xattrs();
}

int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)
{
	(void)path, (void)name, (void)value, (void)size, (void)flags;
	return no_xattrs();
}

int fsetxattr(int fd, const char *name, const void *value, size_t size, int flags)
{
	(void)fd, (void)name, (void)value, (void)size, (void)flags;
	return no_xattrs();
}

int removexattr(const char *path, const char *name)
{
	(void)path, (void)name;
	return no_xattrs();
}

int lremovexattr(const char *path, const char *name)
{
	(void)path, (void)name;
	return no_xattrs();
}

int fremovexattr(int fd, const char *name)
{
	(void)fd, (void)name;
	return no_xattrs();
}
