/*
 * check.c - the invariant checker (see check.h).
 *
 * Objects are found by walking the factory tree from the root factory
 * (every object is on its factory's list); threads also by the list of all
 * threads.  Each check states one invariant of the code that maintains it.
 */
#include "check.h"

#include "arch.h"
#include "cap.h"
#include "console.h"
#include "factory.h"
#include "gate.h"
#include "ipc.h"
#include "irq.h"
#include "mapdb.h"
#include "sched.h"
#include "slab.h"
#include "task.h"
#include "thread.h"

#include <mica/ipc.h>

static int violations;

#define EXPECT(cond, ...) \
	do { \
		if (!(cond)) { \
			if (violations++ < 20) { \
				kprintf("kcheck: "); \
				kprintf(__VA_ARGS__); \
				kprintf(" (%s)\n", #cond); \
			} \
		} \
	} while (0)

/* The next object after o in a depth-first walk of the factory tree. */
static struct kobj *next_object(struct kobj *o)
{
	if (o->type == KOBJ_FACTORY && ((struct factory *)o)->objects)
		return ((struct factory *)o)->objects;
	while (o && !o->sib.next) {
		struct factory *f = o->quota;
		o = f && f != &factory_root ? &f->obj : 0;
	}
	return o ? o->sib.next : 0;
}

static void check_cap(struct task *t, unsigned slot, struct cap *c)
{
	EXPECT(c->task == t && c->slot == slot, "cap %u of task %s: wrong owner or slot", slot, t->name);
	EXPECT(c->obj->caps > 0, "cap %u of task %s: object without a count", slot, t->name);
	EXPECT(c->obj->check_count < 0xffffffffu, "overflow");
	c->obj->check_count++;
	for (struct cap *k = c->child; k; k = k->next) {
		EXPECT(k->parent == c, "cap %u of task %s: child's parent is another", slot, t->name);
		EXPECT(k->obj == c->obj, "cap %u of task %s: child names another object", slot, t->name);
		EXPECT(!(k->rights & ~c->rights), "cap %u of task %s: a child with rights its parent lacks", slot, t->name);
		EXPECT(!k->next || k->next->prev == k, "cap %u of task %s: broken sibling links", slot, t->name);
	}
	if (!c->parent && !c->obj->permanent)
		EXPECT(c->obj->origin == c, "cap %u of task %s: a root that is not the object's origin", slot, t->name);
}

static void check_task(struct task *t)
{
	for (unsigned l = 0; l < CAP_LEAVES; l++)
		for (unsigned i = 0; t->caps.leaf[l] && i < CAP_PER_LEAF; i++)
			if (t->caps.leaf[l][i].obj)
				check_cap(t, l * CAP_PER_LEAF + i, &t->caps.leaf[l][i]);
	for (struct mapnode *n = t->mappings; n; n = n->task_link.next) {
		uint64_t pa;
		unsigned rights;
		EXPECT(n->task == t, "mapping %#lx of task %s: wrong task", n->va, t->name);
		EXPECT(mapdb_lookup(t, n->va) == n, "mapping %#lx of task %s: not found by lookup", n->va, t->name);
		EXPECT(!arch_space_lookup(t->root, n->va, &pa, &rights) && pa == n->pa && rights == (n->rights | MICA_R),
		       "mapping %#lx of task %s: the page table disagrees", n->va, t->name);
		EXPECT(!n->parent || n->parent->pa == n->pa, "mapping %#lx of task %s: another frame than its parent", n->va,
		       t->name);
		for (struct mapnode *k = n->child; k; k = k->next) {
			EXPECT(k->parent == n && (!k->next || k->next->prev == k), "mapping %#lx of task %s: broken tree",
			       n->va, t->name);
			EXPECT(!(k->rights & ~n->rights), "mapping %#lx of task %s: a child with rights its parent lacks",
			       n->va, t->name);
		}
	}
	for (struct thread *th = t->threads; th; th = th->task_link.next)
		EXPECT(th->task == t, "thread %lu on task %s's list is bound elsewhere", th->id, t->name);
}

static void check_thread(struct thread *t)
{
	for (struct thread *s = t->sendq_head; s; s = s->sendq_next) {
		EXPECT(s->wait == IPC_SENDING && s->partner == t, "thread %lu: a sender that is not sending to it", t->id);
		EXPECT(s->sendq_next || t->sendq_tail == s, "thread %lu: send queue tail", t->id);
	}
	if (t->caller)
		EXPECT(t->caller->wait == IPC_WAIT_REPLY && t->caller->partner == t,
		       "thread %lu: its caller does not wait for it", t->id);
	if (t->wait == IPC_WAIT_REPLY && t->partner)
		EXPECT(t->partner->caller == t, "thread %lu: waits for a reply nobody owes", t->id);
	EXPECT(t->wait == IPC_NONE || t->state == THREAD_BLOCKED || t->state == THREAD_STOPPED,
	       "thread %lu: in IPC but not blocked", t->id);
	EXPECT(!t->holds || (t->state != THREAD_READY && t->state != THREAD_RUNNING), "thread %lu: held but runs",
	       t->id);
	EXPECT(!t->parked || t->holds, "thread %lu: parked without a hold", t->id);
	/* The fast path leaves holds to the general path by the timeout
	 * (ipc_hold). */
	EXPECT(!t->holds || t->wait == IPC_NONE || t->deadline_us, "thread %lu: held, its wait not timed", t->id);
	EXPECT(t->deadline_us != IPC_DEADLINE_HELD || (t->holds && t->wait != IPC_NONE),
	       "thread %lu: a held wait's deadline, not held or not waiting", t->id);
	if (t->state == THREAD_READY)
		EXPECT((sched_ready_bits[t->prio / 64] >> (t->prio % 64)) & 1, "thread %lu: ready, its queue empty", t->id);
	for (struct irq *q = t->irq_pending; q; q = q->pending_next)
		EXPECT(q->pending && q->thread == t, "thread %lu: a pending irq that is not its", t->id);
	for (struct gate *g = t->gates; g; g = g->thread_link.next)
		EXPECT(g->thread == t, "thread %lu: a gate bound elsewhere", t->id);
}

/* Charges are page-granular: a factory is charged exactly the pages its
 * caches hold, its page runs, its tasks' page tables and its threads'
 * kernel stacks, the quota of its sub-factories, and what the factories
 * it pays for are charged (each one's use and record: check_paid). */
static uint64_t check_factory(struct factory *f)
{
	uint64_t pages = f->pages, sub = 0, cached = 0;

	for (unsigned i = 0; i < FACTORY_CACHES; i++)
		cached += f->caches[i].pages;
	pages += cached;
	for (struct kobj *o = f->objects; o; o = o->sib.next) {
		if (o->type == KOBJ_TASK)
			pages += 1 + ((struct task *)o)->table_pages;
		else if (o->type == KOBJ_THREAD)
			pages += ARCH_KSTACK_PAGES;
		else if (o->type == KOBJ_FACTORY)
			sub += ((struct factory *)o)->reserved;
	}
	EXPECT(f->used == pages * MICA_PAGE_SIZE + sub + f->check_paid,
	       "a factory is charged %lu bytes, pins %lu pages, gave %lu to others and pays %lu", f->used, pages, sub,
	       f->check_paid);
	EXPECT(!f->payer || f->depth == f->payer->depth + 1, "a paid factory %u deep, its payer %u", f->depth,
	       f->payer ? f->payer->depth : 0);
	EXPECT(f->used <= f->limit || f == &factory_root, "a factory uses %lu of %lu", f->used, f->limit);
	return cached;
}

int kcheck_all(void)
{
	uint64_t cached, held = 0;

	violations = 0;
	factory_root.check_paid = 0;
	for (struct kobj *o = factory_root.objects; o; o = next_object(o)) {
		o->check_count = 0;
		if (o->type == KOBJ_FACTORY)
			((struct factory *)o)->check_paid = 0;
	}
	for (struct kobj *o = factory_root.objects; o; o = next_object(o))
		if (o->type == KOBJ_FACTORY && ((struct factory *)o)->payer) {
			struct factory *f = (struct factory *)o;
			f->payer->check_paid += f->used + FACTORY_PAYEE_BYTES;
		}
	cached = check_factory(&factory_root);
	for (struct kobj *o = factory_root.objects; o; o = next_object(o))
		if (o->type == KOBJ_TASK)
			check_task((struct task *)o);
	for (struct kobj *o = factory_root.objects; o; o = next_object(o)) {
		EXPECT(o->dying || o->check_count == o->caps, "a %s says it has %u capabilities, the tables hold %u",
		       kobj_type_names[o->type], o->caps, o->check_count);
		if (o->type == KOBJ_FACTORY)
			cached += check_factory((struct factory *)o);
	}
	/* Every page of the object caches is some factory's. */
	for (struct slab_cache *c = slab_caches(); c; c = c->next_cache)
		held += c->pages;
	EXPECT(held == cached, "the object caches hold %lu pages, factories are charged for %lu", held, cached);
	EXPECT(arch_spare_tables_unclean() == 0, "%u spare page tables are not zero", arch_spare_tables_unclean());
	for (struct thread *t = thread_all; t; t = t->all_link.next)
		check_thread(t);
	violations += sched_check_queues();
	return violations;
}
