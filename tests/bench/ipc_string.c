/*
 * ipc_string.c - an IPC round trip carrying a 4 KiB string: the client
 * calls the server in another task with no words and one string item of
 * 4,096 bytes, which the kernel copies into the 4 KiB receive buffer the
 * server declared in its buffer registers; the server replies with 2 words.
 *
 *   ipc_rtt_string_4k
 *
 * Both buffers are page-aligned, so the copy is one run within one page
 * of each address space.  The client stamps the first and the last 8
 * bytes of its string with every call and checks that the reply carries
 * them back (the server reads them from its receive buffer); after the
 * batch, that all 4,096 bytes of the last string arrived intact (the
 * server's buffer, cleared before the batch, is also visible to mica-bench
 * because the child task runs mica-bench's image) and that the server
 * answered exactly n requests, all as sent.
 */
#include <libsys/ipc.h>

#include "figures.h"
#include "ipc_server.h"

#define WORDS (BENCH_STRING_SIZE / 8)

static mica_word_t text[WORDS] __attribute__((aligned(4096)));
static struct bench_server *server;
static mica_word_t batches;

static uint64_t string_batch(unsigned n)
{
	struct mica_utcb *u = mica_utcb();
	const mica_word_t request = mica_tag(BENCH_IPC_STRING, 0, 1, 0), want = mica_tag(0, 2, 0, 0);
	const mica_word_t item = mica_item_string(BENCH_STRING_SIZE);
	const mica_cap_t gate = server->gate;
	mica_word_t *got = (mica_word_t *)server->buf;
	mica_word_t bad = 0, tag;

	/* A pattern of this batch in the string, nothing in the buffer. */
	batches++;
	for (unsigned k = 0; k < WORDS; k++) {
		text[k] = batches << 48 | (mica_word_t)k * 0x9e3779b97f4a7c15ull >> 16;
		got[k] = 0;
	}
	struct bench_server_mark mark = bench_server_mark(server);
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++) {
		text[0] = i;
		text[WORDS - 1] = ~(mica_word_t)i;
		u->mr[0] = item;
		u->mr[1] = (mica_word_t)text;
		bad |= (mica_word_t)mica_ipc_call(gate, request, &tag);
		bad |= tag ^ want;
		bad |= u->mr[0] ^ i;
		bad |= u->mr[1] ^ ~(mica_word_t)i;
	}
	uint64_t t = bench_now() - t0;

	if (bad) {
		bench_fail("a reply did not carry the string's first and last words back (ORed: %#lx)",
			   (unsigned long)bad);
		return t;
	}
	for (unsigned k = 0; k < WORDS; k++)
		if (got[k] != text[k]) {
			bench_fail("the server's buffer holds %#lx at byte %u, the string %#lx", (unsigned long)got[k],
				   k * 8, (unsigned long)text[k]);
			return t;
		}
	bench_server_check(server, mark, n);
	return t;
}

uint64_t bench_ipc_rtt_string_4k(void)
{
	server = bench_server_inter();
	return server ? bench_measure(string_batch, 1000) : 0;
}
