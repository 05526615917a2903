/*
 * sys/mman.h - memory mappings (lib/libc/mman.c, docs/libc.md): files of
 * the file server shared or private (copy-on-write), and anonymous memory.
 * newlib leaves this header to the system.
 */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <sys/types.h>

#define PROT_NONE  0x0
#define PROT_READ  0x1
#define PROT_WRITE 0x2
#define PROT_EXEC  0x4

#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MAP_ANON      MAP_ANONYMOUS

#define MAP_FAILED ((void *)-1)

#define MS_ASYNC      1
#define MS_INVALIDATE 2
#define MS_SYNC       4

#ifdef __cplusplus
extern "C" {
#endif

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int msync(void *addr, size_t len, int flags);
int mprotect(void *addr, size_t len, int prot);
/* Mica's: mmap of a file whose bytes at file offset `limit` and past it
 * read as zeros (an ELF segment's p_offset + p_filesz): the page that
 * straddles the limit is the mapping's own copy, a page wholly past it
 * zeros (copied at a MAP_PRIVATE mapping's first write).  MAP_SHARED
 * with PROT_WRITE: EACCES; MAP_ANONYMOUS or a negative limit: EINVAL;
 * the rest as mmap. */
void *mmap_masked(void *addr, size_t len, int prot, int flags, int fd, off_t off, off_t limit);
/* POSIX shared memory objects: files of the file server in /dev/shm
 * (lib/libc/shm.c). */
int shm_open(const char *name, int oflag, mode_t mode);
int shm_unlink(const char *name);

#ifdef __cplusplus
}
#endif

#endif
