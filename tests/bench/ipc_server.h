/*
 * ipc_server.h - the server the IPC figures call (ipc_server.c): one
 * thread in a reply-and-wait loop behind a gate, either in mica-bench's
 * own task or in a child task that runs mica-bench's image (the helpers of
 * tests/qemu/lib/qtest.h).  It answers two requests, each checked:
 *
 *   BENCH_IPC_WORDS   n words, no items: replies with the same n words,
 *                     each complemented (MR[k] = ~MR[k]), label 0.
 *   BENCH_IPC_STRING  no words, one string item of BENCH_STRING_SIZE bytes
 *                     into the server's receive buffer: replies with 2
 *                     words, the first and the last 8 bytes that arrived.
 *
 * A request that is not exactly one of these (wrong gate label, tag, item
 * or length, or a failed receive) counts in `bad` and is answered with
 * label -MICA_EMSG, so the client's own check fails too.
 *
 * Its capability slots are in slots.h.
 */
#ifndef TESTS_BENCH_IPC_SERVER_H
#define TESTS_BENCH_IPC_SERVER_H

#include <mica/types.h>
#include <stdint.h>

#include "qtest.h"
#include "slots.h"

enum bench_ipc_op {
	BENCH_IPC_WORDS = 1,
	BENCH_IPC_STRING = 2,
};

#define BENCH_STRING_SIZE 4096

struct bench_server {
	uint8_t buf[BENCH_STRING_SIZE];   /* the string receive buffer (page-aligned) */
	struct qthread thread;            /* .slot: the server thread's slot */
	mica_cap_t task;                  /* the task it runs in */
	mica_cap_t gate;                  /* the gate clients call */
	mica_word_t label;                /* the gate's label */
	volatile unsigned long served;    /* requests answered */
	volatile unsigned long bad;       /* requests that were not as described above */
	int started;
} __attribute__((aligned(4096)));

/* The server in a thread of mica-bench's own task, and the one in a child
 * task; started on first use.  NULL (after bench_fail) if it cannot start. */
struct bench_server *bench_server_intra(void);
struct bench_server *bench_server_inter(void);

/* Where a server's counters stood before a batch. */
struct bench_server_mark {
	unsigned long served, bad;
};

static inline struct bench_server_mark bench_server_mark(const struct bench_server *s)
{
	return (struct bench_server_mark){ s->served, s->bad };
}

/* Since mark m, the server answered exactly n requests and none was bad:
 * 1; otherwise bench_fail and 0. */
int bench_server_check(const struct bench_server *s, struct bench_server_mark m, unsigned n);

#endif
