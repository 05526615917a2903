/*
 * fs_bench - lib/fs throughput on the host (make fs-bench; not a test):
 *
 *   fs_bench IMAGE write|read|create PATH [N]
 *
 * write: N MiB written sequentially to PATH in 1 MiB calls, then unmount;
 * read: PATH read back in 1 MiB calls; create: N small files (100 bytes)
 * created in the directory PATH, then all unlinked.  Prints the seconds
 * spent and the block cache's counters.  fs_bench.sh runs it beside
 * debugfs -w doing the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fs_impl.h"
#include "fsutil.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench_write(struct fs *fs, const char *path, unsigned mib, char *buf)
{
	struct fs_file *f;
	size_t n;
	int err = fs_open(fs, path, FS_O_CREAT | FS_O_TRUNC | FS_O_WRITE, 0644, &f);

	for (unsigned i = 0; !err && i < mib; i++)
		err = fs_write(f, (uint64_t)i << 20, buf, 1 << 20, &n);
	return err ? err : fs_close(f);
}

static int bench_read(struct fs *fs, const char *path, char *buf)
{
	struct fs_file *f;
	size_t n = 1;
	uint64_t off = 0;
	int err = fs_open(fs, path, 0, 0, &f);

	while (!err && n) {
		err = fs_read(f, off, buf, 1 << 20, &n);
		off += n;
	}
	return err ? err : fs_close(f);
}

static int bench_create(struct fs *fs, const char *dir, unsigned count)
{
	char path[256];
	int err = fs_mkdir(fs, dir, 0755);

	for (unsigned i = 0; !err && i < count; i++) {
		snprintf(path, sizeof(path), "%s/file%u", dir, i);
		err = write_at(fs, path, 0, "0123456789012345678901234567890123456789012345678901"
			       "234567890123456789012345678901234567890123456789", 100);
	}
	for (unsigned i = 0; !err && i < count; i++) {
		snprintf(path, sizeof(path), "%s/file%u", dir, i);
		err = fs_unlink(fs, path);
	}
	return err;
}

int main(int argc, char **argv)
{
	char *buf = malloc(1 << 20);
	struct blkio_stats st;
	struct fs *fs;
	double t;
	int err;

	if (argc < 4 || !buf) {
		fprintf(stderr, "usage: fs_bench IMAGE write|read|create PATH [N]\n");
		return 2;
	}
	memset(buf, 0xa5, 1 << 20);
	unsigned n = argc > 4 ? (unsigned)atoi(argv[4]) : 256;
	t = now();
	if (!(fs = mount_image(argv[1], strcmp(argv[2], "read") ? 0 : FS_RDONLY)))
		return 1;
	if (!strcmp(argv[2], "write"))
		err = bench_write(fs, argv[3], n, buf);
	else if (!strcmp(argv[2], "read"))
		err = bench_read(fs, argv[3], buf);
	else
		err = bench_create(fs, argv[3], n);
	if (err)
		fprintf(stderr, "fs_bench: %s\n", fs_error(fs));
	blkio_get_stats(fs->e2->io, &st);
	err |= unmount_image(fs);
	printf("lib/fs %s: %.2f s (cache hits %llu, misses %llu, device reads %llu, writes %llu)\n",
	       argv[2], now() - t, (unsigned long long)st.hits, (unsigned long long)st.misses,
	       (unsigned long long)st.dev_reads, (unsigned long long)st.dev_writes);
	free(buf);
	return err ? 1 : 0;
}
