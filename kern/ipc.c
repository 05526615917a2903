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
 * leaves the results in the thread (its `ipc`) and makes
 * it runnable.
 *
 * Items are read from a kernel copy of the sender's, never back from the
 * receiver's UTCB (a string could have rewritten them there), and the side
 * effects of the capabilities an item replaces (a watched gate's
 * notification) wait for the end of the operation (kobj_reap).
 */
#include "ipc.h"

#include "arch.h"
#include "cap.h"
#include <common/fpage.h>
#include "gate.h"
#include "hold.h"
#include "invoke.h"
#include "irq.h"
#include "kip.h"
#include "panic.h"
#include "preempt.h"
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

/* The timed waits are kept sorted by deadline, so that the tick looks
 * only at the head.  The insertion walks the list instead: a few
 * instructions per thread waiting with a timeout, once per wait rather
 * than once per tick. */
static void timed_insert(struct thread *t, uint64_t deadline_us)
{
	struct thread *prev = 0, *next = timed_head;

	t->deadline_us = deadline_us;
	while (next && next->deadline_us <= deadline_us) {
		prev = next;
		next = next->timed_link.next;
	}
	t->timed_link.prev = prev;
	t->timed_link.next = next;
	if (prev)
		prev->timed_link.next = t;
	else
		timed_head = t;
	if (next)
		next->timed_link.prev = t;
}

static inline void timed_add(struct thread *t, uint32_t timeout)
{
	if (timeout != MICA_TIMEOUT_NEVER)
		timed_insert(t, deadline(timeout));
}

static void timed_remove(struct thread *t)
{
	if (!t->deadline_us)
		return;
	list_remove(timed_head, t, timed_link);
	t->deadline_us = 0;
}

/* A held thread's wait is timed (hold.c): one without a timeout gets a
 * deadline the tick never reaches, so that the fast path, which takes
 * only partners waiting without one, leaves it to finish() below. */
void ipc_hold(struct thread *t, int held)
{
	if (held && t->wait != IPC_NONE && !t->deadline_us)
		timed_insert(t, IPC_DEADLINE_HELD);
	else if (!held && t->deadline_us == IPC_DEADLINE_HELD)
		timed_remove(t);
}

/* The tag a receiver sees: the sender's, minus the flag only the kernel
 * sets (an irq's). */
static inline mica_word_t received_tag(mica_word_t tag)
{
	return tag & ~((mica_word_t)MICA_TAG_F_IRQ << MICA_TAG_FLAGS_SHIFT);
}

/* What finish() does with a thread whose wait ended. */
enum wake {
	WAKE_NONE,     /* nothing: it is stopped or dying */
	WAKE_READY,    /* make it ready */
	WAKE_DIRECT,   /* nothing: the caller switches to it, or readies it */
};

/* End t's wait with these results.  A held thread that would run
 * (WAKE_READY, WAKE_DIRECT) is parked instead, and 0 returned; only a
 * timed wait is looked at for it (ipc_hold). */
static inline int finish(struct thread *t, int err, mica_word_t tag, mica_word_t label, enum wake wake)
{
	t->ipc = (struct ipc_result){ err, tag, label };
	t->wait = IPC_NONE;
	t->partner = 0;
	if (t->deadline_us) {
		timed_remove(t);
		if (t->holds && wake != WAKE_NONE) {
			hold_park(t);
			return 0;
		}
	}
	if (wake == WAKE_READY)
		sched_ready(t);
	return 1;
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
	*r = self->ipc;
}

/* A queued sender is also on its gate's list, so that a gate going
 * cancels its own senders without walking the receiver's whole queue. */
static void sendq_remove(struct thread *dst, struct thread *s)
{
	list_remove(s->send_gate->senders, s, gate_sender_link);
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
	list_push(s->send_gate->senders, s, gate_sender_link);
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
	finish(t, err, 0, 0, t->state == THREAD_BLOCKED ? WAKE_READY : WAKE_NONE);
}

int ipc_thread_gone_steps(struct thread *t, long *budget)
{
	ipc_cancel(t, MICA_EGONE);
	if (t->caller)
		ipc_cancel(t->caller, MICA_EGONE);
	/* Callers whose request this thread has not received yet are in its
	 * send queue; the caller it received waited in t->caller. */
	while (t->sendq_head) {
		if (preempt_spend(budget))
			return 0;
		ipc_cancel(t->sendq_head, MICA_EGONE);
	}
	return 1;
}

int ipc_gate_gone_steps(struct gate *g, long *budget)
{
	while (g->senders) {
		if (preempt_spend(budget))
			return 0;
		ipc_cancel(g->senders, MICA_EGONE);
	}
	return 1;
}

void ipc_tick(uint64_t now_us)
{
	while (timed_head && timed_head->deadline_us <= now_us) {
		struct thread *t = timed_head;
		if (t->wait == IPC_NONE)
			timed_remove(t);
		else
			ipc_cancel(t, MICA_ETIMEOUT);
	}
}

int ipc_deliver_irq(struct thread *t, struct irq *q)
{
	if (t->wait != IPC_RECEIVING)
		return 0;
	finish(t, MICA_OK, mica_tag(0, 0, 0, MICA_TAG_F_IRQ), q->label, WAKE_READY);
	return 1;
}

/* ---- the message transfer -------------------------------------------------
 * Each item kind's function takes the item (a kernel copy of the sender's
 * two words) and rewrites it into what the receiver sees.  An error ends
 * the transfer at that item: the items before it arrived, the ones after
 * it are not looked at, and the failed one did nothing (a capability item
 * may have emptied its receive slot, a memory item mapped some of its
 * pages) -- docs/ipc.md. */

struct xfer {
	unsigned next_slot, next_string;   /* receive buffers consumed so far */
	uint32_t string_bytes;             /* copied so far (MICA_STRING_MAX) */
	uint32_t mem_bytes;                /* mapped so far (MICA_MEM_ITEMS_MAX) */
	long budget;                       /* work units left for replacing what the receiver had
					      (PREEMPT_BUDGET a message: then MICA_EBUSY) */
};

static int transfer_cap(struct thread *from, struct thread *to, mica_word_t *item, struct xfer *x)
{
	const struct mica_utcb *ru = to->utcb;
	mica_word_t desc = ru->br[MICA_BR_DESC];
	unsigned i = x->next_slot++;

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
	unsigned rights = c->rights & mica_item_rights(item[0]);
	/* Identifying a gate needs what using it needs: W. */
	if ((desc & MICA_BR_LOCAL_ID) && (rights & MICA_W) && c->obj->type == KOBJ_GATE &&
	    ((struct gate *)c->obj)->thread == to) {
		item[0] = MICA_ITEM_CAP | MICA_ITEM_F_LOCAL;
		item[1] = ((struct gate *)c->obj)->label;
		return MICA_OK;
	}
	int err = item[0] & MICA_ITEM_F_GRANT ? cap_grant(c, to->task, slot, rights, &x->budget)
					      : cap_map(c, to->task, slot, rights, &x->budget);
	if (err)
		return err;
	item[0] = MICA_ITEM_CAP | ((mica_word_t)rights << 8);
	item[1] = slot;
	return MICA_OK;
}

/* The largest order that fits in `left` bytes (a whole number of pages,
 * at least one). */
static unsigned order_within(uint32_t left)
{
	unsigned order = FPAGE_MEM_ORDER_MIN;

	while ((2ull << order) <= left)
		order++;
	return order;
}

/* Mapped with interrupts off, so a message maps at most MICA_MEM_ITEMS_MAX
 * bytes: a larger transfer keeps the part the send base points at. */
static int transfer_mem(struct thread *from, struct thread *to, mica_word_t *item, struct xfer *m)
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
	if (m->mem_bytes >= MICA_MEM_ITEMS_MAX)
		return MICA_E2BIG;
	mica_addr_t send_base = item[0] & ~(mica_word_t)0xfff;
	fpage_transfer(item[1], send_base, window, &x);
	/* (What fits, the common case, is not rounded down.) */
	uint32_t left = MICA_MEM_ITEMS_MAX - m->mem_bytes;
	unsigned most = x.order < 32 && (1ull << x.order) <= left ? x.order : order_within(left);
	if (x.order > most) {
		uint64_t part = send_base & ((1ull << x.order) - 1) & ~((1ull << most) - 1);
		x.src += part;
		x.dst += part;
		x.order = most;
	}
	m->mem_bytes += 1u << x.order;
	unsigned rights = mica_fpage_rights(item[1]);
	int err = task_map_range(from->task, x.src, x.src + ((1ull << x.order) - 1), to->task, x.dst, rights, grant,
				 &m->budget);
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

/* Whether [buf, buf + size) overlaps t's UTCB. */
static int overlaps_utcb(const struct thread *t, mica_word_t buf, mica_word_t size)
{
	mica_word_t start = t->utcb_user;

	if (!size || buf >= start + MICA_UTCB_SIZE)
		return 0;
	return buf >= start || start - buf < size;
}

static int transfer_string(struct thread *from, struct thread *to, mica_word_t *item, struct xfer *x)
{
	const struct mica_utcb *ru = to->utcb;
	mica_word_t desc = ru->br[MICA_BR_DESC];
	unsigned i = x->next_string++;
	unsigned b = MICA_BR_FIRST + mica_br_ncaps(desc) + 2 * i;
	uint32_t len = mica_item_len(item[0]);

	if (i >= mica_br_nstrings(desc) || b + 1 >= MICA_BR_COUNT)
		return MICA_ENOBUF;
	mica_word_t buf = ru->br[b], size = ru->br[b + 1];
	if (overlaps_utcb(to, buf, size))
		return MICA_ENOBUF;   /* not a buffer: its bytes would be the message */
	if (len > size)
		return MICA_EOVERFLOW;
	if (len > MICA_STRING_MAX - x->string_bytes)
		return MICA_E2BIG;    /* copied with interrupts off: bounded */
	int err = arch_space_copy(to->task->root, buf, from->task->root, item[1], len);
	if (err)
		return err;
	x->string_bytes += len;
	item[0] = mica_item_string(len);
	item[1] = buf;
	return MICA_OK;
}

static int transfer_item(struct thread *from, struct thread *to, mica_word_t *item, struct xfer *x)
{
	switch (mica_item_type(item[0])) {
	case MICA_ITEM_CAP: return transfer_cap(from, to, item, x);
	case MICA_ITEM_STRING: return transfer_string(from, to, item, x);
	case MICA_ITEM_MEM: return transfer_mem(from, to, item, x);
	case MICA_ITEM_IO: return transfer_io(from, to, item);
	default: return MICA_EMSG;
	}
}

/* Copy the message (tag) from `from`'s UTCB into `to`'s; *out is the tag
 * the receiver sees.  An error here is seen by both sides; both UTCBs'
 * error word names the failed item, and *out counts the items before it,
 * which arrived. */
static int transfer(struct thread *from, struct thread *to, mica_word_t tag, mica_word_t *out)
{
	struct mica_utcb *su = from->utcb;
	struct mica_utcb *ru = to->utcb;
	unsigned words = mica_tag_words(tag), items = mica_tag_items(tag), i;
	mica_word_t item[2 * MICA_ITEMS_MAX];
	struct xfer x = { 0, 0, 0, 0, PREEMPT_BUDGET };
	int err = MICA_OK;

	for (i = 0; i < 2 * items; i++)
		item[i] = su->mr[words + i];
	for (i = 0; i < words; i++)
		ru->mr[i] = su->mr[i];
	for (i = 0; i < items; i++) {
		mica_word_t *it = &item[2 * i];
		if ((err = transfer_item(from, to, it, &x)))
			break;
		ru->mr[words + 2 * i] = it[0];
		ru->mr[words + 2 * i + 1] = it[1];
	}
	if (err)
		ru->error = su->error = i;
	*out = received_tag((tag & ~((mica_word_t)0x1f << MICA_TAG_ITEMS_SHIFT)) | ((mica_word_t)i << MICA_TAG_ITEMS_SHIFT));
	return err;
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
	*r = (struct ipc_result){ err, tag, s->send_gate->label };
	if (s->call && !err) {
		/* The sender now waits for the reply. */
		s->wait = IPC_WAIT_REPLY;
		s->partner = self;
		timed_remove(s);
		timed_add(s, s->rcv_timeout);
		if (s->holds)
			ipc_hold(s, 1);   /* timed again */
		if (self->caller)
			ipc_cancel(self->caller, MICA_ECANCELED);
		self->caller = s;
	} else {
		finish(s, err, 0, 0, WAKE_READY);
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
			finish(dst, err, out, g->label, WAKE_READY);
			r->err = err;
			return;
		}
		int runs = finish(dst, MICA_OK, out, g->label, WAKE_DIRECT);
		if (dst->caller)
			ipc_cancel(dst->caller, MICA_ECANCELED);
		dst->caller = self;
		self->wait = IPC_WAIT_REPLY;
		self->partner = dst;
		block(self, rcv, runs ? dst : 0, r);
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
	/* A reply to a fault message may fill only the registers the kernel
	 * saved for the faulting thread (kern/fault.c). */
	int err;
	if (c->reply_mrs && mica_tag_words(tag) + 2 * mica_tag_items(tag) > c->reply_mrs) {
		err = MICA_E2BIG;
		out = 0;
	} else {
		err = transfer(self, c, tag, &out);
	}
	if (finish(c, err, out, 0, WAKE_DIRECT))
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

/* The gate a message to this capability goes to (W needed), or NULL: a
 * kernel object, or a gate's own protocol (a kernel protocol label with
 * X), served by the kernel at once. */
static struct gate *send_gate(const struct cap *c, mica_word_t tag, int *err)
{
	mica_sword_t proto = mica_tag_label(tag);

	*err = MICA_OK;
	if (c->obj->type != KOBJ_GATE ||
	    (proto >= KERNEL_PROTOCOL_FIRST && proto <= KERNEL_PROTOCOL_LAST && (c->rights & MICA_X)))
		return 0;
	if (!(c->rights & MICA_W))
		*err = MICA_EPERM;
	return (struct gate *)c->obj;
}

/* ---- the fast path ---------------------------------------------------------
 * The common case of a client-server round trip: a call with words only
 * through a gate (with W) whose thread waits open without a timeout, and a
 * reply-and-wait with words only to a caller that waits without a timeout,
 * with nothing else queued.  It ends the partner's wait with the general
 * path's finish(), skips the checks that cannot fail here, and hands the
 * CPU straight to the partner.  Anything else returns 0
 * and takes the general path (docs/ipc.md). */

static inline void copy_words(const struct mica_utcb *from, struct mica_utcb *to, unsigned words)
{
	for (unsigned i = 0; i < words; i++)
		to->mr[i] = from->mr[i];
}

static const struct ipc_result *fast_call(struct thread *self, uint64_t slot, mica_word_t tag, unsigned words)
{
	struct cap *c = cap_lookup(self->task, slot);
	mica_sword_t proto = mica_tag_label(tag);

	if (!c || c->obj->type != KOBJ_GATE || !(c->rights & MICA_W) ||
	    (proto >= KERNEL_PROTOCOL_FIRST && proto <= KERNEL_PROTOCOL_LAST))
		return 0;
	struct gate *g = (struct gate *)c->obj;
	struct thread *dst = g->thread;
	if (!dst || dst->wait != IPC_RECEIVING || dst->deadline_us || dst->caller)
		return 0;
	finish(dst, MICA_OK, received_tag(tag), g->label, WAKE_DIRECT);   /* not held: not timed */
	copy_words(self->utcb, dst->utcb, words);
	dst->caller = self;
	self->wait = IPC_WAIT_REPLY;
	self->partner = dst;
	self->state = THREAD_BLOCKED;
	sched_direct(dst);
	return &self->ipc;
}

static const struct ipc_result *fast_reply_wait(struct thread *self, mica_word_t tag, unsigned words)
{
	struct thread *c = self->caller;

	if (!c || c->deadline_us || c->reply_mrs || self->sendq_head || self->irq_pending)
		return 0;
	finish(c, MICA_OK, received_tag(tag), 0, WAKE_DIRECT);   /* not held: not timed */
	copy_words(self->utcb, c->utcb, words);
	self->caller = 0;
	self->wait = IPC_RECEIVING;
	self->state = THREAD_BLOCKED;
	sched_direct(c);
	return &self->ipc;
}

const struct ipc_result *ipc_fast(uint64_t op, mica_word_t tag, mica_word_t timeouts)
{
	static const struct ipc_result null_call = { MICA_OK, 0, 0 };
	unsigned flags = op & 0xf;

	if (!flags)
		return &null_call;
	/* Words only, no receive timeout.  (The tag's words and items fields
	 * are its low 12 bits: with no items, they read as the word count.) */
	unsigned words = tag & ((1u << MICA_TAG_FLAGS_SHIFT) - 1);
	if (words > MICA_MR_COUNT || (timeouts >> 32))
		return 0;
	if (flags == (MICA_IPC_SEND | MICA_IPC_RECV))
		return fast_call(sched_current(), op >> MICA_IPC_SLOT_SHIFT, tag, words);
	if (flags == (MICA_IPC_REPLY | MICA_IPC_OPEN))
		return fast_reply_wait(sched_current(), tag, words);
	return 0;
}

/* ---- the system call: one case per operation of docs/abi.md --------------- */

/* SEND, SEND | RECV: a message to the capability in `slot`. */
static void send_to_slot(struct thread *self, uint64_t slot, mica_word_t tag, mica_word_t timeouts, int call,
			 struct ipc_result *r)
{
	struct cap *c = cap_lookup(self->task, slot);

	if (!c) {
		r->err = MICA_EBADCAP;
		return;
	}
	struct gate *g = send_gate(c, tag, &r->err);
	if (r->err)
		return;
	if (g) {
		send(self, g, tag, timeouts, call, r);
		return;
	}
	mica_word_t reply_tag;
	r->err = invoke(c, self, tag, &reply_tag);
	if (!r->err && call)
		r->tag = reply_tag;
	else if (!r->err && mica_tag_label(reply_tag) < 0)
		r->err = (int)-mica_tag_label(reply_tag);
}

/* REPLY, REPLY | OPEN: an error of the reply phase returns without
 * waiting. */
static void reply_then_wait(struct thread *self, mica_word_t tag, uint32_t rcv, int wait, struct ipc_result *r)
{
	struct thread *next;

	r->err = reply(self, tag, &next);
	if (r->err || !wait) {
		if (next)
			sched_ready(next);
		return;
	}
	open_wait(self, rcv, next, r);
}

void ipc_syscall(uint64_t op, mica_word_t tag, mica_word_t timeouts, struct ipc_result *r)
{
	struct thread *self = sched_current();
	unsigned flags = op & 0xf;
	uint32_t rcv = (uint32_t)(timeouts >> 32);

	*r = (struct ipc_result){ MICA_OK, 0, 0 };
	switch (flags) {
	case 0:
		return;   /* the null call */
	case MICA_IPC_SEND:
	case MICA_IPC_SEND | MICA_IPC_RECV:
		if (!valid_tag(tag))
			r->err = MICA_E2BIG;
		else
			send_to_slot(self, op >> MICA_IPC_SLOT_SHIFT, tag, timeouts, (flags & MICA_IPC_RECV) != 0, r);
		return;
	case MICA_IPC_OPEN:
		open_wait(self, rcv, 0, r);
		return;
	case MICA_IPC_REPLY:
	case MICA_IPC_REPLY | MICA_IPC_OPEN:
		if (!valid_tag(tag))
			r->err = MICA_E2BIG;
		else
			reply_then_wait(self, tag, rcv, (flags & MICA_IPC_OPEN) != 0, r);
		return;
	default:
		r->err = MICA_EINVAL;   /* e.g. RECV alone: a closed wait is only the second half of a call */
		return;
	}
}
