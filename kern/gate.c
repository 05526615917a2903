/*
 * gate.c - Gate objects and the Gate protocol (see gate.h,
 * idl/kernel/gate.idl).
 */
#include "gate.h"

#include "cap.h"
#include "factory.h"
#include "invoke.h"
#include "ipc.h"
#include "irq.h"
#include "preempt.h"
#include "slab.h"
#include "thread.h"

#include <idl/kernel/gate_server.h>

#include <mica/error.h>

static struct slab_cache gate_cache;

int gate_create(struct factory *f, struct thread *t, mica_word_t label, struct gate **out)
{
	if (!gate_cache.name)
		slab_cache_init(&gate_cache, "gate", sizeof(struct gate));
	if (t->state == THREAD_DEAD)
		return MICA_EGONE;
	struct gate *g = factory_alloc_obj(f, &gate_cache, KOBJ_GATE);
	if (!g)
		return MICA_ENOMEM;
	g->label = label;
	g->thread = t;
	list_push(t->gates, g, thread_link);
	*out = g;
	return MICA_OK;
}

void gate_unbind(struct gate *g)
{
	struct thread *t = g->thread;

	if (!t)
		return;
	list_remove(t->gates, g, thread_link);
	g->thread = 0;
}

/* In steps spending *budget (kobj.c): the threads that use it as
 * pager or exception handler first, so that no fault queues on it any
 * more, then its queued senders, one a unit.  (A dying thread's gates
 * have no senders: thread_detach_steps cancelled them.) */
int gate_destroy(struct gate *g, long *budget)
{
	if (!thread_forget_gate_steps(g, budget) || !ipc_gate_gone_steps(g, budget))
		return 0;
	gate_unbind(g);
	gate_unwatch(g);
	factory_free_obj(&gate_cache, &g->obj);
	return 1;
}

void gate_unwatch(struct gate *g)
{
	if (g->watch)
		irq_forget_gate(g->watch, g);
	g->watch = 0;
}

void gate_last_client_gone(struct gate *g, struct cap *c)
{
	(void)c;
	if (g->watch)
		kobj_notify_later(&g->obj);
}

void gate_notify_watch(struct gate *g)
{
	if (g->watch)
		irq_fire(g->watch);
}

/* ---- the Gate protocol ---------------------------------------------------- */

static int op_watch(void *obj, slot_t irq_slot)
{
	struct invocation *inv = obj;
	struct gate *g = (struct gate *)inv->obj;
	int err = invoke_need(inv, MICA_X);
	struct irq *q = 0;

	if (err)
		return err;
	if (irq_slot && !(q = (struct irq *)invoke_lookup(inv, irq_slot, KOBJ_IRQ, MICA_W, &err)))
		return err;
	gate_unwatch(g);
	if (q)
		irq_add_gate(q, g);
	return 0;
}

static int op_label(void *obj, uint64_t *label)
{
	struct invocation *inv = obj;
	int err = invoke_need(inv, MICA_X);

	if (err)
		return err;
	*label = ((struct gate *)inv->obj)->label;
	return 0;
}

const struct gate_ops gate_protocol = {
	.watch = op_watch,
	.label = op_label,
};
