/*
 * fsaccess.c - ext2ctl's commands on the mounted file system, through the
 * C library and the file server (docs/fsserver.md):
 *
 *   fsaccess ls PATH...          one line per entry: type, inode, name
 *   fsaccess cat PATH...         the files on stdout
 *   fsaccess stat PATH...        inode, mode, links, owner, size, blocks
 *   fsaccess mkdir PATH...
 *   fsaccess rm PATH...          files, or empty directories
 *   fsaccess mv OLD NEW
 *   fsaccess put ROMFILE PATH    copy a boot file (rom/NAME) in
 *   fsaccess get PATH            the file on the console (as cat)
 *
 * Exit status 0, or 1 after the first failure (named on stderr).  What a
 * command changed is on the disk when it ends (sync), as with ext2ctl on
 * an image.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failed(const char *what, const char *path)
{
	fprintf(stderr, "fsaccess: %s %s: %s\n", what, path, strerror(errno));
	return 1;
}

static int ls(const char *path)
{
	static const char types[] = "?-dcbpsl";
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d)
		return failed("ls", path);
	errno = 0;
	while ((e = readdir(d)))
		printf("%c %8lu %s\n", types[e->d_type < 8 ? e->d_type : 0], (unsigned long)e->d_ino, e->d_name);
	int err = errno;
	closedir(d);
	errno = err;
	return err ? failed("ls", path) : 0;
}

/* Copy everything of fd in to fd out. */
static int copy(int in, int out)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(in, buf, sizeof buf)) > 0)
		for (ssize_t done = 0, w; done < n; done += w)
			if ((w = write(out, buf + done, (size_t)(n - done))) < 0)
				return -1;
	return n < 0 ? -1 : 0;
}

static int cat(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return failed("cat", path);
	int r = copy(fd, 1);
	int err = errno;
	close(fd);
	errno = err;
	return r ? failed("cat", path) : 0;
}

static int show(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return failed("stat", path);
	printf("%s: ino %lu mode %lo links %lu uid %u gid %u size %lld blocks %lld\n", path, (unsigned long)st.st_ino,
	       (unsigned long)st.st_mode, (unsigned long)st.st_nlink, (unsigned)st.st_uid, (unsigned)st.st_gid,
	       (long long)st.st_size, (long long)st.st_blocks);
	return 0;
}

static int rm(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return failed("rm", path);
	if (S_ISDIR(st.st_mode) ? rmdir(path) : unlink(path))
		return failed("rm", path);
	return 0;
}

static int put(const char *from, const char *to)
{
	int in = open(from, O_RDONLY), out;

	if (in < 0)
		return failed("put", from);
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		close(in);
		return failed("put", to);
	}
	int r = copy(in, out);
	int err = errno;
	close(in);
	if (close(out) && !r)
		r = -1, err = errno;
	errno = err;
	return r ? failed("put", to) : 0;
}

static int run(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int (*each)(const char *) = 0;

	if (!strcmp(cmd, "ls"))
		each = ls;
	else if (!strcmp(cmd, "cat") || !strcmp(cmd, "get"))
		each = cat;
	else if (!strcmp(cmd, "stat"))
		each = show;
	else if (!strcmp(cmd, "rm"))
		each = rm;
	if (each && argc > 2) {
		for (int i = 2; i < argc; i++)
			if (each(argv[i]))
				return 1;
		return 0;
	}
	if (!strcmp(cmd, "mkdir") && argc > 2) {
		for (int i = 2; i < argc; i++)
			if (mkdir(argv[i], 0755))
				return failed("mkdir", argv[i]);
		return 0;
	}
	if (!strcmp(cmd, "mv") && argc == 4)
		return rename(argv[2], argv[3]) ? failed("mv", argv[2]) : 0;
	if (!strcmp(cmd, "put") && argc == 4)
		return put(argv[2], argv[3]);
	fprintf(stderr, "usage: fsaccess ls|cat|get|stat|mkdir|rm PATH... | mv OLD NEW | put ROMFILE PATH\n");
	return 2;
}

int main(int argc, char **argv)
{
	int status = run(argc, argv);

	sync();
	return status;
}
