/*
 * blk_test.c - the block server (srv/blk, docs/blk.md) from a client:
 *
 *   blk_test rw CRC SIZE    the disk is a writable copy of disk1m.img
 *   blk_test ro CRC SIZE    the disk is the image, read-only
 *   blk_test big            a sparse read-only disk of 4 GiB + 1 MiB with
 *                           marks at 4 GiB and in its last block
 *
 * CRC and SIZE are what `cksum` says of the image (the build fills them
 * in).  Every block is read through a session's buffer and the digest
 * compared; on the writable disk a seeded pattern is written over blocks
 * 100..163 and flushed (the scenario compares the image with cmp on the
 * host afterwards), and read back; two clients in tasks of their own
 * (`blk_test writer 0|1`, started by the test) write and read disjoint
 * ranges at once (compared on the host too); requests out of range,
 * misaligned, past the buffer and oversized are EINVAL; a read-only
 * session cannot write (EPERM), a read-only disk refuses writes (EROFS);
 * sessions run out (EBUSY) and come back when their last capability goes;
 * a client killed while it reads without pause (`blk_test hog N`, started
 * by the test, twice) leaves the server serving, its session free again and the
 * kernel's counters as before it was spawned.
 */
#include "qtest.h"

#include <libsys/slot.h>
#include <common/string.h>
#include <mica/error.h>
#include <mica/syscall.h>
#include <rt/rt.h>

#include <idl/rt/block.h>
#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/rt/process.h>
#include <idl/rt/region_map.h>
#include <idl/rt/registry.h>

#define BUF (64u << 10)
#define PATTERN_FIRST 100
#define PATTERN_BLOCKS 64
#define SEED 5

static mica_cap_t blk;
static bool writable;
static unsigned long want_crc, want_size;

struct sess {
	mica_cap_t gate, buffer;
	volatile uint8_t *buf;
};

static unsigned long number(const char *s)
{
	unsigned long v = 0;

	while (s && *s >= '0' && *s <= '9')
		v = v * 10 + (unsigned long)(*s++ - '0');
	return v;
}

static int open_session(struct sess *s, uint32_t size, bool read_only)
{
	uint64_t start;

	s->gate = mica_slot_alloc();
	s->buffer = mica_slot_alloc();
	int err = block_open(blk, size, read_only, &s->gate, &s->buffer);
	if (err)
		return err;
	if ((err = region_map_attach(rt_cap("rm"), 0, size, MICA_R | MICA_W, s->buffer, 0, &start)) != 0)
		return err;
	s->buf = (volatile uint8_t *)start;
	return 0;
}

static void close_session(struct sess *s)
{
	uint64_t start, size;
	mica_cap_t back = mica_slot_alloc();

	region_map_detach(rt_cap("rm"), (uint64_t)s->buf, &start, &size, &back);
	mica_slot_drop(back);
	mica_slot_drop(s->gate);
}

/* POSIX cksum: CRC-32 (0x04c11db7, MSB first) over the bytes and then the length. */
static uint32_t crc_byte(uint32_t crc, unsigned char b)
{
	crc ^= (uint32_t)b << 24;
	for (int k = 0; k < 8; k++)
		crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
	return crc;
}

static uint8_t pattern(uint64_t block, unsigned i)
{
	return (uint8_t)((block * 31 + i * 7 + SEED) % 256);
}

static struct sess main_s;
static int free_sessions(void);

static void info_describes_the_disk(void)
{
	uint64_t blocks = 0;
	uint32_t bs = 0, bufsize = 0;
	bool ro = false;

	blk = mica_slot_alloc();
	expect("the registry names blk", registry_lookup(rt_cap("registry"), "blk", &blk), 0);
	expect("open a session with a 64 KiB buffer", open_session(&main_s, BUF, false), 0);
	expect("info", block_info(main_s.gate, &blocks, &bs, &ro, &bufsize), 0);
	expect("... 512-byte blocks", bs, 512);
	expect("... as many as the image holds", (long)(blocks * bs), (long)want_size);
	expect("... read-only as the drive is", ro, !writable);
	expect("... the buffer's size", bufsize, BUF);
}

static void every_block_reads_as_on_the_host(void)
{
	uint32_t crc = 0;
	uint64_t blocks = want_size / 512;
	int err = 0;

	for (uint64_t b = 0; b < blocks && !err; b += BUF / 512) {
		uint32_t n = blocks - b < BUF / 512 ? (uint32_t)(blocks - b) : BUF / 512;
		if ((err = block_read(main_s.gate, b, n, 0)) != 0)
			break;
		for (uint32_t i = 0; i < n * 512; i++)
			crc = crc_byte(crc, main_s.buf[i]);
	}
	for (unsigned long len = want_size; len; len >>= 8)
		crc = crc_byte(crc, len & 0xff);
	expect("every block read", err, 0);
	expect("... the digest is the host's cksum", (long)(uint32_t)~crc, (long)want_crc);
}

static void a_pattern_written_reads_back(void)
{
	if (!writable) {
		uint32_t x = 0;
		expect("write on the read-only disk: EROFS", block_write(main_s.gate, 0, 1, 0), -MICA_EROFS);
		expect("flush on the read-only disk: 0", block_flush(main_s.gate), 0);
		(void)x;
		return;
	}
	for (unsigned b = 0; b < PATTERN_BLOCKS; b++)
		for (unsigned i = 0; i < 512; i++)
			main_s.buf[b * 512 + i] = pattern(PATTERN_FIRST + b, i);
	expect("write 64 blocks of the pattern at block 100", block_write(main_s.gate, PATTERN_FIRST, PATTERN_BLOCKS, 0), 0);
	expect("flush", block_flush(main_s.gate), 0);
	for (unsigned i = 0; i < BUF; i++)
		main_s.buf[i] = 0;
	expect("read them back at buffer offset 4096", block_read(main_s.gate, PATTERN_FIRST, 8, 4096), 0);
	int good = 1;
	for (unsigned b = 0; b < 8; b++)
		for (unsigned i = 0; i < 512; i++)
			good &= main_s.buf[4096 + b * 512 + i] == pattern(PATTERN_FIRST + b, i);
	expect("... they are the pattern", good, 1);
	expect("... and nothing else in the buffer changed", main_s.buf[0] == 0 && main_s.buf[4096 + 8 * 512] == 0, 1);
}

static void bad_requests_are_refused(void)
{
	uint64_t blocks = want_size / 512;
	mica_cap_t none = mica_slot_alloc(), none2 = mica_slot_alloc();

	expect("count 0: EINVAL", block_read(main_s.gate, 0, 0, 0), -MICA_EINVAL);
	expect("offset not a multiple of 512: EINVAL", block_read(main_s.gate, 0, 1, 100), -MICA_EINVAL);
	expect("range past the buffer: EINVAL", block_read(main_s.gate, 0, 2, BUF - 512), -MICA_EINVAL);
	expect("offset past the buffer: EINVAL", block_read(main_s.gate, 0, 1, BUF + 512), -MICA_EINVAL);
	expect("oversized (129 blocks into 64 KiB): EINVAL", block_read(main_s.gate, 0, 129, 0), -MICA_EINVAL);
	expect("the block after the last: EINVAL", block_read(main_s.gate, blocks, 1, 0), -MICA_EINVAL);
	expect("a range over the end: EINVAL", block_read(main_s.gate, blocks - 1, 2, 0), -MICA_EINVAL);
	expect("block 2^63: EINVAL", block_read(main_s.gate, 1ull << 63, 1, 0), -MICA_EINVAL);
	expect("count 2^32 - 1: EINVAL", block_read(main_s.gate, 0, 0xffffffffu, 0), -MICA_EINVAL);
	expect("the last block itself reads", block_read(main_s.gate, blocks - 1, 1, BUF - 512), 0);
	if (writable)
		expect("a write over the end: EINVAL", block_write(main_s.gate, blocks - 1, 2, 0), -MICA_EINVAL);
	expect("read on the server's gate: ENOSYS", block_read(blk, 0, 1, 0), -MICA_ENOSYS);
	expect("open on a session's gate: ENOSYS", block_open(main_s.gate, 4096, false, &none, &none2), -MICA_ENOSYS);
	expect("open with a buffer of 0: EINVAL", block_open(blk, 0, false, &none, &none2), -MICA_EINVAL);
	expect("... of 4097 bytes: EINVAL", block_open(blk, 4097, false, &none, &none2), -MICA_EINVAL);
	expect("... of 512 KiB: EINVAL", block_open(blk, 512u << 10, false, &none, &none2), -MICA_EINVAL);
}

static void a_read_only_session_cannot_write(void)
{
	struct sess s;
	uint64_t blocks;
	uint32_t bs, bufsize;
	bool ro = false;

	expect("open a read-only session", open_session(&s, 4096, true), 0);
	expect("info: read-only", block_info(s.gate, &blocks, &bs, &ro, &bufsize) == 0 && ro, 1);
	expect("it reads", block_read(s.gate, 0, 8, 0), 0);
	expect("... what the other session reads", s.buf[17] == main_s.buf[17] || block_read(main_s.gate, 0, 1, 0) || s.buf[17] == main_s.buf[17], 1);
	expect("it cannot write", block_write(s.gate, 0, 1, 0), writable ? -MICA_EPERM : -MICA_EROFS);
	close_session(&s);
}

/* idlc's fuzz driver on a read-only session (so that no write lands) and
 * on the server's gate (sessions it opens go again: their replies find no
 * slot); the server answers properly and serves on. */
static void the_fuzzer_gets_proper_answers(void)
{
	struct sess s;

	expect("open a read-only session", open_session(&s, 8192, true), 0);
	expect("Block fuzzed on the session: no wrong answer", block_fuzz(s.gate, 7, 100), 0);
	expect("Block fuzzed on the server's gate: no wrong answer", block_fuzz(blk, 8, 30), 0);
	expect("the session still reads", block_read(s.gate, 0, 16, 0), 0);
	close_session(&s);
	expect("every other session can still be opened", free_sessions(), 7);
}

/* Two clients in tasks of their own (`blk_test writer 0` and `writer 1`,
 * started by the test), each with a session, writing and reading back
 * their own range at once; the scenario compares both ranges on the host. */
#define WRITER_BLOCKS 160
#define WRITER_ROUND 8

static uint64_t writer_first(long w)
{
	return 400 + (uint64_t)w * 200;
}

static uint8_t writer_pattern(long w, uint64_t block, unsigned i)
{
	return (uint8_t)((block * 13 + i * 3 + (uint64_t)w * 101 + 1) % 256);
}

static void two_client_tasks_at_once_keep_their_data(void)
{
	mica_cap_t irq[2], proc[2];
	static const char args[2][9] = { "writer\0" "0", "writer\0" "1" };
	int left = 2;

	if (!writable)
		return;
	for (long w = 0; w < 2; w++) {
		irq[w] = mica_slot_alloc(), proc[w] = mica_slot_alloc();
		expect("an irq to hear of the writer's end", factory_create_irq(MICA_BOOT_FACTORY, irq[w], 0x70 + w), 0);
		expect("... bound to this thread", irq_bind(irq[w], MICA_BOOT_THREAD), 0);
	}
	for (long w = 0; w < 2; w++)
		expect("spawn blk_test writer", launcher_spawn(rt_cap("launcher"), "blk_test", args[w], sizeof args[w], 0,
							      0, irq[w], 4 << 20, &proc[w]), 0);
	while (left > 0) {
		mica_word_t tag, label;

		mica_ipc_wait(0, &tag, &label);
		if (label == 0x70 || label == 0x71)
			left--;
	}
	for (long w = 0; w < 2; w++) {
		bool ended = false;
		int32_t status = -1;
		uint64_t pid;

		expect("the writer ended", process_status(proc[w], &ended, &status, &pid) == 0 && ended, 1);
		expect("... having read back what it wrote, 20 times", status, 0);
		mica_slot_drop(proc[w]);
		mica_slot_drop(irq[w]);
	}
}

/* A writer: a session, a mark in the registry, the other writer's mark
 * awaited (so that both are at the disk at once), then 20 rounds of 8
 * blocks written with its pattern and read back elsewhere in the buffer.
 * Exit status 0 when every block read back as written. */
static int writer(long w)
{
	struct sess s;
	mica_cap_t mark = mica_slot_alloc(), other = mica_slot_alloc();
	const char *names[2] = { "blkw0", "blkw1" };
	int bad = 0, err = -1;

	blk = mica_slot_alloc();
	if (registry_lookup(rt_cap("registry"), "blk", &blk) || open_session(&s, 16384, false) ||
	    factory_create_irq(MICA_BOOT_FACTORY, mark, 1) || registry_publish(rt_cap("registry"), names[w], mark))
		return 2;
	for (int i = 0; i < 100000 && err; i++)
		err = registry_lookup(rt_cap("registry"), names[!w], &other);
	if (err)
		return 3;
	for (uint64_t b = writer_first(w); b < writer_first(w) + WRITER_BLOCKS && !bad; b += WRITER_ROUND) {
		for (unsigned i = 0; i < WRITER_ROUND * 512; i++)
			s.buf[i] = writer_pattern(w, b + i / 512, i % 512);
		bad |= block_write(s.gate, b, WRITER_ROUND, 0) != 0;
		bad |= block_read(s.gate, b, WRITER_ROUND, 8192) != 0;
		for (unsigned i = 0; i < WRITER_ROUND * 512 && !bad; i++)
			bad |= s.buf[8192 + i] != writer_pattern(w, b + i / 512, i % 512);
	}
	bad |= block_flush(s.gate) != 0;
	return bad;
}

static void sessions_run_out_and_come_back(void)
{
	struct sess s[8];
	int n = 0, err = 0;

	while (n < 8 && (err = open_session(&s[n], 4096, true)) == 0)
		n++;
	expect("sessions run out: EBUSY", err, -MICA_EBUSY);
	expect("... after 7 more than the first", n, 7);
	close_session(&s[0]);
	/* The server hears of the session's end by an irq on the session's
	 * thread: ask until it has freed it. */
	for (int i = 0; i < 1000 && (err = open_session(&s[0], 4096, true)) == -MICA_EBUSY; i++)
		;
	expect("one closed: a new one opens", err, 0);
	for (int i = 0; i < n; i++)
		close_session(&s[i]);
}

/* Every session but the caller's own `held` can be opened again (asked
 * until the server has freed those whose clients went). */
static int free_sessions(void)
{
	struct sess s[8];
	int n = 0;

	while (n < 8 && open_session(&s[n], 4096, true) == 0)
		n++;
	for (int i = 0; i < n; i++)
		close_session(&s[i]);
	return n;
}

static void meminfo(struct mica_meminfo *m)
{
	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)m, sizeof *m);
}

/* Whether the kernel's objects, mapping nodes and user pages are as in
 * `before` (the kernel's own page pool may keep slab pages cached). */
static bool counters_back(const struct mica_meminfo *before, struct mica_meminfo *now)
{
	meminfo(now);
	for (int t = 0; t < MICA_MEMINFO_TYPES; t++)
		if (now->objects[t] != before->objects[t])
			return false;
	return now->mapnodes == before->mapnodes && now->user_free_pages == before->user_free_pages;
}

/* One client killed mid-request (`blk_test hog N`, publishing its mark
 * as blkhogN): the server serves on and its session is free again. */
static void kill_a_hog(mica_cap_t irq, char round)
{
	mica_cap_t proc = mica_slot_alloc(), mark = mica_slot_alloc();
	const char args[6] = { 'h', 'o', 'g', 0, round, 0 };
	char name[8] = { 'b', 'l', 'k', 'h', 'o', 'g', round, 0 };
	mica_word_t tag, label;
	bool ended = false;
	int32_t status = 0;
	uint64_t pid;
	int n = 0, err = -1;

	expect("spawn blk_test hog", launcher_spawn(rt_cap("launcher"), "blk_test", args, sizeof args, 0, 0, irq, 4 << 20,
						    &proc), 0);
	for (int i = 0; i < 100000 && err; i++)
		err = registry_lookup(rt_cap("registry"), name, &mark);
	expect("the hog reads without pause (it published its mark)", err, 0);
	expect("a read of ours meanwhile", block_read(main_s.gate, 0, 8, 0), 0);
	expect("kill it", process_kill(proc), 0);
	do
		mica_ipc_wait(0, &tag, &label);
	while (label != 0x66);
	expect("it ended, killed", process_status(proc, &ended, &status, &pid) == 0 && ended && status == 137, 1);
	for (int i = 0; i < 1000 && (n = free_sessions()) != 7; i++)
		;
	expect("its session is free again: 7 open besides ours", n, 7);
	expect("the server still reads for us", block_read(main_s.gate, 0, 8, 0), 0);
	mica_slot_drop(mark);
	mica_slot_drop(proc);
}

/* Two hogs killed; the kernel's figures are taken after the first (which
 * may grow root's and the server's tables for good) and compared after
 * the second. */
static void a_client_killed_mid_request_leaves_the_server_serving(void)
{
	mica_cap_t irq = mica_slot_alloc();
	bool back = false, ro;
	struct mica_meminfo before, now;
	uint64_t blocks;
	uint32_t bs, bufsize;

	expect("an irq to hear of the child's end", factory_create_irq(MICA_BOOT_FACTORY, irq, 0x66), 0);
	expect("... bound to this thread", irq_bind(irq, MICA_BOOT_THREAD), 0);
	kill_a_hog(irq, '1');
	meminfo(&before);
	kill_a_hog(irq, '2');
	/* Root and the server free what was the hog's as they hear of it:
	 * ask (each call lets them run) until the figures are back. */
	for (int i = 0; i < 1000 && !(back = counters_back(&before, &now)); i++)
		block_info(main_s.gate, &blocks, &bs, &ro, &bufsize);
	if (!back)
		for (int t = 0; t < MICA_MEMINFO_TYPES; t++)
			mica_printf("# objects of type %d: %lu before, %lu after\n", t, (unsigned long)before.objects[t],
				    (unsigned long)now.objects[t]);
	mica_printf("# mapping nodes %lu before, %lu after; user pool free pages %lu before, %lu after\n",
		    (unsigned long)before.mapnodes, (unsigned long)now.mapnodes, (unsigned long)before.user_free_pages,
		    (unsigned long)now.user_free_pages);
	expect("the kernel's counters are back (objects, mapping nodes, user pages)", back, 1);
	mica_slot_drop(irq);
}

/* The client killed mid-request: a session, a mark in the registry, then
 * reads until it is killed. */
static int hog(const char *round)
{
	struct sess s;
	mica_cap_t mark = mica_slot_alloc();
	char name[8] = { 'b', 'l', 'k', 'h', 'o', 'g', round[0], 0 };

	blk = mica_slot_alloc();
	if (registry_lookup(rt_cap("registry"), "blk", &blk) || open_session(&s, 65536, false) ||
	    factory_create_irq(MICA_BOOT_FACTORY, mark, 1) || registry_publish(rt_cap("registry"), name, mark))
		return 1;
	for (uint64_t b = 0;; b = (b + 128) % 2048)
		block_read(s.gate, b, 128, 0);
}

static bool mark_at(uint64_t block, const char *mark)
{
	if (block_read(main_s.gate, block, 1, 0))
		return false;
	for (unsigned i = 0; mark[i]; i++)
		if (main_s.buf[i] != (uint8_t)mark[i])
			return false;
	return true;
}

static void a_disk_above_4_gib_reads_past_it(void)
{
	uint64_t blocks = 0;
	uint32_t bs = 0, bufsize = 0;
	bool ro = false;

	blk = mica_slot_alloc();
	expect("the registry names blk", registry_lookup(rt_cap("registry"), "blk", &blk), 0);
	expect("open a session", open_session(&main_s, BUF, true), 0);
	expect("info", block_info(main_s.gate, &blocks, &bs, &ro, &bufsize), 0);
	expect("... 4 GiB + 1 MiB of 512-byte blocks", (long)blocks, (long)((4097ull << 20) / 512));
	expect("block 2^23 (byte 4 GiB) holds its mark", mark_at(1ull << 23, "MICA-4G!"), 1);
	expect("the last block holds its mark", mark_at(blocks - 1, "MICA-END"), 1);
	expect("block 0 reads as zeros", block_read(main_s.gate, 0, 1, 0) == 0 && main_s.buf[0] == 0 && main_s.buf[511] == 0, 1);
	expect("the block after the last: EINVAL", block_read(main_s.gate, blocks, 1, 0), -MICA_EINVAL);
	expect("a range wrapping past 2^64: EINVAL", block_read(main_s.gate, ~0ull, 2, 0), -MICA_EINVAL);
}

static const struct qtest_case big_cases[] = {
	{ "a_disk_above_4_gib_reads_past_it", a_disk_above_4_gib_reads_past_it },
};

static const struct qtest_case cases[] = {
	{ "info_describes_the_disk", info_describes_the_disk },
	{ "every_block_reads_as_on_the_host", every_block_reads_as_on_the_host },
	{ "a_pattern_written_reads_back", a_pattern_written_reads_back },
	{ "bad_requests_are_refused", bad_requests_are_refused },
	{ "a_read_only_session_cannot_write", a_read_only_session_cannot_write },
	{ "the_fuzzer_gets_proper_answers", the_fuzzer_gets_proper_answers },
	{ "two_client_tasks_at_once_keep_their_data", two_client_tasks_at_once_keep_their_data },
	{ "sessions_run_out_and_come_back", sessions_run_out_and_come_back },
	{ "a_client_killed_mid_request_leaves_the_server_serving", a_client_killed_mid_request_leaves_the_server_serving },
};

int main(int argc, char **argv)
{
	if (argc > 2 && mica_streq(argv[1], "hog"))
		return hog(argv[2]);
	if (argc > 2 && mica_streq(argv[1], "writer"))
		return writer(argv[2][0] == '1');
	if (argc > 1 && mica_streq(argv[1], "big"))
		return QTEST_RUN(argv[0], big_cases);
	writable = argc > 1 && mica_streq(argv[1], "rw");
	want_crc = number(argc > 2 ? argv[2] : 0);
	want_size = number(argc > 3 ? argv[3] : 0);
	return QTEST_RUN(argv[0], cases);
}
