/*
 * kobj.c - object lifetime (see kobj.h): counting capabilities and
 * destroying objects whose last capability went, without recursion.
 */
#include "kobj.h"

#include "cap.h"
#include "factory.h"
#include "gate.h"
#include "irq.h"
#include "irqoff.h"
#include "panic.h"
#include "preempt.h"
#include "sched.h"
#include "task.h"
#include "thread.h"

#include <mica/error.h>

const char *const kobj_type_names[KOBJ_TYPES] = {
	"none", "task", "thread", "gate", "irq", "factory", "icu", "log",
};

struct kobj *kobj_reap_head;
static struct kobj *reap_tail;

void kobj_cap_added(struct kobj *obj)
{
	obj->caps++;
}

static void queue(struct kobj *obj)
{
	if (obj->queued)
		return;
	/* First in, first out: what a factory's step killed is destroyed
	 * before its next step. */
	obj->queued = 1;
	obj->reap_next = 0;
	if (kobj_reap_head)
		reap_tail->reap_next = obj;
	else
		kobj_reap_head = obj;
	reap_tail = obj;
}

void kobj_cap_removed(struct kobj *obj)
{
	KASSERT(obj->caps > 0);
	if (--obj->caps || obj->permanent || obj->dying)
		return;
	obj->dying = 1;
	queue(obj);
}

void kobj_notify_later(struct kobj *obj)
{
	obj->notify = 1;
	queue(obj);
}

int kobj_kill(struct kobj *obj)
{
	if (obj->permanent)
		return MICA_EPERM;
	if (obj->origin)
		cap_revoke(obj->origin, 0);
	return MICA_OK;
}

static struct thread *reaper;   /* reaping, perhaps preempted (kobj_reap_queued) */

/* One step of obj's destruction, spending *budget: 1 when it is gone. */
static int destroy(struct kobj *obj, long *budget)
{
	irqoff_reap(obj->type);
	switch (obj->type) {
	case KOBJ_TASK: return task_destroy((struct task *)obj, budget);
	case KOBJ_THREAD:
		if (reaper == (struct thread *)obj)
			reaper = 0;   /* a preempted reaper going: no one waits for it */
		return thread_destroy((struct thread *)obj, budget);
	case KOBJ_GATE: return gate_destroy((struct gate *)obj, budget);
	case KOBJ_IRQ: return irq_destroy((struct irq *)obj, budget);
	case KOBJ_FACTORY: return factory_destroy((struct factory *)obj, budget);
	default: panic("kobj: cannot destroy an object of type %u", obj->type);
	}
}

/* Bounded steps with an interrupt window between them (preempt.h): the
 * objects' steps between two windows share PREEMPT_BUDGET units, each
 * step costing at least PREEMPT_REAP_COST; the queue and every object on
 * it are consistent at each window.  A thread
 * that runs in a window (a higher priority, for which the window is
 * opened) leaves the queue to the reaper it preempted, which goes on when
 * it runs again -- so the objects a thread drops are gone before it
 * returns to user mode unless another thread's reaping was under way.
 * (Should the reaper be stopped or go, any thread reaps: each step is
 * whole.) */
void kobj_reap_queued(void)
{
	struct thread *self = sched_current();
	long budget = PREEMPT_BUDGET;

	if (reaper && reaper != self && reaper->state == THREAD_READY)
		return;
	reaper = self;
	while (kobj_reap_head) {
		if (budget <= 0) {
			sched_preempt_point();
			reaper = self;
			budget = PREEMPT_BUDGET;
			continue;
		}
		struct kobj *obj = kobj_reap_head;
		kobj_reap_head = obj->reap_next;
		obj->queued = 0;
		if (obj->notify) {
			obj->notify = 0;
			gate_notify_watch((struct gate *)obj);
		}
		budget -= PREEMPT_REAP_COST;
		if (obj->dying && !destroy(obj, &budget))
			queue(obj);   /* its next step after what is queued now */
	}
	reaper = 0;
}
