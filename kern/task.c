/*
 * task.c - Task objects and the Task protocol (see task.h,
 * idl/kernel/task.idl).
 */
#include "task.h"

#include "arch.h"
#include "factory.h"
#include "invoke.h"
#include "kip.h"
#include "kmem.h"
#include "kstring.h"
#include "panic.h"
#include "sched.h"
#include "slab.h"
#include "thread.h"

#include "task_server.h"

#include <mica/error.h>
#include <mica/ipc.h>

static struct slab_cache task_cache;

int task_create(struct factory *f, struct task **out)
{
	if (!task_cache.name)
		slab_cache_init(&task_cache, "task", sizeof(struct task));
	struct task *t = factory_alloc_obj(f, &task_cache, KOBJ_TASK);
	if (!t)
		return MICA_ENOMEM;
	int err = arch_space_create(&t->root);
	if (!err)
		err = kip_map(t->root);
	if (err) {
		if (t->root)
			arch_space_destroy(t->root);
		factory_free_obj(&task_cache, &t->obj);
		return err;
	}
	kstrlcpy(t->name, "task", sizeof t->name);
	*out = t;
	return MICA_OK;
}

void task_destroy(struct task *t)
{
	if (t->watch && !t->watch->ended)
		*t->watch = (struct boot_watch){ .ended = 1, .status = -1 };
	while (t->threads)
		thread_detach(t->threads);
	cap_table_destroy(t);
	arch_space_destroy(t->root);
	factory_free_obj(&task_cache, &t->obj);
}

int task_map_zeroed(struct task *t, uint64_t va, unsigned rights, void **kernel_view)
{
	uint64_t pa;
	int err = kmem_page_alloc_pa(&pa);

	if (err)
		return err;
	void *page = arch_phys_to_virt(pa);
	kmemset(page, 0, 4096);
	err = arch_space_map(t->root, va, pa, rights, 1);
	if (err) {
		kmem_page_free_pa(pa);
		return err;
	}
	if (kernel_view)
		*kernel_view = page;
	return MICA_OK;
}

void task_end_current(int status)
{
	struct thread *self = sched_current();
	struct task *t = self->task;

	KASSERT(t);
	if (t->watch && !t->watch->ended)
		*t->watch = (struct boot_watch){ .ended = 1, .status = status };
	for (struct thread *th = t->threads; th; th = th->task_next)
		thread_suspend(th);
	schedule();
	panic("a stopped thread was scheduled");
}

/* ---- the Task protocol ---------------------------------------------------- */

static struct task *invoked(void *obj, unsigned rights, int *err)
{
	struct invocation *inv = obj;

	*err = invoke_need(inv, rights);
	return (struct task *)inv->obj;
}

static int op_cap_map(void *obj, slot_t src, slot_t dest, uint32_t rights, bool grant)
{
	struct invocation *inv = obj;
	int err;
	struct task *t = invoked(obj, MICA_W, &err);

	if (err)
		return err;
	struct cap *c = cap_lookup(inv->task, src);
	if (!c)
		return -MICA_EBADCAP;
	if (rights & ~MICA_CAP_RIGHTS_ALL)
		return -MICA_EINVAL;
	return -(grant ? cap_grant(c, t, dest, rights) : cap_map(c, t, dest, rights));
}

static int op_cap_unmap(void *obj, slot_t slot, bool self)
{
	int err;
	struct task *t = invoked(obj, MICA_W, &err);

	if (err)
		return err;
	struct cap *c = cap_lookup(t, slot);
	if (!c)
		return -MICA_EBADCAP;
	cap_revoke(c, !self);
	return 0;
}

static int op_cap_same(void *obj, slot_t a, slot_t b, bool *same)
{
	int err;
	struct task *t = invoked(obj, MICA_R, &err);

	if (err)
		return err;
	struct cap *ca = cap_lookup(t, a), *cb = cap_lookup(t, b);
	if (!ca || !cb)
		return -MICA_EBADCAP;
	*same = ca->obj == cb->obj;
	return 0;
}

static int op_cap_info(void *obj, slot_t slot, uint32_t *type, uint32_t *rights)
{
	int err;
	struct task *t = invoked(obj, MICA_R, &err);

	if (err)
		return err;
	if (slot == 0 || slot >= CAP_SLOTS)
		return -MICA_EBADCAP;
	struct cap *c = cap_lookup(t, slot);
	*type = c ? c->obj->type : KOBJ_NONE;
	*rights = c ? c->rights : 0;
	return 0;
}

static int op_mem_map(void *obj, mica_word_t fpage, uint64_t dest)
{
	struct invocation *inv = obj;
	int err;
	struct task *t = invoked(obj, MICA_W, &err);

	if (err)
		return err;
	return -arch_space_share(t->root, dest, inv->task->root, mica_fpage_base(fpage), mica_fpage_order(fpage),
				 mica_fpage_rights(fpage));
}

const struct task_ops task_protocol = {
	.cap_map = op_cap_map,
	.cap_unmap = op_cap_unmap,
	.cap_same = op_cap_same,
	.cap_info = op_cap_info,
	.mem_map = op_mem_map,
};
