/*
 * invoke.c - serving invocations of kernel objects (see invoke.h).
 *
 * The kernel receives like any server: the request is copied into a kernel
 * message buffer whose buffer registers declare a kernel string buffer
 * (only Log.print sends a string), the generated dispatcher checks and
 * decodes it and calls the object's handler, and the reply words go back
 * to the caller's UTCB.  Kernel code runs with interrupts off on one CPU
 * and no handler switches threads (Thread.yield and a thread stopping
 * itself leave the CPU on the way back to user mode, sched_kernel_exit),
 * so one static buffer serves: no other invocation can run between a
 * request's copy-in and its reply's copy-out (one buffer per CPU later).
 */
#include "invoke.h"

#include "arch.h"
#include "cap.h"
#include "factory.h"
#include "gate.h"
#include "icu.h"
#include "irq.h"
#include "irqoff.h"
#include <common/string.h>
#include "preempt.h"
#include "task.h"
#include "thread.h"

#include <idl/kernel/factory_server.h>
#include <idl/kernel/gate_server.h>
#include <idl/kernel/icu_server.h>
#include <idl/kernel/irq_server.h>
#include <idl/kernel/kobject_server.h>
#include <idl/kernel/log_server.h>
#include <idl/kernel/task_server.h>
#include <idl/kernel/thread_server.h>

#include <mica/error.h>
#include <mica/ipc.h>

#define KSTRING_MAX 256

int invoke_need(struct invocation *inv, unsigned rights)
{
	return (inv->rights & rights) == rights ? 0 : -MICA_EPERM;
}

struct kobj *invoke_lookup(struct invocation *inv, uint64_t slot, enum kobj_type type, unsigned rights, int *err)
{
	struct cap *c = cap_lookup(inv->task, slot);

	if (!c)
		*err = -MICA_EBADCAP;
	else if (c->obj->type != type)
		*err = -MICA_ETYPE;
	else if ((c->rights & rights) != rights)
		*err = -MICA_EPERM;
	else
		return c->obj;
	return 0;
}

/* ---- Kobject, answered by every object ------------------------------------ */

static int op_destroy(void *obj)
{
	struct invocation *inv = obj;
	int err = invoke_need(inv, MICA_X);

	if (err)
		return err;
	if (inv->obj->permanent)
		return -MICA_EPERM;   /* the root factory, the Icu, the Log */
	/* kobj_kill in steps, restarted (preempt.h): the capability used
	 * goes last. */
	long budget = PREEMPT_BUDGET;
	if (inv->obj->origin && !cap_revoke_steps(inv->obj->origin, 0, inv->cap, &budget))
		preempt_restart();
	return 0;
}

static int op_info(void *obj, uint32_t *type, uint32_t *rights)
{
	struct invocation *inv = obj;

	*type = inv->obj->type;
	*rights = inv->rights;
	return 0;
}

static const struct kobject_ops kobject_protocol = {
	.destroy = op_destroy,
	.info = op_info,
};

static const struct task_object_ops task_handlers = { &kobject_protocol, &task_protocol };
static const struct thread_object_ops thread_handlers = { &kobject_protocol, &thread_protocol };
static const struct factory_object_ops factory_handlers = { &kobject_protocol, &factory_protocol };
static const struct gate_object_ops gate_handlers = { &kobject_protocol, &gate_protocol };
static const struct irq_object_ops irq_handlers = { &kobject_protocol, &irq_protocol };
static const struct icu_object_ops icu_handlers = { &kobject_protocol, &icu_protocol };
static const struct log_object_ops log_handlers = { &kobject_protocol, &log_protocol };

static struct mica_utcb kmsg;
static char kstring[MICA_ITEMS_MAX][KSTRING_MAX];

/* Copy the request in; string items land in the kernel's string buffers. */
static int receive_request(struct thread *caller, mica_word_t tag)
{
	const struct mica_utcb *u = caller->utcb;
	unsigned words = mica_tag_words(tag), items = mica_tag_items(tag), nstrings = 0;

	if (words + 2 * items > MICA_MR_COUNT)
		return MICA_E2BIG;
	memcpy(kmsg.mr, u->mr, (words + 2 * items) * sizeof(mica_word_t));
	for (unsigned i = 0; i < items; i++) {
		mica_word_t *item = &kmsg.mr[words + 2 * i];
		uint32_t len = mica_item_len(item[0]);
		if (mica_item_type(item[0]) != MICA_ITEM_STRING || len > KSTRING_MAX || 2 + 2 * nstrings + 1 >= MICA_BR_COUNT)
			continue;   /* the dispatcher refuses what it did not expect */
		if (user_copy_in(kstring[nstrings], item[1], len))
			return MICA_EFAULT;
		item[1] = (mica_word_t)(uintptr_t)kstring[nstrings];
		kmsg.br[MICA_BR_FIRST + 2 * nstrings] = item[1];
		kmsg.br[MICA_BR_FIRST + 2 * nstrings + 1] = KSTRING_MAX - 1;
		nstrings++;
	}
	kmsg.br[MICA_BR_WINDOW] = 0;
	kmsg.br[MICA_BR_DESC] = mica_br_desc(0, nstrings, 0);
	return MICA_OK;
}

int invoke(struct cap *c, struct thread *caller, mica_word_t tag, mica_word_t *reply)
{
	struct invocation inv = { .obj = c->obj, .cap = c, .rights = c->rights, .caller = caller, .task = caller->task };
	union {
		struct task_object_reply_buffers task;
		struct thread_object_reply_buffers thread;
		struct factory_object_reply_buffers factory;
		struct gate_object_reply_buffers gate;
		struct irq_object_reply_buffers irq;
		struct icu_object_reply_buffers icu;
		struct log_object_reply_buffers log;
	} rb;
	int err = receive_request(caller, tag);

	if (err)
		return err;
	irqoff_invoke(c->obj->type, (uint32_t)mica_tag_label(tag));
	switch (c->obj->type) {
	case KOBJ_TASK: task_object_dispatch(&task_handlers, &inv, &kmsg, tag, &rb.task, reply); break;
	case KOBJ_THREAD: thread_object_dispatch(&thread_handlers, &inv, &kmsg, tag, &rb.thread, reply); break;
	case KOBJ_FACTORY: factory_object_dispatch(&factory_handlers, &inv, &kmsg, tag, &rb.factory, reply); break;
	case KOBJ_GATE: gate_object_dispatch(&gate_handlers, &inv, &kmsg, tag, &rb.gate, reply); break;
	case KOBJ_IRQ: irq_object_dispatch(&irq_handlers, &inv, &kmsg, tag, &rb.irq, reply); break;
	case KOBJ_ICU: icu_object_dispatch(&icu_handlers, &inv, &kmsg, tag, &rb.icu, reply); break;
	case KOBJ_LOG: log_object_dispatch(&log_handlers, &inv, &kmsg, tag, &rb.log, reply); break;
	default: *reply = mica_tag(-MICA_ETYPE, 0, 0, 0); break;
	}
	/* Stopped on its budget: no reply, the caller's registers and UTCB
	 * stay as they were for the restart (preempt.h). */
	if (preempt_restart_pending) {
		preempt_restart_pending = 0;
		return KERN_RESTART;
	}
	/* Kernel replies carry words only. */
	if (caller->utcb)
		memcpy(caller->utcb->mr, kmsg.mr, mica_tag_words(*reply) * sizeof(mica_word_t));
	return MICA_OK;
}
