/*
 * pipe.c - the pipe server (idl/rt/pipe.idl, docs/pipes.md): it makes
 * pipes and keeps count of their ends; the data never passes through it.
 *
 * A pipe is a ring (include/mica/pipe.h) in a dataspace that every holder
 * of either end maps, and two gates of this thread, one per end, labelled
 * with the pipe and the end.  An end's holders are the capabilities to its
 * gate: the kernel counts them, and each gate's last-reference watch (an
 * irq bound to this thread, labelled pipe | 2 | end) says when the last
 * one went, whether closed or with its task.  The server then marks the
 * ring closed for that side and wakes the other; a pipe both of whose ends
 * are gone is freed.
 *
 * Waiting happens in the clients: each registers (PipeEnd.attach) an irq
 * bound to its waiting thread, and whoever changes the ring while the
 * other side waits asks for PipeEnd.wake, which triggers that side's irqs.
 * An irq whose task has gone fails its trigger and is forgotten, so a dead
 * waiter costs nothing but its entry until then (attach, when the
 * entries are used up, and Subscribers.count look for such irqs too).
 * The entries are one pool for every end of every pipe: an end has as many
 * waiters as hold it (a shell's pipeline, a fork bomb's hundred copies of
 * one read end), up to WAITERS_MAX in all.
 */
#include <libsys/cap.h>
#include <libsys/debug.h>
#include <libsys/error.h>
#include <libsys/slot.h>
#include <common/string.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/pipe.h>
#include <rt/rt.h>
#include <server/server.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/gate.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>
#include <idl/rt/memory.h>
#include <idl/rt/pipe_server.h>
#include <idl/rt/region_map.h>

#define PIPES_MAX 64     /* pipes at once, all clients together */
#define TICKETS_MAX 64   /* tickets not yet adopted, all pipes together */
#define WAITERS_MAX MICA_PIPE_WAITERS_MAX

#define LABEL_WATCH 2u   /* label bit: the end's last-reference watch */
#define LABEL_END 1u     /* label bit: which end */

/* An irq registered by attach, on its end's list or the free list. */
struct waiter {
	mica_cap_t irq;
	struct waiter *next;
};

struct end {
	mica_cap_t gate, watch;          /* ours: the origin of every holder's copy */
	struct waiter *waiters;          /* registered by attach */
	unsigned tickets;                /* handed off, not yet adopted or gone */
	bool unheld;                     /* no client copy of gate is left */
	bool gone;                       /* closed for good: neither copies nor tickets */
	bool adopted_unheld;             /* adopt's reply is the only copy to be */
};

struct pipe {
	bool used;
	struct end ends[2];              /* [MICA_PIPE_READ_END], [MICA_PIPE_WRITE_END] */
	mica_cap_t ring;                 /* the dataspace clients get copies of */
	struct mica_pipe_header *hdr;    /* the ring here */
};

/* An end handed off (PipeEnd.hand_off): a gate of its own, labelled
 * with the ticket, watched (label ticket | 2). */
struct ticket {
	struct pipe *pipe;               /* NULL: free */
	unsigned end;
	mica_cap_t gate, watch;
};

static struct pipe pipes[PIPES_MAX];
static struct ticket tickets[TICKETS_MAX];
static struct waiter waiter_pool[WAITERS_MAX];
static struct waiter *free_waiters;

static void waiters_init(void)
{
	for (unsigned i = 0; i < WAITERS_MAX; i++)
		waiter_pool[i].next = i + 1 < WAITERS_MAX ? &waiter_pool[i + 1] : 0;
	free_waiters = waiter_pool;
}

/* Forget *w (its irq dropped); *w becomes the next one. */
static void waiter_forget(struct waiter **w)
{
	struct waiter *gone = *w;

	mica_slot_drop(gone->irq);
	*w = gone->next;
	*gone = (struct waiter){ 0, free_waiters };
	free_waiters = gone;
}

/* The pipe a label names (pipe | watch bit | end), or NULL. */
static struct pipe *pipe_of(mica_word_t label)
{
	mica_word_t base = (mica_word_t)pipes, at = label & ~(mica_word_t)3;

	if (at < base || at >= base + sizeof pipes || (at - base) % sizeof(struct pipe))
		return 0;
	struct pipe *p = (struct pipe *)at;
	return p->used ? p : 0;
}

/* The ticket a label names (ticket | watch bit), or NULL. */
static struct ticket *ticket_of(mica_word_t label)
{
	mica_word_t base = (mica_word_t)tickets, at = label & ~(mica_word_t)3;

	if (at < base || at >= base + sizeof tickets || (at - base) % sizeof(struct ticket))
		return 0;
	struct ticket *t = (struct ticket *)at;
	return t->pipe ? t : 0;
}

static void destroy(mica_cap_t *cap)
{
	if (*cap) {
		kobject_destroy(*cap);
		mica_slot_free(*cap);
		*cap = 0;
	}
}

static void ticket_free(struct ticket *t)
{
	destroy(&t->gate);
	destroy(&t->watch);
	*t = (struct ticket){ 0 };
}

static void pipe_free(struct pipe *p)
{
	for (unsigned i = 0; i < TICKETS_MAX; i++)
		if (tickets[i].pipe == p)
			ticket_free(&tickets[i]);
	for (unsigned e = 0; e < 2; e++) {
		destroy(&p->ends[e].gate);
		destroy(&p->ends[e].watch);
		while (p->ends[e].waiters)
			waiter_forget(&p->ends[e].waiters);
	}
	if (p->hdr) {
		uint64_t start, size;
		mica_cap_t back = mica_slot_alloc();
		if (back && region_map_detach(rt_cap("rm"), (uint64_t)p->hdr, &start, &size, &back) == 0)
			mica_slot_drop(back);
		else if (back)
			mica_slot_free(back);
	}
	if (p->ring) {
		task_cap_unmap(MICA_BOOT_TASK, p->ring, false);   /* the clients' copies */
		mica_slot_drop(p->ring);
	}
	*p = (struct pipe){ 0 };
}

static void undo_create(void *made)
{
	pipe_free(made);
}

/* Trigger every irq of end e; an irq that is gone is forgotten. */
static void wake_end(struct pipe *p, unsigned e)
{
	for (struct waiter **w = &p->ends[e].waiters; *w;)
		if (irq_trigger((*w)->irq) < 0)
			waiter_forget(w);
		else
			w = &(*w)->next;
}

static int end_new(struct pipe *p, unsigned e)
{
	struct end *end = &p->ends[e];
	mica_word_t label = (mica_word_t)p | e;
	int err;

	end->gate = mica_slot_alloc();
	end->watch = mica_slot_alloc();
	if (!end->gate || !end->watch)
		return -MICA_ENOMEM;
	if ((err = factory_create_gate(MICA_BOOT_FACTORY, end->gate, MICA_BOOT_THREAD, label)) != 0 ||
	    (err = factory_create_irq(MICA_BOOT_FACTORY, end->watch, label | LABEL_WATCH)) != 0 ||
	    (err = irq_bind(end->watch, MICA_BOOT_THREAD)) != 0)
		return err;
	return gate_watch(end->gate, end->watch);
}

/* ---- PipeFactory: the served gate ----------------------------------- */

static int on_create(struct srv_request *req, mica_cap_t *read_end, mica_cap_t *write_end)
{
	struct pipe *p = 0;
	mica_cap_t mine;
	uint64_t start;
	int err;

	if (req->obj)
		return -MICA_ENOSYS;   /* an end's gate makes no pipes */
	for (unsigned i = 0; i < PIPES_MAX && !p; i++)
		if (!pipes[i].used)
			p = &pipes[i];
	if (!p)
		return -MICA_ENOMEM;
	p->used = true;
	p->ring = mica_slot_alloc();
	mine = mica_slot_alloc();
	if (!p->ring || !mine)
		err = -MICA_ENOMEM;
	else if ((err = memory_alloc(rt_cap("mem"), MICA_PIPE_RING_SIZE, &p->ring)) == 0 &&
		 (err = task_cap_map(MICA_BOOT_TASK, p->ring, mine, MICA_RWX, false)) == 0 &&
		 (err = region_map_attach(rt_cap("rm"), 0, MICA_PIPE_RING_SIZE, MICA_R | MICA_W, mine, 0, &start)) == 0) {
		mine = 0;   /* the region mapper has it */
		p->hdr = (struct mica_pipe_header *)start;
		if ((err = end_new(p, MICA_PIPE_READ_END)) == 0)
			err = end_new(p, MICA_PIPE_WRITE_END);
	}
	if (mine)
		mica_slot_drop(mine);
	if (err) {
		pipe_free(p);
		return err;
	}
	*read_end = p->ends[MICA_PIPE_READ_END].gate;
	*write_end = p->ends[MICA_PIPE_WRITE_END].gate;
	srv_made(req, undo_create, p);
	return 0;
}

/* ---- PipeEnd: an end's gate ----------------------------------------- */

/* Forget every waiter, of every end, whose irq has gone (with its
 * program, say); how many are left. */
static uint32_t waiters_sweep(void)
{
	uint32_t live = 0;

	for (unsigned i = 0; i < PIPES_MAX; i++)
		for (unsigned e = 0; pipes[i].used && e < 2; e++)
			for (struct waiter **w = &pipes[i].ends[e].waiters; *w;)
				if (mica_cap_gone((*w)->irq))
					waiter_forget(w);
				else
					w = &(*w)->next, live++;
	return live;
}

/* The waiter of `end` whose irq is `irq`'s object, or the list's end. */
static struct waiter **waiter_find(struct end *end, mica_cap_t irq)
{
	struct waiter **w;
	bool same;

	for (w = &end->waiters; *w; w = &(*w)->next)
		if (task_cap_same(MICA_BOOT_TASK, (*w)->irq, irq, &same) == 0 && same)
			break;
	return w;
}

static int on_attach(struct srv_request *req, mica_cap_t irq, mica_cap_t *ring, uint32_t *ring_size,
		     uint32_t *end_out)
{
	struct pipe *p = req->obj ? pipe_of(req->label) : 0;
	int err;

	if (!p || (req->label & LABEL_WATCH))
		return -MICA_ENOSYS;
	struct end *end = &p->ends[req->label & LABEL_END];
	if (!mica_cap_is_irq(irq))
		return -MICA_EINVAL;
	if (!*waiter_find(end, irq)) {   /* not registered yet */
		if (!free_waiters)
			waiters_sweep();
		if (!free_waiters)
			return -MICA_ENOMEM;
		if ((err = srv_keep(req, irq)) != 0)
			return err;
		struct waiter *w = free_waiters;
		free_waiters = w->next;
		*w = (struct waiter){ irq, end->waiters };
		end->waiters = w;
	}
	*ring = p->ring;
	*ring_size = MICA_PIPE_RING_SIZE;
	*end_out = (uint32_t)(req->label & LABEL_END);
	return 0;
}

static int on_detach(struct srv_request *req, mica_cap_t irq)
{
	struct pipe *p = req->obj ? pipe_of(req->label) : 0;

	if (!p || (req->label & LABEL_WATCH))
		return -MICA_ENOSYS;
	struct end *end = &p->ends[req->label & LABEL_END];
	if (!irq)
		return -MICA_EINVAL;
	struct waiter **w = waiter_find(end, irq);
	if (!*w)
		return -MICA_ENOENT;
	waiter_forget(w);
	return 0;
}

static int on_wake(struct srv_request *req, uint32_t sides)
{
	struct pipe *p = req->obj ? pipe_of(req->label) : 0;

	if (!p || (req->label & LABEL_WATCH))
		return -MICA_ENOSYS;
	if (sides & ~(MICA_PIPE_READERS | MICA_PIPE_WRITERS))
		return -MICA_EINVAL;
	if (sides & MICA_PIPE_READERS)
		wake_end(p, MICA_PIPE_READ_END);
	if (sides & MICA_PIPE_WRITERS)
		wake_end(p, MICA_PIPE_WRITE_END);
	return 0;
}

/* Subscribers.count: the irqs attached to the ends of every pipe, after
 * forgetting those destroyed (with their program, say). */
static int on_count(struct srv_request *req, uint32_t *live)
{
	(void)req;
	*live = waiters_sweep();
	return 0;
}

static void undo_hand_off(void *made)
{
	struct ticket *t = made;

	t->pipe->ends[t->end].tickets--;
	ticket_free(t);
}

static int on_hand_off(struct srv_request *req, mica_cap_t *ticket)
{
	struct pipe *p = req->obj ? pipe_of(req->label) : 0;
	struct ticket *t = 0;
	int err;

	if (!p || (req->label & LABEL_WATCH))
		return -MICA_ENOSYS;
	for (unsigned i = 0; i < TICKETS_MAX && !t; i++)
		if (!tickets[i].pipe)
			t = &tickets[i];
	if (!t)
		return -MICA_ENOMEM;
	*t = (struct ticket){ .pipe = p, .end = req->label & LABEL_END, .gate = mica_slot_alloc(),
			      .watch = mica_slot_alloc() };
	if (!t->gate || !t->watch)
		err = -MICA_ENOMEM;
	else if ((err = factory_create_gate(MICA_BOOT_FACTORY, t->gate, MICA_BOOT_THREAD, (mica_word_t)t)) == 0 &&
		 (err = factory_create_irq(MICA_BOOT_FACTORY, t->watch, (mica_word_t)t | LABEL_WATCH)) == 0 &&
		 (err = irq_bind(t->watch, MICA_BOOT_THREAD)) == 0)
		err = gate_watch(t->gate, t->watch);
	if (err) {
		ticket_free(t);
		return err;
	}
	p->ends[t->end].tickets++;
	*ticket = t->gate;
	srv_made(req, undo_hand_off, t);
	return 0;
}

/* The end lost a holder (its gate's client copies, or a ticket): closed
 * for the other side once it has none; the pipe goes with its second end. */
static void end_check(struct pipe *p, unsigned e)
{
	struct end *end = &p->ends[e];

	if (end->gone || !end->unheld || end->tickets)
		return;
	end->gone = true;
	__atomic_or_fetch(&p->hdr->closed, e == MICA_PIPE_READ_END ? MICA_PIPE_READERS : MICA_PIPE_WRITERS,
			  __ATOMIC_SEQ_CST);
	if (p->ends[0].gone && p->ends[1].gone)
		pipe_free(p);
	else
		wake_end(p, !e);
}

/* adopt's reply never arrived: the copy it was to make does not exist. */
static void undo_adopt(void *made)
{
	struct end *end = made;

	if (end->adopted_unheld) {
		struct pipe *p = &pipes[((mica_word_t)end - (mica_word_t)pipes) / sizeof(struct pipe)];
		end->unheld = true;
		end_check(p, (unsigned)(end - p->ends));
	}
}

static int on_adopt(struct srv_request *req, mica_cap_t *end, uint32_t *end_kind)
{
	struct ticket *t = req->obj ? ticket_of(req->label) : 0;

	if (!t || (req->label & LABEL_WATCH))
		return -MICA_ENOSYS;
	struct pipe *p = t->pipe;
	*end = p->ends[t->end].gate;
	*end_kind = t->end;
	p->ends[t->end].adopted_unheld = p->ends[t->end].unheld;
	p->ends[t->end].unheld = false;   /* the reply makes a holder */
	p->ends[t->end].tickets--;
	srv_made(req, undo_adopt, &p->ends[t->end]);
	ticket_free(t);
	return 0;
}

/* A last-reference watch: an end's gate has no client copy left, or a
 * ticket went unadopted. */
static void on_irq(const struct srv *srv, mica_word_t label)
{
	(void)srv;
	struct pipe *p = pipe_of(label);
	struct ticket *t = ticket_of(label);

	if (!(label & LABEL_WATCH))
		return;
	if (p) {
		p->ends[label & LABEL_END].unheld = true;
		end_check(p, label & LABEL_END);
	} else if (t) {
		p = t->pipe;
		unsigned e = t->end;
		p->ends[e].tickets--;
		ticket_free(t);
		end_check(p, e);
	}
}

static const struct pipe_factory_ops factory_ops = { .create = on_create };
static const struct pipe_end_ops end_ops = { .attach = on_attach, .wake = on_wake, .hand_off = on_hand_off, .adopt = on_adopt,
					    .detach = on_detach };
static const struct subscribers_ops subscribers_ops = { .count = on_count };
static const struct pipe_server_ops ops = { .pipe_factory = &factory_ops, .pipe_end = &end_ops,
					    .subscribers = &subscribers_ops };

int main(void)
{
	static struct pipe_server_buffers buffers;
	const struct srv s = { .protocol = &pipe_server_server, .ops = &ops, .irq = on_irq };

	if (!rt_cap("serve")) {
		mica_printf("pipe: no gate to serve (boot.cfg: provide NAME)\n");
		return 1;
	}
	waiters_init();
	int err = srv_serve(&s, &buffers);
	mica_printf("pipe: %s\n", mica_strerror(-err));
	return 1;
}
