/*
 * sys/xattr.h - extended attributes, in Linux's form.  Mica's file server
 * keeps none: reading or listing finds none (ENOTSUP, as Linux answers
 * on a file system without them), and setting one fails the same way
 * (lib/libc/xattr.c).
 */
#ifndef LIBC_SYS_XATTR_H
#define LIBC_SYS_XATTR_H

#include <sys/types.h>

#define XATTR_CREATE 1
#define XATTR_REPLACE 2

ssize_t getxattr(const char *path, const char *name, void *value, size_t size);
ssize_t lgetxattr(const char *path, const char *name, void *value, size_t size);
ssize_t fgetxattr(int fd, const char *name, void *value, size_t size);
ssize_t listxattr(const char *path, char *list, size_t size);
ssize_t llistxattr(const char *path, char *list, size_t size);
ssize_t flistxattr(int fd, char *list, size_t size);
int setxattr(const char *path, const char *name, const void *value, size_t size, int flags);
int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags);
int fsetxattr(int fd, const char *name, const void *value, size_t size, int flags);
int removexattr(const char *path, const char *name);
int lremovexattr(const char *path, const char *name);
int fremovexattr(int fd, const char *name);

#endif
