/*
 * task.c - task objects (see task.h).
 */
#include "task.h"

#include "arch.h"
#include "kip.h"
#include "kmem.h"
#include "kstring.h"
#include "panic.h"
#include "sched.h"
#include "slab.h"
#include "thread.h"

#include <mica/error.h>

static struct slab_cache task_cache;

int task_create(const char *name, struct task **out)
{
	if (!task_cache.name)
		slab_cache_init(&task_cache, "task", sizeof(struct task));
	struct task *t = slab_alloc(&task_cache);
	if (!t)
		return MICA_ENOMEM;
	int err = arch_space_create(&t->root);
	if (!err)
		err = kip_map(t->root);
	if (err) {
		if (t->root)
			arch_space_destroy(t->root);
		slab_free(&task_cache, t);
		return err;
	}
	kstrlcpy(t->name, name, sizeof t->name);
	*out = t;
	return MICA_OK;
}

void task_destroy(struct task *t)
{
	if (t->thread)
		thread_destroy(t->thread);
	arch_space_destroy(t->root);
	slab_free(&task_cache, t);
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

	KASSERT(self->task);
	self->task->ended = 1;
	self->task->status = status;
	self->state = THREAD_DEAD;
	schedule();
	panic("a dead thread was scheduled");
}
