/*
 * fcntl.h - newlib's, with posix_fadvise (lib/libc/fsfile.c), which newlib
 * leaves to each system: advice on the file server's page cache.  The
 * numbers are OpenFile.advise's (mica/fs.h).
 */
#ifndef LIBC_FCNTL_H
#define LIBC_FCNTL_H

#include_next <fcntl.h>

#define POSIX_FADV_NORMAL     0
#define POSIX_FADV_RANDOM     1
#define POSIX_FADV_SEQUENTIAL 2
#define POSIX_FADV_WILLNEED   3
#define POSIX_FADV_DONTNEED   4
#define POSIX_FADV_NOREUSE    5

int posix_fadvise(int fd, off_t offset, off_t len, int advice);

#endif
