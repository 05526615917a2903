/*
 * ipc_rtt.c - IPC round trips with words: the client calls (send, then
 * wait for the reply: mica_ipc_call), the server answers with
 * reply-and-wait (mica_ipc_reply_wait), one round trip per operation.
 *
 *   ipc_rtt_intra     2 words each way, client and server threads in one task
 *   ipc_rtt_inter     2 words each way, the server in another task
 *   ipc_rtt_inter_8w  8 words each way, the server in another task
 *
 * The client puts words that change with every call into MR[0..n-1], the
 * server answers with each one complemented (ipc_server.c), and the client
 * checks the error, the reply tag and every word of every reply; after the
 * batch, that the server answered exactly n requests, all as sent.  The
 * operation includes that work of both sides.  Linux's counterparts are
 * pipe_rtt and futex_rtt (two processes, tests/bench/linux/bench.c).
 */
#include <libsys/ipc.h>

#include "figures.h"
#include "ipc_server.h"

static struct bench_server *server;

static inline __attribute__((always_inline)) uint64_t words_batch(unsigned n, unsigned words)
{
	struct mica_utcb *u = mica_utcb();
	const mica_word_t request = mica_tag(BENCH_IPC_WORDS, words, 0, 0), want = mica_tag(0, words, 0, 0);
	const mica_cap_t gate = server->gate;
	struct bench_server_mark mark = bench_server_mark(server);
	mica_word_t bad = 0, tag;
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++) {
		for (unsigned k = 0; k < words; k++)
			u->mr[k] = i + k;
		bad |= (mica_word_t)mica_ipc_call(gate, request, &tag);
		bad |= tag ^ want;
		for (unsigned k = 0; k < words; k++)
			bad |= u->mr[k] ^ ~(mica_word_t)(i + k);
	}
	uint64_t t = bench_now() - t0;

	if (bad)
		bench_fail("a reply was not the %u complemented words (errors, tags and words ORed: %#lx)", words,
			   (unsigned long)bad);
	else
		bench_server_check(server, mark, n);
	return t;
}

static uint64_t batch_2w(unsigned n)
{
	return words_batch(n, 2);
}

static uint64_t batch_8w(unsigned n)
{
	return words_batch(n, 8);
}

uint64_t bench_ipc_rtt_intra(void)
{
	server = bench_server_intra();
	return server ? bench_measure(batch_2w, 1000) : 0;
}

uint64_t bench_ipc_rtt_inter(void)
{
	server = bench_server_inter();
	return server ? bench_measure(batch_2w, 1000) : 0;
}

uint64_t bench_ipc_rtt_inter_8w(void)
{
	server = bench_server_inter();
	return server ? bench_measure(batch_8w, 1000) : 0;
}
