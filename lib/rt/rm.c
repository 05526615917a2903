/*
 * rm.c - the task's region mapper (docs/runtime.md): a thread of the task that
 * keeps its regions (range -> dataspace, offset, rights), serves the
 * RegionMap protocol to the task's threads and is their pager.  A fault is
 * resolved by asking the region's dataspace to map the page with the
 * faulting page of this very task as the receive window, so the mapping
 * lands where it belongs and the reply to the faulting thread carries
 * nothing.  A fault it cannot resolve (outside every region, against the
 * region's rights, no page in the dataspace) it refuses with -MICA_EFAULT:
 * the kernel sends it back as an exception, which the region mapper, every
 * thread's exception handler too, hands to the C library to become a
 * signal on the faulting thread (rt_fault_signal).  Without the C library,
 * or when it does not take it, a page fault goes to the parent
 * (Parent.stray_fault), which reports it and ends the program; another
 * exception is refused (the kernel reports it and ends the program).
 *
 * The region mapper's own faults (its code, data and stack are the
 * program's) are served by the parent from the regions it set up: a thread
 * cannot be its own pager.  Where those regions are the file server's
 * mappings of the program's file, the parent refuses the fault and the
 * process server, the thread's exception handler, maps the page.
 */
#include "rt_internal.h"

#include <common/fpage.h>
#include <libsys/debug.h>
#include <libsys/error.h>
#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <libsys/thread.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/exception.h>
#include <mica/proc.h>
#include <server/server.h>

#include <idl/rt/dataspace.h>
#include <idl/kernel/factory.h>
#include <idl/kernel/kobject.h>
#include <idl/rt/process.h>
#include <idl/rt/region_map_server.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>

#define REGIONS_MAX 256
#define RESERVED_MAX 32
#define RM_WINDOW_ORDER 16   /* a fault's receive window: at most 64 KiB */
#define PAGE MICA_PAGE_SIZE
#define USER_END MICA_USER_END

struct region {
	uint64_t start, size, offset;
	uint32_t rights;
	mica_cap_t ds;
	bool private;   /* attached with RT_ATTACH_PRIVATE: a fork copies it (else shares it) */
};

/* Sorted by start, disjoint.  Only the region mapper thread touches them
 * once it runs. */
static struct region regions[REGIONS_MAX];
static unsigned nregions;
static struct { uint64_t start, size; } reserved[RESERVED_MAX];
static unsigned nreserved;
/* The slots of the regions the parent set up, in Parent.region's order
 * (root forks those itself), and the thread's UTCB: for fork. */
static mica_cap_t initial_slot[MICA_FORK_REGIONS_MAX];
static unsigned ninitial;
static mica_addr_t rm_utcb;
/* Where root puts a capability to the last forked child's memory session,
 * which pays for the child's copies of the private regions: one slot for
 * every fork, each replacing the last's, taken at the start with the
 * region mapper's own (rt_rm_start fails without it). */
static mica_cap_t child_mem;
/* Bumped before and after each change of the tables above (odd: one is
 * under way): a fork reads them, and has root copy them, while this
 * thread runs on (rt_rm_changes). */
static uint32_t changes;

static void count_change(void)
{
	__atomic_fetch_add(&changes, 1, __ATOMIC_ACQ_REL);
}

static struct region *find(uint64_t addr)
{
	for (unsigned i = 0; i < nregions; i++)
		if (addr >= regions[i].start && addr - regions[i].start < regions[i].size)
			return &regions[i];
	return 0;
}

static bool intersects(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
	return a < b + bsize && b < a + asize;
}

static bool overlaps(uint64_t start, uint64_t size)
{
	for (unsigned i = 0; i < nregions; i++)
		if (intersects(start, size, regions[i].start, regions[i].size))
			return true;
	return false;
}

static bool overlaps_reserved(uint64_t start, uint64_t size)
{
	for (unsigned i = 0; i < nreserved; i++)
		if (intersects(start, size, reserved[i].start, reserved[i].size))
			return true;
	return false;
}

/* A free place of `size` bytes in [RT_MAP_BASE, RT_MAP_END), first fit:
 * past whatever is in the way, until nothing is. */
/* A place for size bytes; one of a fault window's size or more aligned
 * to it, so faults there can map whole windows (window()). */
static uint64_t free_place(uint64_t size)
{
	uint64_t align = size >= (1ull << RM_WINDOW_ORDER) ? 1ull << RM_WINDOW_ORDER : PAGE;
	uint64_t at = (RT_MAP_BASE + align - 1) & ~(align - 1);

	while (at + size <= RT_MAP_END && at + size > at) {
		uint64_t next = at;
		for (unsigned i = 0; i < nregions; i++)
			if (intersects(at, size, regions[i].start, regions[i].size) &&
			    regions[i].start + regions[i].size > next)
				next = regions[i].start + regions[i].size;
		for (unsigned i = 0; i < nreserved; i++)
			if (intersects(at, size, reserved[i].start, reserved[i].size) &&
			    reserved[i].start + reserved[i].size > next)
				next = reserved[i].start + reserved[i].size;
		if (next == at)
			return at;
		at = (next + align - 1) & ~(align - 1);
	}
	return 0;
}

static int valid_range(uint64_t start, uint64_t size)
{
	return size && !(start % PAGE) && !(size % PAGE) && start >= PAGE && start + size <= USER_END &&
	       start + size > start;
}

static int add_region(uint64_t start, uint64_t size, uint64_t offset, uint32_t rights, mica_cap_t ds, bool private)
{
	unsigned i = 0;

	if (nregions == REGIONS_MAX)
		return -MICA_ENOMEM;
	while (i < nregions && regions[i].start < start)
		i++;
	count_change();
	for (unsigned k = nregions; k > i; k--)
		regions[k] = regions[k - 1];
	regions[i] = (struct region){ start, size, offset, rights, ds, private };
	nregions++;
	count_change();
	return 0;
}

/* Take every page of [start, start + size) out of this task. */
static void unmap_range(uint64_t start, uint64_t size)
{
	uint32_t status;

	for (uint64_t at = start; at < start + size;) {
		mica_word_t f = fpage_largest(at, start + size - 1, MICA_RWX);
		task_mem_unmap(MICA_BOOT_TASK, f, true, &status);
		at = fpage_last(f) + 1;
	}
}

static int rm_attach(struct srv_request *req, uint64_t addr, uint64_t size, uint32_t rights, mica_cap_t ds,
		     uint64_t offset, uint64_t *start)
{
	uint64_t ds_size;
	uint32_t ds_rights;
	bool private = rights & RT_ATTACH_PRIVATE;
	int err;

	rights &= ~RT_ATTACH_PRIVATE;
	if (!size || size > USER_END)
		return -MICA_EINVAL;
	size = (size + PAGE - 1) & ~(PAGE - 1);
	if (ds == MICA_CAP_NULL || offset % PAGE || (rights & ~MICA_RWX) || !(rights & MICA_R))
		err = -MICA_EINVAL;
	else if ((err = dataspace_info(ds, &ds_size, &ds_rights)) == 0 && (rights & ~ds_rights))
		err = -MICA_EPERM;
	else if (!err && (offset > ds_size || size > ds_size - offset))
		err = -MICA_EINVAL;
	if (!err && addr == 0 && (addr = free_place(size)) == 0)
		err = -MICA_ENOMEM;
	if (!err && !valid_range(addr, size))
		err = -MICA_EINVAL;
	if (!err && overlaps(addr, size))
		err = -MICA_EEXIST;
	if (!err)
		err = srv_keep(req, ds);   /* else the server loop drops it */
	if (err)
		return err;
	if ((err = add_region(addr, size, offset, rights, ds, private)) != 0) {
		mica_slot_drop(ds);
		return err;
	}
	*start = addr;
	return 0;
}

static int rm_detach(struct srv_request *req, uint64_t addr, uint64_t *start, uint64_t *size, mica_cap_t *ds)
{
	struct region *r = find(addr);

	if (!r)
		return -MICA_ENOENT;
	*start = r->start;
	*size = r->size;
	*ds = r->ds;   /* granted back to the caller with the reply */
	srv_grant(req, r->ds);
	count_change();
	for (unsigned k = 0; k < ninitial; k++)
		if (initial_slot[k] == r->ds)
			initial_slot[k] = MICA_CAP_NULL;   /* a fork gives the child none */
	unmap_range(r->start, r->size);
	unsigned i = (unsigned)(r - regions);
	for (; i + 1 < nregions; i++)
		regions[i] = regions[i + 1];
	nregions--;
	count_change();
	return 0;
}

static int rm_find(struct srv_request *req, uint64_t addr, uint64_t *start, uint64_t *size, uint64_t *offset,
		   uint32_t *rights)
{
	struct region *r = find(addr);

	(void)req;
	if (!r)
		return -MICA_ENOENT;
	*start = r->start;
	*size = r->size;
	*offset = r->offset;
	*rights = r->rights;
	return 0;
}

static int rm_reserve(struct srv_request *req, uint64_t addr, uint64_t size, uint64_t *start)
{
	(void)req;
	if (!size || size > USER_END)
		return -MICA_EINVAL;
	size = (size + PAGE - 1) & ~(PAGE - 1);
	if (nreserved == RESERVED_MAX)
		return -MICA_ENOMEM;
	if (addr == 0 && (addr = free_place(size)) == 0)
		return -MICA_ENOMEM;
	if (!valid_range(addr, size))
		return -MICA_EINVAL;
	if (overlaps_reserved(addr, size))
		return -MICA_EEXIST;
	count_change();
	reserved[nreserved].start = addr;
	reserved[nreserved].size = size;
	nreserved++;
	count_change();
	*start = addr;
	return 0;
}

/* The receive window of a fault at `at` in r: the largest aligned block
 * of at most 2^RM_WINDOW_ORDER bytes around it inside r whose offset in
 * the dataspace is aligned alike, so a dataspace can map more than the
 * page (a file server's fault-around); a page lands at its send base. */
static mica_word_t window(const struct region *r, uint64_t at)
{
	unsigned order = fpage_region_window(r->start, r->size, r->offset, at, RM_WINDOW_ORDER);

	return mica_fpage(at & ~((1ull << order) - 1), order, MICA_RWX);
}

static unsigned access_of(uint64_t error)
{
	return error & MICA_PF_WRITE ? MICA_W : error & MICA_PF_FETCH ? MICA_X : MICA_R;
}

static int rm_fault(struct srv_request *req, uint64_t addr, uint64_t ip, uint32_t access, struct mica_flexpage *page)
{
	struct region *r = find(addr);
	uint64_t at = addr & ~(PAGE - 1);
	int err = -MICA_EFAULT;

	(void)req;
	if (r && (access & r->rights) == access) {
		/* A read maps without W even where W is allowed: a copy-on-write
		 * page stays shared until it is written. */
		uint32_t rights = access & MICA_W ? r->rights : r->rights & ~MICA_W;
		struct mica_flexpage fp = { .fpage = window(r, at) };
		err = dataspace_map(r->ds, r->offset + (at - r->start), rights, &fp);
		if (err == 0) {
			page->fpage = 0;
			return 0;
		}
	}
	if (rt_fault_signal)
		return -MICA_EFAULT;   /* the exception comes next: rm_exception */
	if (r && err != -MICA_EFAULT)   /* inside a region, but its dataspace has no page for it */
		mica_printf("rm: the dataspace behind %#lx cannot map it: %s\n", (unsigned long)addr,
			    mica_strerror(err));
	parent_stray_fault(rt_cap("parent"), addr, ip, access);
	return -MICA_EFAULT;   /* not reached: the parent ends the program */
}

/* A thread's exception, or a page fault rm_fault refused: a signal, if the
 * C library takes it. */
static int rm_exception(struct srv_request *req, uint64_t vector, uint64_t error, uint64_t addr, uint64_t utcb,
			struct user_regs *regs)
{
	struct rt_fault f = { vector, error, addr, utcb, RT_FAULT_EXCEPTION };

	(void)req;
	if (vector == MICA_EXC_PAGE_FAULT) {
		struct region *r = find(addr);
		unsigned access = access_of(error);
		f.kind = !r ? RT_FAULT_UNMAPPED : (access & r->rights) != access ? RT_FAULT_RIGHTS : RT_FAULT_NO_PAGE;
	}
	if (rt_fault_signal && rt_fault_signal(&f, regs) == 0)
		return 0;
	if (vector == MICA_EXC_PAGE_FAULT) {
		if (f.kind == RT_FAULT_NO_PAGE)
			mica_printf("rm: the dataspace behind %#lx cannot map it\n", (unsigned long)addr);
		parent_stray_fault(rt_cap("parent"), addr, regs->rip, access_of(error));
	}
	return -MICA_EFAULT;   /* the kernel reports it and ends the program */
}

static const struct region_map_ops region_map_ops = {
	.attach = rm_attach, .detach = rm_detach, .find = rm_find, .reserve = rm_reserve,
};
static const struct pager_ops pager_ops = { .fault = rm_fault };
static const struct exception_handler_ops exception_ops = { .exception = rm_exception };
static const struct region_mapper_ops ops = { .region_map = &region_map_ops, .pager = &pager_ops,
					      .exception_handler = &exception_ops };

static void serve(void *arg)
{
	static struct region_mapper_buffers buffers;   /* one thread serves */
	const struct srv s = { .protocol = &region_mapper_server, .ops = &ops };

	(void)arg;
	srv_serve(&s, &buffers);   /* returns only when no slot is left: the thread stops */
}

#define RM_STACK_SIZE 16384
static char rm_stack[RM_STACK_SIZE] __attribute__((aligned(16)));

/* ---- fork (docs/processes.md, "fork") ------------------------------- */

/* Where a forked child's region mapper starts: its table is the parent's,
 * copied with the rest of the memory; its stack is the parent's region
 * mapper's, whose frames mean nothing in the child. */
__attribute__((noreturn)) static void child_main(void)
{
	serve(0);
	for (;;)
		mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, MICA_TIMEOUT_NEVER), 0, 0);
}

static bool is_initial(mica_cap_t slot)
{
	for (unsigned i = 0; i < ninitial; i++)
		if (initial_slot[i] == slot)
			return true;
	return false;
}

uint32_t rt_rm_changes(void)
{
	return __atomic_load_n(&changes, __ATOMIC_ACQUIRE);
}

void rt_rm_fork_plan(struct mica_fork_plan *plan)
{
	plan->rm_ip = (uint64_t)child_main;
	plan->rm_sp = ((uint64_t)rm_stack + sizeof rm_stack) - 8;   /* as if called */
	plan->rm_utcb = rm_utcb;
	plan->rm_slot = (uint32_t)rt_cap("rm");
	plan->mem_slot = (uint32_t)child_mem;
	plan->nregions = ninitial;
	for (unsigned i = 0; i < ninitial; i++)
		plan->region_slot[i] = (uint32_t)initial_slot[i];
}

int rt_rm_fork_regions(mica_cap_t task)
{
	for (unsigned i = 0; i < nregions; i++) {
		struct region *r = &regions[i];
		if (is_initial(r->ds))
			continue;
		mica_cap_t copy = mica_slot_alloc();
		int err;
		if (!copy)
			return -MICA_ENOMEM;
		/* A dataspace of another server than root (a pipe's ring, a file's
		 * mapping) knows no duplicate: the child gets a copy of ours beside
		 * it, derived from what the server gave, which our end leaves. */
		err = dataspace_duplicate(r->ds, !r->private, child_mem, &copy);
		if (err && !r->private) {
			mica_slot_free(copy);
			err = task_cap_sibling(task, r->ds, r->ds, MICA_RWX);
			if (err)
				return err;
			continue;
		}
		if (!err)
			err = task_cap_map(task, copy, r->ds, MICA_RWX, true);
		mica_slot_drop(copy);
		if (err)
			return err;
	}
	return 0;
}

int rt_rm_start(void)
{
	mica_cap_t parent = rt_cap("parent");
	mica_cap_t thread = mica_slot_alloc(), gate = mica_slot_alloc();
	uint64_t start, size, offset;
	uint32_t rights;
	int err;

	/* The regions the parent set up: segments and stack. */
	for (uint32_t i = 0;; i++) {
		mica_cap_t ds = mica_slot_alloc();
		err = parent_region(parent, i, &start, &size, &offset, &rights, &ds);
		if (err == -MICA_ENOENT) {
			mica_slot_free(ds);
			break;
		}
		if (err || i >= MICA_FORK_REGIONS_MAX || (err = add_region(start, size, offset, rights, ds, false)) != 0)
			return err ? err : -MICA_ENOMEM;
		initial_slot[ninitial++] = ds;
	}
	if (!(child_mem = mica_slot_alloc()))
		return -MICA_ENOMEM;
	rm_utcb = rt_utcb_alloc();
	err = mica_thread_create(MICA_BOOT_FACTORY, MICA_BOOT_TASK, thread, rm_utcb, serve, 0, rm_stack,
				 sizeof rm_stack, 0);
	if (err)
		return err;
	/* Its faults are the parent's to serve; those the parent refuses in
	 * a program's file mappings (root never asks another server), the
	 * process server's, as exceptions (docs/processes.md, "Starting"). */
	if ((err = thread_set_handlers(thread, parent, rt_cap("proc"))) != 0 ||
	    (err = thread_keep_running(thread, true)) != 0 ||
	    (err = factory_create_gate(MICA_BOOT_FACTORY, gate, thread, 0)) != 0 ||
	    (err = thread_start(thread)) != 0 ||
	    (err = thread_set_handlers(MICA_BOOT_THREAD, gate, gate)) != 0)
		return err;
	rt_cap_set("rm", gate);
	return 0;
}
