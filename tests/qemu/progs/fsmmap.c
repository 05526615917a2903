/*
 * fsmmap.c - memory mappings of files of the file server (fsmmap.scenario,
 * docs/fsserver.md, docs/libc.md): the server's page cache as a dataspace.
 *
 *   fsmmap A      make /mm/pair (two pages), map it MAP_SHARED, write page 0,
 *                 wait to see B's write in page 1 through the mapping
 *   fsmmap B      map /mm/pair MAP_SHARED, wait to see A's write, write page 1
 *   fsmmap crash  note the free counts in /mm/crash.before, then hold an
 *                 unlinked file mapped shared and private, both written, and
 *                 die by a fault
 *   fsmmap crashcheck  the counts are back: the dead client's mappings went
 *   fsmmap check  every other case, then wait for A and B and check the file
 *
 * The server runs with a small cache (boot.cfg `cache=256K`: 64 pages),
 * so the big file's pages are reclaimed while mapped and written.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mica/fs.h>
#include "lookup.h"
#include "qtest.h"

#include <idl/rt/fs.h>

#define PAGE 4096
#define WAIT_ROUNDS 3000   /* of 10 ms: a partner that never comes fails the test, not the boot */
#define BIG_PAGES 256      /* 1 MiB: four times the cache */

static int wait_for(volatile const char *p, const char *text)
{
	for (int i = 0; i < WAIT_ROUNDS; i++) {
		if (!memcmp((const char *)p, text, strlen(text)))
			return 1;
		usleep(10000);
	}
	return 0;
}

static sigjmp_buf bus_back;
static volatile int bus_code;

static void on_bus(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	bus_code = si->si_code;
	siglongjmp(bus_back, 1);
}

/* Whether a read of *p raises SIGBUS with BUS_ADRERR (a page wholly past
 * the file's end). */
static int bus_at(volatile const char *p)
{
	struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO }, old;
	volatile int bus = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	bus_code = 0;
	if (sigsetjmp(bus_back, 1) == 0)
		(void)*p;
	else
		bus = bus_code == BUS_ADRERR;
	sigaction(SIGBUS, &old, 0);
	return bus;
}

static int make_file(const char *path, size_t size, char fill)
{
	char buf[PAGE];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	memset(buf, fill, sizeof buf);
	for (size_t at = 0; at < size; at += PAGE) {
		size_t n = size - at < PAGE ? size - at : PAGE;
		if (write(fd, buf, n) != (ssize_t)n)
			return -1;
	}
	return fd;
}

static int pair(char tag)
{
	char done[16];
	struct stat st;
	int fd;

	qtest_name(tag == 'A' ? "fsmmap_A" : "fsmmap_B");
	if (tag == 'A') {
		mkdir("/mm", 0755);
		fd = make_file("/mm/pair.tmp", 2 * PAGE, '.');
		expect("A: made the file", fd >= 0, 1);
		close(fd);
		expect("A: published it", rename("/mm/pair.tmp", "/mm/pair"), 0);
	} else {
		for (int i = 0; i < WAIT_ROUNDS && stat("/mm/pair", &st); i++)
			usleep(10000);
	}
	fd = open("/mm/pair", O_RDWR);
	expect("open /mm/pair", fd >= 0, 1);
	char *m = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect("mmap MAP_SHARED", m != MAP_FAILED, 1);
	if (m == MAP_FAILED)
		return qtest_done();
	if (tag == 'A') {
		memcpy(m, "written by A", 12);
		expect("A sees B's write through its mapping", wait_for(m + PAGE, "written by B"), 1);
	} else {
		expect("B sees A's write through its mapping", wait_for(m, "written by A"), 1);
		memcpy(m + PAGE, "written by B", 12);
	}
	expect("munmap", munmap(m, 2 * PAGE), 0);
	expect("close", close(fd), 0);
	snprintf(done, sizeof done, "/mm/%c.done", tag);
	fd = open(done, O_WRONLY | O_CREAT, 0644);
	expect("done marker", fd >= 0, 1);
	close(fd);
	return qtest_done();
}

static void shared_sees_write_and_read_sees_mapping(void)
{
	char buf[16] = "";
	int fd = make_file("/mm/coherent", PAGE + 100, 'c');
	char *m = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	expect("mmap", m != MAP_FAILED, 1);
	expect("the file's bytes", m[0] == 'c' && m[PAGE + 99] == 'c', 1);
	expect("past the end: zeros", m[PAGE + 100] == 0 && m[2 * PAGE - 1] == 0, 1);
	expect("pwrite", pwrite(fd, "WRITE", 5, 10), 5);
	expect("write() shows in the mapping", memcmp(m + 10, "WRITE", 5), 0);
	memcpy(m + 20, "MAPPED", 6);
	expect("pread", pread(fd, buf, 6, 20), 6);
	expect("read() sees the mapping's write", memcmp(buf, "MAPPED", 6), 0);
	expect("ftruncate to 50", ftruncate(fd, 50), 0);
	expect("truncated bytes read as zeros in the mapping", m[60] == 0, 1);
	expect("the page past the new end: SIGBUS", bus_at(m + PAGE + 10), 1);
	expect("the rest stays", memcmp(m + 20, "MAPPED", 6), 0);
	int fd2 = open("/mm/coherent", O_RDWR | O_TRUNC);
	expect("another open with O_TRUNC", fd2 >= 0, 1);
	expect("the mapping's first page is past the end: SIGBUS", bus_at(m), 1);
	close(fd2);
	expect("munmap", munmap(m, 2 * PAGE), 0);
	close(fd);
}

static void private_writes_stay_private(void)
{
	char buf[8] = "";
	int fd = make_file("/mm/private", 2 * PAGE, 'p');
	char *shared = mmap(0, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	char *priv = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	expect("mmap shared and private", shared != MAP_FAILED && priv != MAP_FAILED, 1);
	expect("private reads the file", priv[5] == 'p' && priv[PAGE + 5] == 'p', 1);
	memcpy(priv + 5, "PRIV", 4);
	expect("the private mapping has its write", memcmp(priv + 5, "PRIV", 4), 0);
	expect("a shared mapping does not", shared[5], 'p');
	expect("pread", pread(fd, buf, 4, 5), 4);
	expect("the file does not", memcmp(buf, "pppp", 4), 0);
	expect("a page not written still follows the file", pwrite(fd, "NEW", 3, PAGE), 3);
	expect("... and shows it", memcmp(priv + PAGE, "NEW", 3), 0);
	expect("munmap private", munmap(priv, 2 * PAGE), 0);
	expect("munmap shared", munmap(shared, 2 * PAGE), 0);
	close(fd);
	/* Private and writable on a read-only descriptor is allowed. */
	fd = open("/mm/private", O_RDONLY);
	priv = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	expect("MAP_PRIVATE PROT_WRITE of a read-only file", priv != MAP_FAILED, 1);
	if (priv != MAP_FAILED) {
		priv[0] = 'X';
		expect("written privately", priv[0], 'X');
		munmap(priv, PAGE);
	}
	expect("pread", pread(fd, buf, 1, 0), 1);
	expect("the file still has its byte", buf[0], 'p');
	close(fd);
}

/* How many bytes of [p, p + n) are not c. */
static size_t not_all(volatile const char *p, size_t n, char c)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += p[i] != c;
	return bad;
}

/* mmap_masked: the file's bytes up to the limit, zeros from it on (the
 * page that straddles it a copy with its tail zeroed, pages wholly past
 * it the page of zeros, also past the file's end: no SIGBUS); private
 * writes copy, the zero page and the file keep what they had; a shared
 * masked mapping follows the file below the limit and is read-only. */
static void masked_mappings_read_zeros_past_the_limit(void)
{
	int fd = make_file("/mm/masked", 3 * PAGE + 100, 'm');
	char *p, *q, *z;

	expect("make the file (3 pages and 100 bytes)", fd >= 0, 1);
	p = mmap_masked(0, 5 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0, PAGE + 100);
	expect("mmap_masked with the limit inside page 1", p != MAP_FAILED, 1);
	expect("page 0: the file's", not_all(p, PAGE, 'm'), 0);
	expect("page 1: the file's up to the limit", not_all(p + PAGE, 100, 'm'), 0);
	expect("... zeros from it", not_all(p + PAGE + 100, PAGE - 100, 0), 0);
	expect("pages 2 and 3, inside the file: zeros", not_all(p + 2 * PAGE, 2 * PAGE, 0), 0);
	expect("page 4, past the file's end: no SIGBUS", bus_at(p + 4 * PAGE), 0);
	expect("... zeros", not_all(p + 4 * PAGE, PAGE, 0), 0);

	q = mmap_masked(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0, PAGE + 100);
	expect("a private writable one", q != MAP_FAILED, 1);
	q[5] = 'A', q[PAGE + 50] = 'B', q[PAGE + 200] = 'C', q[2 * PAGE + 5] = 'D';
	expect("it reads its writes", q[5] == 'A' && q[PAGE + 50] == 'B' && q[PAGE + 200] == 'C' &&
		q[2 * PAGE + 5] == 'D', 1);
	expect("the straddling page kept the rest", not_all(q + PAGE, 50, 'm') + not_all(q + PAGE + 201, 100, 0), 0);
	expect("the written zero page is a copy: page 3 still zeros", not_all(q + 3 * PAGE, PAGE, 0), 0);
	expect("... and the read-only mapping's pages too",
	       not_all(p + PAGE + 100, PAGE - 100, 0) + not_all(p + 2 * PAGE, 3 * PAGE, 0), 0);
	char buf[3 * PAGE + 100];
	expect("pread the whole file", pread(fd, buf, sizeof buf, 0), (long)sizeof buf);
	expect("the file unchanged", not_all(buf, sizeof buf, 'm'), 0);
	munmap(q, 4 * PAGE), munmap(p, 5 * PAGE);

	p = mmap_masked(0, 4 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0, 2 * PAGE);
	expect("a limit on a page's edge", p != MAP_FAILED && !not_all(p, 2 * PAGE, 'm') &&
		!not_all(p + 2 * PAGE, 2 * PAGE, 0), 1);
	munmap(p, 4 * PAGE);

	/* 16 pages: a read fault maps the block around it (fault-around),
	 * never the file's page at the limit. */
	z = mmap_masked(0, 16 * PAGE, PROT_READ, MAP_SHARED, fd, 0, PAGE + 100);
	expect("a shared masked mapping", z != MAP_FAILED, 1);
	expect("its page 0 the file's", not_all(z, PAGE, 'm'), 0);
	expect("its page 1 masked", not_all(z + PAGE, 100, 'm') + not_all(z + PAGE + 100, PAGE - 100, 0), 0);
	expect("the rest zeros", not_all(z + 2 * PAGE, 14 * PAGE, 0), 0);
	expect("a write to page 0", pwrite(fd, "NEW", 3, 10), 3);
	expect("... shows in it", memcmp(z + 10, "NEW", 3), 0);
	munmap(z, 16 * PAGE);
	errno = 0;
	q = mmap_masked(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, PAGE);
	expect("shared and writable: EACCES", q == MAP_FAILED && errno == EACCES, 1);
	errno = 0;
	expect("a negative limit: EINVAL",
	       mmap_masked(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0, -1) == MAP_FAILED && errno == EINVAL, 1);
	errno = 0;
	expect("anonymous: EINVAL", mmap_masked(0, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, PAGE) ==
		MAP_FAILED && errno == EINVAL, 1);
	close(fd);
	unlink("/mm/masked");
}

static void msync_and_close_write_back(void)
{
	int fd = make_file("/mm/synced", PAGE, '-');
	char *m = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	expect("mmap", m != MAP_FAILED, 1);
	memcpy(m, "synced by msync\n", 16);
	expect("msync", msync(m, PAGE, MS_SYNC), 0);
	expect("munmap", munmap(m, PAGE), 0);
	close(fd);

	/* Written through a mapping, unmapped, closed: the last close writes it. */
	fd = make_file("/mm/closed", PAGE, '-');
	m = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect("mmap", m != MAP_FAILED, 1);
	memcpy(m, "written back at close\n", 22);
	expect("munmap", munmap(m, PAGE), 0);
	expect("close", close(fd), 0);
	/* The mapping outlives its descriptor. */
	fd = open("/mm/closed", O_RDWR);
	m = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect("close with the mapping still there", close(fd), 0);
	expect("the mapping still reads the file", memcmp(m, "written back at close\n", 22), 0);
	m[22] = '!';
	expect("munmap", munmap(m, PAGE), 0);
	char buf[24] = "";
	fd = open("/mm/closed", O_RDONLY);
	expect("read after the last close", read(fd, buf, 23), 23);
	expect("has what the mappings wrote", memcmp(buf, "written back at close\n!", 23), 0);
	close(fd);
	sync();   /* for the host's check */
}

static void anonymous_memory_and_pieces(void)
{
	char *m = mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	expect("mmap MAP_ANONYMOUS", m != MAP_FAILED, 1);
	expect("zeros", m[0] == 0 && m[3 * PAGE - 1] == 0, 1);
	m[0] = 1, m[PAGE] = 2, m[2 * PAGE] = 3;
	expect("munmap the middle page", munmap(m + PAGE, PAGE), 0);
	expect("the pieces keep their bytes", m[0] == 1 && m[2 * PAGE] == 3, 1);
	expect("mprotect read-only", mprotect(m, PAGE, PROT_READ), 0);
	expect("still readable", m[0], 1);
	expect("mprotect writable again", mprotect(m, PAGE, PROT_READ | PROT_WRITE), 0);
	m[1] = 9;
	expect("writable", m[1], 9);
	expect("mprotect over the hole: ENOMEM", mprotect(m, 3 * PAGE, PROT_READ) == -1 && errno == ENOMEM, 1);
	expect("munmap over the hole", munmap(m, 3 * PAGE), 0);
	char *f = mmap(m, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	expect("MAP_FIXED lands where asked", f == m, 1);
	expect("munmap", munmap(f, PAGE), 0);
}

static void errors(void)
{
	int ro = open("/mm/private", O_RDONLY), wo = open("/mm/private", O_WRONLY), dir = open("/mm", O_RDONLY);
	int rw = open("/mm/private", O_RDWR);

#define FAILS(what, call, e) expect(what, (call) == MAP_FAILED && errno == (e), 1)
	FAILS("no descriptor: EBADF", mmap(0, PAGE, PROT_READ, MAP_SHARED, -1, 0), EBADF);
	FAILS("a closed descriptor: EBADF", mmap(0, PAGE, PROT_READ, MAP_SHARED, 60, 0), EBADF);
	FAILS("MAP_SHARED PROT_WRITE of a read-only file: EACCES",
	      mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES);
	FAILS("a write-only descriptor: EACCES", mmap(0, PAGE, PROT_READ, MAP_SHARED, wo, 0), EACCES);
	FAILS("a directory: ENODEV", mmap(0, PAGE, PROT_READ, MAP_SHARED, dir, 0), ENODEV);
	FAILS("length 0: EINVAL", mmap(0, 0, PROT_READ, MAP_SHARED, rw, 0), EINVAL);
	FAILS("an offset not a page's: EINVAL", mmap(0, PAGE, PROT_READ, MAP_SHARED, rw, 100), EINVAL);
	FAILS("neither shared nor private: EINVAL", mmap(0, PAGE, PROT_READ, 0, rw, 0), EINVAL);
	FAILS("both: EINVAL", mmap(0, PAGE, PROT_READ, MAP_SHARED | MAP_PRIVATE, rw, 0), EINVAL);
	FAILS("MAP_FIXED not on a page: EINVAL", mmap((void *)0x100000123, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, rw, 0),
	      EINVAL);
	FAILS("unknown protection: EINVAL", mmap(0, PAGE, 0x40, MAP_SHARED, rw, 0), EINVAL);
	char *m = mmap(0, PAGE, PROT_READ, MAP_SHARED, ro, 0);
	expect("read-only shared mapping", m != MAP_FAILED, 1);
	expect("mprotect PROT_WRITE on it: EACCES", mprotect(m, PAGE, PROT_READ | PROT_WRITE) == -1 && errno == EACCES,
	       1);
	expect("munmap not on a page: EINVAL", munmap(m + 1, PAGE) == -1 && errno == EINVAL, 1);
	expect("munmap length 0: EINVAL", munmap(m, 0) == -1 && errno == EINVAL, 1);
	expect("msync MS_SYNC|MS_ASYNC: EINVAL", msync(m, PAGE, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL, 1);
	expect("munmap", munmap(m, PAGE), 0);
	expect("msync of nothing mapped: ENOMEM", msync(m, PAGE, MS_SYNC) == -1 && errno == ENOMEM, 1);
	close(ro), close(wo), close(dir), close(rw);
}

/* The pages of m from page `from` on, n of them, are those of the
 * around file from page `first` (page i filled with 'a' + i): how many
 * are not. */
static int around_wrong(volatile const char *m, int first, int n)
{
	int bad = 0;

	for (int i = 0; i < n; i++)
		bad += m[(size_t)i * PAGE + 7] != 'a' + first + i;
	return bad;
}

#define AROUND_PAGES 19   /* and 100 bytes of a twentieth */

/* A read fault of a shared mapping maps the cached pages of its 64 KiB
 * block at once (fault-around): each must land at its own place, also
 * in mappings that start inside a block or at an offset, never over a
 * private mapping's copies, and a page remapped read-only by a fault
 * beside it must still take its next write to the file. */
static void fault_around(void)
{
	char buf[PAGE];
	int fd = open("/mm/around", O_RDWR | O_CREAT | O_TRUNC, 0644);

	expect("open /mm/around", fd >= 0, 1);
	for (int i = 0; i <= AROUND_PAGES; i++) {
		memset(buf, 'a' + i, PAGE);
		write(fd, buf, i < AROUND_PAGES ? PAGE : 100);
	}
	for (int i = 0; i <= AROUND_PAGES; i++)   /* every page into the cache */
		pread(fd, buf, 1, (off_t)i * PAGE);
	volatile char *m = mmap(0, 32 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	expect("mmap of 32 pages", m != MAP_FAILED, 1);
	expect("each page at its place", around_wrong(m, 0, AROUND_PAGES), 0);
	expect("the last page ends with the file", m[AROUND_PAGES * PAGE + 99] == 'a' + AROUND_PAGES &&
	       m[AROUND_PAGES * PAGE + 100] == 0, 1);
	expect("past the end: SIGBUS", bus_at(m + (AROUND_PAGES + 1) * PAGE) && bus_at(m + 32 * PAGE - 1), 1);
	volatile char *o = mmap(0, 20 * PAGE, PROT_READ, MAP_SHARED, fd, PAGE);
	expect("mmap from page 1", o != MAP_FAILED, 1);
	expect("its pages at their places", around_wrong(o, 1, AROUND_PAGES - 1), 0);
	/* A fixed mapping a page into a 64 KiB block, from page 1: the
	 * region cuts the first block, the others are whole. */
	char *hole = mmap(0, 48 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t base = ((uintptr_t)hole + 0xffff) & ~(uintptr_t)0xffff;
	volatile char *f = mmap((char *)base + PAGE, 31 * PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, PAGE);
	expect("a fixed mapping inside a block", f == (char *)base + PAGE, 1);
	expect("its pages at their places", around_wrong(f, 1, AROUND_PAGES - 1), 0);
	char *p = mmap(0, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	expect("mmap private", p != MAP_FAILED, 1);
	p[2 * PAGE] = 'P';
	expect("a private page read beside the copy", p[3 * PAGE + 7], 'd');
	expect("the private copy stays", p[2 * PAGE], 'P');
	char *w = mmap(0, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect("mmap shared writable", w != MAP_FAILED, 1);
	w[4 * PAGE] = 'W';
	expect("a page read beside the written one", w[5 * PAGE + 7], 'f');
	w[4 * PAGE + 1] = 'X';
	expect("msync", msync(w, 16 * PAGE, MS_SYNC), 0);
	int fd2 = open("/mm/around", O_RDONLY);
	expect("another session reads both writes", fd2 >= 0 && pread(fd2, buf, 2, 4 * PAGE) == 2 &&
	       !memcmp(buf, "WX", 2), 1);
	close(fd2);
	munmap((void *)m, 32 * PAGE);
	munmap((void *)o, 20 * PAGE);
	munmap(hole, 48 * PAGE);
	munmap(p, 16 * PAGE);
	munmap(w, 16 * PAGE);
	expect("close", close(fd), 0);
}

/* Four times the cache, every page written through a mapping: pages are
 * reclaimed while mapped, written back first, and fault back in. */
static void reclaim_keeps_what_was_written(void)
{
	int fd = make_file("/mm/big", BIG_PAGES * PAGE, 0);
	char *m = mmap(0, BIG_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int bad = 0;

	expect("mmap 1 MiB", m != MAP_FAILED, 1);
	for (int i = 0; i < BIG_PAGES; i++)
		snprintf(m + (size_t)i * PAGE + 7, 16, "page %d", i);
	for (int i = 0; i < BIG_PAGES; i++) {
		char want[16];
		snprintf(want, sizeof want, "page %d", i);
		bad += strcmp(m + (size_t)i * PAGE + 7, want) != 0;
	}
	expect("every page read back through the mapping", bad, 0);
	bad = 0;
	for (int i = 0; i < BIG_PAGES; i++) {
		char want[16], got[16] = "";
		snprintf(want, sizeof want, "page %d", i);
		pread(fd, got, strlen(want) + 1, (off_t)i * PAGE + 7);
		bad += strcmp(got, want) != 0;
	}
	expect("every page read back with read()", bad, 0);
	expect("munmap", munmap(m, BIG_PAGES * PAGE), 0);
	close(fd);
}

static void pair_result(void)
{
	struct stat st;
	char buf[2 * PAGE];

	for (int i = 0; i < WAIT_ROUNDS && (stat("/mm/A.done", &st) || stat("/mm/B.done", &st)); i++)
		usleep(10000);
	int fd = open("/mm/pair", O_RDONLY);
	expect("read /mm/pair", read(fd, buf, sizeof buf), 2 * PAGE);
	expect("A's write is in the file", memcmp(buf, "written by A", 12), 0);
	expect("B's write is in the file", memcmp(buf + PAGE, "written by B", 12), 0);
	close(fd);
	sync();
}

/* Last: the mapping stays until the program ends, and nothing after
 * fsync flushes the disk, so what the host finds there fsync put. */
static void fsync_writes_back(void)
{
	int fd = make_file("/mm/fsynced", PAGE, '-');
	char *m = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	expect("mmap", m != MAP_FAILED, 1);
	memcpy(m, "synced by fsync\n", 16);
	expect("fsync", fsync(fd), 0);
}

#define must(cond) do { if (!(cond)) exit(1); } while (0)

struct counts {
	uint64_t free_blocks, free_inodes;
};

static struct counts counts_now(void)
{
	struct counts c = { 0, 0 };
	uint32_t bs;
	uint64_t blocks, inodes;
	mica_cap_t fs = lookup_once("fs");

	if (!fs || file_system_statfs(fs, &bs, &blocks, &c.free_blocks, &inodes, &c.free_inodes))
		c.free_blocks = c.free_inodes = 0;
	return c;
}

/* Dies holding an unlinked file only through its mappings, with pages
 * written in both: the server must end them when the task's capabilities
 * go, and with them the file.  It prints no TAP (it never ends by
 * itself): a failure exits 1 instead of faulting, which the scenario sees. */
static void crash(void)
{
	struct counts c = { 0, 0 };

	mkdir("/mm", 0755);
	int note = open("/mm/crash.before", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	must(note >= 0 && write(note, &c, sizeof c) == sizeof c);   /* its block, before counting */
	c = counts_now();
	must(c.free_blocks && pwrite(note, &c, sizeof c, 0) == sizeof c && close(note) == 0);
	int fd = make_file("/mm/crash.held", 16 * PAGE, 'h');
	must(fd >= 0);
	char *shared = mmap(0, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *priv = mmap(0, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	must(shared != MAP_FAILED && priv != MAP_FAILED);
	for (int i = 0; i < 16; i++)
		shared[i * PAGE] = 'S', priv[i * PAGE + 1] = 'P';
	must(unlink("/mm/crash.held") == 0 && close(fd) == 0);
	must(counts_now().free_blocks < c.free_blocks);
	*(volatile int *)0x123456789000 = 1;
}

static int crash_check(void)
{
	struct counts before, now = counts_now();
	int fd = open("/mm/crash.before", O_RDONLY);

	qtest_name("fsmmap");
	expect("read /mm/crash.before", fd >= 0 && read(fd, &before, sizeof before) == sizeof before, 1);
	close(fd);
	expect("the blocks are back", now.free_blocks, before.free_blocks);
	expect("the inode is back", now.free_inodes, before.free_inodes);
	return qtest_done();
}

/* New files /mm/reuseR.I made until one gets inode `ino` again (the
 * server keeps a closed file's pages cached: they must not show in it),
 * 100 bytes of 'n' written; its descriptor, -1 when none got the number. */
static int file_with_inode(int round, ino_t ino)
{
	char path[32];
	struct stat st;

	for (int i = 0; i < 64; i++) {
		snprintf(path, sizeof path, "/mm/reuse%d.%d", round, i);
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			return -1;
		if (fstat(fd, &st) == 0 && st.st_ino == ino) {
			memset(path, 'n', sizeof path);
			return write(fd, path, 25) == 25 && write(fd, path, 25) == 25 && write(fd, path, 25) == 25 &&
					       write(fd, path, 25) == 25 ? fd : -1;
		}
		close(fd);
	}
	return -1;
}

/* The bytes of a 100-byte file of 'n' through a mapping and read(): past
 * its end zeros, nothing of a file its inode number named before. */
static int only_its_own_bytes(int fd)
{
	char buf[2 * PAGE];
	char *m = mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	int ok = m != MAP_FAILED && pread(fd, buf, sizeof buf, 0) == 100;

	for (int i = 0; ok && i < PAGE; i++)
		ok = m[i] == (i < 100 ? 'n' : 0) && (i >= 100 || buf[i] == 'n');
	if (m != MAP_FAILED)
		munmap(m, PAGE);
	return ok;
}

static void closed_files_pages_stay_theirs(void)
{
	char buf[2 * PAGE];
	struct stat st;

	/* Read (cached), closed, reopened: the same bytes; then unlinked. */
	int fd = make_file("/mm/old", 2 * PAGE, 'o');
	expect("a file of two pages, read", fd >= 0 && pread(fd, buf, sizeof buf, 0) == sizeof buf, 1);
	expect("its inode", fstat(fd, &st), 0);
	close(fd);
	fd = open("/mm/old", O_RDONLY);
	expect("read again after its last close", pread(fd, buf, sizeof buf, 0) == sizeof buf &&
						   buf[0] == 'o' && buf[2 * PAGE - 1] == 'o', 1);
	close(fd);
	expect("unlinked", unlink("/mm/old"), 0);
	fd = file_with_inode(0, st.st_ino);
	expect("a new file got its inode number", fd >= 0, 1);
	expect("... and shows only its own bytes", fd >= 0 && only_its_own_bytes(fd), 1);
	close(fd);

	/* Unlinked while open: the inode goes at the last close. */
	fd = make_file("/mm/old", 2 * PAGE, 'o');
	expect("another, read", fd >= 0 && pread(fd, buf, sizeof buf, 0) == sizeof buf, 1);
	expect("its inode", fstat(fd, &st), 0);
	expect("unlinked while open", unlink("/mm/old"), 0);
	close(fd);
	fd = file_with_inode(1, st.st_ino);
	expect("a new file got its inode number", fd >= 0, 1);
	expect("... and shows only its own bytes", fd >= 0 && only_its_own_bytes(fd), 1);
	close(fd);
	for (int i = 0; i < 2 * 64; i++) {
		snprintf(buf, sizeof buf, "/mm/reuse%d.%d", i / 64, i % 64);
		unlink(buf);
	}
}

/* posix_fadvise(POSIX_FADV_DONTNEED) drops a file's pages from the page
 * cache and from this mapping: what the mapping wrote is written back
 * first, and the mapping faults it back in; errors come back as the
 * result, errno untouched (a pipe's ESPIPE: lock_test, which has pipes). */
static void advice_keeps_what_was_written(void)
{
	int fd = make_file("/mm/advice", 8 * PAGE, 'v');

	expect("the file", fd >= 0, 1);
	char *m = mmap(0, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect("a shared mapping of it", m != MAP_FAILED, 1);
	m[3 * PAGE + 5] = 'W';
	expect("DONTNEED", posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
	char c = 0;
	expect("read() sees the mapping's write", pread(fd, &c, 1, 3 * PAGE + 5) == 1 && c == 'W', 1);
	expect("the mapping faults it back", m[3 * PAGE + 5] == 'W' && m[7 * PAGE] == 'v', 1);
	expect("SEQUENTIAL, of a range", posix_fadvise(fd, PAGE, 2 * PAGE, POSIX_FADV_SEQUENTIAL), 0);
	errno = 1234;
	expect("no descriptor: EBADF", posix_fadvise(-1, 0, 0, POSIX_FADV_DONTNEED), EBADF);
	expect("another advice: EINVAL", posix_fadvise(fd, 0, 0, 99), EINVAL);
	expect("a negative length: EINVAL", posix_fadvise(fd, 0, -1, POSIX_FADV_NORMAL), EINVAL);
	expect("errno untouched", errno, 1234);
	munmap(m, 8 * PAGE);
	close(fd);
	unlink("/mm/advice");
}

static const struct qtest_case cases[] = {
	{ "shared_sees_write_and_read_sees_mapping", shared_sees_write_and_read_sees_mapping },
	{ "private_writes_stay_private", private_writes_stay_private },
	{ "masked_mappings_read_zeros_past_the_limit", masked_mappings_read_zeros_past_the_limit },
	{ "msync_and_close_write_back", msync_and_close_write_back },
	{ "anonymous_memory_and_pieces", anonymous_memory_and_pieces },
	{ "errors", errors },
	{ "fault_around", fault_around },
	{ "reclaim_keeps_what_was_written", reclaim_keeps_what_was_written },
	{ "pair_result", pair_result },
	{ "fsync_writes_back", fsync_writes_back },
	{ "closed_files_pages_stay_theirs", closed_files_pages_stay_theirs },
	{ "advice_keeps_what_was_written", advice_keeps_what_was_written },
};

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "A") || !strcmp(argv[1], "B")))
		return pair(argv[1][0]);
	if (argc > 1 && !strcmp(argv[1], "crash"))
		crash();
	if (argc > 1 && !strcmp(argv[1], "crashcheck"))
		return crash_check();
	mkdir("/mm", 0755);
	return QTEST_RUN(argv[0], cases);
}
