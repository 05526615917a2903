/*
 * irq.c - Irq objects and the Irq protocol (see irq.h, idl/kernel/irq.idl).
 */
#include "irq.h"

#include "arch.h"
#include "factory.h"
#include "gate.h"
#include "invoke.h"
#include "ipc.h"
#include "preempt.h"
#include "slab.h"
#include "thread.h"

#include <idl/kernel/irq_server.h>

#include <mica/error.h>

#define MAX_LINES 256

static struct slab_cache irq_cache;
static struct irq *line_irq[MAX_LINES];

int irq_create(struct factory *f, mica_word_t label, struct irq **out)
{
	if (!irq_cache.name)
		slab_cache_init(&irq_cache, "irq", sizeof(struct irq));
	struct irq *q = factory_alloc_obj(f, &irq_cache, KOBJ_IRQ);
	if (!q)
		return MICA_ENOMEM;
	q->label = label;
	q->line = IRQ_NO_LINE;
	*out = q;
	return MICA_OK;
}

static void drop_pending(struct irq *q)
{
	struct thread *t = q->thread;

	if (!q->pending)
		return;
	for (struct irq **p = &t->irq_pending; *p; p = &(*p)->pending_next) {
		if (*p == q) {
			*p = q->pending_next;
			break;
		}
	}
	q->pending = 0;
}

void irq_unbind(struct irq *q)
{
	struct thread *t = q->thread;

	if (!t)
		return;
	drop_pending(q);
	list_remove(t->irqs, q, thread_link);
	q->thread = 0;
}

static void bind(struct irq *q, struct thread *t)
{
	irq_unbind(q);
	q->thread = t;
	list_push(t->irqs, q, thread_link);
}

int irq_destroy(struct irq *q, long *budget)
{
	while (q->watching) {
		if (preempt_spend(budget))
			return 0;
		gate_unwatch(q->watching);
	}
	if (q->line != IRQ_NO_LINE)
		irq_disconnect_line(q->line);
	irq_unbind(q);
	factory_free_obj(&irq_cache, &q->obj);
	return 1;
}

void irq_fire(struct irq *q)
{
	struct thread *t = q->thread;

	if (!t || q->pending)
		return;
	if (ipc_deliver_irq(t, q))
		return;
	q->pending = 1;
	q->pending_next = t->irq_pending;
	t->irq_pending = q;
}

void irq_add_gate(struct irq *q, struct gate *g)
{
	g->watch = q;
	list_push(q->watching, g, watch_link);
}

void irq_forget_gate(struct irq *q, struct gate *g)
{
	list_remove(q->watching, g, watch_link);
	g->watch = 0;
}

void irq_line_fired(unsigned line)
{
	struct irq *q = line < MAX_LINES ? line_irq[line] : 0;

	/* Masked until the receiver acknowledges with unmask. */
	arch_irq_line_mask(line, 1);
	if (q)
		irq_fire(q);
}

int irq_line_check(const struct irq *q, unsigned line)
{
	if (line >= MAX_LINES || line >= arch_irq_lines())
		return MICA_EINVAL;
	if (line_irq[line] || q->line != IRQ_NO_LINE)
		return MICA_EBUSY;
	return MICA_OK;
}

int irq_connect_line(struct irq *q, unsigned line)
{
	int err = irq_line_check(q, line);

	if (err)
		return err;
	line_irq[line] = q;
	q->line = line;
	return MICA_OK;
}

void irq_disconnect_line(unsigned line)
{
	struct irq *q = line < MAX_LINES ? line_irq[line] : 0;

	if (!q)
		return;
	arch_irq_line_mask(line, 1);
	line_irq[line] = 0;
	q->line = IRQ_NO_LINE;
}

/* ---- the Irq protocol ----------------------------------------------------- */

static int op_bind(void *obj, slot_t thread_slot)
{
	struct invocation *inv = obj;
	struct irq *q = (struct irq *)inv->obj;
	int err = invoke_need(inv, MICA_W);
	struct thread *t;

	if (err)
		return err;
	if (!thread_slot) {
		irq_unbind(q);
		return 0;
	}
	if (!(t = (struct thread *)invoke_lookup(inv, thread_slot, KOBJ_THREAD, MICA_W, &err)))
		return err;
	if (t->state == THREAD_DEAD)
		return -MICA_EGONE;
	bind(q, t);
	return 0;
}

static int op_trigger(void *obj)
{
	struct invocation *inv = obj;
	int err = invoke_need(inv, MICA_W);

	if (!err)
		irq_fire((struct irq *)inv->obj);
	return err;
}

static int op_unmask(void *obj)
{
	struct invocation *inv = obj;
	struct irq *q = (struct irq *)inv->obj;
	int err = invoke_need(inv, MICA_W);

	if (!err && q->line != IRQ_NO_LINE)
		arch_irq_line_mask(q->line, 0);
	return err;
}

const struct irq_ops irq_protocol = {
	.bind = op_bind,
	.trigger = op_trigger,
	.unmask = op_unmask,
};
