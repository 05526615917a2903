/*
 * syscalls.c - the operating-system functions newlib calls (its
 * --disable-newlib-supplied-syscalls interface), for boot programs until
 * the runtime's servers exist: output goes to the kernel Log, the heap is
 * user-pool memory the program, a first pager, maps for itself, and what
 * needs a file or process server answers ENOSYS.  The runtime issue
 * replaces the Log and the heap with the console and the memory server.
 * (This newlib configuration calls them by their POSIX names; only _exit
 * keeps its underscore.)
 */
#include <errno.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <sys/time.h>
#include <stdlib.h>

#include <libsys/bootmem.h>
#include <libsys/debug.h>
#include <mica/boot.h>
#include <mica/ipc.h>
#include <mica/kip.h>

#include "log.h"
#include "task.h"

#undef errno
extern int errno;

#define HEAP_BASE 0x0000100000000000ull   /* 16 TiB: far from the image and stacks */
#define HEAP_MAX (1ull << 30)

static uint64_t heap_end = HEAP_BASE, heap_mapped = HEAP_BASE;

__attribute__((noreturn)) void mica_start_exit(int status)
{
	exit(status);
}

void _exit(int status)
{
	mica_exit(status);
}

/* Pages for the heap: user-pool pages granted from the window to the heap
 * range (a grant moves the mapping, so the window no longer has them). */
void *sbrk(ptrdiff_t incr)
{
	uint64_t old = heap_end;

	if (incr < 0 || heap_end + (uint64_t)incr - HEAP_BASE > HEAP_MAX) {
		errno = ENOMEM;
		return (void *)-1;
	}
	while (heap_mapped < heap_end + (uint64_t)incr) {
		mica_addr_t page = mica_bootmem_pages(1, 1);
		if (!page) {
			errno = ENOMEM;
			return (void *)-1;
		}
		*(volatile char *)page = 0;   /* the kernel maps it on this touch */
		if (task_mem_map(MICA_BOOT_TASK, mica_fpage(page, 12, MICA_R | MICA_W), heap_mapped, true)) {
			errno = ENOMEM;
			return (void *)-1;
		}
		heap_mapped += 4096;
	}
	heap_end += (uint64_t)incr;
	return (void *)old;
}

int write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	while (done < len) {
		size_t n = len - done > 240 ? 240 : len - done;
		if (log_print(MICA_BOOT_LOG, p + done, (uint32_t)n) < 0) {
			errno = EIO;
			return done ? (int)done : -1;
		}
		done += n;
	}
	return (int)len;
}

int read(int fd, void *buf, size_t len)
{
	(void)fd;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

int close(int fd)
{
	if (fd >= 0 && fd <= 2)
		return 0;
	errno = EBADF;
	return -1;
}

int fstat(int fd, struct stat *st)
{
	if (fd < 0 || fd > 2) {
		errno = EBADF;
		return -1;
	}
	st->st_mode = S_IFCHR;
	return 0;
}

int isatty(int fd)
{
	return fd >= 0 && fd <= 2;
}

off_t lseek(int fd, off_t off, int whence)
{
	(void)fd;
	(void)off;
	(void)whence;
	errno = ESPIPE;
	return -1;
}

int open(const char *path, int flags, int mode)
{
	(void)path;
	(void)flags;
	(void)mode;
	errno = ENOSYS;
	return -1;
}

int getpid(void)
{
	return 1;
}

int kill(int pid, int sig)
{
	(void)pid;
	(void)sig;
	errno = ENOSYS;
	return -1;
}

int gettimeofday(struct timeval *tv, void *tz)
{
	const struct mica_kip *kip = (const struct mica_kip *)MICA_KIP_ADDR;

	(void)tz;
	tv->tv_sec = (time_t)(kip->clock_us / 1000000);
	tv->tv_usec = (suseconds_t)(kip->clock_us % 1000000);
	return 0;
}

clock_t times(struct tms *t)
{
	(void)t;
	errno = ENOSYS;
	return (clock_t)-1;
}

int unlink(const char *path)
{
	(void)path;
	errno = ENOSYS;
	return -1;
}

int link(const char *from, const char *to)
{
	(void)from;
	(void)to;
	errno = ENOSYS;
	return -1;
}

int stat(const char *path, struct stat *st)
{
	(void)path;
	(void)st;
	errno = ENOSYS;
	return -1;
}
