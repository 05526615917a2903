/*
 * fsfile_test.c - the C library's files of the file server (lib/libc/
 * fsfile.c, docs/libc.md) on a copy of build/disk.img: open and its
 * flags, read/write/pread/pwrite/lseek with holes, stat, links, renames,
 * directories and listings (streamed while names come and go, telldir,
 * seekdir, listings closed early), the working directory, stdio, and the errno
 * of each refusal; then the calls on open files (fchmod, fchown,
 * futimens, fchdir, fstatvfs), utimensat, realpath, statvfs, mkstemp and
 * tmpfile, and O_CLOEXEC.  fsfile.scenario checks the image on the host.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
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

/* fchmod, fchown, futimens on a descriptor, also once the name is gone;
 * utimensat by path and from a directory descriptor. */
static void open_file_attributes(void)
{
	struct stat st;

	expect("mkdir /t", mkdir("/t", 0755), 0);
	int fd = open("/t/f", O_RDWR | O_CREAT, 0644);
	expect("open /t/f", fd >= 0, 1);
	expect("fchmod", fchmod(fd, 04711), 0);
	expect("the mode", fstat(fd, &st) == 0 && st.st_mode == (S_IFREG | 04711), 1);
	expect("fchown", fchown(fd, 5, 6), 0);
	expect("fchown -1 leaves the owner", fchown(fd, (uid_t)-1, 9), 0);
	expect("owner and group", stat("/t/f", &st) == 0 && st.st_uid == 5 && st.st_gid == 9, 1);
	struct timespec ts[2] = { { 1000000000, 0 }, { 1234567890, 999999999 } };
	expect("futimens", futimens(fd, ts), 0);
	expect("the times", stat("/t/f", &st) == 0 && st.st_atime == 1000000000 && st.st_mtime == 1234567890, 1);
	time_t before = time(0);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_NOW;
	expect("futimens UTIME_OMIT, UTIME_NOW", futimens(fd, ts), 0);
	time_t after = time(0);
	expect("atime kept, mtime now", stat("/t/f", &st) == 0 && st.st_atime == 1000000000 &&
	       st.st_mtime >= before && st.st_mtime <= after, 1);
	expect("futimens NULL: both now", futimens(fd, 0) == 0 && fstat(fd, &st) == 0 && st.st_atime >= before, 1);
	ts[0].tv_nsec = 1000000000;
	expect("futimens EINVAL of a bad tv_nsec", fails(futimens(fd, ts), EINVAL), 1);
	expect("unlink while open", unlink("/t/f"), 0);
	expect("fchmod of an unlinked file", fchmod(fd, 0600), 0);
	expect("it took", fstat(fd, &st) == 0 && st.st_mode == (S_IFREG | 0600) && st.st_nlink == 0, 1);
	close(fd);
	expect("fchmod EBADF", fails(fchmod(fd, 0644), EBADF), 1);
	expect("fchown EBADF", fails(fchown(99, 0, 0), EBADF), 1);
	expect("futimens EBADF", fails(futimens(-1, 0), EBADF), 1);
	expect("fchmod of a stream: EINVAL", fails(fchmod(1, 0644), EINVAL), 1);
	fd = open("rom/boot.cfg", O_RDONLY);
	expect("fchmod of a rom file: EINVAL", fails(fchmod(fd, 0644), EINVAL), 1);
	close(fd);
	fd = open("/t/g", O_RDONLY | O_CREAT, 0644);
	expect("fchmod on a read-only descriptor", fchmod(fd, 0640), 0);
	close(fd);

	struct timespec t2[2] = { { 2000, 0 }, { 3000, 0 } };
	expect("utimensat AT_FDCWD", utimensat(AT_FDCWD, "/t/g", t2, 0), 0);
	expect("took", stat("/t/g", &st) == 0 && st.st_atime == 2000 && st.st_mtime == 3000, 1);
	int dfd = open("/t", O_RDONLY | O_DIRECTORY);
	t2[1].tv_sec = 4000;
	expect("utimensat from a directory descriptor", utimensat(dfd, "g", t2, 0), 0);
	expect("took", stat("/t/g", &st) == 0 && st.st_mtime == 4000, 1);
	fd = open("/t/g", O_RDONLY);
	expect("utimensat ENOTDIR of a file descriptor", fails(utimensat(fd, "g", t2, 0), ENOTDIR), 1);
	close(fd);
	expect("utimensat EBADF", fails(utimensat(99, "g", t2, 0), EBADF), 1);
	expect("utimensat ENOENT", fails(utimensat(dfd, "none", t2, 0), ENOENT), 1);
	expect("utimensat EINVAL of a flag", fails(utimensat(dfd, "g", t2, 0x100), EINVAL), 1);
	expect("utimensat EROFS", fails(utimensat(AT_FDCWD, "rom/boot.cfg", t2, 0), EROFS), 1);
	expect("symlink", symlink("g", "/t/lg"), 0);
	expect("utimensat follows a link", utimensat(dfd, "lg", 0, 0) == 0 && stat("/t/g", &st) == 0 &&
	       st.st_mtime >= before, 1);
	expect("utimensat ENOTSUP of a link itself", fails(utimensat(dfd, "lg", t2, AT_SYMLINK_NOFOLLOW), ENOTSUP), 1);
	close(dfd);
}

static void working_directory_by_descriptor(void)
{
	char buf[PATH_MAX];
	struct stat st;
	int dfd = open("/t", O_RDONLY | O_DIRECTORY), fd = open("/t/g", O_RDONLY);

	expect("fchdir", fchdir(dfd), 0);
	expect("getcwd", strcmp(getcwd(buf, sizeof buf), "/t"), 0);
	expect("a relative path from there", stat("g", &st), 0);
	expect("fchdir ENOTDIR of a file", fails(fchdir(fd), ENOTDIR), 1);
	expect("fchdir ENOTDIR of a stream", fails(fchdir(0), ENOTDIR), 1);
	expect("fchdir EBADF", fails(fchdir(99), EBADF), 1);
	expect("still /t", strcmp(getcwd(buf, sizeof buf), "/t"), 0);
	close(fd);
	close(dfd);
	expect("chdir /", chdir("/"), 0);
}

static void resolving_paths(void)
{
	char buf[PATH_MAX], name[300];

	expect("mkdir /t/d", mkdir("/t/d", 0755), 0);
	expect("symlink ld -> d", symlink("d", "/t/ld"), 0);
	expect("symlink up -> /t/d/..", symlink("/t/d/..", "/t/up"), 0);
	expect("realpath through a link, . and ..", realpath("/t/ld/../d/./", buf) && !strcmp(buf, "/t/d"), 1);
	expect("realpath of an absolute link", realpath("/t/up", buf) && !strcmp(buf, "/t"), 1);
	expect("realpath of /", realpath("/..", buf) && !strcmp(buf, "/"), 1);
	expect("realpath of a rom file", realpath("rom/boot.cfg", buf) && !strcmp(buf, "/rom/boot.cfg"), 1);
	expect("chdir /t/d", chdir("/t/d"), 0);
	char *r = realpath("../lg", 0);
	expect("realpath relative, malloc'd", r && !strcmp(r, "/t/g"), 1);
	free(r);
	expect("chdir through a link and ..", chdir("/t/ld/../d/"), 0);
	expect("realpath from there", realpath(".", buf) && !strcmp(buf, "/t/d"), 1);
	chdir("/");
	expect("realpath ENOENT", realpath("/t/none/x", buf) == 0 && errno == ENOENT, 1);
	expect("realpath ENOTDIR", realpath("/t/g/x", buf) == 0 && errno == ENOTDIR, 1);
	expect("realpath ENOTDIR of a file and /", realpath("/t/g/", buf) == 0 && errno == ENOTDIR, 1);
	expect("symlink loop", symlink("/t/loop", "/t/loop"), 0);
	expect("realpath ELOOP", realpath("/t/loop", buf) == 0 && errno == ELOOP, 1);
	expect("realpath ENOENT of \"\"", realpath("", buf) == 0 && errno == ENOENT, 1);
	expect("realpath EINVAL of NULL", realpath(0, buf) == 0 && errno == EINVAL, 1);
	memset(name, 'x', sizeof name);
	memcpy(name, "/t/", 3);
	name[3 + 256] = 0;
	expect("realpath ENAMETOOLONG", realpath(name, buf) == 0 && errno == ENAMETOOLONG, 1);
}

static void file_system_numbers(void)
{
	static char block[65536];
	struct statvfs v, w;

	expect("statvfs", statvfs("/", &v), 0);
	expect("the disk's numbers", v.f_bsize == 1024 && v.f_frsize == 1024 && v.f_blocks == 32768 &&
	       v.f_bfree > 0 && v.f_bfree < v.f_blocks && v.f_bavail == v.f_bfree && v.f_ffree < v.f_files &&
	       v.f_namemax == 255 && !(v.f_flag & ST_RDONLY), 1);
	int fd = open("/t/big", O_RDWR | O_CREAT, 0644);
	expect("write 64 KiB", write(fd, block, sizeof block), (long)sizeof block);
	expect("fstatvfs", fstatvfs(fd, &w), 0);
	expect("64 blocks and an inode fewer", v.f_bfree - w.f_bfree >= 64 && v.f_ffree - w.f_ffree == 1, 1);
	close(fd);
	unlink("/t/big");
	expect("statvfs of a file", statvfs("/t/g", &w), 0);
	expect("all back", w.f_bfree == v.f_bfree && w.f_ffree == v.f_ffree, 1);
	expect("statvfs ENOENT", fails(statvfs("/t/none", &w), ENOENT), 1);
	expect("statvfs ENOTDIR", fails(statvfs("/t/g/x", &w), ENOTDIR), 1);
	expect("statvfs of rom: ENOSYS", fails(statvfs("rom/boot.cfg", &w), ENOSYS), 1);
	expect("fstatvfs of a stream: ENOSYS", fails(fstatvfs(1, &w), ENOSYS), 1);
	expect("fstatvfs EBADF", fails(fstatvfs(99, &w), EBADF), 1);
}

static void temporary_files(void)
{
	char name[] = "/t/tmpXXXXXX", line[32] = "";
	struct stat st;

	int fd = mkstemp(name);
	expect("mkstemp", fd >= 0, 1);
	expect("a name made", strncmp(name, "/t/tmp", 6) == 0 && strcmp(name + 6, "XXXXXX") != 0, 1);
	expect("a new file, 0600", fstat(fd, &st) == 0 && st.st_mode == (S_IFREG | 0600) && st.st_size == 0, 1);
	expect("by that name", stat(name, &st), 0);
	close(fd);
	char second[] = "/t/tmpXXXXXX";
	fd = mkstemp(second);
	expect("another mkstemp, another name", fd >= 0 && strcmp(name, second) != 0, 1);
	close(fd);
	unlink(name);
	unlink(second);
	char nodir[] = "/none/tmpXXXXXX", bad[] = "/t/tmpXX";
	expect("mkstemp ENOENT", fails(mkstemp(nodir), ENOENT), 1);
	expect("mkstemp EINVAL", fails(mkstemp(bad), EINVAL), 1);

	FILE *f = tmpfile();
	expect("tmpfile", f != 0, 1);
	fputs("scratch\n", f);
	rewind(f);
	expect("reads back", fgets(line, sizeof line, f) && !strcmp(line, "scratch\n"), 1);
	DIR *d = opendir("/tmp");
	int n = 0;
	while (d && readdir(d))
		n++;
	closedir(d);
	expect("no name left in /tmp", n, 2);
	fclose(f);
}

/* ---- listings through the pipe --------------------------------------- */

/* /l: LONG names "n<i>" of about 100 characters: records of some 84 KiB,
 * more than the listing's pipe holds, so the server waits for room and
 * goes on. */
#define LONG 700
#define PAD "-a-long-name-to-fill-the-pipe-a-long-name-to-fill-the-pipe-a-long-name-to-fill-the-pipe-a-long-"

static int touch_long(unsigned i)
{
	char path[128];

	snprintf(path, sizeof path, "/l/n%u%s", i, PAD);
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	return fd >= 0 && close(fd) == 0;
}

static int remove_long(unsigned i)
{
	char path[128];

	snprintf(path, sizeof path, "/l/n%u%s", i, PAD);
	return unlink(path) == 0;
}

/* The index of a long name, or -1. */
static int long_index(const char *name)
{
	unsigned i;

	return name[0] == 'n' && sscanf(name + 1, "%u", &i) == 1 && i < 2 * LONG ? (int)i : -1;
}

/* readdir while names come and go: after the first entry (the server has
 * filled the pipe by then), 50 names come, the first 20 go (listed or in
 * the pipe already) and the last 50 (not yet written); every other name
 * is listed once, the last 50 never, none twice.  telldir's place is
 * where seekdir goes on; rewinddir starts again. */
static void listings_stream_while_names_change(void)
{
	static unsigned seen[2 * LONG];
	int ok = mkdir("/l", 0755) == 0;
	struct dirent *e;

	for (unsigned i = 0; ok && i < LONG; i++)
		ok = touch_long(i);
	expect("700 long names", ok, 1);
	DIR *d = opendir("/l");
	expect("opendir", d != 0, 1);
	expect("a first entry", (e = readdir(d)) != 0, 1);
	int i = long_index(e->d_name);
	if (i >= 0)
		seen[i]++;
	for (unsigned k = LONG; ok && k < LONG + 50; k++)
		ok = touch_long(k);
	for (unsigned k = 0; ok && k < LONG; k++)
		if (k < 20 || k >= LONG - 50)
			ok = remove_long(k);
	expect("50 names added, 70 removed", ok, 1);
	long at = -1;
	char after[256] = "";
	unsigned n = 1;
	while ((e = readdir(d))) {
		if ((i = long_index(e->d_name)) >= 0)
			seen[i]++;
		if (++n == 300)
			at = telldir(d);
		else if (n == 301)
			strcpy(after, e->d_name);
	}
	unsigned once = 0, twice = 0, gone = 0;
	for (unsigned k = 0; k < 2 * LONG; k++) {
		once += k >= 20 && k < LONG - 50 && seen[k] == 1;
		twice += seen[k] > 1;
		gone += k >= LONG - 50 && k < LONG && seen[k];
	}
	expect("every name kept listed once", once, LONG - 70);
	expect("none twice", twice, 0);
	expect("none removed before it was written", gone, 0);
	seekdir(d, at);
	expect("seekdir to telldir's place: the next entry again", (e = readdir(d)) && !strcmp(e->d_name, after), 1);
	rewinddir(d);
	expect("rewinddir: from the start", (e = readdir(d)) && !strcmp(e->d_name, "."), 1);
	expect("closedir", closedir(d), 0);
}

/* A listing closed before its end (the server waits for room in its
 * pipe) ends there: the server keeps 16 listings, so 40 opened and
 * closed one after the other would fail if it kept any; a descriptor
 * per listing is not taken either. */
static void closed_listings_end(void)
{
	int ok = 1, fd = open("/l", O_RDONLY | O_DIRECTORY);

	for (int i = 0; i < 40; i++) {
		DIR *d = opendir("/l");
		ok &= d && readdir(d) && closedir(d) == 0;
	}
	expect("40 listings closed early", ok, 1);
	int next = dup(fd);
	expect("no descriptor kept", next, fd + 1);
	close(next);
	close(fd);
}

/* O_CLOEXEC marks the descriptor (fcntl F_GETFD); nothing execs yet. */
static void close_on_exec(void)
{
	int fd = open("/t/g", O_RDONLY | O_CLOEXEC), plain = open("/t/g", O_RDONLY);

	expect("O_CLOEXEC sets FD_CLOEXEC", fcntl(fd, F_GETFD), FD_CLOEXEC);
	expect("without, clear", fcntl(plain, F_GETFD), 0);
	int d = dup(fd);
	expect("dup clears it", fcntl(d, F_GETFD), 0);
	struct stat st;
	expect("the descriptor works", fstat(fd, &st) == 0 && S_ISREG(st.st_mode), 1);
	close(d);
	close(plain);
	close(fd);
}

/* More sessions, one after the other, than either side has capability
 * slots (4096): an open that left a slot behind would fail. */
/* More files read and closed than the server has windows for fault-around
 * (64): the closed ones stay cached with theirs until a file in use needs
 * one (docs/fsserver.md); every file reads back its own bytes. */
#define MANY_FILES 80
static int read_back(int i, char *buf, size_t size)
{
	char path[32];

	snprintf(path, sizeof path, "/many/%d", i);
	int fd = open(path, O_RDONLY), ok = fd >= 0 && read(fd, buf, size) == (ssize_t)size;
	for (size_t k = 0; ok && k < size; k++)
		ok = buf[k] == (char)('A' + i % 26) + (k % 4096 == 0 ? 1 : 0);
	close(fd);
	return ok;
}

static void closed_files_keep_their_pages_and_windows(void)
{
	static char buf[2 * 4096];
	char path[32];
	int made = 1, same = 1, again = 1;

	mkdir("/many", 0755);
	for (int i = 0; i < MANY_FILES; i++) {
		memset(buf, 'A' + i % 26, sizeof buf);
		buf[0]++, buf[4096]++;
		snprintf(path, sizeof path, "/many/%d", i);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		made &= fd >= 0 && write(fd, buf, sizeof buf) == (ssize_t)sizeof buf;
		close(fd);
		same &= read_back(i, buf, sizeof buf);
	}
	for (int i = 0; i < MANY_FILES; i++)
		again &= read_back(i, buf, sizeof buf);
	expect("80 files of two pages made", made, 1);
	expect("each read back after its last close", same, 1);
	expect("each read back again, after the others", again, 1);
	for (int i = 0; i < MANY_FILES; i++) {
		snprintf(path, sizeof path, "/many/%d", i);
		unlink(path);
	}
	expect("rmdir", rmdir("/many"), 0);
}

static void opens_leave_nothing_behind(void)
{
	unsigned failed = 0;

	for (unsigned i = 0; i < 4200 && failed < 5; i++) {
		int fd = open("/t/g", O_RDONLY);
		if (fd < 0 || close(fd) != 0)
			printf("# open %u: errno %d\n", i, errno), failed++;
	}
	expect("4200 opens and closes", failed, 0);
}

static const struct qtest_case cases[] = {
	{ "files", files }, { "names", names }, { "errnos", errnos }, { "directories", directories },
	{ "through_stdio", through_stdio }, { "open_file_attributes", open_file_attributes },
	{ "working_directory_by_descriptor", working_directory_by_descriptor },
	{ "resolving_paths", resolving_paths }, { "file_system_numbers", file_system_numbers },
	{ "temporary_files", temporary_files }, { "close_on_exec", close_on_exec },
	{ "closed_files_keep_their_pages_and_windows", closed_files_keep_their_pages_and_windows },
	{ "opens_leave_nothing_behind", opens_leave_nothing_behind },
	{ "listings_stream_while_names_change", listings_stream_while_names_change },
	{ "closed_listings_end", closed_listings_end },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
