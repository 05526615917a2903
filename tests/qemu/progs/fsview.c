/*
 * fsview.c - reads of regular files through the client's own view of the
 * page cache (fsview.scenario, docs/fsserver.md "Reads"): the C library
 * copies from a read-only shared mapping of the file, MICA_FS_WINDOW bytes
 * of it attached at a time, after OpenFile.load said how much of the range
 * the file holds.
 *
 *   fsview crash       note the free counts in /fv/crash.before, then read
 *                      an unlinked file (its view made) and die by a fault
 *   fsview crashcheck  the counts are back: the dead client's view went
 *   fsview check       every other case; it publishes /fv/pp.go and waits
 *                      for the writer's /fv/pp.done
 *   fsview writer      another program writing a file the checker reads
 *
 * The server runs with a small cache (boot.cfg `cache=256K`: 64 pages), so
 * pages are reclaimed from the views while they are read.
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <libsys/slot.h>
#include <mica/fs.h>
#include <rt/rt.h>
#include "mappings.h"
#include "qtest.h"

#include <idl/rt/fs.h>
#include <idl/rt/registry.h>

#define PAGE 4096
#define WIN MICA_FS_WINDOW
#define BIG (3 * WIN + 12345)    /* three windows and a piece: 12 times the cache */
#define WAIT_ROUNDS 3000         /* of 10 ms: a partner that never comes fails the test, not the boot */
#define MAPPINGS_TRIED 1100      /* more than the server has (1024) */

#define must(cond) do { if (!(cond)) exit(1); } while (0)

/* The C library's adoption of a session with a shared offset (glue.h), as
 * a spawned child's start does with a descriptor it inherits. */
int fsfile_adopt(mica_cap_t gate, int flags, const char *path);

/* The byte at off of the files made here: not the same from page to page. */
static uint8_t byte_at(uint64_t off, unsigned seed)
{
	return (uint8_t)(off * 7 + off / PAGE * 13 + seed);
}

static int make_file(const char *path, uint64_t size, unsigned seed)
{
	static uint8_t buf[65536];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	for (uint64_t at = 0; at < size; at += sizeof buf) {
		size_t n = size - at < sizeof buf ? (size_t)(size - at) : sizeof buf;
		for (size_t i = 0; i < n; i++)
			buf[i] = byte_at(at + i, seed);
		if (pwrite(fd, buf, n, (off_t)at) != (ssize_t)n)
			return -1;
	}
	return fd;
}

/* Whether buf holds the file's n bytes from off. */
static int right(const uint8_t *buf, uint64_t off, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != byte_at(off + i, seed))
			return 0;
	return 1;
}

static int zeros(const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i])
			return 0;
	return 1;
}

/* One read() of three windows and more, pieces across each window's
 * edge, read() in pieces of no alignment to the end, and the short
 * counts at the end; 768 pages through a cache of 64. */
static void reads_cross_the_window(void)
{
	uint8_t *all = malloc(BIG + 100), piece[300];
	int fd = make_file("/fv/big", BIG, 1);

	expect("made /fv/big", fd >= 0 && all, 1);
	if (fd < 0 || !all)
		return;
	close(fd);
	fd = open("/fv/big", O_RDONLY);
	expect("open read-only", fd >= 0, 1);
	expect("read() of it all at once", read(fd, all, BIG + 100), BIG);
	expect("every byte right", right(all, 0, BIG, 1), 1);
	expect("then the end", read(fd, all, 100), 0);
	expect("pread across the first window's edge", pread(fd, piece, 200, WIN - 100), 200);
	expect("its bytes", right(piece, WIN - 100, 200, 1), 1);
	expect("pread across the second's", pread(fd, piece, 2, 2 * WIN - 1), 2);
	expect("its bytes", right(piece, 2 * WIN - 1, 2, 1), 1);
	expect("back into the first window", pread(fd, piece, 300, 5), 300);
	expect("its bytes", right(piece, 5, 300, 1), 1);
	expect("lseek to 0", lseek(fd, 0, SEEK_SET), 0);
	uint64_t total = 0;
	int good = 1;
	for (;;) {
		ssize_t n = read(fd, all, 100003);
		if (n <= 0) {
			expect("read() in pieces ends with 0", n, 0);
			break;
		}
		good &= right(all, total, (size_t)n, 1);
		total += (uint64_t)n;
	}
	expect("read() in pieces: the whole file", (long)total, BIG);
	expect("and every byte right", good, 1);
	expect("pread at the end - 10: 10", pread(fd, piece, 100, BIG - 10), 10);
	expect("its bytes", right(piece, BIG - 10, 10, 1), 1);
	expect("pread at the end: 0", pread(fd, piece, 100, BIG), 0);
	expect("pread far past the end: 0", pread(fd, piece, 100, (off_t)1 << 39), 0);
	close(fd);
	free(all);
}

/* Another session (of this program: the server does not tell them apart)
 * shrinks and grows the file under a view already made. */
static void truncate_by_another_session(void)
{
	static uint8_t buf[65536];
	int w = make_file("/fv/cut", 65536, 2), r = open("/fv/cut", O_RDONLY);

	expect("made /fv/cut, opened read-only", w >= 0 && r >= 0, 1);
	expect("read 64 KiB (the view made)", pread(r, buf, sizeof buf, 0), 65536);
	expect("ftruncate to 5000 by the other", ftruncate(w, 5000), 0);
	memset(buf, 0xff, sizeof buf);
	expect("the view's read stops at 5000", pread(r, buf, sizeof buf, 0), 5000);
	expect("its bytes", right(buf, 0, 5000, 2), 1);
	expect("past the new end: 0", pread(r, buf, 100, 8192), 0);
	expect("ftruncate to 20000 by the other", ftruncate(w, 20000), 0);
	expect("the view reads 20000", pread(r, buf, sizeof buf, 0), 20000);
	expect("the grown part is zeros", zeros(buf + 5000, 15000), 1);
	expect("the first 5000 stay", right(buf, 0, 5000, 2), 1);
	int t = open("/fv/cut", O_WRONLY | O_TRUNC);
	expect("an open with O_TRUNC by a third", t >= 0, 1);
	expect("the view reads nothing", pread(r, buf, sizeof buf, 0), 0);
	close(t);
	close(w);
	close(r);
}

/* Writes of another session, inside the file, growing it, and through a
 * shared mapping, show in the view at once. */
static void writes_of_another_session_show(void)
{
	char buf[32];
	int w = make_file("/fv/co", 4 * PAGE, 3), r = open("/fv/co", O_RDONLY);

	expect("made /fv/co, opened read-only", w >= 0 && r >= 0, 1);
	expect("read (the view made)", pread(r, buf, 10, PAGE), 10);
	expect("pwrite inside by the other", pwrite(w, "inside", 6, PAGE + 2), 6);
	expect("the view reads it", pread(r, buf, 10, PAGE), 10);
	expect("its bytes", memcmp(buf + 2, "inside", 6), 0);
	expect("an append by the other", pwrite(w, "grown", 5, 4 * PAGE + 100), 5);
	expect("the view reads up to the new end", pread(r, buf, 32, 4 * PAGE + 90), 15);
	expect("zeros, then what was appended", zeros((uint8_t *)buf, 10) && !memcmp(buf + 10, "grown", 5), 1);
	char *m = mmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, w, 0);
	expect("mmap MAP_SHARED by the other", m != MAP_FAILED, 1);
	if (m != MAP_FAILED) {
		memcpy(m + 3 * PAGE + 7, "mapped", 6);
		expect("the view reads the mapping's write", pread(r, buf, 6, 3 * PAGE + 7), 6);
		expect("its bytes", memcmp(buf, "mapped", 6), 0);
		munmap(m, 4 * PAGE);
	}
	close(w);
	close(r);
}

/* A view's pages are reclaimed while another file is read through the
 * small cache; reading the first again faults them back right. */
static void reclaimed_pages_come_back(void)
{
	static uint8_t buf[65536];
	int a = make_file("/fv/a", 65536, 4), b = make_file("/fv/b", 1 << 20, 5);

	expect("made /fv/a and /fv/b", a >= 0 && b >= 0, 1);
	expect("read /fv/a", pread(a, buf, sizeof buf, 0), 65536);
	expect("right", right(buf, 0, sizeof buf, 4), 1);
	int good = 1;
	for (int i = 0; i < 16; i++)
		good &= pread(b, buf, sizeof buf, (off_t)i * 65536) == 65536 && right(buf, (uint64_t)i * 65536, 65536, 5);
	expect("read 1 MiB of /fv/b (16 times the cache)", good, 1);
	memset(buf, 0, sizeof buf);
	expect("read /fv/a again", pread(a, buf, sizeof buf, 0), 65536);
	expect("still right", right(buf, 0, sizeof buf, 4), 1);
	close(a);
	close(b);
}

/* Another program (`fsview writer`) writes a file this one holds a view
 * of: after it says so, the view has its bytes and its size. */
static void another_program_writes(void)
{
	char buf[PAGE];
	struct stat st;
	int fd = make_file("/fv/pp", 16 * PAGE, 6), r = open("/fv/pp", O_RDONLY);

	expect("made /fv/pp", fd >= 0 && r >= 0, 1);
	close(fd);
	expect("read (the view made)", pread(r, buf, 100, 5 * PAGE), 100);
	int go = open("/fv/pp.go", O_WRONLY | O_CREAT, 0644);
	expect("published /fv/pp.go", go >= 0, 1);
	close(go);
	int i = 0;
	while (i < WAIT_ROUNDS && stat("/fv/pp.done", &st))
		usleep(10000), i++;
	expect("the writer is done", i < WAIT_ROUNDS, 1);
	expect("pread where it wrote", pread(r, buf, 20, 5 * PAGE + 10), 20);
	expect("its bytes", memcmp(buf, "from the writer", 15), 0);
	expect("pread of what it appended", pread(r, buf, PAGE, 16 * PAGE), PAGE);
	int ws = 1;
	for (int k = 0; k < PAGE; k++)
		ws &= buf[k] == 'w';
	expect("its bytes", ws, 1);
	expect("and the end after it", pread(r, buf, 10, 17 * PAGE), 0);
	close(r);
}

static int writer(void)
{
	char page[PAGE];
	struct stat st;
	int i = 0;

	qtest_name("fsview_writer");
	while (i < WAIT_ROUNDS && stat("/fv/pp.go", &st))
		usleep(10000), i++;
	expect("the checker is ready", i < WAIT_ROUNDS, 1);
	int fd = open("/fv/pp", O_WRONLY);
	expect("open /fv/pp", fd >= 0, 1);
	expect("pwrite inside", pwrite(fd, "from the writer", 15, 5 * PAGE + 10), 15);
	memset(page, 'w', sizeof page);
	expect("lseek to the end", lseek(fd, 0, SEEK_END), 16 * PAGE);
	expect("write a page there", write(fd, page, PAGE), PAGE);
	close(fd);
	fd = open("/fv/pp.done", O_WRONLY | O_CREAT, 0644);
	expect("published /fv/pp.done", fd >= 0, 1);
	close(fd);
	return qtest_done();
}

struct counts {
	unsigned long free_blocks, free_inodes;
};

static struct counts counts_now(void)
{
	struct statvfs v;
	struct counts c = { 0, 0 };

	if (statvfs("/", &v) == 0)
		c = (struct counts){ v.f_bfree, v.f_ffree };
	return c;
}

/* Dies holding an unlinked file open and read through its view: the
 * server must end the session and the view's mapping when the task's
 * capabilities go, and with them the file.  It prints no TAP (it never
 * ends by itself): a failure exits 1 instead of faulting, which the
 * scenario sees. */
static void crash(void)
{
	static uint8_t buf[65536];
	struct counts c = { 0, 0 };

	mkdir("/fv", 0755);
	int note = open("/fv/crash.before", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	must(note >= 0 && write(note, &c, sizeof c) == sizeof c);   /* its block, before counting */
	c = counts_now();
	must(c.free_blocks && pwrite(note, &c, sizeof c, 0) == sizeof c && close(note) == 0);
	int fd = make_file("/fv/crash.held", 256 * 1024, 7);
	must(fd >= 0 && close(fd) == 0);
	fd = open("/fv/crash.held", O_RDONLY);
	must(fd >= 0 && pread(fd, buf, sizeof buf, 65536) == sizeof buf && right(buf, 65536, sizeof buf, 7));
	must(unlink("/fv/crash.held") == 0);
	must(counts_now().free_blocks < c.free_blocks);
	*(volatile int *)0x123456789000 = 1;
}

static int crash_check(void)
{
	struct counts before, now = counts_now();
	int fd = open("/fv/crash.before", O_RDONLY);

	qtest_name("fsview");
	expect("read /fv/crash.before", fd >= 0 && read(fd, &before, sizeof before) == sizeof before, 1);
	close(fd);
	expect("the blocks are back", (long)now.free_blocks, (long)before.free_blocks);
	expect("the inode is back", (long)now.free_inodes, (long)before.free_inodes);
	return qtest_done();
}

/* With every mapping of the server taken (a session of this program's
 * own asks OpenFile.mmap until ENFILE), the C library can make no view: a
 * read goes through the session's buffer instead, and is right. */
static void no_mapping_left_reads_through_the_buffer(void)
{
	static mica_cap_t maps[MAPPINGS_TRIED];
	static uint8_t buf[65536];
	mica_cap_t fs = mica_slot_alloc(), gate = mica_slot_alloc(), buffer = mica_slot_alloc();
	uint32_t size, type;
	unsigned n = 0;
	int err = 0;

	expect("the server from the registry", fs && registry_lookup(rt_cap("registry"), "fs", &fs), 0);
	expect("a session of /fv/a", file_system_open(fs, "/fv/a", MICA_FS_O_READ, 0, &gate, &buffer, &size, &type), 0);
	n = mappings_take_all(gate, maps, MAPPINGS_TRIED, &err);
	expect("mappings until ENFILE", err, -(MICA_FS_ERRNO + ENFILE));
	int fd = open("/fv/a", O_RDONLY);
	expect("open /fv/a", fd >= 0, 1);
	expect("read 64 KiB without a view", pread(fd, buf, sizeof buf, 0), 65536);
	expect("right", right(buf, 0, sizeof buf, 4), 1);
	expect("read at the end - 6: 6", pread(fd, buf, 100, 65530), 6);
	expect("right", right(buf, 65530, 6, 4), 1);
	close(fd);
	mappings_give_back(maps, n);
	expect("close the session", open_file_close(gate), 0);
	mica_slot_drop(gate);
}

/* ---- steps between the C library's request and its copy ------------ */

/* A read copies from the view into the caller's buffer after the server
 * answered how much the file holds.  The buffer's first page is made
 * read-only: the copy's first store into it faults, and the handler
 * does `trap_step` there (a truncation, slots used up), opens the page
 * and the copy goes on.  So the step falls between the answer and the
 * rest of the copy, every time. */
static uint8_t *trap_page;
static void (*trap_step)(void);
static int trapped;

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
	(void)sig, (void)ctx;
	if ((uint8_t *)si->si_addr < trap_page || (uint8_t *)si->si_addr >= trap_page + PAGE)
		_exit(3);   /* a fault of something else */
	trapped++;
	must(mprotect(trap_page, PAGE, PROT_READ | PROT_WRITE) == 0);
	trap_step();
}

/* A buffer of `pages` pages whose first page traps once with `step`. */
static uint8_t *trapped_buffer(size_t pages, void (*step)(void))
{
	struct sigaction sa = { .sa_sigaction = on_trap, .sa_flags = SA_SIGINFO };
	uint8_t *b = mmap(0, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	must(b != MAP_FAILED && sigaction(SIGSEGV, &sa, 0) == 0);
	memset(b, 0xee, pages * PAGE);
	must(mprotect(b, PAGE, PROT_READ) == 0);
	trap_page = b;
	trap_step = step;
	trapped = 0;
	return b;
}

static int cut_fd;

static void cut_to_5000(void)
{
	must(ftruncate(cut_fd, 5000) == 0);
}

/* Another session cuts the file to 5000 bytes after the server said the
 * read may have 64 KiB, before the copy is done: the read is short (the
 * 5000 bytes, right), never 64 KiB with zeros the file never held. */
static void a_cut_during_the_copy_is_a_short_read(void)
{
	uint8_t *b = trapped_buffer(16, cut_to_5000);
	int r;

	cut_fd = make_file("/fv/race", 65536, 7);
	r = open("/fv/race", O_RDONLY);
	expect("made /fv/race, opened read-only", cut_fd >= 0 && r >= 0, 1);
	ssize_t n = read(r, b, 65536);
	expect("the copy trapped once (the cut happened then)", trapped, 1);
	expect("the read stops where the cut did", n, 5000);
	expect("its bytes are the file's", right(b, 0, 5000, 7), 1);
	expect("the offset after them", lseek(r, 0, SEEK_CUR), 5000);
	close(r);
	close(cut_fd);
	munmap(b, 16 * PAGE);
}

/* A descriptor whose offset is shared (as a spawned child's is): the
 * session `gate` of the test's own, and a dup of it adopted as a
 * descriptor by the C library. */
static int shared_fd(const char *path, mica_cap_t *gate)
{
	mica_cap_t fs = mica_slot_alloc(), buffer = mica_slot_alloc(), dup = mica_slot_alloc();
	uint32_t size, type;

	*gate = mica_slot_alloc();
	if (!fs || registry_lookup(rt_cap("registry"), "fs", &fs) ||
	    file_system_open(fs, path, MICA_FS_O_READ | MICA_FS_O_WRITE, 0, gate, &buffer, &size, &type) ||
	    open_file_dup(*gate, 0, &dup))
		return -1;
	mica_slot_free(buffer);
	mica_slot_drop(fs);
	return fsfile_adopt(dup, O_RDWR, path);
}

/* The same at a shared offset (load_on): a short read, and the offset
 * where the file ends. */
static void a_cut_during_the_copy_at_a_shared_offset(void)
{
	uint8_t *b = trapped_buffer(16, cut_to_5000);
	mica_cap_t gate;

	cut_fd = make_file("/fv/race", 65536, 8);
	int r = shared_fd("/fv/race", &gate);
	expect("made /fv/race, a descriptor sharing its offset", cut_fd >= 0 && r >= 0, 1);
	ssize_t n = read(r, b, 65536);
	expect("the copy trapped once", trapped, 1);
	expect("the read stops where the cut did", n, 5000);
	expect("its bytes are the file's", right(b, 0, 5000, 8), 1);
	close(r);
	close(cut_fd);
	open_file_close(gate);
	mica_slot_drop(gate);
	munmap(b, 16 * PAGE);
	unlink("/fv/race");
}

static mica_cap_t slots_taken[MICA_CAP_SLOTS];
static unsigned nslots_taken;

static void take_every_slot(void)
{
	mica_cap_t s;

	while ((s = mica_slot_alloc()) != 0)
		slots_taken[nslots_taken++] = s;
}

/* A read at a shared offset across a window's edge: the view must move
 * for the second window, and cannot (no capability slot left, taken while
 * the first window's bytes were copied).  The read answers what it
 * copied, and the offset is right after it: nothing skipped. */
static void a_view_that_cannot_move_skips_nothing(void)
{
	static uint8_t edge[2 * PAGE];
	uint8_t *b = trapped_buffer(2, take_every_slot), first[100];
	mica_cap_t gate;
	int w = open("/fv/edge", O_RDWR | O_CREAT | O_TRUNC, 0644), r;

	for (unsigned k = 0; k < sizeof edge; k++)
		edge[k] = byte_at(WIN - PAGE + k, 9);
	expect("made /fv/edge: its pages around the window's edge (a hole before)",
	       w >= 0 && pwrite(w, edge, sizeof edge, WIN - PAGE) == sizeof edge, 1);
	close(w);
	r = shared_fd("/fv/edge", &gate);
	expect("a descriptor sharing its offset", r >= 0, 1);
	expect("a read in the first window (the view made there)", read(r, first, sizeof first), 100);
	expect("lseek to 100 before the window's end", lseek(r, WIN - 100, SEEK_SET), WIN - 100);
	nslots_taken = 0;
	ssize_t n = read(r, b, 300);
	off_t at = lseek(r, 0, SEEK_CUR);
	while (nslots_taken)
		mica_slot_free(slots_taken[--nslots_taken]);
	expect("the copy trapped once (the slots went then)", trapped, 1);
	expect("the read answers the first window's 100 bytes", n, 100);
	expect("right", right(b, WIN - 100, 100, 9), 1);
	expect("the offset right after them", at, WIN);
	expect("with slots again, the read goes on from there", read(r, b, 200), 200);
	expect("right", right(b, WIN, 200, 9), 1);
	close(r);
	open_file_close(gate);
	mica_slot_drop(gate);
	munmap(b, 2 * PAGE);
	unlink("/fv/edge");
}

static const struct qtest_case cases[] = {
	{ "reads_cross_the_window", reads_cross_the_window },
	{ "truncate_by_another_session", truncate_by_another_session },
	{ "writes_of_another_session_show", writes_of_another_session_show },
	{ "reclaimed_pages_come_back", reclaimed_pages_come_back },
	{ "another_program_writes", another_program_writes },
	{ "no_mapping_left_reads_through_the_buffer", no_mapping_left_reads_through_the_buffer },
	{ "a_cut_during_the_copy_is_a_short_read", a_cut_during_the_copy_is_a_short_read },
	{ "a_cut_during_the_copy_at_a_shared_offset", a_cut_during_the_copy_at_a_shared_offset },
	{ "a_view_that_cannot_move_skips_nothing", a_view_that_cannot_move_skips_nothing },
};

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "writer"))
		return writer();
	if (argc > 1 && !strcmp(argv[1], "crash"))
		crash();
	if (argc > 1 && !strcmp(argv[1], "crashcheck"))
		return crash_check();
	mkdir("/fv", 0755);
	return QTEST_RUN(argv[0], cases);
}
