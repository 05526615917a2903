/*
 * TEST SCAFFOLDING, never part of a Mica program: trivially failing
 * placeholders for the system-call layer newlib and libext2fs expect from
 * Mica's runtime (lib/libc has the real one).  lib/ext2fs/mica-link-test
 * links the link test's program once without this file, to list what is
 * undefined, and once with it, to prove that these names are all that is
 * missing.  Every call fails with ENOSYS.
 */
#include <errno.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>

#undef errno
extern int errno;

static int fail(void)
{
	errno = ENOSYS;
	return -1;
}

void _exit(int status)
{
	(void)status;
	for (;;)
		;
}

int main(int argc, char **argv);

void _start(void)
{
	static char *argv[] = { "linktest", 0 };

	_exit(main(1, argv));
}

int close(int fd) { (void)fd; return fail(); }
int fstat(int fd, struct stat *st) { (void)fd; (void)st; return fail(); }
int getpid(void) { return fail(); }
int gettimeofday(struct timeval *tv, void *tz) { (void)tv; (void)tz; return fail(); }
int isatty(int fd) { (void)fd; return 0; }
int kill(int pid, int sig) { (void)pid; (void)sig; return fail(); }
off_t lseek(int fd, off_t off, int whence) { (void)fd; (void)off; (void)whence; return fail(); }
int open(const char *path, int flags, ...) { (void)path; (void)flags; return fail(); }
int read(int fd, void *buf, size_t n) { (void)fd; (void)buf; (void)n; return fail(); }
void *sbrk(ptrdiff_t incr) { (void)incr; errno = ENOMEM; return (void *)-1; }
int stat(const char *path, struct stat *st) { (void)path; (void)st; return fail(); }
int write(int fd, const void *buf, size_t n) { (void)fd; (void)buf; (void)n; return fail(); }
uid_t getuid(void) { return 0; }
uid_t geteuid(void) { return 0; }
gid_t getgid(void) { return 0; }
gid_t getegid(void) { return 0; }
