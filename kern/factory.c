/*
 * factory.c - quotas, object allocation and the Factory protocol (see
 * factory.h, idl/kernel/factory.idl).
 */
#include "factory.h"

#include "arch.h"
#include "cap.h"
#include "gate.h"
#include "invoke.h"
#include "irq.h"
#include "kmem.h"
#include <common/string.h>
#include "panic.h"
#include "preempt.h"
#include "task.h"
#include "thread.h"

#include <idl/kernel/factory_server.h>

#include <mica/error.h>

struct factory factory_root;
static struct slab_cache factory_cache;

void factory_init_root(uint64_t limit)
{
	factory_root.obj.type = KOBJ_FACTORY;
	factory_root.obj.permanent = 1;
	factory_root.limit = limit;
	slab_cache_init(&factory_cache, "factory", sizeof(struct factory));
}

int factory_charge(struct factory *f, uint64_t bytes)
{
	if (!factory_has_room(f, bytes))
		return MICA_ENOMEM;
	for (struct factory *g = f; g; g = g->payer)
		g->used += bytes;
	return MICA_OK;
}

static void factory_free_now(struct factory *f)
{
	struct factory *parent = f->parent, *payer = f->payer;

	/* The quota first: the parent still counts this object's own bytes,
	 * so only the last uncharge can empty it (and free it, once).  The
	 * payer may go with its record's return, not the maker: it still
	 * counts f's own bytes. */
	factory_uncharge(parent, f->reserved);
	if (payer)
		factory_uncharge(payer, FACTORY_PAYEE_BYTES);   /* its record */
	factory_free_obj(&factory_cache, &f->obj);
}

/* Every payer above f loses the bytes too; they are not emptied by it
 * (each counts f's record until f is freed), only f may be. */
void factory_uncharge(struct factory *f, uint64_t bytes)
{
	for (struct factory *g = f->payer; g; g = g->payer) {
		KASSERT(g->used >= bytes);
		g->used -= bytes;
	}
	KASSERT(f->used >= bytes);
	f->used -= bytes;
	/* Not before factory_destroy ran to its end: a factory queued for
	 * it (or for its next step) is still on the reaper's list. */
	if (f->used == 0 && f->destroyed && !f->pinned && !f->obj.queued)
		factory_free_now(f);
}

void factory_unpin(struct factory *f)
{
	f->pinned = 0;
	if (f->used == 0 && f->destroyed && !f->obj.queued)
		factory_free_now(f);
}

void *factory_slab_alloc_uninit(struct factory *f, struct slab_cache *shape, unsigned which)
{
	struct slab_cache *c = &f->caches[which];

	if (!c->size)
		slab_cache_init_private(c, shape);
	int grows = slab_needs_page(c);
	if (grows && factory_charge(f, MICA_PAGE_SIZE))
		return 0;
	void *p = slab_alloc_uninit(c);
	if (!p && grows)
		factory_uncharge(f, MICA_PAGE_SIZE);
	return p;
}

void *factory_slab_alloc(struct factory *f, struct slab_cache *shape, unsigned which)
{
	void *p = factory_slab_alloc_uninit(f, shape, which);

	return p ? memset(p, 0, f->caches[which].size) : 0;
}

void factory_slab_free(struct factory *f, unsigned which, void *p)
{
	struct slab_cache *c = &f->caches[which];
	uint64_t pages = c->pages;

	slab_free(c, p);
	if (c->pages < pages)
		factory_uncharge(f, MICA_PAGE_SIZE);   /* last: it may free f */
}

void *factory_alloc_obj(struct factory *f, struct slab_cache *cache, enum kobj_type type)
{
	struct kobj *obj = factory_slab_alloc(f, cache, type);

	if (!obj)
		return 0;
	obj->type = type;
	obj->quota = f;
	list_push(f->objects, obj, sib);
	return obj;
}

void factory_free_obj(struct slab_cache *cache, struct kobj *obj)
{
	struct factory *f = obj->quota;

	(void)cache;   /* f's own cache of the type */
	list_remove(f->objects, obj, sib);
	factory_slab_free(f, obj->type, obj);
}

int factory_alloc_pages(struct factory *f, unsigned pages, uint64_t *pa)
{
	int err = factory_charge(f, pages * MICA_PAGE_SIZE);

	if (err)
		return err;
	err = pages == 1 ? kmem_page_alloc_pa(pa) : kmem_run_alloc_pa(pages, pa);
	if (err) {
		factory_uncharge(f, pages * MICA_PAGE_SIZE);
		return err;
	}
	memset(arch_phys_to_virt(*pa), 0, pages * MICA_PAGE_SIZE);
	f->pages += pages;
	return MICA_OK;
}

void factory_free_pages(struct factory *f, uint64_t pa, unsigned pages)
{
	if (pages == 1)
		kmem_page_free_pa(pa);
	else
		kmem_run_free_pa(pa, pages);
	f->pages -= pages;
	factory_uncharge(f, pages * MICA_PAGE_SIZE);
}

int factory_create_sub(struct factory *parent, uint64_t limit, struct factory **out)
{
	if (factory_charge(parent, limit))
		return MICA_ENOMEM;
	struct factory *f = factory_alloc_obj(parent, &factory_cache, KOBJ_FACTORY);
	if (!f) {
		factory_uncharge(parent, limit);
		return MICA_ENOMEM;
	}
	f->limit = f->reserved = limit;
	f->parent = parent;
	*out = f;
	return MICA_OK;
}

int factory_create_paid(struct factory *maker, uint64_t limit, struct factory *payer, uint64_t keep,
			struct factory **out)
{
	if (payer->destroyed)
		return MICA_EGONE;
	if (payer->depth + 1 >= FACTORY_PAYERS_MAX || keep > UINT64_MAX - FACTORY_PAYEE_BYTES ||
	    !factory_has_room(payer, FACTORY_PAYEE_BYTES + keep) || factory_charge(payer, FACTORY_PAYEE_BYTES))
		return MICA_ENOMEM;
	struct factory *f = factory_alloc_obj(maker, &factory_cache, KOBJ_FACTORY);
	if (!f) {
		factory_uncharge(payer, FACTORY_PAYEE_BYTES);
		return MICA_ENOMEM;
	}
	f->limit = limit;
	f->parent = maker;
	f->payer = payer;
	f->depth = payer->depth + 1;
	*out = f;
	return MICA_OK;
}

int factory_destroy(struct factory *f, long *budget)
{
	/* Kill what it made; each object comes back through kobj_reap and
	 * uncharges itself, the last one frees the factory.  The objects
	 * killed in one step are queued before the factory's next step, so
	 * they have left the list when it is read again.  A revocation step
	 * is a unit of *budget. */
	f->destroyed = 1;
	for (struct kobj *o = f->objects; o; o = o->sib.next) {
		if (o->dying || !o->origin || o->permanent)
			continue;
		/* kobj_kill in revocation steps: an object with many copies
		 * goes over several steps. */
		if (!cap_revoke_steps(o->origin, 0, 0, budget))
			return 0;
	}
	if (f->used == 0 && !f->pinned)
		factory_free_now(f);
	return 1;
}

/* ---- the Factory protocol ---------------------------------------------- */

/* Install the new object's origin capability, or free it again (the
 * decoder checked the slot: only a new table leaf can fail, for memory). */
static int hand_out(struct invocation *inv, uint64_t dest, struct kobj *obj)
{
	int err = cap_install(inv->task, dest, obj, MICA_CAP_RIGHTS_ALL);

	if (err) {
		obj->caps = 1;   /* as if installed: the reaper destroys it */
		kobj_cap_removed(obj);
	}
	return -err;
}

/* Every create: W on the factory, and a slot to put the object in. */
static struct factory *invoked(void *obj, uint64_t dest, int *err)
{
	struct invocation *inv = obj;

	*err = invoke_need(inv, MICA_W);
	if (!*err && !cap_slot_valid(dest))
		*err = -MICA_EBADCAP;
	/* The slot's old capability is revoked in steps, restarted
	 * (preempt.h), before the object is made. */
	long budget = PREEMPT_BUDGET;
	if (!*err && !cap_clear_steps(inv->task, dest, &budget)) {
		preempt_restart();
		*err = -MICA_EBUSY;
	}
	return (struct factory *)inv->obj;
}

static int op_create_task(void *obj, slot_t dest)
{
	int err;
	struct factory *f = invoked(obj, dest, &err);
	struct task *t;

	if (!err)
		err = -task_create(f, &t);
	if (err)
		return err;
	/* Named after its creator until it names itself: reports say whose. */
	mica_strlcpy(t->name, ((struct invocation *)obj)->task->name, sizeof t->name);
	return hand_out(obj, dest, &t->obj);
}

static int op_create_thread(void *obj, slot_t dest)
{
	int err;
	struct factory *f = invoked(obj, dest, &err);
	struct thread *t;

	if (!err)
		err = -thread_create(f, &t);
	return err ? err : hand_out(obj, dest, &t->obj);
}

static int op_create_gate(void *obj, slot_t dest, slot_t thread, uint64_t label)
{
	int err;
	struct factory *f = invoked(obj, dest, &err);
	struct invocation *inv = obj;
	struct gate *g;

	if (err)
		return err;
	struct thread *t = (struct thread *)invoke_lookup(inv, thread, KOBJ_THREAD, MICA_W, &err);
	if (!t)
		return err;
	if (t->state == THREAD_DEAD)
		return -MICA_EGONE;
	err = -gate_create(f, t, label, &g);
	return err ? err : hand_out(obj, dest, &g->obj);
}

static int op_create_irq(void *obj, slot_t dest, uint64_t label)
{
	int err;
	struct factory *f = invoked(obj, dest, &err);
	struct irq *q;

	if (!err)
		err = -irq_create(f, label, &q);
	return err ? err : hand_out(obj, dest, &q->obj);
}

static int op_create_factory(void *obj, slot_t dest, uint64_t quota)
{
	int err;
	struct factory *f = invoked(obj, dest, &err);
	struct factory *sub;

	if (!err)
		err = -factory_create_sub(f, quota, &sub);
	return err ? err : hand_out(obj, dest, &sub->obj);
}

static int op_create_factory_paid(void *obj, slot_t dest, uint64_t limit, slot_t payer, uint64_t keep)
{
	int err;
	struct factory *f = invoked(obj, dest, &err);
	struct factory *sub;

	if (err)
		return err;
	struct factory *p = (struct factory *)invoke_lookup(obj, payer, KOBJ_FACTORY, MICA_W, &err);
	if (!p)
		return err;
	err = -factory_create_paid(f, limit, p, keep, &sub);
	return err ? err : hand_out(obj, dest, &sub->obj);
}

static int op_quota(void *obj, uint64_t *limit, uint64_t *used)
{
	struct invocation *inv = obj;
	struct factory *f = (struct factory *)inv->obj;
	int err = invoke_need(inv, MICA_R);

	if (err)
		return err;
	*limit = f->limit;
	*used = f->used;
	return 0;
}

const struct factory_ops factory_protocol = {
	.create_task = op_create_task,
	.create_thread = op_create_thread,
	.create_gate = op_create_gate,
	.create_irq = op_create_irq,
	.create_factory = op_create_factory,
	.create_factory_paid = op_create_factory_paid,
	.quota = op_quota,
};
