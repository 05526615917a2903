/*
 * fsfile_test.c - the C library's files of the file server (lib/libc/
 * fsfile.c, docs/libc.md) on a copy of build/disk.img: open and its
 * flags, read/write/pread/pwrite/lseek with holes, stat, links, renames,
 * directories and listings, the working directory, stdio, and the errno
 * of each refusal.  fsfile.scenario checks the image on the host.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utime.h>
#include <unistd.h>

#include "qtest.h"

/* -1 with errno e */
static int fails(long r, int e)
{
	return r == -1 && errno == e;
}

static void files(void)
{
	char buf[64];
	struct stat st;

	expect("mkdir /c", mkdir("/c", 0755), 0);
	int fd = open("/c/a", O_RDWR | O_CREAT | O_EXCL, 0640);
	expect("open O_CREAT|O_EXCL", fd >= 0, 1);
	expect("write", write(fd, "abcdef", 6), 6);
	expect("lseek SEEK_SET", lseek(fd, 2, SEEK_SET), 2);
	expect("read", read(fd, buf, sizeof buf), 4);
	expect("from the position", memcmp(buf, "cdef", 4), 0);
	expect("lseek past the end", lseek(fd, 10000, SEEK_END), 10006);
	expect("write there", write(fd, "Z", 1), 1);
	expect("pread in the hole", pread(fd, buf, 4, 5000), 4);
	expect("reads zeros", buf[0] == 0 && buf[3] == 0, 1);
	expect("pwrite", pwrite(fd, "XY", 2, 0), 2);
	expect("pread", pread(fd, buf, 3, 0), 3);
	expect("sees it", memcmp(buf, "XYc", 3), 0);
	expect("the position stays", lseek(fd, 0, SEEK_CUR), 10007);
	expect("fstat", fstat(fd, &st), 0);
	expect("the size", st.st_size, 10007);
	expect("the mode", st.st_mode, S_IFREG | 0640);
	expect("ftruncate", ftruncate(fd, 3), 0);
	expect("fsync", fsync(fd), 0);
	expect("stat", stat("/c/a", &st), 0);
	expect("the new size", st.st_size, 3);
	expect("a negative position", fails(lseek(fd, -10, SEEK_SET), EINVAL), 1);
	expect("close", close(fd), 0);
	expect("close again", fails(close(fd), EBADF), 1);

	fd = open("/c/a", O_WRONLY | O_APPEND);
	expect("O_APPEND", write(fd, "end", 3), 3);
	expect("read on O_WRONLY", fails(read(fd, buf, 1), EBADF), 1);
	close(fd);
	fd = open("/c/a", O_RDONLY);
	expect("appended", read(fd, buf, sizeof buf) == 6 && !memcmp(buf, "XYcend", 6), 1);
	expect("write on O_RDONLY", fails(write(fd, "x", 1), EBADF), 1);
	close(fd);
	fd = open("/c/a", O_RDWR | O_TRUNC);
	expect("O_TRUNC", fstat(fd, &st) == 0 && st.st_size == 0, 1);
	close(fd);
	expect("truncate by path", truncate("/c/a", 100), 0);
	expect("grows", stat("/c/a", &st) == 0 && st.st_size == 100, 1);
	expect("access", access("/c/a", R_OK | W_OK), 0);
	expect("chmod", chmod("/c/a", 0600), 0);
	expect("chown, the group left", chown("/c/a", 7, (gid_t)-1), 0);
	expect("the new mode and owner", stat("/c/a", &st) == 0 && st.st_mode == (S_IFREG | 0600) && st.st_uid == 7 &&
	       st.st_gid == 0, 1);
	struct utimbuf times = { .actime = 1000000000, .modtime = 1234567890 };
	expect("utime", utime("/c/a", &times), 0);
	expect("the new times", stat("/c/a", &st) == 0 && st.st_atime == 1000000000 && st.st_mtime == 1234567890, 1);
	expect("umask", umask(077), 022);
	fd = open("/c/masked", O_WRONLY | O_CREAT, 0666);
	expect("the umask leaves bits out", fstat(fd, &st) == 0 && st.st_mode == (S_IFREG | 0600), 1);
	close(fd);
	umask(022);
	expect("unlink it", unlink("/c/masked"), 0);
	expect("chmod of rom", fails(chmod("rom/boot.cfg", 0600), EROFS), 1);
}

static void names(void)
{
	struct stat st;
	char buf[PATH_MAX];

	expect("link", link("/c/a", "/c/b"), 0);
	expect("two links", stat("/c/a", &st) == 0 && st.st_nlink == 2, 1);
	expect("rename", rename("/c/b", "/c/renamed"), 0);
	expect("the old name is gone", fails(stat("/c/b", &st), ENOENT), 1);
	expect("symlink", symlink("a", "/c/sym"), 0);
	expect("lstat sees the link", lstat("/c/sym", &st) == 0 && S_ISLNK(st.st_mode), 1);
	expect("stat follows it", stat("/c/sym", &st) == 0 && S_ISREG(st.st_mode), 1);
	ssize_t n = readlink("/c/sym", buf, sizeof buf);
	expect("readlink", n == 1 && buf[0] == 'a', 1);
	expect("symlink loop", symlink("/c/loop", "/c/loop"), 0);
	expect("ELOOP", fails(open("/c/loop", O_RDONLY), ELOOP), 1);
	expect("O_NOFOLLOW of a link", fails(open("/c/sym", O_RDONLY | O_NOFOLLOW), ELOOP), 1);
	expect("unlink", unlink("/c/loop"), 0);
}

static void errnos(void)
{
	char name[300];
	struct stat st;

	expect("ENOENT", fails(open("/c/none", O_RDONLY), ENOENT), 1);
	expect("ENOENT of a missing directory", fails(open("/none/x", O_RDWR | O_CREAT, 0644), ENOENT), 1);
	expect("ENOTDIR", fails(stat("/c/a/x", &st), ENOTDIR), 1);
	expect("EISDIR", fails(open("/c", O_WRONLY), EISDIR), 1);
	expect("EEXIST", fails(open("/c/a", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST), 1);
	expect("EEXIST of mkdir", fails(mkdir("/c", 0755), EEXIST), 1);
	expect("ENOTEMPTY", fails(rmdir("/c"), ENOTEMPTY), 1);
	expect("ENOTDIR of rmdir", fails(rmdir("/c/a"), ENOTDIR), 1);
	expect("ENOTDIR of O_DIRECTORY", fails(open("/c/a", O_RDONLY | O_DIRECTORY), ENOTDIR), 1);
	memset(name, 'x', sizeof name);
	memcpy(name, "/c/", 3);
	name[3 + 256] = 0;
	expect("ENAMETOOLONG", fails(open(name, O_RDWR | O_CREAT, 0644), ENAMETOOLONG), 1);
	name[3 + 255] = 0;
	int fd = open(name, O_RDWR | O_CREAT, 0644);
	expect("a name of 255 bytes", fd >= 0, 1);
	close(fd);
	expect("goes", unlink(name), 0);
	expect("EXDEV", fails(rename("rom/boot.cfg", "/c/boot.cfg"), EXDEV), 1);
	expect("EROFS", fails(unlink("rom/boot.cfg"), EROFS), 1);
	expect("ESPIPE", fails(pread(0, name, 1, 0), ESPIPE), 1);
	expect("EBADF", fails(fsync(99), EBADF), 1);
	expect("EINVAL of readlink on a file", fails(readlink("/c/a", name, sizeof name), EINVAL), 1);
	expect("ENOENT of unlink", fails(unlink("/c/none"), ENOENT), 1);
	expect("EISDIR of unlink", fails(unlink("/c"), EISDIR), 1);
}

static void directories(void)
{
	char buf[PATH_MAX];

	DIR *d = opendir("/c");
	expect("opendir", d != 0, 1);
	int n = 0, a = 0, dot = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		n++;
		a |= !strcmp(e->d_name, "a") && e->d_type == DT_REG;
		dot |= !strcmp(e->d_name, "..") && e->d_type == DT_DIR;
	}
	expect("lists a and ..", a && dot, 1);
	expect("., .., a, renamed, sym", n, 5);
	rewinddir(d);
	int again = 0;
	while (readdir(d))
		again++;
	expect("rewinddir", again, n);
	expect("closedir", closedir(d), 0);
	expect("opendir of a file", opendir("/c/a") == 0 && errno == ENOTDIR, 1);
	expect("chdir", chdir("/c"), 0);
	expect("getcwd", strcmp(getcwd(buf, sizeof buf), "/c"), 0);
	struct stat st;
	expect("a relative path", stat("renamed", &st), 0);
	expect("getcwd too small", getcwd(buf, 2) == 0 && errno == ERANGE, 1);
	expect("chdir to a file", fails(chdir("a"), ENOTDIR), 1);
	expect("chdir /", chdir("/"), 0);
	expect("mkdir /c/d", mkdir("/c/d", 0700), 0);
	expect("rmdir", rmdir("/c/d"), 0);
}

static void through_stdio(void)
{
	FILE *f = fopen("/c/out.txt", "w");
	expect("fopen w", f != 0, 1);
	fprintf(f, "written by fsfile_test %d\n", 42);
	expect("fclose", fclose(f), 0);
	char line[64] = "";
	f = fopen("/c/out.txt", "r");
	expect("fopen r", f != 0, 1);
	expect("fgets", fgets(line, sizeof line, f) != 0, 1);
	expect("the line", strcmp(line, "written by fsfile_test 42\n"), 0);
	fclose(f);
	sync();   /* for the host's look at the image */
}

static const struct qtest_case cases[] = {
	{ "files", files }, { "names", names }, { "errnos", errnos }, { "directories", directories },
	{ "through_stdio", through_stdio },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
