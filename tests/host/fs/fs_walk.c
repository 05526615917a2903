/*
 * fs_walk - opens a possibly damaged image through lib/fs and walks all of
 * it: every directory listed, every file read, every symlink read; then,
 * a read-write mount with a few changes.  Errors are expected
 * and printed; the exit status is 0 whenever the walk ends.  IMAGE is
 * changed: pass a scratch copy.  A crash, a
 * sanitizer report or a hang (the caller's timeout) is the failure
 * fs_images.sh looks for.
 *
 *   fs_walk IMAGE                         walk IMAGE, then write to it
 *   fs_walk --corrupt SEED AREA IN OUT    OUT = IN with AREA damaged, where
 *                                         AREA is super, gdt, itable or dir
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_impl.h"
#include "fsutil.h"

#define MAX_DEPTH 32
#define MAX_ENTRIES 20000
#define MAX_DIRS 4096

static unsigned entries, errors;
static uint32_t seen[MAX_DIRS]; /* directories walked: damage can make loops */
static unsigned n_seen;

static int first_visit(uint32_t ino)
{
	for (unsigned i = 0; i < n_seen; i++)
		if (seen[i] == ino)
			return 0;
	if (n_seen < MAX_DIRS)
		seen[n_seen++] = ino;
	return n_seen < MAX_DIRS;
}
static char data[1 << 16];

static void walk(struct fs *fs, const char *path, unsigned depth);

struct ctx {
	struct fs *fs;
	const char *dir;
	unsigned depth;
	char (*names)[256];
	unsigned n, max;
};

static int collect(void *arg, const char *name, size_t len, uint32_t ino, unsigned type)
{
	struct ctx *c = arg;

	(void)ino, (void)type;
	if ((len == 1 && name[0] == '.') || (len == 2 && !strncmp(name, "..", 2)) || !len)
		return 0;
	if (++entries > MAX_ENTRIES)
		return 1;
	if (c->n == c->max)
		return 0; /* listed, not visited: lookups in big directories are linear */
	snprintf(c->names[c->n++], 256, "%.*s", (int)(len > 255 ? 255 : len), name);
	return 0;
}

static void visit(struct fs *fs, const char *path, unsigned depth)
{
	struct fs_stat st;
	struct fs_file *f;
	char target[4096];
	size_t n, len;

	if (fs_lstat(fs, path, &st)) {
		errors++;
		return;
	}
	if ((st.mode & 0170000) == 0040000) {
		if (first_visit(st.ino))
			walk(fs, path, depth + 1);
	} else if ((st.mode & 0170000) == 0120000) {
		errors += fs_readlink(fs, path, target, sizeof(target), &len) != 0;
		errors += fs_stat(fs, path, &st) != 0; /* follow it too */
	} else if (!fs_open(fs, path, FS_O_NOFOLLOW, 0, &f)) {
		for (uint64_t off = 0; off < (256u << 10); off += n)
			if (fs_read(f, off, data, sizeof(data), &n) || n == 0)
				break;
		struct fs_run runs[16];
		unsigned nr;
		errors += fs_bmap(f, 0, 256 << 10, 0, runs, 16, &nr) != 0;
		fs_close(f);
	} else {
		errors++;
	}
}

static void walk(struct fs *fs, const char *path, unsigned depth)
{
	struct ctx c = { fs, path, depth, NULL, 0, 256 }; /* the first 256 of each */
	struct fs_file *d;
	char child[4096];

	if (depth > MAX_DEPTH || entries > MAX_ENTRIES)
		return;
	if (fs_open(fs, path, 0, 0, &d)) {
		errors++;
		return;
	}
	if (!(c.names = malloc(c.max * sizeof(*c.names)))) {
		fs_close(d);
		return;
	}
	errors += fs_readdir(d, collect, &c) != 0;
	fs_close(d);
	for (unsigned i = 0; i < c.n; i++) {
		snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", c.names[i]);
		visit(fs, child, depth);
	}
	free(c.names);
}

/* A few changes on a writable mount; each may fail on a damaged image. */
static void change(struct fs *fs)
{
	struct fs_file *f;
	size_t n;

	memset(data, 'w', sizeof(data));
	fs_mkdir(fs, "/walk-dir", 0755);
	if (!fs_open(fs, "/walk-dir/file", FS_O_CREAT | FS_O_WRITE, 0644, &f)) {
		fs_write(f, 0, data, sizeof(data), &n);
		fs_write(f, 1 << 20, data, 100, &n);
		fs_truncate(f, 5000);
		fs_close(f);
	}
	fs_rename(fs, "/walk-dir/file", "/walk-file");
	fs_unlink(fs, "/walk-file");
	fs_rmdir(fs, "/walk-dir");
	fs_sync(fs);
}

/* Walks img, then changes it: the caller passes a scratch copy. */
static int walk_image(const char *img)
{
	struct fs *fs;

	if ((fs = mount_image(img, FS_RDONLY))) {
		walk(fs, "/", 0);
		unmount_image(fs);
		printf("%s: walked %u entries, %u errors\n", img, entries, errors);
	}
	if ((fs = mount_image(img, 0))) {
		change(fs);
		unmount_image(fs);
		printf("%s: changed\n", img);
	}
	return 0;
}

/* Byte range [*start, *end) of area in the image at in. */
static int area_range(const char *in, const char *area, uint64_t *start, uint64_t *end)
{
	struct fs *fs = mount_image(in, FS_RDONLY);
	uint64_t bs;
	int err = 0;

	if (!fs)
		return 1;
	bs = fs->e2->blocksize;
	if (!strcmp(area, "super")) {
		*start = 1024, *end = 2048;
	} else if (!strcmp(area, "gdt")) {
		*start = (fs->e2->super->s_first_data_block + 1) * bs;
		*end = *start + bs;
	} else if (!strcmp(area, "itable")) {
		*start = ext2fs_inode_table_loc(fs->e2, 0) * bs;
		*end = *start + 8 * bs;
	} else if (!strcmp(area, "dir")) {
		struct fs_file *f;
		struct fs_run run;
		unsigned n;
		err = fs_open(fs, "/", 0, 0, &f) || fs_bmap(f, 0, bs, 0, &run, 1, &n);
		*start = run.pblk * bs;
		*end = *start + bs;
		fs_close(f);
	} else {
		err = 1;
	}
	unmount_image(fs);
	return err;
}

static int corrupt(unsigned long seed, const char *area, const char *in, const char *out)
{
	uint64_t start, end;
	FILE *f;

	srand((unsigned)seed);
	if (area_range(in, area, &start, &end) || run("cp %s %s", in, out) || !(f = fopen(out, "r+b")))
		return 1;
	for (int i = 0; i < 24; i++) {
		uint64_t at = start + (uint64_t)rand() % (end - start);
		int v = rand() & 0xff;
		fseek(f, (long)at, SEEK_SET);
		fputc(v, f);
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 6 && !strcmp(argv[1], "--corrupt"))
		return corrupt(strtoul(argv[2], NULL, 0), argv[3], argv[4], argv[5]);
	if (argc == 2)
		return walk_image(argv[1]);
	fprintf(stderr, "usage: fs_walk IMAGE | fs_walk --corrupt SEED AREA IN OUT\n");
	return 2;
}
