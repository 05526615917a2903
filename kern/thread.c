/*
 * thread.c - Thread objects and the Thread protocol (see thread.h,
 * idl/kernel/thread.idl).
 *
 * A thread's kernel stack and UTCB page are charged to its factory.  A
 * thread destroyed while it runs (it deleted itself, or its own task)
 * becomes a zombie: it leaves the CPU at the end of the operation and its
 * memory is freed by the next thread that runs (sched.c).
 *
 * Scheduling authority is the maximum controlled priority (MCP), as in
 * seL4: a thread may give any thread (itself included) a priority or an
 * MCP up to its own MCP, no higher, whatever rights it holds on the
 * target.  A new thread starts at MICA_PRIO_DEFAULT, or at its maker's MCP
 * if that is lower, with its maker's MCP: nothing its maker could not give.
 */
#include "thread.h"

#include "arch.h"
#include "console.h"
#include "factory.h"
#include "gate.h"
#include "hold.h"
#include "invoke.h"
#include "ipc.h"
#include "irq.h"
#include "kip.h"
#include <common/string.h>
#include "panic.h"
#include "preempt.h"
#include "sched.h"
#include "slab.h"
#include "task.h"

#include <idl/kernel/thread_server.h>

#include <mica/error.h>
#include <mica/sched.h>

#define TICK_US 1000   /* the timer's period */

struct thread thread_idle = { .state = THREAD_RUNNING, .obj = { .type = KOBJ_THREAD, .permanent = 1 } };
static struct slab_cache thread_cache;
struct thread *thread_all = &thread_idle;
static uint64_t next_id = 1;

int thread_create(struct factory *f, struct thread **out)
{
	if (!thread_cache.name)
		slab_cache_init(&thread_cache, "thread", sizeof(struct thread));
	if (factory_charge(f, ARCH_KSTACK_PAGES * MICA_PAGE_SIZE))
		return MICA_ENOMEM;
	struct thread *t = factory_alloc_obj(f, &thread_cache, KOBJ_THREAD);
	if (!t) {
		factory_uncharge(f, ARCH_KSTACK_PAGES * MICA_PAGE_SIZE);
		return MICA_ENOMEM;
	}
	int err = arch_thread_init_user(&t->arch, 0, 0, 0, 0, 0);
	if (err) {
		factory_free_obj(&thread_cache, &t->obj);
		factory_uncharge(f, ARCH_KSTACK_PAGES * MICA_PAGE_SIZE);
		return err;
	}
	struct thread *maker = sched_current();
	t->id = next_id++;
	t->state = THREAD_STOPPED;
	t->mcp = maker->mcp;
	t->prio = maker->mcp < MICA_PRIO_DEFAULT ? maker->mcp : MICA_PRIO_DEFAULT;
	t->timeslice = t->ticks_left = MICA_TIMESLICE_DEFAULT_US / TICK_US;
	list_push(thread_all, t, all_link);
	*out = t;
	return MICA_OK;
}

static void free_thread(struct thread *t)
{
	struct factory *f = t->obj.quota;

	arch_thread_fini(&t->arch);
	factory_free_obj(&thread_cache, &t->obj);
	factory_uncharge(f, ARCH_KSTACK_PAGES * MICA_PAGE_SIZE);
}

/* Detached first: a dead thread is sent nothing and gets no new gate or
 * irq (ipc.c, gate.c, irq.c), so its send queue empties and each
 * unbinding is one unit of PREEMPT_BUDGET -- a thread may have thousands
 * of gates bound, and thousands of senders queued. */
int thread_destroy(struct thread *t, long *budget)
{
	if (!t->dismantled) {
		mapdb_cursor_resume(&t->unmap.cur, 0);   /* a preempted unmap's nodes are no longer held */
		if (!thread_detach_steps(t, budget))
			return 0;
		t->dismantled = 1;
	}
	while (t->gates) {
		if (preempt_spend(budget))
			return 0;
		gate_unbind(t->gates);
	}
	while (t->irqs) {
		if (preempt_spend(budget))
			return 0;
		irq_unbind(t->irqs);
	}
	thread_use_gates(t, 0, 0);
	list_remove(thread_all, t, all_link);
	if (t == sched_current())
		sched_zombie(t, free_thread);
	else
		free_thread(t);
	return 1;
}

int thread_attach(struct thread *t, struct task *task, uint64_t utcb_user)
{
	uint64_t pa;

	if (t->task)
		return MICA_EBUSY;
	if (utcb_user & ~MICA_PAGE_MASK)
		return MICA_EINVAL;
	int err = factory_alloc_pages(t->obj.quota, 1, &pa);
	if (err)
		return err;
	err = task_space_map(task, utcb_user, pa, MICA_R | MICA_W, 0, 1);
	if (err) {
		factory_free_pages(t->obj.quota, pa, 1);
		return err;
	}
	t->utcb = arch_phys_to_virt(pa);
	t->utcb->self = utcb_user;
	t->utcb_user = utcb_user;
	t->task = task;
	arch_thread_bind(&t->arch, task->root, utcb_user);
	list_push(task->threads, t, task_link);
	hold_bound(t);
	return MICA_OK;
}

int thread_detach_steps(struct thread *t, long *budget)
{
	struct task *task = t->task;

	if (t->state != THREAD_DEAD) {
		sched_remove(t);
		t->state = THREAD_DEAD;   /* from now on it is sent nothing */
	}
	if (!ipc_thread_gone_steps(t, budget) || preempt_spend(budget))
		return 0;
	if (!task)
		return 1;
	list_remove(task->threads, t, task_link);
	task->cpu_tsc += sched_cpu_thread(t);   /* the task's CPU time keeps its ended threads' */
	/* A boot program whose last thread is gone has ended. */
	if (!task->threads && task->watch && !task->watch->ended)
		*task->watch = (struct boot_watch){ .ended = 1, .status = -1 };
	arch_space_unmap(task->root, t->utcb_user);
	factory_free_pages(t->obj.quota, arch_virt_to_phys(t->utcb), 1);
	t->utcb = 0;
	t->task = 0;
	return 1;
}

void thread_set_user_regs(struct thread *t, uint64_t ip, uint64_t sp, uint64_t arg0, uint64_t arg1)
{
	arch_thread_set_regs(&t->arch, ip, sp, ARCH_FLAGS_KEEP);
	arch_thread_set_args(&t->arch, arg0, arg1);
}

void thread_suspend(struct thread *t)
{
	if (t->state == THREAD_DEAD)
		return;
	t->parked = 0;   /* a hold's release leaves it stopped */
	if (t->state == THREAD_STOPPED)
		return;
	if (t->wait != IPC_NONE)
		ipc_cancel(t, MICA_ECANCELED);   /* may park it */
	sched_remove(t);
	t->state = THREAD_STOPPED;
	t->parked = 0;
}

int thread_resume(struct thread *t)
{
	if (!t->task || t->state == THREAD_DEAD)
		return MICA_EBUSY;
	if (t->state == THREAD_STOPPED)
		t->holds ? hold_park(t) : sched_ready(t);
	return MICA_OK;
}

void thread_use_gates(struct thread *t, struct gate *pager, struct gate *handler)
{
	if (t->pager)
		list_remove(t->pager->pager_of, t, pager_link);
	if (t->exc_handler)
		list_remove(t->exc_handler->handler_of, t, handler_link);
	t->pager = pager;
	t->exc_handler = handler;
	if (pager)
		list_push(pager->pager_of, t, pager_link);
	if (handler)
		list_push(handler->handler_of, t, handler_link);
}

int thread_forget_gate_steps(struct gate *g, long *budget)
{
	while (g->pager_of) {
		if (preempt_spend(budget))
			return 0;
		thread_use_gates(g->pager_of, 0, g->pager_of->exc_handler);
	}
	while (g->handler_of) {
		if (preempt_spend(budget))
			return 0;
		thread_use_gates(g->handler_of, g->handler_of->pager, 0);
	}
	return 1;
}

void thread_dump_all(void)
{
	static const char *const states[] = { "stopped", "ready", "running", "blocked", "dead" };
	static const char *const waits[] = { "", " sending", " receiving", " waiting-reply" };

	kprintf("threads:\n");
	for (struct thread *t = thread_all; t; t = t->all_link.next)
		kprintf("  %s%lu %-8s%s prio %u mcp %u task %s\n", t == sched_current() ? "*" : " ", t->id, states[t->state],
			waits[t->wait], t->prio, t->mcp, t == &thread_idle ? "(kernel idle)" : t->task ? t->task->name : "-");
}

/* ---- the Thread protocol -------------------------------------------------- */

static struct thread *invoked(void *obj, int *err)
{
	struct invocation *inv = obj;

	*err = invoke_need(inv, MICA_W);
	return (struct thread *)inv->obj;
}

static int op_bind(void *obj, slot_t task_slot, uint64_t utcb)
{
	int err;
	struct thread *t = invoked(obj, &err);

	if (err)
		return err;
	struct task *task = (struct task *)invoke_lookup(obj, task_slot, KOBJ_TASK, MICA_W, &err);
	if (!task)
		return err;
	if (t->task)
		return -MICA_EBUSY;
	if ((utcb & ~MICA_PAGE_MASK) || utcb >= MICA_USER_END)
		return -MICA_EINVAL;
	if (arch_space_next_mapped(task->root, utcb, utcb, &(uint64_t){ 0 }))
		return -MICA_EEXIST;   /* the UTCB goes where nothing is mapped */
	return -thread_attach(t, task, utcb);
}

static int op_ex_regs(void *obj, uint64_t ip, uint64_t sp, uint64_t flags, uint64_t *old_ip, uint64_t *old_sp,
		      uint64_t *old_flags)
{
	int err;
	struct thread *t = invoked(obj, &err);

	if (err)
		return err;
	if (t == &thread_idle || !t->task)
		return -MICA_EBUSY;
	if (!arch_thread_regs_valid(ip, sp))
		return -MICA_EINVAL;
	arch_thread_get_regs(&t->arch, old_ip, old_sp, old_flags);
	arch_thread_set_regs(&t->arch, ip, sp, flags);
	if (t->wait != IPC_NONE)
		ipc_cancel(t, MICA_ECANCELED);
	return 0;
}

static int op_start(void *obj)
{
	int err;
	struct thread *t = invoked(obj, &err);

	if (err)
		return err;
	if (!t->task || t->state == THREAD_DEAD)
		return -MICA_EBUSY;
	thread_resume(t);
	return 0;
}

static int op_stop(void *obj)
{
	int err;
	struct thread *t = invoked(obj, &err);

	if (!err)
		thread_suspend(t);
	return err;
}

/* A priority or MCP the invoking thread may give: 0, -MICA_EINVAL (out of
 * range) or -MICA_EPERM (above its MCP). */
static int within_mcp(struct invocation *inv, uint32_t prio)
{
	if (prio > MICA_PRIO_MAX)
		return -MICA_EINVAL;
	return prio > inv->caller->mcp ? -MICA_EPERM : 0;
}

static int op_set_sched(void *obj, uint32_t prio, uint32_t timeslice_us)
{
	int err;
	struct thread *t = invoked(obj, &err);

	if (!err)
		err = within_mcp(obj, prio);
	if (!err && timeslice_us > MICA_TIMESLICE_MAX_US)
		err = -MICA_EINVAL;
	if (err)
		return err;
	if (!timeslice_us)
		timeslice_us = MICA_TIMESLICE_DEFAULT_US;
	t->timeslice = (timeslice_us + TICK_US - 1) / TICK_US;
	if (t->ticks_left > t->timeslice)
		t->ticks_left = t->timeslice;
	sched_set_prio(t, (uint8_t)prio);
	return 0;
}

static int op_set_mcp(void *obj, uint32_t mcp)
{
	int err;
	struct thread *t = invoked(obj, &err);

	if (!err)
		err = within_mcp(obj, mcp);
	if (!err)
		t->mcp = (uint8_t)mcp;
	return err;
}

static int op_sched(void *obj, uint32_t *prio, uint32_t *mcp, uint32_t *timeslice_us)
{
	struct invocation *inv = obj;
	struct thread *t = (struct thread *)inv->obj;
	int err = invoke_need(inv, MICA_R);

	if (err)
		return err;
	*prio = t->prio;
	*mcp = t->mcp;
	*timeslice_us = t->timeslice * TICK_US;
	return 0;
}

static int op_set_handlers(void *obj, slot_t pager, slot_t handler)
{
	int err;
	struct thread *t = invoked(obj, &err);
	struct gate *p = 0, *h = 0;

	if (err)
		return err;
	if (pager && !(p = (struct gate *)invoke_lookup(obj, pager, KOBJ_GATE, MICA_W, &err)))
		return err;
	if (handler && !(h = (struct gate *)invoke_lookup(obj, handler, KOBJ_GATE, MICA_W, &err)))
		return err;
	thread_use_gates(t, p, h);
	return 0;
}

static int op_yield(void *obj)
{
	int err;
	struct thread *t = invoked(obj, &err);

	if (err)
		return err;
	if (t != sched_current())
		return -MICA_EINVAL;
	sched_yield();
	return 0;
}

static int op_state(void *obj, uint32_t *state, uint64_t *id)
{
	struct invocation *inv = obj;
	struct thread *t = (struct thread *)inv->obj;
	int err = invoke_need(inv, MICA_R);

	if (err)
		return err;
	switch (t->state) {
	case THREAD_STOPPED: *state = 0; break;
	case THREAD_READY:
	case THREAD_RUNNING: *state = 1; break;
	case THREAD_BLOCKED: *state = 2; break;
	case THREAD_DEAD: *state = 3; break;
	}
	*id = t->id;
	return 0;
}

static int op_hold(void *obj, bool hold)
{
	int err;
	struct thread *t = invoked(obj, &err);

	if (err || !t->held_self == !hold)
		return err;
	t->held_self = hold;
	hold ? hold_add(t) : hold_drop(t);
	return 0;
}

static int op_keep_running(void *obj, bool keep)
{
	int err;
	struct thread *t = invoked(obj, &err);

	if (!err)
		hold_keep_running(t, keep);
	return err;
}

static int op_cpu_time(void *obj, uint64_t *ns)
{
	struct invocation *inv = obj;
	int err = invoke_need(inv, MICA_R);

	if (!err)
		*ns = kip_tsc_ns(sched_cpu_thread((struct thread *)inv->obj));
	return err;
}

const struct thread_ops thread_protocol = {
	.bind = op_bind,
	.ex_regs = op_ex_regs,
	.start = op_start,
	.stop = op_stop,
	.set_sched = op_set_sched,
	.set_mcp = op_set_mcp,
	.sched = op_sched,
	.set_handlers = op_set_handlers,
	.yield = op_yield,
	.state = op_state,
	.cpu_time = op_cpu_time,
	.hold = op_hold,
	.keep_running = op_keep_running,
};
