/*
 * ipc.c - the IPC path (see ipc.h).
 *
 * Rendezvous: a sender finds its receiver waiting open and copies the
 * message straight from its UTCB into the receiver's, or queues on the
 * receiver's send queue; a receiver takes the first queued sender.  A call
 * leaves the caller waiting for the reply, and the receiver holding the
 * one-shot reply capability (receiver->caller).  When the partner is
 * there, the CPU goes straight to it (no trip through the ready queue).
 *
 * A blocked thread sleeps inside its own system call; whoever ends its wait
 * leaves the results in the thread (ipc_err, ipc_tag, ipc_label) and makes
 * it runnable.
 */
#include "ipc.h"

#include "arch.h"
#include "cap.h"
#include "fpage.h"
#include "gate.h"
#include "invoke.h"
#include "irq.h"
#include "kip.h"
#include "panic.h"
#include "sched.h"
#include "task.h"
#include "thread.h"

#include <mica/error.h>
#include <mica/ipc.h>
#include <mica/syscall.h>

static struct thread *timed_head;

/* ---- waiting and waking --------------------------------------------------- */

static uint64_t deadline(uint32_t timeout)
{
	/* Relative timeouts end on a tick boundary at least `timeout` away. */
	return kip->clock_us + timeout + 1000;
}

static void timed_add(struct thread *t, uint32_t timeout)
{
	if (timeout == MICA_TIMEOUT_NEVER)
		return;
	t->deadline_us = deadline(timeout);
	list_push(timed_head, t, timed_link);
}

static void timed_remove(struct thread *t)
{
	if (!t->deadline_us)
		return;
	list_remove(timed_head, t, timed_link);
	t->deadline_us = 0;
}

/* End t's wait with these results; t becomes ready unless `direct` (the
 * caller switches to it). */
static void finish(struct thread *t, int err, mica_word_t tag, mica_word_t label, int ready)
{
	t->ipc_err = err;
	t->ipc_tag = tag;
	t->ipc_label = label;
	t->wait = IPC_NONE;
	t->partner = 0;
	timed_remove(t);
	if (ready)
		sched_ready(t);
}

/* Block the running thread until finish(); switch to `next` if given. */
static void block(struct thread *self, uint32_t timeout, struct thread *next, struct ipc_result *r)
{
	self->state = THREAD_BLOCKED;
	timed_add(self, timeout);
	if (next)
		sched_direct(next);
	else
		schedule();
	r->err = self->ipc_err;
	r->tag = self->ipc_tag;
	r->label = self->ipc_label;
}

static void sendq_remove(struct thread *dst, struct thread *s)
{
	if (s->sendq_prev)
		s->sendq_prev->sendq_next = s->sendq_next;
	else
		dst->sendq_head = s->sendq_next;
	if (s->sendq_next)
		s->sendq_next->sendq_prev = s->sendq_prev;
	else
		dst->sendq_tail = s->sendq_prev;
	s->sendq_next = s->sendq_prev = 0;
}

static void sendq_append(struct thread *dst, struct thread *s)
{
	s->sendq_next = 0;
	s->sendq_prev = dst->sendq_tail;
	if (dst->sendq_tail)
		dst->sendq_tail->sendq_next = s;
	else
		dst->sendq_head = s;
	dst->sendq_tail = s;
}

void ipc_cancel(struct thread *t, int err)
{
	switch (t->wait) {
	case IPC_NONE:
		return;
	case IPC_SENDING:
		sendq_remove(t->partner, t);
		break;
	case IPC_WAIT_REPLY:
		if (t->partner && t->partner->caller == t)
			t->partner->caller = 0;
		break;
	case IPC_RECEIVING:
		break;
	}
	finish(t, err, 0, 0, t->state == THREAD_BLOCKED);
}

void ipc_thread_gone(struct thread *t)
{
	while (t->sendq_head)
		ipc_cancel(t->sendq_head, MICA_EGONE);
	if (t->caller)
		ipc_cancel(t->caller, MICA_EGONE);
	ipc_cancel(t, MICA_EGONE);
	/* Callers whose request this thread has not received yet were in its
	 * send queue; callers it received wait in t->caller. */
}

void ipc_gate_gone(struct gate *g)
{
	struct thread *t = g->thread, *s = t->sendq_head;

	while (s) {
		struct thread *next = s->sendq_next;
		if (s->send_gate == g)
			ipc_cancel(s, MICA_EGONE);
		s = next;
	}
}

void ipc_tick(uint64_t now_us)
{
	struct thread *t = timed_head;

	while (t) {
		struct thread *next = t->timed_link.next;
		if (t->deadline_us <= now_us)
			ipc_cancel(t, MICA_ETIMEOUT);
		t = next;
	}
}

int ipc_deliver_irq(struct thread *t, struct irq *q)
{
	if (t->wait != IPC_RECEIVING)
		return 0;
	finish(t, MICA_OK, mica_tag(0, 0, 0, MICA_TAG_F_IRQ), q->label, 1);
	return 1;
}

/* ---- the message transfer ------------------------------------------------- */

static int transfer_cap(struct thread *from, struct thread *to, mica_word_t *item, unsigned *next_slot)
{
	const struct mica_utcb *ru = to->utcb;
	mica_word_t desc = ru->br[MICA_BR_DESC];
	unsigned i = (*next_slot)++;

	if (i >= mica_br_ncaps(desc) || MICA_BR_FIRST + i >= MICA_BR_COUNT)
		return MICA_ENOBUF;
	uint64_t slot = ru->br[MICA_BR_FIRST + i];
	struct cap *c = cap_lookup(from->task, item[1]);
	if (!c) {
		/* Void: the slot is consumed all the same, so later items keep
		 * their positions. */
		item[0] = MICA_ITEM_CAP | MICA_ITEM_F_VOID;
		item[1] = 0;
		return MICA_OK;
	}
	if ((desc & MICA_BR_LOCAL_ID) && c->obj->type == KOBJ_GATE && ((struct gate *)c->obj)->thread == to) {
		item[0] = MICA_ITEM_CAP | MICA_ITEM_F_LOCAL;
		item[1] = ((struct gate *)c->obj)->label;
		return MICA_OK;
	}
	unsigned rights = c->rights & mica_item_rights(item[0]);
	int err = item[0] & MICA_ITEM_F_GRANT ? cap_grant(c, to->task, slot, rights) : cap_map(c, to->task, slot, rights);
	if (err)
		return err;
	item[0] = MICA_ITEM_CAP | ((mica_word_t)rights << 8);
	item[1] = slot;
	return MICA_OK;
}

static int transfer_mem(struct thread *from, struct thread *to, mica_word_t *item)
{
	mica_word_t window = to->utcb->br[MICA_BR_WINDOW];
	int grant = (item[0] & MICA_ITEM_F_GRANT) != 0;
	struct fpage_xfer x;

	if (item[1] == 0)
		return MICA_OK;   /* "no mapping": allowed, e.g. a pager's empty reply */
	if (!fpage_valid(item[1]) || fpage_last(item[1]) >= USER_SPACE_END)
		return MICA_EMSG;
	if (!fpage_valid(window) || fpage_last(window) >= USER_SPACE_END)
		return MICA_ENOBUF;
	fpage_transfer(item[1], item[0] & ~(mica_word_t)0xfff, window, &x);
	unsigned rights = mica_fpage_rights(item[1]);
	int err = task_map_range(from->task, x.src, x.src + ((1ull << x.order) - 1), to->task, x.dst, rights, grant);
	if (err)
		return err;
	item[0] = MICA_ITEM_MEM | (grant ? MICA_ITEM_F_GRANT : 0);
	item[1] = mica_fpage(x.dst, x.order, rights);
	return MICA_OK;
}

static int transfer_io(struct thread *from, struct thread *to, mica_word_t *item)
{
	if (!(to->utcb->br[MICA_BR_DESC] & MICA_BR_ACCEPT_IO))
		return MICA_ENOBUF;
	if (!fpage_io_valid(item[1]))
		return MICA_EMSG;
	unsigned first = fpage_io_first(item[1]), count = fpage_io_count(item[1]);
	if (!task_io_has(from->task, first, count))
		return MICA_EPERM;
	int err = task_io_grant(to->task, first, count);
	if (!err && (item[0] & MICA_ITEM_F_GRANT))
		task_io_revoke(from->task, first, count);
	return err;
}

static int transfer_string(struct thread *from, struct thread *to, mica_word_t *item, unsigned *next_string)
{
	const struct mica_utcb *ru = to->utcb;
	mica_word_t desc = ru->br[MICA_BR_DESC];
	unsigned i = (*next_string)++;
	unsigned b = MICA_BR_FIRST + mica_br_ncaps(desc) + 2 * i;
	uint32_t len = mica_item_len(item[0]);

	if (i >= mica_br_nstrings(desc) || b + 1 >= MICA_BR_COUNT)
		return MICA_ENOBUF;
	if (len > ru->br[b + 1])
		return MICA_EOVERFLOW;
	int err = arch_space_copy(to->task->root, ru->br[b], from->task->root, item[1], len);
	if (err)
		return err;
	item[0] = mica_item_string(len);
	item[1] = ru->br[b];
	return MICA_OK;
}

/* Copy the message (tag) from `from`'s UTCB into `to`'s; *out is the tag
 * the receiver sees.  An error here is seen by both sides. */
static int transfer(struct thread *from, struct thread *to, mica_word_t tag, mica_word_t *out)
{
	struct mica_utcb *su = from->utcb;
	struct mica_utcb *ru = to->utcb;
	unsigned words = mica_tag_words(tag), items = mica_tag_items(tag);
	unsigned next_slot = 0, next_string = 0;

	for (unsigned i = 0; i < words + 2 * items; i++)
		ru->mr[i] = su->mr[i];
	for (unsigned i = 0; i < items; i++) {
		mica_word_t *item = &ru->mr[words + 2 * i];
		int err;
		switch (mica_item_type(item[0])) {
		case MICA_ITEM_CAP: err = transfer_cap(from, to, item, &next_slot); break;
		case MICA_ITEM_STRING: err = transfer_string(from, to, item, &next_string); break;
		case MICA_ITEM_MEM: err = transfer_mem(from, to, item); break;
		case MICA_ITEM_IO: err = transfer_io(from, to, item); break;
		default: err = MICA_EMSG; break;
		}
		if (err) {
			ru->error = su->error = i;   /* which item failed */
			return err;
		}
	}
	*out = tag & ~((mica_word_t)MICA_TAG_F_IRQ << MICA_TAG_FLAGS_SHIFT);
	return MICA_OK;
}

/* ---- the phases ------------------------------------------------------------ */

/* Receive from the first queued sender or a pending irq; 0 if none. */
static int take_waiting(struct thread *self, struct ipc_result *r)
{
	struct irq *q = self->irq_pending;

	if (q) {
		self->irq_pending = q->pending_next;
		q->pending = 0;
		*r = (struct ipc_result){ MICA_OK, mica_tag(0, 0, 0, MICA_TAG_F_IRQ), q->label };
		return 1;
	}
	struct thread *s = self->sendq_head;
	if (!s)
		return 0;
	sendq_remove(self, s);
	mica_word_t tag;
	int err = transfer(s, self, s->send_tag, &tag);
	*r = (struct ipc_result){ err, err ? 0 : tag, s->send_gate->label };
	if (s->call && !err) {
		/* The sender now waits for the reply. */
		s->wait = IPC_WAIT_REPLY;
		s->partner = self;
		timed_remove(s);
		timed_add(s, s->rcv_timeout);
		if (self->caller)
			ipc_cancel(self->caller, MICA_ECANCELED);
		self->caller = s;
	} else {
		finish(s, err, 0, 0, 1);
	}
	return 1;
}

static void open_wait(struct thread *self, uint32_t timeout, struct thread *next, struct ipc_result *r)
{
	if (take_waiting(self, r)) {
		if (next)
			sched_ready(next);
		return;
	}
	if (timeout == MICA_TIMEOUT_ZERO) {
		if (next)
			sched_ready(next);
		r->err = MICA_ETIMEOUT;
		return;
	}
	self->wait = IPC_RECEIVING;
	block(self, timeout, next, r);
}

/* Send through gate g; with `call`, then wait for the reply. */
static void send(struct thread *self, struct gate *g, mica_word_t tag, mica_word_t timeouts, int call,
		 struct ipc_result *r)
{
	struct thread *dst = g->thread;
	uint32_t snd = (uint32_t)timeouts, rcv = (uint32_t)(timeouts >> 32);

	if (!dst || dst->state == THREAD_DEAD) {
		r->err = MICA_EGONE;
		return;
	}
	if (dst->wait == IPC_RECEIVING) {
		mica_word_t out;
		int err = transfer(self, dst, tag, &out);
		if (err || !call) {
			finish(dst, err, err ? 0 : out, g->label, 1);
			r->err = err;
			return;
		}
		finish(dst, MICA_OK, out, g->label, 0);
		if (dst->caller)
			ipc_cancel(dst->caller, MICA_ECANCELED);
		dst->caller = self;
		self->wait = IPC_WAIT_REPLY;
		self->partner = dst;
		block(self, rcv, dst, r);
		return;
	}
	if (snd == MICA_TIMEOUT_ZERO || dst == self) {
		r->err = dst == self ? MICA_EINVAL : MICA_ETIMEOUT;
		return;
	}
	self->wait = IPC_SENDING;
	self->partner = dst;
	self->call = (uint8_t)call;
	self->send_gate = g;
	self->send_tag = tag;
	self->rcv_timeout = rcv;
	sendq_append(dst, self);
	block(self, snd, 0, r);
	/* A call's sender was moved to IPC_WAIT_REPLY by the receiver and
	 * stays blocked until the reply (or an error) ends its wait: the
	 * receive timeout then runs from that moment. */
}

/* Reply through the implicit reply capability; *next is the caller to run. */
static int reply(struct thread *self, mica_word_t tag, struct thread **next)
{
	struct thread *c = self->caller;
	mica_word_t out;

	*next = 0;
	if (!c)
		return MICA_EGONE;
	self->caller = 0;
	int err = transfer(self, c, tag, &out);
	finish(c, err, err ? 0 : out, 0, 0);
	*next = c;
	return err;
}

void ipc_call_for(struct thread *self, struct gate *g, mica_word_t tag, struct ipc_result *r)
{
	*r = (struct ipc_result){ MICA_OK, 0, 0 };
	send(self, g, tag, mica_timeouts(MICA_TIMEOUT_NEVER, MICA_TIMEOUT_NEVER), 1, r);
}

static int valid_tag(mica_word_t tag)
{
	return mica_tag_words(tag) + 2 * mica_tag_items(tag) <= MICA_MR_COUNT;
}

/* ---- the fast path ---------------------------------------------------------
 * The common case of a client-server round trip: a call with words only to a
 * gate whose thread waits open, and a reply-and-wait with words only to a
 * caller that waits without a timeout, with nothing else queued.  It does
 * what the general path would do, minus the checks that cannot fail here,
 * and hands the CPU straight to the partner.  Anything else returns 0 and
 * takes the general path. */

static inline void copy_words(const struct mica_utcb *from, struct mica_utcb *to, unsigned words)
{
	for (unsigned i = 0; i < words; i++)
		to->mr[i] = from->mr[i];
}

static int fast_call(struct thread *self, uint64_t slot, mica_word_t tag, struct ipc_result *r)
{
	struct cap *c = cap_lookup(self->task, slot);
	mica_sword_t proto = mica_tag_label(tag);

	if (!c || c->obj->type != KOBJ_GATE || (proto >= KERNEL_PROTOCOL_FIRST && proto <= KERNEL_PROTOCOL_LAST))
		return 0;
	struct gate *g = (struct gate *)c->obj;
	struct thread *dst = g->thread;
	if (!dst || dst->wait != IPC_RECEIVING || dst->deadline_us || dst->caller)
		return 0;
	copy_words(self->utcb, dst->utcb, mica_tag_words(tag));
	dst->ipc_err = MICA_OK;
	dst->ipc_tag = tag & ~((mica_word_t)MICA_TAG_F_IRQ << MICA_TAG_FLAGS_SHIFT);
	dst->ipc_label = g->label;
	dst->wait = IPC_NONE;
	dst->caller = self;
	self->wait = IPC_WAIT_REPLY;
	self->partner = dst;
	self->state = THREAD_BLOCKED;
	sched_direct(dst);
	*r = (struct ipc_result){ self->ipc_err, self->ipc_tag, self->ipc_label };
	return 1;
}

static int fast_reply_wait(struct thread *self, mica_word_t tag, struct ipc_result *r)
{
	struct thread *c = self->caller;

	if (!c || c->deadline_us || self->sendq_head || self->irq_pending)
		return 0;
	copy_words(self->utcb, c->utcb, mica_tag_words(tag));
	self->caller = 0;
	c->ipc_err = MICA_OK;
	c->ipc_tag = tag & ~((mica_word_t)MICA_TAG_F_IRQ << MICA_TAG_FLAGS_SHIFT);
	c->ipc_label = 0;
	c->wait = IPC_NONE;
	c->partner = 0;
	self->wait = IPC_RECEIVING;
	self->state = THREAD_BLOCKED;
	sched_direct(c);
	*r = (struct ipc_result){ self->ipc_err, self->ipc_tag, self->ipc_label };
	return 1;
}

int ipc_fast(uint64_t op, mica_word_t tag, mica_word_t timeouts, struct ipc_result *r)
{
	unsigned flags = op & 0xf;

	if (!flags) {
		*r = (struct ipc_result){ MICA_OK, 0, 0 };   /* the null call */
		return 1;
	}
	/* Words only, no receive timeout. */
	if (mica_tag_items(tag) || mica_tag_words(tag) > MICA_MR_COUNT || (timeouts >> 32))
		return 0;
	if (flags == (MICA_IPC_SEND | MICA_IPC_RECV))
		return fast_call(sched_current(), op >> MICA_IPC_SLOT_SHIFT, tag, r);
	if (flags == (MICA_IPC_REPLY | MICA_IPC_OPEN))
		return fast_reply_wait(sched_current(), tag, r);
	return 0;
}

void ipc_syscall(uint64_t op, mica_word_t tag, mica_word_t timeouts, struct ipc_result *r)
{
	struct thread *self = sched_current();
	unsigned flags = op & 0xf;
	uint64_t slot = op >> MICA_IPC_SLOT_SHIFT;

	*r = (struct ipc_result){ MICA_OK, 0, 0 };
	if (!flags)
		return;   /* the null call */
	if (!flags)
		return;   /* the null call */
	if ((flags & (MICA_IPC_SEND | MICA_IPC_REPLY)) && !valid_tag(tag)) {
		r->err = MICA_E2BIG;
		return;
	}
	if (flags & MICA_IPC_REPLY) {
		struct thread *next;
		if (flags & (MICA_IPC_SEND | MICA_IPC_RECV)) {
			r->err = MICA_EINVAL;
			return;
		}
		r->err = reply(self, tag, &next);
		if (r->err || !(flags & MICA_IPC_OPEN)) {
			if (next)
				sched_ready(next);
			return;
		}
		open_wait(self, (uint32_t)(timeouts >> 32), next, r);
		return;
	}
	if (flags & MICA_IPC_SEND) {
		if (flags & MICA_IPC_OPEN) {
			r->err = MICA_EINVAL;
			return;
		}
		struct cap *c = cap_lookup(self->task, slot);
		if (!c) {
			r->err = MICA_EBADCAP;
			return;
		}
		mica_sword_t proto = mica_tag_label(tag);
		int to_kernel = c->obj->type != KOBJ_GATE ||
				(proto >= KERNEL_PROTOCOL_FIRST && proto <= KERNEL_PROTOCOL_LAST && (c->rights & MICA_X));
		if (to_kernel) {
			mica_word_t reply_tag;
			r->err = invoke(c, self, tag, &reply_tag);
			if (!r->err && (flags & MICA_IPC_RECV))
				r->tag = reply_tag;
			else if (!r->err && mica_tag_label(reply_tag) < 0)
				r->err = (int)-mica_tag_label(reply_tag);
			return;
		}
		send(self, (struct gate *)c->obj, tag, timeouts, !!(flags & MICA_IPC_RECV), r);
		return;
	}
	if (flags & MICA_IPC_RECV) {
		r->err = MICA_EINVAL;   /* a closed wait is only the second half of a call */
		return;
	}
	open_wait(self, (uint32_t)(timeouts >> 32), 0, r);
}
