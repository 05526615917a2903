/*
 * pipe.c - mica-bench-pipe, the pipe figures (docs/benchmarks.md,
 * docs/pipes.md): a C-library program that root starts after the pipe
 * server (rt.cfg), measuring pipes as a program sees them, and the peer it
 * starts as a second program (itself, with an argument), whose stdin and
 * stdout are the pipes' other ends handed off as tickets.  The same
 * operations as tests/bench/linux/bench.c's:
 *
 *   pipe_64k    64 KiB to the peer in 4 KiB writes, which reads them in
 *               4 KiB reads and acknowledges with a byte on a second pipe
 *   pipe_bytes_per_kinstr   the same as bytes per 1,000 instructions
 *   pipe_rtt    one byte to the peer and back, through two pipes
 *   poll_pipe_wake   from a write of the measuring side to the return of
 *               the peer's poll on 64 idle descriptors (its stdin among
 *               them), read on the guest's instruction counter, which
 *               every program shares: the peer sends the difference back
 *   poll_64_idle     a poll with timeout 0 of 64 idle descriptors (read
 *               ends of empty pipes, write ends and the streams asked
 *               only for hang-ups and errors): one look at each
 */
#include <poll.h>
#include <string.h>
#include <sys/pipe_ticket.h>
#include <unistd.h>

#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <rt/rt.h>

#include <idl/rt/process.h>

#include "bench.h"

#define CHUNK 4096u              /* pipe_64k: bytes per write and read */
#define XFER (64u * 1024)        /* pipe_64k: bytes per operation */

static char chunk[CHUNK];
static int tx_fd, rx_fd;         /* ours: to the peer, from the peer */
static uint64_t pipe64k;         /* pipe_64k's figure, for the ratio */

/* ---- the peer -------------------------------------------------------- */

static int peer_64k(void)
{
	for (;;) {
		ssize_t r;
		for (unsigned got = 0; got < XFER; got += (unsigned)r)
			if ((r = read(0, chunk, CHUNK)) <= 0)
				return 0;
		if (write(1, "k", 1) != 1)
			return 1;
	}
}

static int peer_echo(void)
{
	char c;

	while (read(0, &c, 1) == 1 && write(1, &c, 1) == 1)
		;
	return 0;
}

#define POLL_IDLE_PIPES 30       /* poll_pipe_wake: with 0..2 and a dup, 64 descriptors */

/* Poll descriptors 0..63 (stdin and the read ends for POLLIN, the rest
 * for hang-ups and errors only: none ready), then read the writer's
 * counter value and send back the instructions since it. */
static int peer_poll(void)
{
	struct pollfd pf[64];
	int p[2];
	uint64_t t0, t1, d;

	for (int i = 0; i < POLL_IDLE_PIPES; i++)
		if (pipe(p))
			return 1;
	if (dup(3) != 63)
		return 1;
	for (int fd = 0; fd < 64; fd++)
		pf[fd] = (struct pollfd){ fd, fd == 0 || (fd >= 3 && fd % 2) ? POLLIN : 0, 0 };
	for (;;) {
		int n = poll(pf, 64, -1);
		t1 = bench_now();
		if (read(0, &t0, sizeof t0) != sizeof t0)
			return 0;   /* the end of data: done */
		d = n == 1 && pf[0].revents == POLLIN && t1 > t0 ? t1 - t0 : UINT64_MAX;
		if (write(1, &d, sizeof d) != sizeof d)
			return 1;
	}
}

/* ---- the measuring side --------------------------------------------- */

static mica_cap_t peer, tickets[2];

/* Start the peer (`mode`) on two new pipes: tx_fd to its stdin, rx_fd
 * from its stdout. */
static int peer_start(const char *mode)
{
	int to[2], from[2];

	if (pipe(to) || pipe(from) || pipe_hand_off(to[0], &tickets[0]) || pipe_hand_off(from[1], &tickets[1]))
		return -1;
	peer = mica_slot_alloc();
	if (launcher_spawn(rt_cap("launcher"), "mica-bench-pipe", mode, (uint32_t)strlen(mode) + 1, tickets[1],
			   tickets[0], MICA_CAP_NULL, 8u << 20, &peer) != 0)
		return -1;
	close(to[0]);
	close(from[1]);
	tx_fd = to[1];
	rx_fd = from[0];
	return 0;
}

/* Closing our ends ends the peer (end of data); wait until it has. */
static void peer_stop(void)
{
	bool ended = false;
	int32_t status;
	uint64_t pid;

	close(tx_fd);
	close(rx_fd);
	while (process_status(peer, &ended, &status, &pid) == 0 && !ended)
		usleep(1000);
	mica_slot_drop(peer);
	mica_slot_drop(tickets[0]);
	mica_slot_drop(tickets[1]);
}

static uint64_t pipe64k_batch(unsigned n)
{
	char c;
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++) {
		for (unsigned off = 0; off < XFER; off += CHUNK)
			if (write(tx_fd, chunk, CHUNK) != CHUNK)
				bench_fail("pipe write");
		if (read(rx_fd, &c, 1) != 1 || c != 'k')
			bench_fail("ack read");
	}
	return bench_now() - t0;
}

static uint64_t rtt_batch(unsigned n)
{
	char c = 'x';
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++)
		if (write(tx_fd, &c, 1) != 1 || read(rx_fd, &c, 1) != 1 || c != 'x')
			bench_fail("ping-pong");
	return bench_now() - t0;
}

static uint64_t poll_wake_batch(unsigned n)
{
	uint64_t sum = 0, t0, d;

	for (unsigned i = 0; i < n; i++) {
		t0 = bench_now();
		if (write(tx_fd, &t0, sizeof t0) != sizeof t0 || read(rx_fd, &d, sizeof d) != sizeof d ||
		    d == UINT64_MAX)
			bench_fail("poll woken by a write");
		sum += d;
	}
	return sum;
}

static uint64_t bench_poll_pipe_wake(void)
{
	if (peer_start("peer-poll")) {
		bench_fail("no peer");
		return 0;
	}
	uint64_t v = bench_measure(poll_wake_batch, 100);
	peer_stop();
	return v;
}

static struct pollfd idle[64];

static uint64_t poll_idle_batch(unsigned n)
{
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++)
		if (poll(idle, 64, 0) != 0)
			bench_fail("an idle descriptor ready");
	return bench_now() - t0;
}

/* Descriptors 1..63 (30 pipes and a dup) and descriptor 3 again. */
static uint64_t bench_poll_64_idle(void)
{
	int p[2];

	for (int i = 0; i < POLL_IDLE_PIPES; i++)
		if (pipe(p))
			bench_fail("pipe");
	if (dup(3) != 63)
		bench_fail("the descriptors in use");
	for (int fd = 1; fd < 64; fd++)
		idle[fd] = (struct pollfd){ fd, fd >= 3 && fd % 2 ? POLLIN : 0, 0 };
	idle[0] = (struct pollfd){ 3, POLLIN, 0 };
	uint64_t v = bench_measure(poll_idle_batch, 100);
	for (int fd = 3; fd < 64; fd++)
		close(fd);
	return v;
}

static uint64_t bench_pipe_64k(void)
{
	if (peer_start("peer-64k")) {
		bench_fail("no peer");
		return 0;
	}
	pipe64k = bench_measure(pipe64k_batch, 20);
	peer_stop();
	return pipe64k;
}

static uint64_t bench_pipe_bytes_per_kinstr(void)
{
	if (!pipe64k)
		bench_fail("no pipe_64k figure");
	return pipe64k ? ((uint64_t)XFER * 1000 + pipe64k / 2) / pipe64k : 0;
}

static uint64_t bench_pipe_rtt(void)
{
	if (peer_start("peer-echo")) {
		bench_fail("no peer");
		return 0;
	}
	uint64_t v = bench_measure(rtt_batch, 200);
	peer_stop();
	return v;
}

uint64_t bench_mutex_contended_handoff(void);

static const struct bench_figure figures[] = {
	{ "pipe_64k", bench_pipe_64k },
	{ "pipe_bytes_per_kinstr", bench_pipe_bytes_per_kinstr },
	{ "pipe_rtt", bench_pipe_rtt },
	{ "poll_pipe_wake", bench_poll_pipe_wake },
	{ "poll_64_idle", bench_poll_64_idle },
	{ "mutex_contended_handoff", bench_mutex_contended_handoff },   /* mutex.c */
};

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "peer-64k"))
		return peer_64k();
	if (argc == 2 && !strcmp(argv[1], "peer-echo"))
		return peer_echo();
	if (argc == 2 && !strcmp(argv[1], "peer-poll"))
		return peer_poll();
	if (bench_args("mica-bench-pipe", argc, argv) < 0)
		return 2;
	return BENCH_RUN_TABLE("mica-bench-pipe", figures);
}
