/*
 * ipc_server.c - the server of the IPC figures (ipc_server.h).
 */
#include "ipc_server.h"

#include <libsys/error.h>

#include "bench.h"
#include <idl/kernel/factory.h>

static struct bench_server intra = {
	.thread = { .slot = BENCH_S_INTRA_THREAD },
	.task = MICA_BOOT_TASK,
	.gate = BENCH_S_INTRA_GATE,
	.label = 0x1a,
};

static struct bench_server inter = {
	.thread = { .slot = BENCH_S_INTER_THREAD },
	.task = BENCH_S_INTER_TASK,
	.gate = BENCH_S_INTER_GATE,
	.label = 0x2e,
};

/* The reply to one request in the UTCB (see ipc_server.h); 0 if it is bad. */
static mica_word_t answer(struct bench_server *s, struct mica_utcb *u, mica_word_t tag)
{
	unsigned words = mica_tag_words(tag);

	switch (mica_tag_label(tag)) {
	case BENCH_IPC_WORDS:
		if (mica_tag_items(tag) || mica_tag_flags(tag))
			return 0;
		for (unsigned k = 0; k < words; k++)
			u->mr[k] = ~u->mr[k];
		return mica_tag(0, words, 0, 0);
	case BENCH_IPC_STRING:
		if (tag != mica_tag(BENCH_IPC_STRING, 0, 1, 0) || u->mr[0] != mica_item_string(BENCH_STRING_SIZE) ||
		    u->mr[1] != (mica_word_t)s->buf)
			return 0;
		u->mr[0] = ((const mica_word_t *)s->buf)[0];
		u->mr[1] = ((const mica_word_t *)s->buf)[BENCH_STRING_SIZE / 8 - 1];
		return mica_tag(0, 2, 0, 0);
	default:
		return 0;
	}
}

static void serve(void *arg)
{
	struct bench_server *s = arg;
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag, label, reply;
	int err;

	u->br[MICA_BR_WINDOW] = 0;
	u->br[MICA_BR_DESC] = mica_br_desc(0, 1, 0);
	u->br[MICA_BR_FIRST] = (mica_word_t)s->buf;
	u->br[MICA_BR_FIRST + 1] = BENCH_STRING_SIZE;
	err = mica_ipc_wait(0, &tag, &label);
	for (;;) {
		if (err) {
			/* A failed receive (the sender saw the error too): no caller
			 * to answer. */
			s->bad++;
			err = mica_ipc_wait(0, &tag, &label);
			continue;
		}
		reply = label == s->label ? answer(s, u, tag) : 0;
		if (!reply) {
			s->bad++;
			reply = mica_tag(-MICA_EMSG, 0, 0, 0);
		}
		s->served++;
		err = mica_ipc_reply_wait(reply, 0, &tag, &label);
	}
}

static struct bench_server *start(struct bench_server *s)
{
	int err = 0;

	if (s->started)
		return s;
	if (s->task != MICA_BOOT_TASK)
		err = qtask_create(s->task);
	if (!err)
		err = qthread_start(&s->thread, s->task, 1, serve, s);
	if (!err)
		err = factory_create_gate(MICA_BOOT_FACTORY, s->gate, s->thread.slot, s->label);
	if (err) {
		bench_fail("cannot start the server thread: %s", mica_strerror(err < 0 ? -err : err));
		return 0;
	}
	s->started = 1;
	return s;
}

struct bench_server *bench_server_intra(void)
{
	return start(&intra);
}

struct bench_server *bench_server_inter(void)
{
	return start(&inter);
}

int bench_server_check(const struct bench_server *s, struct bench_server_mark m, unsigned n)
{
	if (s->bad != m.bad) {
		bench_fail("the server got %lu request(s) that were not as sent", s->bad - m.bad);
		return 0;
	}
	if (s->served - m.served != n) {
		bench_fail("the server answered %lu request(s), want %u", s->served - m.served, n);
		return 0;
	}
	return 1;
}
