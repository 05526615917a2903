/*
 * pipe_test.c - pipes (lib/libc/pipe.c, srv/pipe, docs/pipes.md), TAP.
 *
 * Within the program: data through a pipe, the end of data, EPIPE,
 * O_NONBLOCK's EAGAIN, the capacity, a PIPE_BUF write that never goes in
 * part, tickets.  Between programs (the same program started again with
 * an argument, its stdin or stdout a pipe end handed off as a ticket):
 * 64 MiB checked byte by byte, the end of data and EPIPE when the other
 * program is killed, ten writers of PIPE_BUF records that never tear.
 */
#define _GNU_SOURCE   /* pipe2 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pipe_ticket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/pipe.h>
#include <rt/rt.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/rt/pipe.h>
#include <idl/rt/process.h>
#include <idl/rt/registry.h>

#include "../lib/qtest.h"

#define BIG (64u << 20)      /* the producer's bytes */
#define CHUNK 4096u
#define WRITERS 10
#define RECORDS 64           /* each writer's */
#define END_IRQ_LABEL 0x656e64ull

static uint8_t block[MICA_PIPE_CAPACITY];

/* The byte at position i of the producer's stream. */
static uint8_t pattern(uint64_t i)
{
	return (uint8_t)(i * 7 + (i >> 12));
}

static void data_goes_through(void)
{
	int fd[2];
	char buf[16] = "";
	struct stat st;

	expect("pipe()", pipe(fd), 0);
	expect("write 5 bytes", write(fd[1], "hello", 5), 5);
	expect("read them", read(fd[0], buf, sizeof buf), 5);
	expect("... as written", memcmp(buf, "hello", 5), 0);
	expect("fstat: a FIFO", fstat(fd[0], &st) == 0 && S_ISFIFO(st.st_mode), 1);
	expect("lseek: ESPIPE", lseek(fd[0], 0, SEEK_SET) == -1 && errno == ESPIPE, 1);
	expect("read on the write end: EBADF", read(fd[1], buf, 1) == -1 && errno == EBADF, 1);
	expect("write on the read end: EBADF", write(fd[0], buf, 1) == -1 && errno == EBADF, 1);
	expect("not a tty", isatty(fd[0]), 0);
	expect("pipe2 with another flag: EINVAL", pipe2(fd + 0, O_APPEND) == -1 && errno == EINVAL, 1);
	close(fd[0]);
	close(fd[1]);
}

static void end_of_data_and_epipe(void)
{
	int fd[2], n = 0;
	char buf[8];

	expect("pipe()", pipe(fd), 0);
	int w2 = dup(fd[1]);
	expect("write 3", write(fd[1], "abc", 3), 3);
	close(fd[1]);
	expect("a dup keeps the end: read what is there", read(fd[0], buf, sizeof buf), 3);
	close(w2);
	expect("every write end closed: end of data", read(fd[0], buf, sizeof buf), 0);
	expect("... again", read(fd[0], buf, sizeof buf), 0);
	close(fd[0]);

	expect("pipe()", pipe(fd), 0);
	close(fd[0]);
	/* The server learns of the close from the kernel: a write may still
	 * fit before it does, never more than the capacity. */
	ssize_t r;
	while ((r = write(fd[1], block, CHUNK)) == CHUNK && n <= (int)(MICA_PIPE_CAPACITY / CHUNK))
		n++;
	expect("every read end closed: EPIPE", r == -1 && errno == EPIPE, 1);
	close(fd[1]);
}

static void nonblocking(void)
{
	int fd[2], n = 0;
	char c;

	expect("pipe2(O_NONBLOCK | O_CLOEXEC)", pipe2(fd, O_NONBLOCK | O_CLOEXEC), 0);
	expect("O_NONBLOCK in F_GETFL", (fcntl(fd[0], F_GETFL) & O_NONBLOCK) != 0, 1);
	expect("FD_CLOEXEC in F_GETFD", fcntl(fd[1], F_GETFD), FD_CLOEXEC);
	expect("empty: EAGAIN", read(fd[0], &c, 1) == -1 && errno == EAGAIN, 1);
	while (write(fd[1], block, CHUNK) == CHUNK)
		n++;
	expect("full: EAGAIN", errno, EAGAIN);
	expect("the capacity: 64 KiB", n * CHUNK, MICA_PIPE_CAPACITY);
	expect("read 1 byte", read(fd[0], &c, 1), 1);
	expect("a PIPE_BUF write does not go in part: EAGAIN", write(fd[1], block, CHUNK) == -1 && errno == EAGAIN, 1);
	expect("1 byte does", write(fd[1], "x", 1), 1);
	expect("read 2 bytes", read(fd[0], block, 2), 2);
	expect("a larger write goes in part: what fits", write(fd[1], block, 2 * CHUNK), 2);
	close(fd[0]);
	close(fd[1]);
}

static void tickets(void)
{
	int fd[2];
	char buf[8];
	mica_cap_t t;

	expect("pipe()", pipe(fd), 0);
	expect("hand off the write end", pipe_hand_off(fd[1], &t), 0);
	int w = pipe_adopt(t, 0);
	expect("adopt it: a descriptor", w >= 0, 1);
	expect("the ticket is used up", pipe_adopt(t, 0) == -1 && errno == EINVAL, 1);
	mica_slot_free(t);   /* adoption left it empty */
	close(fd[1]);
	expect("write through the adopted end", write(w, "xy", 2), 2);
	expect("read it", read(fd[0], buf, sizeof buf), 2);
	close(w);
	expect("its close ends the data", read(fd[0], buf, sizeof buf), 0);
	expect("hand off a descriptor that is no pipe: EINVAL", pipe_hand_off(1, &t) == -1 && errno == EINVAL, 1);
	expect("hand off the read end", pipe_hand_off(fd[0], &t), 0);
	close(fd[0]);
	mica_slot_drop(t);   /* the ticket goes unadopted: the pipe with it */

	expect("pipe2(O_NONBLOCK)", pipe2(fd, O_NONBLOCK), 0);
	expect("a ticket for the write end", pipe_hand_off(fd[1], &t), 0);
	close(fd[1]);
	expect("the ticket holds the write end: EAGAIN, no end of data", read(fd[0], buf, 1) == -1 && errno == EAGAIN,
	       1);
	mica_slot_drop(t);
	fcntl(fd[0], F_SETFL, 0);
	expect("the ticket dropped unadopted: end of data", read(fd[0], buf, 1), 0);
	close(fd[0]);
}

/* ---- between programs ---------------------------------------------- */

static mica_cap_t end_irq;

/* Start this program with `arg`, its stdin and stdout the tickets given
 * (0: the console's stdout, no stdin); its Process capability. */
static mica_cap_t spawn(const char *arg, mica_cap_t in, mica_cap_t out)
{
	mica_cap_t proc = mica_slot_alloc();

	if (!end_irq) {
		end_irq = mica_slot_alloc();
		factory_create_irq(MICA_BOOT_FACTORY, end_irq, END_IRQ_LABEL);
		irq_bind(end_irq, MICA_BOOT_THREAD);
	}
	int err = launcher_spawn(rt_cap("launcher"), "pipe_test", arg, (uint32_t)strlen(arg) + 1,
				 out ? out : rt_cap("stdout"), in, end_irq, 4u << 20, &proc);
	return err ? 0 : proc;
}

/* Wait until `proc` has ended; its status. */
static int32_t wait_end(mica_cap_t proc)
{
	bool ended = false;
	int32_t status = -1;
	uint64_t pid;

	while (process_status(proc, &ended, &status, &pid) == 0 && !ended)
		mica_ipc_wait(0, 0, 0);
	mica_slot_drop(proc);
	return status;
}

static void producer_and_consumer(void)
{
	int fd[2];
	mica_cap_t t;

	expect("pipe()", pipe(fd), 0);
	expect("a ticket for the read end", pipe_hand_off(fd[0], &t), 0);
	mica_cap_t proc = spawn("consume", t, 0);
	expect("start the consumer with it as stdin", proc != 0, 1);
	close(fd[0]);
	for (uint64_t at = 0; at < BIG; at += sizeof block) {
		for (unsigned i = 0; i < sizeof block; i++)
			block[i] = pattern(at + i);
		if (write(fd[1], block, sizeof block) != sizeof block)
			break;
	}
	close(fd[1]);
	expect("the consumer read 64 MiB with the right checksum (its status)", wait_end(proc), 0);
	mica_slot_drop(t);
}

/* The consumer: stdin to its end, checked against the pattern. */
static int consume(void)
{
	static uint8_t buf[16384];
	uint64_t at = 0;
	ssize_t n;

	if (isatty(0))
		return 4;   /* its stdin is a pipe end, no terminal */
	while ((n = read(0, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != pattern(at + (uint64_t)i))
				return 2;
		at += (uint64_t)n;
	}
	return n == 0 && at == BIG ? 0 : 3;
}

/* The stalled reader: adopts stdin (its first use), says so with a byte
 * to stdout, then waits on stdin for what never comes. */
static int stall(void)
{
	struct stat st;
	char c;

	fstat(0, &st);
	write(1, "r", 1);
	read(0, &c, 1);
	return 0;
}

static void killed_other_side(void)
{
	int to[2], from[2];
	mica_cap_t tin, tout;
	char c;
	ssize_t r;

	expect("two pipes", pipe(to) == 0 && pipe(from) == 0, 1);
	expect("tickets", pipe_hand_off(to[0], &tin) == 0 && pipe_hand_off(from[1], &tout) == 0, 1);
	mica_cap_t proc = spawn("stall", tin, tout);
	expect("start the stalled reader", proc != 0, 1);
	close(to[0]);
	close(from[1]);
	expect("it adopted its ends", read(from[0], &c, 1), 1);
	expect("kill it", process_kill(proc), 0);
	expect("its write end went with it: end of data", read(from[0], &c, 1), 0);
	int n = 0;
	while ((r = write(to[1], block, CHUNK)) == CHUNK && n <= (int)(MICA_PIPE_CAPACITY / CHUNK))
		n++;
	expect("its read end went with it: EPIPE", r == -1 && errno == EPIPE, 1);
	expect("its status: killed", wait_end(proc), 137);
	close(to[1]);
	close(from[0]);
	mica_slot_drop(tin);
	mica_slot_drop(tout);
}

/* A writer: RECORDS records of PIPE_BUF bytes, each all its id. */
static int write_records(int id)
{
	static uint8_t rec[MICA_PIPE_BUF];

	memset(rec, 'a' + id, sizeof rec);
	for (int i = 0; i < RECORDS; i++)
		if (write(1, rec, sizeof rec) != sizeof rec)
			return 1;
	return 0;
}

static void ten_writers(void)
{
	static uint8_t rec[MICA_PIPE_BUF];
	mica_cap_t procs[WRITERS], tickets_[WRITERS];
	unsigned counts[WRITERS] = { 0 }, torn = 0, total = 0;
	int fd[2];
	char arg[16];

	expect("pipe()", pipe(fd), 0);
	for (int i = 0; i < WRITERS; i++) {
		pipe_hand_off(fd[1], &tickets_[i]);
		snprintf(arg, sizeof arg, "write%d", i);
		procs[i] = spawn(arg, 0, tickets_[i]);
	}
	close(fd[1]);
	for (;;) {
		size_t got = 0;
		ssize_t n = 1;
		while (got < sizeof rec && (n = read(fd[0], rec + got, sizeof rec - got)) > 0)
			got += (size_t)n;
		if (!got)
			break;
		unsigned id = rec[0] - 'a';
		for (size_t i = 0; i < got; i++)
			if (rec[i] != rec[0] || got != sizeof rec || id >= WRITERS)
				torn++, i = got;
		if (id < WRITERS)
			counts[id]++;
		total++;
	}
	int ok = 1;
	for (int i = 0; i < WRITERS; i++) {
		ok &= wait_end(procs[i]) == 0 && counts[i] == RECORDS;
		mica_slot_drop(tickets_[i]);
	}
	expect("no record torn", torn, 0);
	expect("every writer's records arrived", ok && total == WRITERS * RECORDS, 1);
	close(fd[0]);
}

/* idlc's fuzz driver on the server's gate and on both ends of a pipe made
 * by hand (its count of wrong answers is not checked: random capabilities
 * and sides make most calls fail as they should); the server still makes
 * pipes that work, and the fuzzed pipe goes with its capabilities. */
static void the_server_survives_the_fuzzer(void)
{
	mica_cap_t srv = mica_slot_alloc(), r = mica_slot_alloc(), w = mica_slot_alloc();
	int fd[2];
	char c;

	expect("the server in the registry", registry_lookup(rt_cap("registry"), "pipe", &srv), 0);
	pipe_server_fuzz(srv, 21, 100);
	expect("a pipe by hand", pipe_factory_create(srv, &r, &w), 0);
	pipe_server_fuzz(r, 22, 100);
	pipe_server_fuzz(w, 23, 100);
	expect("create on an end: ENOSYS", pipe_factory_create(r, &r, &w), -MICA_ENOSYS);
	mica_cap_t t = mica_slot_alloc(), e = mica_slot_alloc();
	uint32_t kind;
	expect("adopt on an end: ENOSYS", pipe_end_adopt(w, &e, &kind), -MICA_ENOSYS);
	expect("wake with a side that is none: EINVAL", pipe_end_wake(w, 4), -MICA_EINVAL);
	expect("attach without an irq: EINVAL", pipe_end_attach(w, MICA_CAP_NULL, &e, &kind, &kind), -MICA_EINVAL);
	expect("attach with a gate for an irq: EINVAL", pipe_end_attach(w, r, &e, &kind, &kind), -MICA_EINVAL);
	expect("a ticket", pipe_end_hand_off(r, &t), 0);
	expect("hand_off on a ticket: ENOSYS", pipe_end_hand_off(t, &e), -MICA_ENOSYS);
	mica_slot_drop(t);
	mica_slot_drop(r);
	mica_slot_drop(w);
	mica_slot_free(e);
	expect("pipe() still works", pipe(fd), 0);
	expect("write", write(fd[1], "z", 1), 1);
	expect("read", read(fd[0], &c, 1) == 1 && c == 'z', 1);
	close(fd[0]);
	close(fd[1]);
	mica_slot_drop(srv);
}

/* 64 pipes at once, made by hand and dropped, twice: what a pipe holds
 * (its ring of the server's 8 MiB, gates, irqs) goes with its ends, or
 * the second round would run out.  The server learns of the drops from
 * the kernel, so a round waits while pipes dropped before are still there. */
static void pipes_go_with_their_ends(void)
{
	static mica_cap_t ends[64][2];
	mica_cap_t srv = mica_slot_alloc(), spare[2] = { mica_slot_alloc(), mica_slot_alloc() };
	int n[2] = { 0, 0 };

	registry_lookup(rt_cap("registry"), "pipe", &srv);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 64; i++)
			ends[i][0] = mica_slot_alloc(), ends[i][1] = mica_slot_alloc();
		for (int tries = 0; n[round] < 64 && tries < 10000; tries++) {
			int err = pipe_factory_create(srv, &ends[n[round]][0], &ends[n[round]][1]);
			if (!err)
				n[round]++;
			else if (err == -MICA_ENOMEM)
				usleep(1000);   /* pipes dropped before may not have gone yet */
			else
				break;
		}
		if (!round)
			expect("the 65th: ENOMEM", pipe_factory_create(srv, &spare[0], &spare[1]), -MICA_ENOMEM);
		for (int i = 0; i < 64; i++)
			mica_slot_drop(ends[i][0]), mica_slot_drop(ends[i][1]);
	}
	expect("64 pipes at once", n[0], 64);
	expect("64 again once they have gone", n[1], 64);
	mica_slot_free(spare[0]), mica_slot_free(spare[1]);
	mica_slot_drop(srv);
}

static const struct qtest_case cases[] = {
	{ "data_goes_through", data_goes_through }, { "end_of_data_and_epipe", end_of_data_and_epipe },
	{ "nonblocking", nonblocking }, { "tickets", tickets }, { "producer_and_consumer", producer_and_consumer },
	{ "killed_other_side", killed_other_side }, { "ten_writers", ten_writers },
	{ "the_server_survives_the_fuzzer", the_server_survives_the_fuzzer },
	{ "pipes_go_with_their_ends", pipes_go_with_their_ends },
};

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "consume"))
		return consume();
	if (argc > 1 && !strcmp(argv[1], "stall"))
		return stall();
	if (argc > 1 && !strncmp(argv[1], "write", 5))
		return write_records(atoi(argv[1] + 5));
	signal(SIGPIPE, SIG_IGN);   /* EPIPE is what is tested here; SIGPIPE in sig.scenario */
	return QTEST_RUN(argv[0], cases);
}
