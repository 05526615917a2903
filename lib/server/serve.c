/*
 * serve.c - the server loop (server/server.h): receive, dispatch through
 * the generated code, drop what the request brought and the handler did
 * not keep, reply and wait in one system call.
 */
#include <server/server.h>

#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/error.h>

#include <idl/kernel/task.h>

static void unmap(mica_cap_t slot)
{
	task_cap_unmap(MICA_BOOT_TASK, slot, true);
}

/* Every empty receive slot gets a slot of its own. */
static int refill(mica_cap_t *slots, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!slots[i] && !(slots[i] = mica_slot_alloc()))
			return -MICA_ENOMEM;
	return 0;
}

/* The receive slots the request in u filled: capability items take them
 * in order, one each, a void one too (it arrives empty). */
static uint32_t received(const struct mica_utcb *u, mica_word_t tag, unsigned nslots)
{
	unsigned words = mica_tag_words(tag), items = mica_tag_items(tag), next = 0;
	uint32_t got = 0;

	for (unsigned k = 0; k < items && words + 2 * k < MICA_MR_COUNT && next < nslots; k++) {
		mica_word_t w0 = u->mr[words + 2 * k];
		if (mica_item_type(w0) != MICA_ITEM_CAP)
			continue;
		if (!(w0 & (MICA_ITEM_F_VOID | MICA_ITEM_F_LOCAL)))
			got |= 1u << next;
		next++;
	}
	return got;
}

/* What the request brought and the handler did not keep goes, so that it
 * pins nothing; the slots stay for the next request.  Unmapping is a
 * kernel call through the UTCB, so the reply waiting there is set aside. */
static void drop_unkept(const struct srv_request *req, struct mica_utcb *u, mica_word_t reply)
{
	uint32_t drop = req->received & ~req->kept;
	unsigned n = mica_tag_words(reply) + 2 * mica_tag_items(reply);
	mica_word_t saved[MICA_MR_COUNT];

	if (!drop)
		return;
	if (n > MICA_MR_COUNT)
		n = MICA_MR_COUNT;
	for (unsigned i = 0; i < n; i++)
		saved[i] = u->mr[i];
	for (unsigned i = 0; i < req->nslots; i++)
		if (drop & (1u << i))
			unmap(req->slots[i]);
	for (unsigned i = 0; i < n; i++)
		u->mr[i] = saved[i];
}

/* A reply whose failure must be known: sent on its own. */
static void reply_alone(const struct srv_request *req, mica_word_t reply)
{
	if (mica_ipc_reply(reply) && req->undo)
		req->undo(req->made);
	for (unsigned i = 0; i < req->ngranted; i++)
		mica_slot_drop(req->granted[i]);
}

int srv_serve(const struct srv *s, void *buffers)
{
	const struct srv_protocol *p = s->protocol;
	struct mica_utcb *u = mica_utcb();
	void *reply_buffers = (char *)buffers + p->reply_offset;
	mica_cap_t *slots = p->rx_caps ? (mica_cap_t *)((char *)buffers + p->slots_offset) : 0;
	mica_word_t tag, label, reply = 0;
	int err;

	if (refill(slots, p->rx_caps))
		return -MICA_ENOMEM;
	p->rx_setup(u, buffers);
	err = mica_ipc_wait(s->timeouts, &tag, &label);
	for (;;) {
		struct srv_request req = { .srv = s, .label = label, .obj = (void *)label, .slots = slots,
					   .nslots = p->rx_caps };
		bool answer = false;

		if (err) {
			/* A receive that failed on an item may have filled the
			 * slots of the items before it. */
			for (unsigned i = 0; i < p->rx_caps; i++)
				unmap(slots[i]);
		} else if (mica_tag_flags(tag) & MICA_TAG_F_IRQ) {
			if (s->irq)
				s->irq(s, label);
		} else {
			req.received = received(u, tag, p->rx_caps);
			answer = p->dispatch(s->ops, &req, u, tag, reply_buffers, &reply);
			drop_unkept(&req, u, reply);
		}
		bool stop = s->done && s->done(s);
		if (answer && (stop || req.undo || req.ngranted)) {
			reply_alone(&req, reply);
			answer = false;
		}
		if (stop)
			return 0;
		/* Last: every kernel call above (unmap, undo) declared buffers
		 * of its own for its reply. */
		p->rx_setup(u, buffers);
		/* A reply-phase error (the caller is gone) returns at once,
		 * having received nothing: the next round waits. */
		if (answer)
			err = mica_ipc_reply_wait(reply, s->timeouts, &tag, &label);
		else
			err = mica_ipc_wait(s->timeouts, &tag, &label);
	}
}

int srv_keep(struct srv_request *req, mica_cap_t slot)
{
	for (unsigned i = 0; i < req->nslots; i++) {
		uint32_t bit = 1u << i;
		if (!(req->received & bit) || (req->kept & bit) || req->slots[i] != slot)
			continue;
		mica_cap_t next = mica_slot_alloc();
		if (!next)
			return -MICA_ENOMEM;
		req->slots[i] = next;
		req->kept |= bit;
		return 0;
	}
	return -MICA_EINVAL;
}

void srv_made(struct srv_request *req, void (*undo)(void *made), void *made)
{
	req->undo = undo;
	req->made = made;
}

void srv_grant(struct srv_request *req, mica_cap_t slot)
{
	if (req->ngranted < SRV_GRANTS_MAX)
		req->granted[req->ngranted++] = slot;
}
