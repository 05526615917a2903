/*
 * kobj.c - object lifetime (see kobj.h): counting capabilities and
 * destroying objects whose last capability went, without recursion.
 */
#include "kobj.h"

#include "cap.h"
#include "factory.h"
#include "gate.h"
#include "irq.h"
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

/* One step of obj's destruction: 1 when it is gone. */
static int destroy(struct kobj *obj)
{
	switch (obj->type) {
	case KOBJ_TASK: return task_destroy((struct task *)obj);
	case KOBJ_THREAD:
		if (reaper == (struct thread *)obj)
			reaper = 0;   /* a preempted reaper going: no one waits for it */
		return thread_destroy((struct thread *)obj);
	case KOBJ_GATE: return gate_destroy((struct gate *)obj);
	case KOBJ_IRQ: irq_destroy((struct irq *)obj); return 1;
	case KOBJ_FACTORY: return factory_destroy((struct factory *)obj);
	default: panic("kobj: cannot destroy an object of type %u", obj->type);
	}
}

/* Bounded steps with an interrupt window between them (preempt.h): the
 * queue and every object on it are consistent at each window.  A thread
 * that runs in a window (a higher priority, for which the window is
 * opened) leaves the queue to the reaper it preempted, which goes on when
 * it runs again -- so the objects a thread drops are gone before it
 * returns to user mode unless another thread's reaping was under way.
 * (Should the reaper be stopped or go, any thread reaps: each step is
 * whole.) */
void kobj_reap_queued(void)
{
	struct thread *self = sched_current();
	unsigned steps = 0;

	if (reaper && reaper != self && reaper->state == THREAD_READY)
		return;
	reaper = self;
	while (kobj_reap_head) {
		if (steps++ == PREEMPT_REAP_STEPS) {
			sched_preempt_point();
			reaper = self;
			steps = 0;
			continue;
		}
		struct kobj *obj = kobj_reap_head;
		kobj_reap_head = obj->reap_next;
		obj->queued = 0;
		if (obj->notify) {
			obj->notify = 0;
			gate_notify_watch((struct gate *)obj);
		}
		if (obj->dying && !destroy(obj))
			queue(obj);   /* its next step after what is queued now */
	}
	reaper = 0;
}
