/*
 * ext2ctl - look at and change an ext2 image from the host, through lib/fs
 * (the same code Mica's file server runs), for people and for tests:
 *
 *   ext2ctl IMAGE ls PATH...          ext2ctl IMAGE mkdir PATH...
 *   ext2ctl IMAGE cat PATH...         ext2ctl IMAGE rm PATH...
 *   ext2ctl IMAGE stat PATH...        ext2ctl IMAGE mv OLD NEW
 *   ext2ctl IMAGE put HOSTFILE PATH   ext2ctl IMAGE get PATH HOSTFILE
 *
 * rm removes files, symlinks and empty directories.  Exit status 0, or 1
 * with lib/fs's message on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "blkdev.h"
#include "fs.h"

#define BUF (1u << 20)

struct cmd {
	const char *name;
	int min_args, max_args; /* after the command; max 0: any number */
	int writes;
	int (*run)(struct fs *fs, int argc, char **argv);
};

static int fail(struct fs *fs, int err)
{
	if (err)
		fprintf(stderr, "ext2ctl: %s\n", fs_error(fs));
	return err;
}


/* The entries of a directory with their attributes, one a line; each is
 * looked up in the open directory, so no full path has to fit a limit. */
struct lister {
	struct fs_file *dir;
	int err;
};

static int list_entry(void *arg, const char *name, size_t len, uint32_t ino, unsigned type)
{
	struct lister *l = arg;
	struct fs_stat st;
	char one[256];

	(void)ino, (void)type;
	if ((len == 1 && name[0] == '.') || (len == 2 && !strncmp(name, "..", 2)))
		return 0;
	if (len >= sizeof(one)) {
		l->err = ENAMETOOLONG;
		return 1;
	}
	memcpy(one, name, len);
	one[len] = 0;
	if ((l->err = fs_lstatat(l->dir, one, &st)))
		return 1;
	printf("%06o %3u %5u %5u %10llu %.*s\n", st.mode, st.nlink, st.uid, st.gid,
	       (unsigned long long)st.size, (int)len, name);
	return 0;
}

static int cmd_ls(struct fs *fs, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		struct fs_file *f;
		int err = fs_open(fs, argv[i], 0, 0, &f);
		if (err)
			return fail(fs, err);
		struct lister l = { f, 0 };
		err = fs_readdir(f, list_entry, &l);
		fs_close(f);
		if (err || l.err)
			return fail(fs, err ? err : l.err);
	}
	return 0;
}

/* Copies a file of the image to out. */
static int copy_out(struct fs *fs, const char *path, FILE *out)
{
	struct fs_file *f;
	char *buf = malloc(BUF);
	uint64_t off = 0;
	size_t n = 1;
	int err = buf ? fs_open(fs, path, 0, 0, &f) : ENOMEM;

	if (err) {
		free(buf);
		return buf ? fail(fs, err) : err;
	}
	while (!err && n) {
		err = fs_read(f, off, buf, BUF, &n);
		if (!err && fwrite(buf, 1, n, out) != n)
			err = EIO;
		off += n;
	}
	fs_close(f);
	free(buf);
	return fail(fs, err);
}

static int cmd_cat(struct fs *fs, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		int err = copy_out(fs, argv[i], stdout);
		if (err)
			return err;
	}
	return 0;
}

static int cmd_get(struct fs *fs, int argc, char **argv)
{
	FILE *out = fopen(argv[1], "wb");
	int err;

	(void)argc;
	if (!out) {
		perror(argv[1]);
		return errno;
	}
	err = copy_out(fs, argv[0], out);
	if (fclose(out) && !err)
		err = EIO;
	return err;
}

/* Opens the host file to put: a directory is refused before anything
 * is created in the image. */
static FILE *open_source(const char *path)
{
	FILE *in = fopen(path, "rb");
	struct stat st;

	if (in && !fstat(fileno(in), &st) && S_ISDIR(st.st_mode)) {
		fclose(in);
		errno = EISDIR;
		in = NULL;
	}
	if (!in)
		fprintf(stderr, "ext2ctl: put %s: %s\n", path, strerror(errno));
	return in;
}

static int cmd_put(struct fs *fs, int argc, char **argv)
{
	FILE *in = open_source(argv[0]);
	char *buf = malloc(BUF);
	struct fs_file *f = NULL;
	uint64_t off = 0;
	size_t n, done;
	int err;

	(void)argc;
	if (!in || !buf) {
		if (!buf)
			fprintf(stderr, "ext2ctl: put: out of memory\n");
		free(buf);
		if (in)
			fclose(in);
		return EIO;
	}
	err = fail(fs, fs_open(fs, argv[1], FS_O_CREAT | FS_O_TRUNC | FS_O_WRITE, 0644, &f));
	while (!err && (n = fread(buf, 1, BUF, in)) > 0) {
		err = fail(fs, fs_write(f, off, buf, n, &done));
		off += done;
	}
	/* A read error is not the end of the file: say so, never truncate
	 * silently (what was copied stays, as with cp). */
	if (!err && ferror(in)) {
		err = errno ? errno : EIO;
		fprintf(stderr, "ext2ctl: put %s: read error after %llu bytes: %s\n", argv[0],
			(unsigned long long)off, strerror(err));
	}
	if (f && fail(fs, fs_close(f)) && !err)
		err = EIO;
	fclose(in);
	free(buf);
	return err;
}

static int cmd_mkdir(struct fs *fs, int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (fail(fs, fs_mkdir(fs, argv[i], 0755)))
			return 1;
	return 0;
}

static int cmd_rm(struct fs *fs, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		struct fs_stat st;
		int err = fs_lstat(fs, argv[i], &st);
		if (!err)
			err = (st.mode & 0170000) == 0040000 ? fs_rmdir(fs, argv[i])
							     : fs_unlink(fs, argv[i]);
		if (fail(fs, err))
			return err;
	}
	return 0;
}

static int cmd_mv(struct fs *fs, int argc, char **argv)
{
	(void)argc;
	return fail(fs, fs_rename(fs, argv[0], argv[1]));
}

static int cmd_stat(struct fs *fs, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		struct fs_stat st;
		int err = fs_lstat(fs, argv[i], &st);
		if (fail(fs, err))
			return err;
		printf("%s: ino %u mode %06o links %u uid %u gid %u size %llu blocks %llu "
		       "atime %lld mtime %lld ctime %lld\n", argv[i], st.ino, st.mode, st.nlink,
		       st.uid, st.gid, (unsigned long long)st.size,
		       (unsigned long long)st.blocks, (long long)st.atime,
		       (long long)st.mtime, (long long)st.ctime);
	}
	return 0;
}

static const struct cmd cmds[] = {
	{ "ls", 1, 0, 0, cmd_ls },       { "cat", 1, 0, 0, cmd_cat },
	{ "stat", 1, 0, 0, cmd_stat },   { "get", 2, 2, 0, cmd_get },
	{ "put", 2, 2, 1, cmd_put },     { "mkdir", 1, 0, 1, cmd_mkdir },
	{ "rm", 1, 0, 1, cmd_rm },       { "mv", 2, 2, 1, cmd_mv },
};

static int usage(void)
{
	fprintf(stderr, "usage: ext2ctl IMAGE ls|cat|stat|mkdir|rm PATH...\n"
		"       ext2ctl IMAGE mv OLD NEW | put HOSTFILE PATH | get PATH HOSTFILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	const struct cmd *c = NULL;
	struct fs_options opt = { 0 };
	struct blkdev *dev;
	struct fs *fs;
	char msg[512];
	int err, n = argc - 3;

	for (size_t i = 0; argc >= 3 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[2], cmds[i].name))
			c = &cmds[i];
	if (!c || n < c->min_args || (c->max_args && n > c->max_args))
		return usage();
	opt.flags = c->writes ? 0 : FS_RDONLY;
	if ((err = blkdev_file_open(argv[1], c->writes, &dev))) {
		fprintf(stderr, "ext2ctl: %s: %s\n", argv[1], strerror(err));
		return 1;
	}
	if ((err = fs_mount(dev, &opt, &fs, msg, sizeof(msg)))) {
		fprintf(stderr, "ext2ctl: %s: %s\n", argv[1], msg);
		dev->close(dev);
		return 1;
	}
	err = c->run(fs, n, argv + 3);
	if (fs_unmount(fs) && !err) {
		fprintf(stderr, "ext2ctl: %s: unmount failed\n", argv[1]);
		err = 1;
	}
	dev->close(dev);
	return err ? 1 : 0;
}
