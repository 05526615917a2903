/*
 * task.c - Task objects and the Task protocol (see task.h,
 * idl/kernel/task.idl).
 */
#include "task.h"

#include "arch.h"
#include "bootinfo.h"
#include "factory.h"
#include "gate.h"
#include "hold.h"
#include "invoke.h"
#include "kip.h"
#include "kmem.h"
#include <common/string.h>
#include "mapdb.h"
#include <common/fpage.h>
#include "panic.h"
#include "preempt.h"
#include "sched.h"
#include "slab.h"
#include "thread.h"

#include <idl/kernel/task_server.h>

#include <mica/error.h>
#include <mica/ipc.h>

static struct slab_cache task_cache;

/* The page-table root and every table under it are charged to the task's
 * factory: the root with the object, the others as they come. */
static void free_space(struct task *t)
{
	unsigned tables = arch_space_destroy(t->root);

	KASSERT(tables == t->table_pages);
	factory_uncharge(t->obj.quota, (tables + 1) * MICA_PAGE_SIZE);
}

int task_create(struct factory *f, struct task **out)
{
	if (!task_cache.name)
		slab_cache_init(&task_cache, "task", sizeof(struct task));
	if (factory_charge(f, MICA_PAGE_SIZE))
		return MICA_ENOMEM;
	struct task *t = factory_alloc_obj(f, &task_cache, KOBJ_TASK);
	if (!t) {
		factory_uncharge(f, MICA_PAGE_SIZE);
		return MICA_ENOMEM;
	}
	int err = arch_space_create(&t->root);
	if (err) {
		factory_free_obj(&task_cache, &t->obj);
		factory_uncharge(f, MICA_PAGE_SIZE);
		return err;
	}
	for (uint64_t off = 0; off < MICA_KIP_SIZE && !err; off += MICA_PAGE_SIZE)
		err = task_space_map(t, MICA_KIP_ADDR + off, kip_phys() + off, MICA_R, 0, 0);
	if (err) {
		free_space(t);
		factory_free_obj(&task_cache, &t->obj);
		return err;
	}
	mica_strlcpy(t->name, "task", sizeof t->name);
	*out = t;
	return MICA_OK;
}

int task_destroy(struct task *t, long *budget)
{
	if (!t->dismantled) {
		if (t->watch && !t->watch->ended)
			*t->watch = (struct boot_watch){ .ended = 1, .status = -1 };
		while (t->threads)
			if (!thread_detach_steps(t->threads, budget))
				return 0;
		if (!cap_table_destroy_steps(t, budget))
			return 0;
		if (t->io_bitmap) {
			if (sched_current()->task == t)
				arch_io_bitmap_load(0, 1);
			arch_io_bitmap_forget(t->io_bitmap);
			factory_free_pages(t->obj.quota, arch_virt_to_phys(t->io_bitmap),
					   IO_PORT_BITMAP_BYTES / MICA_PAGE_SIZE);
			t->io_bitmap = 0;
		}
		t->dismantled = 1;
		return 0;
	}
	/* Nothing can reach the task now but the mapping database, which
	 * stays consistent between the steps. */
	while (t->mappings) {
		struct mapdb_cursor cur = { 0 };
		unsigned ad = 0;
		if (!mapdb_unmap_steps(t->mappings, MICA_RWX, 1, &cur, budget, &ad))
			return 0;
	}
	/* The page tables, after the mappings (the KIP's, which have no
	 * node, too), in steps of their own. */
	if (!t->prune_va)
		for (uint64_t off = 0; off < MICA_KIP_SIZE; off += MICA_PAGE_SIZE)
			arch_space_unmap(t->root, MICA_KIP_ADDR + off);
	unsigned freed = 0;
	int done = *budget > 0 && arch_space_prune(t->root, &t->prune_va, budget, &freed);
	t->table_pages -= freed;
	factory_uncharge(t->obj.quota, freed * MICA_PAGE_SIZE);
	if (!done)
		return 0;
	free_space(t);
	factory_free_obj(&task_cache, &t->obj);
	return 1;
}

int task_space_map(struct task *t, uint64_t va, uint64_t pa, unsigned rights, int uncached, int only_new)
{
	struct factory *f = t->obj.quota;
	unsigned tables = 0;
	int err = factory_charge(f, 3 * MICA_PAGE_SIZE);   /* at most three new tables */

	if (err)
		return err;
	err = only_new ? arch_space_map_new(t->root, va, pa, rights, uncached, &tables)
		       : arch_space_map(t->root, va, pa, rights, uncached, &tables);
	factory_uncharge(f, (3 - tables) * MICA_PAGE_SIZE);
	t->table_pages += tables;
	return err;
}

int task_map_zeroed(struct task *t, uint64_t va, unsigned rights, void **kernel_view)
{
	uint64_t pa;
	int err = kmem_page_alloc_pa(&pa);

	if (err)
		return err;
	void *page = arch_phys_to_virt(pa);
	memset(page, 0, MICA_PAGE_SIZE);
	err = mapdb_insert_root(t, va, pa, rights, MAP_FRAME_KERNEL, 0);
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
	for (struct thread *th = t->threads; th; th = th->task_link.next)
		thread_suspend(th);
	/* The way out of the kernel leaves the CPU (the thread is stopped);
	 * should someone start it again, it goes on after the call. */
}

/* A range of at most this many pages is gone through page by page. */
#define SCAN_BY_LOOKUP_PAGES 16

/* arch_space_scan for the walks below.  A short range needs no walk of
 * the tables: the mapping-database lookup that follows answers for each
 * page (a page with a node is mapped: a node and its entry come and go
 * together), and short ranges are the common case (a pager's reply of one
 * page, a file server's fault-around of 16, a Task.mem_map or mem_unmap
 * of one page): each page found is va itself, the next one up. */
static int scan(struct task *t, uint64_t va, uint64_t last, uint64_t *found, long *budget)
{
	if ((last >> MICA_PAGE_SHIFT) - (va >> MICA_PAGE_SHIFT) < SCAN_BY_LOOKUP_PAGES) {
		*found = va & MICA_PAGE_MASK;
		return 1;
	}
	return arch_space_scan(t->root, va, last, found, budget);
}

int task_map_range(struct task *src, uint64_t first, uint64_t last, struct task *dst, uint64_t dest, unsigned rights,
		   int grant, long *budget)
{
	long scan_budget = __LONG_MAX__;   /* the walk is bounded by the range; the budget is mapdb_map's */
	uint64_t va;

	for (uint64_t next = first; scan(src, next, last, &va, &scan_budget) > 0; next = va + MICA_PAGE_SIZE) {
		struct mapnode *n = mapdb_lookup(src, va);
		if (n) {
			int err = mapdb_map(n, dst, dest + (va - first), rights, grant, budget);
			if (err)
				return err;
		}
		if (va >= (last & MICA_PAGE_MASK))
			break;   /* the last page (and no wrap to 0) */
	}
	return MICA_OK;
}

/* The whole range would be unbounded work: PREEMPT_BUDGET units per
 * kernel entry, then a restart (preempt.h) with the place reached saved in
 * the caller.  The scan skips empty tables in steps, each page's tree goes
 * in mapdb_unmap_steps. */
void task_unmap_range(struct thread *caller, struct task *t, uint64_t fpage, int self, uint32_t *status)
{
	struct unmap_progress *p = &caller->unmap;
	uint64_t va = mica_fpage_base(fpage), last = fpage_last(fpage), found;
	unsigned rights = mica_fpage_rights(fpage), ad = 0;
	long budget = PREEMPT_BUDGET;
	int more;

	if (p->active && !p->map && p->task == t && p->fpage == fpage && p->self == self) {
		va = p->next_va;
		ad = p->status;
	} else {
		mapdb_cursor_resume(&p->cur, 0);   /* another call: what was saved goes */
	}
	p->active = 0;
	while ((more = scan(t, va, last, &found, &budget)) != 0) {
		va = found;   /* more < 0: nothing mapped below found */
		if (more < 0)
			break;
		struct mapnode *n = mapdb_lookup(t, found);
		if (n) {
			mapdb_cursor_resume(&p->cur, n);
			if (!mapdb_unmap_steps(n, rights, self, &p->cur, &budget, &ad))
				break;
			p->cur = (struct mapdb_cursor){ 0 };
		}
		if (found == (last & MICA_PAGE_MASK)) {
			more = 0;
			break;
		}
		va = found + MICA_PAGE_SIZE;
	}
	if (more) {
		*p = (struct unmap_progress){ .task = t, .fpage = fpage, .next_va = va, .status = ad, .self = (uint8_t)self,
					      .active = 1, .cur = p->cur };
		preempt_restart();
	}
	*status = ad;
}

/* Task.mem_map and mem_map_from: task_map_range in steps of the caller's
 * budget, each page mapped costing PREEMPT_MAP_COST units, restarted as
 * task_unmap_range is. */
int task_map_steps(struct thread *caller, struct task *src, uint64_t first, uint64_t last, unsigned rights,
		   struct task *dst, uint64_t dest, int grant)
{
	struct unmap_progress *p = &caller->unmap;
	uint64_t va = first, found;
	long budget = PREEMPT_BUDGET;
	int more, err = MICA_OK;

	if (p->active && p->map && p->task == src && p->first == first && p->last == last && p->rights == rights &&
	    p->dst == dst && p->dest == dest && p->self == grant)
		va = p->next_va;
	else
		mapdb_cursor_resume(&p->cur, 0);
	p->active = 0;
	while ((more = scan(src, va, last, &found, &budget)) != 0) {
		va = found;
		if (more < 0)
			break;
		if ((budget -= PREEMPT_MAP_COST) < 0) {
			more = -1;   /* this page first when it goes on */
			break;
		}
		struct mapnode *n = mapdb_lookup(src, found);
		if (n && (err = mapdb_map(n, dst, dest + (found - first), rights, grant, &budget)) != 0) {
			if (err != MICA_EBUSY)
				return err;
			more = -1;   /* what was there goes on being removed when it goes on */
			break;
		}
		if (found == (last & MICA_PAGE_MASK))
			return MICA_OK;
		va = found + MICA_PAGE_SIZE;
	}
	if (more) {
		*p = (struct unmap_progress){ .task = src, .first = first, .last = last, .rights = (uint8_t)rights,
					      .next_va = va, .self = (uint8_t)grant, .active = 1, .dst = dst,
					      .dest = dest, .map = 1 };
		preempt_restart();
	}
	return MICA_OK;
}

/* The running task's ports change now; another's when it next runs (the
 * CPU's copy of its bitmap is forgotten). */
static void io_changed(struct task *t)
{
	if (sched_current()->task == t)
		arch_io_bitmap_load(t->io_bitmap, 1);
	else
		arch_io_bitmap_forget(t->io_bitmap);
}

/* Set (deny) or clear (allow) the bits of [first, first + count) in a
 * port bitmap: whole bytes at once, so that a range of all 65,536 ports
 * costs a few thousand instructions, not one loop turn a port. */
static void io_bits(uint8_t *bits, unsigned first, unsigned count, int deny)
{
	unsigned end = first + count < 0x10000 ? first + count : 0x10000, p = first;

	for (; p < end && p % 8; p++)
		bits[p / 8] = deny ? bits[p / 8] | (uint8_t)(1u << (p % 8)) : bits[p / 8] & (uint8_t)~(1u << (p % 8));
	if (end - p >= 8) {
		memset(&bits[p / 8], deny ? 0xff : 0, (end - p) / 8);
		p += (end - p) & ~7u;
	}
	for (; p < end; p++)
		bits[p / 8] = deny ? bits[p / 8] | (uint8_t)(1u << (p % 8)) : bits[p / 8] & (uint8_t)~(1u << (p % 8));
}

int task_io_grant(struct task *t, unsigned first, unsigned count)
{
	if (!t->io_bitmap) {
		uint64_t pa;
		int err = factory_alloc_pages(t->obj.quota, IO_PORT_BITMAP_BYTES / MICA_PAGE_SIZE, &pa);
		if (err)
			return err;
		t->io_bitmap = arch_phys_to_virt(pa);
		memset(t->io_bitmap, 0xff, IO_PORT_BITMAP_BYTES);
	}
	io_bits(t->io_bitmap, first, count, 0);
	io_changed(t);
	return MICA_OK;
}

void task_io_revoke(struct task *t, unsigned first, unsigned count)
{
	if (!t->io_bitmap)
		return;
	io_bits(t->io_bitmap, first, count, 1);
	io_changed(t);
}

int task_io_has(const struct task *t, unsigned first, unsigned count)
{
	if (!t->io_bitmap || !t->io_from_kernel || first + count > 0x10000)
		return 0;
	/* A port a bit, 64 ports (a word with none denied) a step where
	 * they fit. */
	for (unsigned p = first; p < first + count;) {
		if (p % 64 == 0 && first + count - p >= 64) {
			uint64_t word;
			memcpy(&word, &t->io_bitmap[p / 8], sizeof word);
			if (word)
				return 0;
			p += 64;
		} else {
			if (t->io_bitmap[p / 8] & (1u << (p % 8)))
				return 0;
			p++;
		}
	}
	return 1;
}

int task_io_grant_boot(struct task *t)
{
	/* The interrupt controllers, the timer (and its gate), QEMU's exit port;
	 * COM1, the kernel console, unless the command line gives it away
	 * (`user-uart`: a console server drives it, the kernel still prints). */
	static const struct { unsigned first, count; } kernel_ports[] = {
		{ 0x20, 2 }, { 0x40, 4 }, { 0x61, 1 }, { 0xa0, 2 }, { 0xf4, 4 },
	};
	int err = task_io_grant(t, 0, 0x10000);

	t->io_from_kernel = 1;
	for (unsigned i = 0; !err && i < sizeof kernel_ports / sizeof kernel_ports[0]; i++)
		task_io_revoke(t, kernel_ports[i].first, kernel_ports[i].count);
	if (!err && !bootinfo_has_arg("user-uart"))
		task_io_revoke(t, 0x3f8, 8);
	return err;
}

/* ---- the Task protocol ---------------------------------------------------- */

static struct task *invoked(void *obj, unsigned rights, int *err)
{
	struct invocation *inv = obj;

	*err = invoke_need(inv, rights);
	return (struct task *)inv->obj;
}

enum cap_how { CAP_MAP, CAP_GRANT, CAP_SIBLING };

/* Task.cap_map and cap_sibling: the invoker's slot src into this task's
 * slot dest. */
static int cap_to_slot(void *obj, slot_t src, slot_t dest, uint32_t rights, enum cap_how how)
{
	struct invocation *inv = obj;
	int err;
	struct task *t = invoked(obj, MICA_W, &err);

	if (err)
		return err;
	struct cap *c = cap_lookup(inv->task, src);
	if (!c || !cap_slot_valid(dest))
		return -MICA_EBADCAP;
	if (rights & ~MICA_CAP_RIGHTS_ALL)
		return -MICA_EINVAL;
	struct cap *old = cap_lookup(t, dest);
	if (old == c && how != CAP_GRANT)
		return -MICA_EINVAL;   /* copying a capability onto itself */
	if (old && old != c && cap_derived_from(c, old))
		return -MICA_EBADCAP;  /* clearing the slot would take c with it */
	/* The slot's old capability is revoked in steps, restarted
	 * (preempt.h). */
	long budget = PREEMPT_BUDGET;
	err = how == CAP_GRANT ? cap_grant(c, t, dest, rights, &budget)
	      : how == CAP_MAP ? cap_map(c, t, dest, rights, &budget)
			       : cap_sibling(c, t, dest, rights, &budget);
	if (err == MICA_EBUSY)
		preempt_restart();
	return -err;
}

static int op_cap_map(void *obj, slot_t src, slot_t dest, uint32_t rights, bool grant)
{
	return cap_to_slot(obj, src, dest, rights, grant ? CAP_GRANT : CAP_MAP);
}

static int op_cap_sibling(void *obj, slot_t src, slot_t dest, uint32_t rights)
{
	return cap_to_slot(obj, src, dest, rights, CAP_SIBLING);
}

static int op_cap_copy(void *obj, slot_t first, uint32_t count, uint32_t rights, uint32_t *copied)
{
	struct invocation *inv = obj;
	int err;
	struct task *t = invoked(obj, MICA_W, &err);

	*copied = 0;
	if (err)
		return err;
	if (count > MICA_CAP_COPY_MAX || (rights & ~MICA_CAP_RIGHTS_ALL))
		return -MICA_EINVAL;
	if (count && (!cap_slot_valid(first) || !cap_slot_valid(first + count - 1)))
		return -MICA_EBADCAP;
	for (slot_t s = first; s < first + count; s++) {
		struct cap *c = cap_lookup(inv->task, s);
		if (!c || cap_lookup(t, s))
			continue;
		long budget = PREEMPT_BUDGET;   /* an empty slot: nothing to revoke */
		if ((err = cap_sibling(c, t, s, rights, &budget)) != 0)
			return -err;
		(*copied)++;
	}
	return 0;
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
	/* In steps, restarted (preempt.h); the capability used goes last. */
	long budget = PREEMPT_BUDGET;
	if (!cap_revoke_steps(c, !self, ((struct invocation *)obj)->cap, &budget))
		preempt_restart();
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

/* The invoked task (R) and its capability in `slot` (0: the slot is
 * empty); *err for a refused invocation or a slot outside the table. */
static struct cap *slot_read(void *obj, slot_t slot, struct task **t, int *err)
{
	*t = invoked(obj, MICA_R, err);
	if (*err)
		return 0;
	if (slot == 0 || slot >= CAP_SLOTS) {
		*err = -MICA_EBADCAP;
		return 0;
	}
	return cap_lookup(*t, slot);
}

static int op_cap_info(void *obj, slot_t slot, uint32_t *type, uint32_t *rights)
{
	int err;
	struct task *t;
	struct cap *c = slot_read(obj, slot, &t, &err);

	if (err)
		return err;
	*type = c ? c->obj->type : KOBJ_NONE;
	*rights = c ? c->rights : 0;
	return 0;
}

static int op_cap_label(void *obj, slot_t slot, uint64_t *label)
{
	int err;
	struct task *t;
	struct cap *c = slot_read(obj, slot, &t, &err);

	if (err)
		return err;
	if (!c)
		return -MICA_EBADCAP;
	if (c->obj->type != KOBJ_GATE)
		return -MICA_ETYPE;
	struct gate *g = (struct gate *)c->obj;
	if (!g->thread || g->thread->task != t)
		return -MICA_EPERM;
	*label = g->label;
	return 0;
}

static int op_mem_map(void *obj, mica_word_t fpage, uint64_t dest, bool grant)
{
	struct invocation *inv = obj;
	int err;
	struct task *t = invoked(obj, MICA_W, &err);

	if (err)
		return err;
	if (!fpage_valid(fpage) || (dest & (fpage_size(fpage) - 1)) || dest + (fpage_size(fpage) - 1) >= USER_SPACE_END)
		return -MICA_EINVAL;
	return -task_map_steps(inv->caller, inv->task, mica_fpage_base(fpage), fpage_last(fpage),
			       mica_fpage_rights(fpage), t, dest, grant);
}

static int op_mem_map_from(void *obj, slot_t src, uint64_t addr, uint64_t size, uint32_t rights)
{
	struct invocation *inv = obj;
	int err;
	struct task *t = invoked(obj, MICA_W, &err);

	if (err)
		return err;
	struct task *from = (struct task *)invoke_lookup(inv, src, KOBJ_TASK, MICA_W, &err);
	if (!from)
		return err;
	if (!size || ((addr | size) & ~MICA_PAGE_MASK) || addr >= USER_SPACE_END || size > USER_SPACE_END - addr ||
	    (rights & ~MICA_RWX))
		return -MICA_EINVAL;
	return -task_map_steps(inv->caller, from, addr, addr + (size - 1), rights, t, addr, 0);
}

static int op_mem_unmap(void *obj, mica_word_t fpage, bool self, uint32_t *status)
{
	struct invocation *inv = obj;
	int err;
	struct task *t = invoked(obj, MICA_W, &err);

	if (err)
		return err;
	if (!fpage_valid(fpage))
		return -MICA_EINVAL;
	task_unmap_range(inv->caller, t, fpage, self, status);
	return 0;
}

static int op_mem_lookup(void *obj, uint64_t addr, uint32_t *rights)
{
	int err;
	struct task *t = invoked(obj, MICA_R, &err);
	struct mapnode *n;

	if (err)
		return err;
	n = mapdb_lookup(t, addr);
	*rights = n ? n->rights : 0;
	return 0;
}

static int op_io_map(void *obj, mica_word_t iofpage)
{
	struct invocation *inv = obj;
	int err;
	struct task *t = invoked(obj, MICA_W, &err);

	if (err)
		return err;
	if (!fpage_io_valid(iofpage))
		return -MICA_EINVAL;
	if (!task_io_has(inv->task, fpage_io_first(iofpage), fpage_io_count(iofpage)))
		return -MICA_EPERM;
	return -task_io_grant(t, fpage_io_first(iofpage), fpage_io_count(iofpage));
}

static int op_io_unmap(void *obj, mica_word_t iofpage)
{
	int err;
	struct task *t = invoked(obj, MICA_W, &err);

	if (err)
		return err;
	if (!fpage_io_valid(iofpage))
		return -MICA_EINVAL;
	task_io_revoke(t, fpage_io_first(iofpage), fpage_io_count(iofpage));
	return 0;
}

static int op_hold(void *obj, bool hold)
{
	int err;
	struct task *t = invoked(obj, MICA_W, &err);

	if (!err)
		hold_task(t, hold);
	return err;
}

static int op_cpu_time(void *obj, uint64_t *ns)
{
	int err;
	struct task *t = invoked(obj, MICA_R, &err);

	if (!err)
		*ns = kip_tsc_ns(sched_cpu_task(t));
	return err;
}

const struct task_ops task_protocol = {
	.cap_map = op_cap_map,
	.cap_unmap = op_cap_unmap,
	.cap_same = op_cap_same,
	.cap_info = op_cap_info,
	.cap_label = op_cap_label,
	.mem_map = op_mem_map,
	.mem_map_from = op_mem_map_from,
	.mem_unmap = op_mem_unmap,
	.mem_lookup = op_mem_lookup,
	.io_map = op_io_map,
	.io_unmap = op_io_unmap,
	.cap_copy = op_cap_copy,
	.cap_sibling = op_cap_sibling,
	.cpu_time = op_cpu_time,
	.hold = op_hold,
};
