/*
 * pages.c - the pages of a program's file that root will not map
 * (pages.h).  A fault root refuses in a region of the program's file
 * mappings reaches the server as the faulting thread's exception: the
 * server asks the mapping for the page with a page of its own as the
 * receive window (the file server answers with its page-cache page, or a
 * private copy for a write), grants it on into the program at the faulting
 * address with Task.mem_map, and resumes the thread.  The program's page
 * is then derived from the file server's as if its region mapper had
 * asked: reclaim takes it from the program as from anyone, and the next
 * fault comes here again.
 */
#include "pages.h"

#include <libsys/slot.h>
#include <mica/error.h>
#include <mica/exception.h>
#include <mica/ipc.h>
#include <rt/rt.h>

#include <idl/kernel/task.h>
#include <idl/rt/dataspace.h>
#include <idl/rt/region_map.h>

#define PAGE MICA_PAGE_SIZE

/* The server's page the mappings land in before they move on: reserved in
 * its region mapper, so that nothing is ever attached there. */
static uint64_t scratch;

static const struct pages_region *find(const struct pages *m, uint64_t addr)
{
	for (unsigned i = 0; i < m->n; i++)
		if (addr >= m->regions[i].start && addr - m->regions[i].start < m->regions[i].size)
			return &m->regions[i];
	return 0;
}

static unsigned access_of(uint64_t error)
{
	return error & MICA_PF_WRITE ? MICA_W : error & MICA_PF_FETCH ? MICA_X : MICA_R;
}

/* The page at `at` of r, from m's mapping into the program with `rights`
 * (through the scratch page, granted on).  0 or -MICA_EFAULT. */
static int map_page(const struct pages *m, mica_cap_t task, const struct pages_region *r, uint64_t at,
		    uint32_t rights)
{
	if (!scratch && region_map_reserve(rt_cap("rm"), 0, PAGE, &scratch) != 0) {
		scratch = 0;
		return -MICA_EFAULT;
	}
	struct mica_flexpage fp = { .fpage = mica_fpage(scratch, 12, MICA_RWX) };
	if (dataspace_map(r->data ? m->data : m->text, r->offset + (at - r->start), rights, &fp) != 0 ||
	    task_mem_map(task, mica_fpage(scratch, 12, rights), at, true) != 0)
		return -MICA_EFAULT;
	return 0;
}

int pages_fault(const struct pages *m, uint64_t vector, uint64_t error, uint64_t addr)
{
	unsigned access = access_of(error);
	const struct pages_region *r = find(m, addr);
	uint64_t at = addr & ~(PAGE - 1);
	uint32_t had;

	if (vector != MICA_EXC_PAGE_FAULT || !m->task || !r || (access & r->rights) != access)
		return -MICA_EFAULT;
	if (task_mem_lookup(m->task, at, &had) == 0 && (had & access) == access)
		return -MICA_EPERM;   /* not this program's fault */
	/* A read of text maps without W; of data, with W where W is allowed
	 * (unlike the region mapper, which keeps a copy-on-write page shared
	 * until it is written): what start-up and the region mapper touch of
	 * the data they write, and the page the data's mask cuts is a copy
	 * anyway, so a second exception for the write is saved. */
	uint32_t rights = access & MICA_W || r->data ? r->rights : r->rights & ~MICA_W;
	return map_page(m, m->task, r, at, rights);
}

int pages_map_data(const struct pages *m, mica_cap_t task)
{
	for (unsigned i = 0; i < m->n; i++) {
		const struct pages_region *r = &m->regions[i];
		if (!r->data)
			continue;
		int err = map_page(m, task, r, r->start + r->size - PAGE, r->rights);
		if (err)
			return err;
	}
	return 0;
}

static int sibling(mica_cap_t src, mica_cap_t *copy)
{
	int err;

	*copy = 0;
	if (!src)
		return 0;
	if (!(*copy = mica_slot_alloc()))
		return -MICA_ENOMEM;
	if ((err = task_cap_sibling(MICA_BOOT_TASK, src, *copy, MICA_RWX)) != 0) {
		mica_slot_free(*copy);
		*copy = 0;
	}
	return err;
}

int pages_siblings(const struct pages *m, mica_cap_t *text, mica_cap_t *data)
{
	int err = sibling(m->text, text);

	if (!err && (err = sibling(m->data, data)) != 0) {
		mica_slot_drop(*text);
		*text = 0;
	}
	return err;
}

void pages_move(struct pages *to, struct pages *from)
{
	pages_copy(to, from);
	from->text = from->data = from->task = 0;
	from->n = 0;   /* the regions past n are never read */
}

void pages_copy(struct pages *to, const struct pages *from)
{
	to->text = from->text;
	to->data = from->data;
	to->task = from->task;
	to->n = from->n;
	for (unsigned i = 0; i < from->n; i++)
		to->regions[i] = from->regions[i];
}

int pages_fork(const struct pages *m, mica_cap_t data, mica_cap_t task, struct pages *child)
{
	pages_copy(child, m);
	child->text = 0;
	child->data = data;
	child->task = task;
	return sibling(m->text, &child->text);
}

void pages_drop(struct pages *m)
{
	if (!m->text && !m->data && !m->task)
		return;   /* none (a boot file's program): nothing to clear */
	mica_slot_drop(m->text);
	mica_slot_drop(m->data);
	mica_slot_drop(m->task);
	m->text = m->data = m->task = 0;
	m->n = 0;
}
