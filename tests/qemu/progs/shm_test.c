/*
 * shm_test.c - POSIX shared memory objects (docs/libc.md "Files of the
 * file server"): shm_open making an object (and /dev/shm, mode 1777)
 * that ftruncate sizes and mmap MAP_SHARED maps; the same pages in a forked
 * child and in another program (this one exec'd as "writer NAME");
 * O_EXCL, O_TRUNC, FD_CLOEXEC; shm_unlink, after which a mapping still
 * holds the pages; every error.  shm.scenario boots it with the pipe,
 * block, file and process servers on a copy of the disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qtest.h"

#define PAGE 4096
#define NAME "/mica-shm-test"

static int status_of(pid_t pid)
{
	int st;
	pid_t got;

	while ((got = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	return got == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The exec'd program: map the object and write into its second page. */
static int writer(const char *name)
{
	int fd = shm_open(name, O_RDWR, 0);
	if (fd < 0)
		return 10 + errno;
	char *p = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 2;
	if (strcmp(p, "from the parent"))
		return 3;
	strcpy(p + PAGE, "from another program");
	return munmap(p, 2 * PAGE) ? 4 : 0;
}

static void object_shared_by_fork_and_programs(void)
{
	int fd = shm_open(NAME, O_RDWR | O_CREAT | O_EXCL, 0600);
	expect("shm_open O_CREAT|O_EXCL", fd >= 0, 1);
	struct stat st;
	expect("/dev/shm is there, a directory of mode 1777",
	       stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 01777, 1);
	expect("the descriptor has FD_CLOEXEC", (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, 1);
	expect("a new object is empty", fstat(fd, &st) == 0 && st.st_size == 0, 1);
	expect("ftruncate to two pages", ftruncate(fd, 2 * PAGE), 0);
	char *p = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect("mmap MAP_SHARED", p != MAP_FAILED, 1);
	if (p == MAP_FAILED)
		return;
	strcpy(p, "from the parent");
	pid_t pid = fork();
	if (pid == 0) {
		if (strcmp(p, "from the parent"))
			_exit(1);
		strcpy(p + PAGE, "from the child");
		_exit(0);
	}
	expect("the forked child saw our write", status_of(pid), 0);
	expect("and we see its", strcmp(p + PAGE, "from the child"), 0);
	pid = fork();
	if (pid == 0) {
		execl("rom/shm_test", "shm_test", "writer", NAME, (char *)0);
		_exit(100 + errno);
	}
	expect("another program (exec'd) opened it by name and saw our write", status_of(pid), 0);
	expect("and we see its", strcmp(p + PAGE, "from another program"), 0);
	expect("shm_unlink", shm_unlink(NAME), 0);
	expect("the mapping still holds the pages", strcmp(p, "from the parent"), 0);
	errno = 0;
	expect("shm_open of the unlinked name: ENOENT", shm_open(NAME, O_RDWR, 0) == -1 && errno == ENOENT, 1);
	munmap(p, 2 * PAGE);
	close(fd);
}

static void open_flags(void)
{
	int fd = shm_open("trunc-me", O_RDWR | O_CREAT, 0600);
	expect("shm_open of a name without '/'", fd >= 0, 1);
	expect("it is /dev/shm/trunc-me", access("/dev/shm/trunc-me", F_OK), 0);
	expect("ftruncate", ftruncate(fd, PAGE), 0);
	errno = 0;
	expect("O_EXCL of an existing one: EEXIST",
	       shm_open("/trunc-me", O_RDWR | O_CREAT | O_EXCL, 0600) == -1 && errno == EEXIST, 1);
	int again = shm_open("/trunc-me", O_RDWR | O_TRUNC, 0);   /* with O_RDONLY: undefined */
	struct stat st;
	expect("O_TRUNC empties it", again >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, 1);
	close(again);
	close(fd);
	expect("shm_unlink", shm_unlink("/trunc-me"), 0);
	errno = 0;
	expect("shm_unlink again: ENOENT", shm_unlink("/trunc-me") == -1 && errno == ENOENT, 1);
}

static void errors(void)
{
	char longname[NAME_MAX + 3];

	errno = 0;
	expect("a missing object without O_CREAT: ENOENT", shm_open("/none", O_RDWR, 0) == -1 && errno == ENOENT, 1);
	static const char *const bad[] = { "", "/", "/a/b", "/..", "." };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		int ok = shm_open(bad[i], O_RDWR | O_CREAT, 0600) == -1 && errno == EINVAL;
		errno = 0;
		ok &= shm_unlink(bad[i]) == -1 && errno == EINVAL;
		expect("a name that is not one component: EINVAL from both", ok, 1);
	}
	longname[0] = '/';
	memset(longname + 1, 'x', NAME_MAX + 1);
	longname[NAME_MAX + 2] = 0;
	errno = 0;
	expect("a name longer than NAME_MAX: ENAMETOOLONG",
	       shm_open(longname, O_RDWR | O_CREAT, 0600) == -1 && errno == ENAMETOOLONG, 1);
	errno = 0;
	expect("O_WRONLY: EINVAL", shm_open("/w", O_WRONLY | O_CREAT, 0600) == -1 && errno == EINVAL, 1);
	errno = 0;
	expect("O_APPEND: EINVAL", shm_open("/w", O_RDWR | O_CREAT | O_APPEND, 0600) == -1 && errno == EINVAL, 1);
	expect("none of them made a file", access("/dev/shm/w", F_OK), -1);
}

static const struct qtest_case cases[] = {
	{ "object_shared_by_fork_and_programs", object_shared_by_fork_and_programs },
	{ "open_flags", open_flags },
	{ "errors", errors },
};

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "writer") == 0)
		return writer(argv[2]);
	return QTEST_RUN(argv[0], cases);
}
