/*
 * fs.c - the file server's figures, measured by mica-bench-fs through the
 * C library (lib/libc/fsfile.c) against srv/ext2fs in another task, on a
 * writable copy of build/disk.img; the same operations as the Linux
 * baseline's (tests/bench/linux/bench.c):
 *
 *   fs_call               fstatvfs of an open file: one FileSystem.statfs,
 *                         the round trip to the server and little else;
 *   stat_root             stat("/"): FileSystem.stat without a lookup;
 *   stat_path             stat("/bench/a/b/c/file"): one FileSystem.stat,
 *                         the server's lookup of five components;
 *   file_open_close       open and close of an existing file: a session
 *                         made and ended;
 *   file_create_unlink    open(O_CREAT | O_EXCL) of a new file, close,
 *                         unlink: FileSystem.open (a session: a gate, a
 *                         watch, a 32 KiB buffer attached on both sides),
 *                         OpenFile.close, FileSystem.unlink;
 *   file_read_64k_cached  pread of the same 64 KiB, cached: two
 *                         OpenFile.reads into the session's buffer and the
 *                         copies out of it;
 *   file_write_64k        pwrite over the same allocated 64 KiB: the copies
 *                         into the buffer and two OpenFile.writes;
 *   fsync_4k              pwrite of 4 KiB and fsync (OpenFile.fsync: every
 *                         dirty block, then the disk's flush), the disk
 *                         waits spun off (spinner.h);
 *   mmap_file_fault       the first read of each page of a MAP_SHARED
 *                         mapping of a file whose pages are in the page
 *                         cache, per page: the fault goes to the region
 *                         mapper, which asks the file server
 *                         (Dataspace.map), which maps its cache page
 *                         straight into the task.  As Linux's, mmap and
 *                         munmap are not timed;
 *   dir_list_100          opendir, readdir of /bench/l's 100 names (and .
 *                         and ..), closedir: a session, the listing (its
 *                         pipe made, filled and read), its end;
 *   disk_read_seq         the whole of /seq, a 16 MiB file the image was
 *                         made with, in 64 KiB preads, per 64 KiB, after
 *                         posix_fadvise(POSIX_FADV_DONTNEED) took its
 *                         pages out of the page cache (untimed, as the
 *                         Linux baseline's drop_caches; fs.cfg's page
 *                         cache holds the file): the file server reads
 *                         them from the disk, 16 pages a request.  The
 *                         disk waits are spun off (spinner.h);
 *   disk_read_bytes_per_kinstr  65,536,000 / disk_read_seq.
 */
#include "bench.h"
#include "figures.h"
#include "spinner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define XFER 65536
#define SMALL 4096
#define FILE_SIZE 65536
#define PAGE 4096
#define MAP_PAGES 256   /* mmap_file_fault: /bench/m, 1 MiB, inside the page cache */
#define DIR_NAMES 100   /* dir_list_100: the names in /bench/l */
#define SEQ_SIZE (16u << 20)   /* disk_read_seq: /seq, 64 KiB piece i all bytes (i % 255) + 1 */

static char buf[XFER];
static int file_fd;   /* the file the batches below read or write */

/* /bench/a/b/c/file, /bench/big, /bench/w and /bench/s of 64 KiB each,
 * /bench/m of MAP_PAGES pages, page i filled with byte i, written once and
 * synced; 0 or -1 (bench_fail called). */
static int setup(void)
{
	static int done;
	static const char *const dirs[] = { "/bench", "/bench/a", "/bench/a/b", "/bench/a/b/c", "/bench/d" };
	static const char *const files[] = { "/bench/a/b/c/file", "/bench/big", "/bench/w", "/bench/s" };

	if (done)
		return 0;
	for (unsigned i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		if (mkdir(dirs[i], 0755) && errno != EEXIST) {
			bench_fail("mkdir %s: errno %d (no file server?)", dirs[i], errno);
			return -1;
		}
	memset(buf, 'm', sizeof buf);
	for (unsigned i = 0; i < sizeof files / sizeof files[0]; i++) {
		int fd = open(files[i], O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, buf, FILE_SIZE) != FILE_SIZE || close(fd)) {
			bench_fail("writing %s: errno %d", files[i], errno);
			return -1;
		}
	}
	int fd = open("/bench/m", O_RDWR | O_CREAT | O_TRUNC, 0644);
	for (unsigned i = 0; fd >= 0 && i < MAP_PAGES; i++) {
		memset(buf, (int)i, PAGE);
		if (write(fd, buf, PAGE) != PAGE)
			break;
	}
	if (fd < 0 || lseek(fd, 0, SEEK_CUR) != (off_t)MAP_PAGES * PAGE || close(fd)) {
		bench_fail("writing /bench/m: errno %d", errno);
		return -1;
	}
	sync();
	done = 1;
	return 0;
}

static int open_or_fail(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		bench_fail("open %s: errno %d", path, errno);
	return fd;
}

static const char *stat_target;   /* stat_batch's path */

static uint64_t stat_batch(unsigned n)
{
	struct stat st;
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++)
		if (stat(stat_target, &st)) {
			bench_fail("stat %s: errno %d", stat_target, errno);
			return 1;
		}
	return bench_now() - t0;
}

uint64_t bench_stat_root(void)
{
	stat_target = "/";
	return setup() ? 0 : bench_measure(stat_batch, 500);
}

uint64_t bench_stat_path(void)
{
	stat_target = "/bench/a/b/c/file";
	return setup() ? 0 : bench_measure(stat_batch, 500);
}

static uint64_t open_close_batch(unsigned n)
{
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++) {
		int fd = open("/bench/big", O_RDONLY);
		if (fd < 0 || close(fd)) {
			bench_fail("open and close /bench/big: errno %d", errno);
			return 1;
		}
	}
	return bench_now() - t0;
}

uint64_t bench_file_open_close(void)
{
	return setup() ? 0 : bench_measure(open_close_batch, 100);
}

static uint64_t create_batch(unsigned n)
{
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++) {
		int fd = open("/bench/d/f", O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0 || close(fd) || unlink("/bench/d/f")) {
			bench_fail("create, close, unlink /bench/d/f: errno %d", errno);
			return 1;
		}
	}
	return bench_now() - t0;
}

uint64_t bench_file_create_unlink(void)
{
	return setup() ? 0 : bench_measure(create_batch, 100);
}

static uint64_t pread_batch(unsigned n)
{
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++)
		if (pread(file_fd, buf, XFER, 0) != XFER) {
			bench_fail("pread of 64 KiB: errno %d", errno);
			return 1;
		}
	return bench_now() - t0;
}

static uint64_t pwrite_batch(unsigned n)
{
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++)
		if (pwrite(file_fd, buf, XFER, 0) != XFER) {
			bench_fail("pwrite of 64 KiB: errno %d", errno);
			return 1;
		}
	return bench_now() - t0;
}

/* One figure on a file opened for it. */
static uint64_t on_file(const char *path, int flags, bench_batch_fn *batch, unsigned n)
{
	if (setup() || (file_fd = open_or_fail(path, flags)) < 0)
		return 0;
	uint64_t v = bench_measure(batch, n);
	close(file_fd);
	return v;
}

static uint64_t statvfs_batch(unsigned n)
{
	struct statvfs v;
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++)
		if (fstatvfs(file_fd, &v)) {
			bench_fail("fstatvfs: errno %d", errno);
			return 1;
		}
	return bench_now() - t0;
}

uint64_t bench_fs_call(void)
{
	return on_file("/bench/big", O_RDONLY, statvfs_batch, 500);
}

uint64_t bench_file_read_64k_cached(void)
{
	return on_file("/bench/big", O_RDONLY, pread_batch, 50);
}

uint64_t bench_file_write_64k(void)
{
	return on_file("/bench/w", O_WRONLY, pwrite_batch, 50);
}

/* As Linux's: each operation starts a clock tick after the last (untimed),
 * so that each changes the inode's mtime. */
static uint64_t fsync_batch(unsigned n)
{
	uint64_t t = 0;

	for (unsigned i = 0; i < n; i++) {
		usleep(5000);
		uint64_t s0 = spinner_rounds(), t0 = bench_now();
		if (pwrite(file_fd, buf, SMALL, 0) != SMALL || fsync(file_fd)) {
			bench_fail("pwrite of 4 KiB and fsync: errno %d", errno);
			return 1;
		}
		uint64_t d = bench_now() - t0, spun = SPINNER_ROUND * (spinner_rounds() - s0);
		t += d > spun ? d - spun : 1;
	}
	return t;
}

uint64_t bench_fsync_4k(void)
{
	if (spinner_start()) {
		bench_fail("no spinner thread");
		return 0;
	}
	return on_file("/bench/s", O_WRONLY, fsync_batch, 20);
}

/* n pages read first, through mappings of MAP_PAGES pages each. */
static uint64_t fault_batch(unsigned n)
{
	uint64_t t = 0;

	for (unsigned done = 0; done < n; done += MAP_PAGES) {
		unsigned pages = n - done < MAP_PAGES ? n - done : MAP_PAGES, bad = 0;
		volatile const unsigned char *p = mmap(0, (size_t)pages * PAGE, PROT_READ, MAP_SHARED, file_fd, 0);
		if (p == MAP_FAILED) {
			bench_fail("mmap of %u pages: errno %d", pages, errno);
			return 1;
		}
		uint64_t t0 = bench_now();
		for (unsigned i = 0; i < pages; i++)
			bad += p[(size_t)i * PAGE + 9] != (unsigned char)i;
		t += bench_now() - t0;
		munmap((void *)p, (size_t)pages * PAGE);
		if (bad) {
			bench_fail("%u pages of the mapping read wrong", bad);
			return 1;
		}
	}
	return t;
}

uint64_t bench_mmap_file_fault(void)
{
	if (setup() || (file_fd = open_or_fail("/bench/m", O_RDONLY)) < 0)
		return 0;
	fault_batch(MAP_PAGES);   /* every page into the page cache */
	uint64_t v = bench_measure(fault_batch, 1024);
	close(file_fd);
	return v;
}

/* /bench/l with DIR_NAMES empty files; 0 or -1 (bench_fail called). */
static int dir_setup(void)
{
	char name[32];

	if (mkdir("/bench/l", 0755) && errno != EEXIST) {
		bench_fail("mkdir /bench/l: errno %d", errno);
		return -1;
	}
	for (unsigned i = 0; i < DIR_NAMES; i++) {
		snprintf(name, sizeof name, "/bench/l/entry-%03u", i);
		int fd = open(name, O_WRONLY | O_CREAT, 0644);
		if (fd < 0 || close(fd)) {
			bench_fail("creating %s: errno %d", name, errno);
			return -1;
		}
	}
	return 0;
}

static uint64_t list_batch(unsigned n)
{
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++) {
		DIR *d = opendir("/bench/l");
		unsigned names = 0;
		while (d && readdir(d))
			names++;
		if (!d || closedir(d) || names != DIR_NAMES + 2) {
			bench_fail("listing /bench/l: %u names, errno %d", names, errno);
			return 1;
		}
	}
	return bench_now() - t0;
}

uint64_t bench_dir_list_100(void)
{
	return setup() || dir_setup() ? 0 : bench_measure(list_batch, 50);
}

static uint64_t seq_batch(unsigned n)
{
	uint64_t t = 0;

	/* Untimed: the file's pages out of the page cache, as the Linux
	 * baseline drops its caches before each batch. */
	int err = posix_fadvise(file_fd, 0, 0, POSIX_FADV_DONTNEED);
	if (err || (uint64_t)n * XFER > SEQ_SIZE) {
		bench_fail("posix_fadvise DONTNEED of /seq: %d", err);
		return 1;
	}
	for (unsigned i = 0; i < n; i++) {
		uint64_t s0 = spinner_rounds(), t0 = bench_now();
		ssize_t got = pread(file_fd, buf, XFER, (off_t)i * XFER);
		uint64_t d = bench_now() - t0, spun = SPINNER_ROUND * (spinner_rounds() - s0);
		if (got != XFER || buf[0] != (char)(i % 255 + 1) || buf[XFER - 1] != buf[0]) {
			bench_fail("pread of 64 KiB of /seq at %u: %zd, errno %d", i * XFER, got, errno);
			return 1;
		}
		t += d > spun ? d - spun : 1;
	}
	return t;
}

static uint64_t last_seq;   /* disk_read_seq, for disk_read_bytes_per_kinstr */

uint64_t bench_disk_read_seq(void)
{
	struct stat st;

	if (spinner_start()) {
		bench_fail("no spinner thread");
		return 0;
	}
	if (setup() || (file_fd = open_or_fail("/seq", O_RDONLY)) < 0)
		return 0;
	if (fstat(file_fd, &st) || st.st_size != SEQ_SIZE) {
		bench_fail("/seq is not %u bytes", SEQ_SIZE);
		close(file_fd);
		return 0;
	}
	last_seq = bench_measure(seq_batch, SEQ_SIZE / XFER);
	close(file_fd);
	return last_seq;
}

uint64_t bench_disk_read_bytes_per_kinstr(void)
{
	if (!last_seq) {
		bench_fail("disk_read_seq was not measured");
		return 0;
	}
	return (uint64_t)XFER * 1000 / last_seq;
}
