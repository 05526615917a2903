/*
 * fake_transport.c - the kernel's message copy, emulated between two tasks
 * of one host process (see fake_transport.h).  What it checks is what the
 * IPC path checks: message size (E2BIG), item types (EMSG), a declared
 * buffer for each capability and string (ENOBUF), string lengths against
 * their buffers (EOVERFLOW).  A capability item naming an empty slot arrives
 * marked void.
 */
#include "fake_transport.h"

#include <stdint.h>
#include <string.h>

#include <mica/error.h>

struct task {
	struct mica_utcb utcb;
	uint64_t caps[FAKE_SLOTS];
};

struct gate {
	uint64_t obj;
	fake_prepare_fn *prepare;
	fake_serve_fn *serve;
	void *ctx;
};

static struct task tasks[2];
static struct task *current = &tasks[FAKE_CLIENT];
static struct gate gates[8];

void fake_reset(void)
{
	memset(tasks, 0, sizeof tasks);
	memset(gates, 0, sizeof gates);
	current = &tasks[FAKE_CLIENT];
}

void fake_set_cap(enum fake_side side, mica_cap_t slot, uint64_t obj)
{
	tasks[side].caps[slot] = obj;
}

uint64_t fake_cap(enum fake_side side, mica_cap_t slot)
{
	return slot < FAKE_SLOTS ? tasks[side].caps[slot] : 0;
}

void fake_bind(uint64_t obj, fake_prepare_fn *prepare, fake_serve_fn *serve, void *ctx)
{
	for (size_t k = 0; k < sizeof gates / sizeof gates[0]; k++) {
		if (!gates[k].obj) {
			gates[k] = (struct gate){ obj, prepare, serve, ctx };
			return;
		}
	}
}

struct mica_utcb *fake_utcb(enum fake_side side)
{
	return &tasks[side].utcb;
}

struct mica_utcb *mica_utcb(void)
{
	return &current->utcb;
}

static int move_cap(struct task *from, struct task *to, const mica_word_t *it, mica_word_t *dst, mica_cap_t slot)
{
	uint64_t obj = it[1] < FAKE_SLOTS ? from->caps[it[1]] : 0;

	dst[0] = it[0] & ~(mica_word_t)(MICA_ITEM_F_VOID | MICA_ITEM_F_LOCAL);
	if (!obj || slot == MICA_CAP_NULL || slot >= FAKE_SLOTS) {
		dst[0] |= MICA_ITEM_F_VOID;
		dst[1] = 0;
		return 0;
	}
	to->caps[slot] = obj;
	if (it[0] & MICA_ITEM_F_GRANT)
		from->caps[it[1]] = 0;
	dst[1] = slot;
	return 0;
}

static int move_string(const struct mica_utcb *to, unsigned index, const mica_word_t *it, mica_word_t *dst)
{
	unsigned b = MICA_BR_FIRST + mica_br_ncaps(to->br[MICA_BR_DESC]) + 2 * index;
	uint32_t len = mica_item_len(it[0]);

	if (index >= mica_br_nstrings(to->br[MICA_BR_DESC]))
		return MICA_ENOBUF;
	if (len > to->br[b + 1])
		return MICA_EOVERFLOW;
	memcpy((void *)(uintptr_t)to->br[b], (const void *)(uintptr_t)it[1], len);
	dst[0] = it[0];
	dst[1] = to->br[b];
	return 0;
}

/* The kernel's copy of the message in from's UTCB into to's. */
static int transfer(struct task *from, struct task *to, mica_word_t tag)
{
	unsigned words = mica_tag_words(tag), items = mica_tag_items(tag), caps = 0, strings = 0;
	mica_word_t desc = to->utcb.br[MICA_BR_DESC];
	int err = 0;

	if (words + 2 * items > MICA_MR_COUNT)
		return MICA_E2BIG;
	memcpy(to->utcb.mr, from->utcb.mr, words * sizeof(mica_word_t));
	for (unsigned k = 0; k < items && !err; k++) {
		const mica_word_t *it = &from->utcb.mr[words + 2 * k];
		mica_word_t *dst = &to->utcb.mr[words + 2 * k];

		switch (mica_item_type(it[0])) {
		case MICA_ITEM_CAP:
			if (caps >= mica_br_ncaps(desc))
				return MICA_ENOBUF;
			err = move_cap(from, to, it, dst, to->utcb.br[MICA_BR_FIRST + caps++]);
			break;
		case MICA_ITEM_MEM:
		case MICA_ITEM_IO:
			dst[0] = it[0];
			dst[1] = it[1];
			break;
		case MICA_ITEM_STRING:
			err = move_string(&to->utcb, strings++, it, dst);
			break;
		default:
			return MICA_EMSG;
		}
	}
	return err;
}

static struct gate *gate_of(mica_cap_t cap)
{
	uint64_t obj = fake_cap(FAKE_CLIENT, cap);

	for (size_t k = 0; obj && k < sizeof gates / sizeof gates[0]; k++)
		if (gates[k].obj == obj)
			return &gates[k];
	return NULL;
}

/* Deliver to the server and let it serve; *reply set when it replies. */
static int deliver(mica_cap_t cap, mica_word_t tag, int *replies, mica_word_t *reply)
{
	struct gate *g = gate_of(cap);
	struct task *server = &tasks[FAKE_SERVER];
	int err;

	if (!g)
		return MICA_EBADCAP;
	g->prepare(g->ctx, &server->utcb);
	err = transfer(&tasks[FAKE_CLIENT], server, tag);
	if (err)
		return err;
	current = server;
	*replies = g->serve(g->ctx, &server->utcb, mica_tag(mica_tag_label(tag), mica_tag_words(tag),
							 mica_tag_items(tag), 0), reply);
	current = &tasks[FAKE_CLIENT];
	return 0;
}

int mica_ipc_call(mica_cap_t cap, mica_word_t tag, mica_word_t *reply_tag)
{
	mica_word_t reply = 0;
	int replies = 0, err = deliver(cap, tag, &replies, &reply);

	if (err)
		return err;
	if (!replies)
		return MICA_ECANCELED;   /* the server never answers: the call is cut off */
	err = transfer(&tasks[FAKE_SERVER], &tasks[FAKE_CLIENT], reply);
	*reply_tag = reply;
	return err;
}

int mica_ipc_send(mica_cap_t cap, mica_word_t tag)
{
	mica_word_t reply;
	int replies;

	return deliver(cap, tag, &replies, &reply);
}
