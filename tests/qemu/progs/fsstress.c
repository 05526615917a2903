/*
 * fsstress.c - several programs on the files of one directory at once
 * over a page cache far smaller than the files (fsstress.scenario,
 * docs/fsserver.md): reads, writes, shared mappings, creates and unlinks
 * interleaved while reclaim runs all the time.
 *
 *   fsstress check     make FILES sparse files of FILE_PAGES pages under
 *                      /st, note the free counts, let the workers go, wait
 *                      for them, then check every byte of every file (by
 *                      read and through a mapping) and the counts back
 *   fsstress W         worker W of WORKERS: OPS seeded random operations,
 *                      then its stripe (the pages p with p % WORKERS == W)
 *                      of every file written whole
 *
 * A byte of a file is pattern(file, offset) or, where no one wrote yet, 0
 * (a hole); a worker checks every byte it reads, and a page it wrote
 * itself must read as the pattern from then on (a lost write, or a page
 * reclaimed and loaded stale, shows as zeros).  Every page is some
 * worker's stripe, so at the end no zero is left.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "qtest.h"

#define PAGE 4096
#define FILES 6
#define FILE_PAGES 24      /* 6 x 96 KiB: more than twice the 64-page cache */
#define WORKERS 3
#define OPS 300
#define WAIT_ROUNDS 6000   /* of 10 ms */

static uint8_t pattern(int file, uint64_t off)
{
	return (uint8_t)(file * 131 + off * 7 + (off >> 12) * 13 + 1) | 1;   /* never 0 */
}

static void path_of(char *buf, size_t size, int file)
{
	snprintf(buf, size, "/st/f%d", file);
}

static int wait_file(const char *path)
{
	struct stat st;

	for (int i = 0; i < WAIT_ROUNDS; i++) {
		if (stat(path, &st) == 0)
			return 1;
		usleep(10000);
	}
	return 0;
}

/* ---- a worker --------------------------------------------------------- */

static uint32_t seed;
static bool wrote[FILES][FILE_PAGES];   /* pages this worker wrote */
static int bad;                          /* wrong bytes and failed calls */

static uint32_t rnd(uint32_t n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) % n;
}

static void fail(const char *what, int file, uint64_t off)
{
	if (bad++ < 10)
		printf("fsstress worker: %s: file %d offset %llu (errno %d)\n", what, file, (unsigned long long)off, errno);
}

/* The bytes of file at off read into buf: each the pattern, or 0 on a
 * page no one wrote that this worker knows of. */
static void check_bytes(int file, uint64_t off, const volatile uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint64_t at = off + i;
		if (buf[i] == pattern(file, at) || (buf[i] == 0 && !wrote[file][at / PAGE]))
			continue;
		fail(buf[i] ? "wrong byte" : "a page this worker wrote reads zero", file, at);
		return;
	}
}

static void op_write(int fd, int file, uint64_t off, size_t len)
{
	static uint8_t buf[4 * PAGE];

	for (size_t i = 0; i < len; i++)
		buf[i] = pattern(file, off + i);
	if (pwrite(fd, buf, len, (off_t)off) != (ssize_t)len)
		return fail("pwrite", file, off);
	/* Only whole pages count as written: a page partly written may have
	 * zeros of its hole beside the new bytes. */
	for (uint64_t p = (off + PAGE - 1) / PAGE; (p + 1) * PAGE <= off + len; p++)
		wrote[file][p] = true;
}

static void op_read(int fd, int file, uint64_t off, size_t len)
{
	static uint8_t buf[4 * PAGE];

	if (pread(fd, buf, len, (off_t)off) != (ssize_t)len)
		return fail("pread", file, off);
	check_bytes(file, off, buf, len);
}

/* Through a shared mapping: some pages read and checked, one written. */
static void op_map(int fd, int file)
{
	volatile uint8_t *m = mmap(0, FILE_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (m == MAP_FAILED)
		return fail("mmap", file, 0);
	for (int i = 0; i < 4; i++) {
		uint64_t p = rnd(FILE_PAGES);
		check_bytes(file, p * PAGE, m + p * PAGE, PAGE);
	}
	uint64_t p = rnd(FILE_PAGES);
	for (uint64_t i = 0; i < PAGE; i++)
		m[p * PAGE + i] = pattern(file, p * PAGE + i);
	wrote[file][p] = true;
	if (munmap((void *)m, FILE_PAGES * PAGE))
		fail("munmap", file, 0);
}

/* A file of its own made, written, read back and unlinked (sometimes
 * unlinked while still open, read after). */
static void op_create(int w, int n)
{
	char path[32], buf[300], back[300];

	snprintf(path, sizeof path, "/st/t%d_%d", w, n);
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return fail("create", -1, (uint64_t)n);
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (char)(w + n + i);
	bool early = rnd(2);
	if (write(fd, buf, sizeof buf) != sizeof buf || (early && unlink(path)) ||
	    pread(fd, back, sizeof back, 0) != sizeof back || memcmp(buf, back, sizeof buf))
		fail("a file of its own", -1, (uint64_t)n);
	if (close(fd) || (!early && unlink(path)))
		fail("close or unlink", -1, (uint64_t)n);
}

static int worker(int w)
{
	char path[32];
	int fds[FILES];

	seed = 0x5eed + (uint32_t)w * 7919;
	if (!wait_file("/st/go"))
		return 2;
	for (int f = 0; f < FILES; f++) {
		path_of(path, sizeof path, f);
		if ((fds[f] = open(path, O_RDWR)) < 0)
			return 3;
	}
	for (int i = 0; i < OPS; i++) {
		int f = (int)rnd(FILES);
		uint64_t off = rnd(FILE_PAGES * PAGE - 1);
		size_t len = 1 + rnd(4 * PAGE);
		if (off + len > FILE_PAGES * PAGE)
			len = FILE_PAGES * PAGE - off;
		switch (rnd(8)) {
		case 0: case 1: case 2: op_write(fds[f], f, off, len); break;
		case 3: case 4: case 5: op_read(fds[f], f, off, len); break;
		case 6: op_map(fds[f], f); break;
		default: op_create(w, i); break;
		}
	}
	for (int f = 0; f < FILES; f++)
		for (uint64_t p = (uint64_t)w; p < FILE_PAGES; p += WORKERS)
			op_write(fds[f], f, p * PAGE, PAGE);
	for (int f = 0; f < FILES; f++)
		if (close(fds[f]))
			fail("close", f, 0);
	snprintf(path, sizeof path, "/st/w%d.%s", w, bad ? "bad" : "done");
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	return bad || fd < 0 || close(fd) ? 1 : 0;
}

/* ---- the checker -------------------------------------------------------- */

static int whole_file(int f)
{
	static uint8_t buf[FILE_PAGES * PAGE];
	char path[32];
	int wrong = 0;

	path_of(path, sizeof path, f);
	int fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof buf) != sizeof buf)
		return -1;
	const volatile uint8_t *m = mmap(0, sizeof buf, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return -1;
	for (uint64_t i = 0; i < sizeof buf; i++)
		wrong += buf[i] != pattern(f, i) || m[i] != pattern(f, i);
	munmap((void *)m, sizeof buf);
	close(fd);
	return wrong;
}

static int check(void)
{
	char path[32];
	struct statvfs before, after;

	qtest_name("fsstress");
	expect("mkdir /st", mkdir("/st", 0755), 0);
	for (int f = 0; f < FILES; f++) {
		path_of(path, sizeof path, f);
		int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
		expect("a sparse file", fd >= 0 && ftruncate(fd, FILE_PAGES * PAGE) == 0 && close(fd) == 0, 1);
	}
	expect("statvfs before", statvfs("/st", &before), 0);
	int go = open("/st/go", O_WRONLY | O_CREAT, 0644);
	expect("the workers go", go >= 0 && close(go) == 0, 1);
	for (int w = 0; w < WORKERS; w++) {
		char done[32];
		snprintf(path, sizeof path, "/st/w%d.done", w);
		snprintf(done, sizeof done, "worker %d done, all its reads right", w);
		expect(done, wait_file(path), 1);
		unlink(path);
	}
	for (int f = 0; f < FILES; f++)
		expect("every byte of a file, read and mapped", whole_file(f), 0);
	expect("sync", (sync(), 0), 0);
	expect("statvfs after", statvfs("/st", &after), 0);
	/* The files' blocks, now all filled, and nothing of the workers' own
	 * files: the inodes back, the blocks fewer by the holes filled (and
	 * their indirect blocks, and what the directory grew by). */
	expect("the workers' files' inodes back", after.f_ffree, before.f_ffree - 1);   /* /st/go */
	expect("blocks: the holes filled, nothing else kept",
	       before.f_bfree - after.f_bfree >= FILES * FILE_PAGES * PAGE / after.f_bsize &&
	       before.f_bfree - after.f_bfree <= FILES * (FILE_PAGES * PAGE / after.f_bsize + 2) + 8, 1);
	return qtest_done();
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "check"))
		return check();
	if (argc > 1 && argv[1][0] >= '0' && argv[1][0] < '0' + WORKERS)
		return worker(argv[1][0] - '0');
	printf("usage: fsstress check | fsstress W (0..%d)\n", WORKERS - 1);
	return 2;
}
