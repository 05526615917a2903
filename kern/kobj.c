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
#include "task.h"
#include "thread.h"

#include <mica/error.h>

const char *const kobj_type_names[KOBJ_TYPES] = {
	"none", "task", "thread", "gate", "irq", "factory", "icu", "log",
};

struct kobj *kobj_reap_head;

void kobj_cap_added(struct kobj *obj)
{
	obj->caps++;
}

static void queue(struct kobj *obj)
{
	if (obj->queued)
		return;
	obj->queued = 1;
	obj->reap_next = kobj_reap_head;
	kobj_reap_head = obj;
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

static void destroy(struct kobj *obj)
{
	switch (obj->type) {
	case KOBJ_TASK: task_destroy((struct task *)obj); break;
	case KOBJ_THREAD: thread_destroy((struct thread *)obj); break;
	case KOBJ_GATE: gate_destroy((struct gate *)obj); break;
	case KOBJ_IRQ: irq_destroy((struct irq *)obj); break;
	case KOBJ_FACTORY: factory_destroy((struct factory *)obj); break;
	default: panic("kobj: cannot destroy an object of type %u", obj->type);
	}
}

void kobj_reap_queued(void)
{
	while (kobj_reap_head) {
		struct kobj *obj = kobj_reap_head;
		kobj_reap_head = obj->reap_next;
		obj->queued = 0;
		if (obj->notify) {
			obj->notify = 0;
			gate_notify_watch((struct gate *)obj);
		}
		if (obj->dying)
			destroy(obj);
	}
}
