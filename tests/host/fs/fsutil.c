/*
 * fsutil.c - helpers shared by the lib/fs tests (see fsutil.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "blkdev.h"
#include "fsutil.h"

static char scratch[64];

static void remove_scratch(void)
{
	run("rm -rf %s", scratch);
}

const char *scratch_dir(void)
{
	if (!scratch[0]) {
		const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
		snprintf(scratch, sizeof(scratch), "%s/fstest.XXXXXX", base);
		if (!mkdtemp(scratch)) {
			perror("mkdtemp");
			exit(1);
		}
		atexit(remove_scratch);
	}
	return scratch;
}

int run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st == -1 ? -1 : WEXITSTATUS(st);
}

int make_image(const char *img, const char *type, unsigned bs, const char *dir,
	       unsigned long size_k, const char *extra)
{
	return run("mke2fs -q -F -t %s -b %u %s %s%s %s %luk >/dev/null 2>&1", type, bs,
		   extra ? extra : "", dir ? "-d " : "", dir ? dir : "", img, size_k);
}

struct fs *mount_image(const char *img, unsigned flags)
{
	struct fs_options opt = { .flags = flags };
	struct blkdev *dev;
	struct fs *fs;
	char msg[512];
	int err = blkdev_file_open(img, !(flags & FS_RDONLY), &dev);

	if (err) {
		printf("# open %s: %s\n", img, strerror(err));
		return NULL;
	}
	if ((err = fs_mount(dev, &opt, &fs, msg, sizeof(msg)))) {
		printf("# %s\n", msg);
		dev->close(dev);
		return NULL;
	}
	return fs;
}

int mount_error(const char *img, unsigned flags, char *msg, size_t size)
{
	struct fs_options opt = { .flags = flags };
	struct blkdev *dev;
	struct fs *fs;
	int err = blkdev_file_open(img, 0, &dev);

	msg[0] = 0;
	if (err)
		return err;
	if (!(err = fs_mount(dev, &opt, &fs, msg, size)))
		fs_unmount(fs);
	dev->close(dev);
	return err;
}

int unmount_image(struct fs *fs)
{
	struct blkdev *dev = fs_device(fs);
	int err = fs_unmount(fs);

	dev->close(dev);
	return err;
}

int fsck_clean(const char *img)
{
	int st = run("e2fsck -fn %s >%s/fsck.out 2>&1", img, scratch_dir());

	if (st != 0)
		run("sed 's/^/# /' %s/fsck.out | head -20", scratch_dir());
	return st;
}

char *read_all(struct fs *fs, const char *path, size_t *len)
{
	struct fs_file *f;
	struct fs_stat st;
	char *buf;
	size_t n;

	if (fs_open(fs, path, 0, 0, &f))
		return NULL;
	if (fs_fstat(f, &st) || !(buf = malloc(st.size + 1))) {
		fs_close(f);
		return NULL;
	}
	if (fs_read(f, 0, buf, st.size, &n) || n != st.size) {
		free(buf);
		buf = NULL;
	}
	fs_close(f);
	*len = st.size;
	return buf;
}

char *read_host(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf;

	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) || !(buf = malloc((size_t)st.st_size + 1)) ||
	    fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)st.st_size;
	return buf;
}

int write_at(struct fs *fs, const char *path, uint64_t off, const void *buf, size_t len)
{
	struct fs_file *f;
	size_t done;
	int err = fs_open(fs, path, FS_O_CREAT | FS_O_WRITE, 0644, &f);

	if (err)
		return err;
	err = fs_write(f, off, buf, len, &done);
	fs_close(f);
	return err ? err : done == len ? 0 : EIO;
}
