/*
 * map_unmap.c - Task.mem_map and Task.mem_unmap through the mapping
 * database (docs/memory.md), invoked by mica-bench on one page of its own:
 * user-pool RAM from its physical window (phys.h), which no other task
 * holds, so an unmap reaches only this file's tasks.
 *
 *   map_unmap_page   one pair: mem_map of the page into a child task, then
 *                    mem_unmap of the page in mica-bench's task with
 *                    self = false, which takes the child's copy away
 *   unmap_100tasks   one mem_unmap (self = false) of the page after it was
 *                    mapped into 100 child tasks: it removes all 100
 *
 * The child tasks are bare (Factory.create_task): an address space and an
 * empty capability table, no thread.  Each operation is timed alone,
 * between rdtsc readings around its kernel calls, and added up for the
 * batch; the checks between them are not counted: Task.mem_lookup in the
 * child (or in each of the 100) that the page arrived with every right and
 * that it went, the calls' results, and the unmap's status (nobody touched
 * the copies: neither accessed nor written).  For unmap_100tasks the 100
 * mem_maps before each unmap are not counted either.  The 100 tasks are
 * destroyed after the figure.  Linux has no counterpart in
 * tests/bench/linux/bench.c.
 */
#include <libsys/error.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/kobject.h>
#include "figures.h"
#include "phys.h"
#include "qtest.h"
#include "slots.h"
#include <idl/kernel/task.h>

#define VDEST 0x200000000ull   /* where the page lands in the child tasks */
#define FANOUT 100

static uint64_t page;          /* the page, in mica-bench's window */
static unsigned tasks;         /* child tasks made: map_unmap_page's, then unmap_100tasks' */

static int failed_to(const char *what, int err)
{
	bench_fail("cannot %s: %s", what, mica_strerror(err < 0 ? -err : err));
	return 0;
}

/* The page and `count` child tasks: slot BENCH_S_MAP_TASK, then FANOUT at
 * BENCH_S_FANOUT and up. */
static int setup(unsigned count)
{
	if (!page && !(page = bench_phys_pages(0)))
		return 0;
	for (; tasks < count; tasks++) {
		mica_cap_t slot = tasks == 0 ? BENCH_S_MAP_TASK : BENCH_S_FANOUT + tasks - 1;
		int err = factory_create_task(MICA_BOOT_FACTORY, slot);

		if (err)
			return failed_to("make a child task", err);
	}
	return 1;
}

static uint64_t map_unmap_batch(unsigned n)
{
	const mica_word_t fpage = mica_fpage(page, 12, MICA_RWX);
	uint64_t t = 0;

	for (unsigned i = 0; i < n; i++) {
		uint32_t arrived = 0, left = ~0u, status = ~0u;
		uint64_t t0 = bench_now();
		int map_err = task_mem_map(BENCH_S_MAP_TASK, fpage, VDEST, false);
		uint64_t t1 = bench_now();
		int err = task_mem_lookup(BENCH_S_MAP_TASK, VDEST, &arrived);
		uint64_t t2 = bench_now();
		int unmap_err = task_mem_unmap(MICA_BOOT_TASK, fpage, false, &status);
		uint64_t t3 = bench_now();

		err |= task_mem_lookup(BENCH_S_MAP_TASK, VDEST, &left);
		t += (t1 - t0) + (t3 - t2);
		if (map_err || unmap_err || err || arrived != MICA_RWX || left != 0 || status != 0) {
			bench_fail("pair %u: map %d, unmap %d (status %u), lookups %d: rights %u after the map (want %u), "
				   "%u after the unmap (want 0)", i, map_err, unmap_err, (unsigned)status, err,
				   (unsigned)arrived, MICA_RWX, (unsigned)left);
			break;
		}
	}
	return t;
}

/* Each of the 100 tasks holds the page with `want` rights; else bench_fail. */
static int fanout_holds(uint32_t want, const char *when)
{
	for (unsigned i = 0; i < FANOUT; i++) {
		uint32_t rights = ~0u;
		int err = task_mem_lookup(BENCH_S_FANOUT + i, VDEST, &rights);

		if (err || rights != want) {
			bench_fail("%s, task %u holds the page with rights %u (error %d), want %u", when, i, (unsigned)rights,
				   err, (unsigned)want);
			return 0;
		}
	}
	return 1;
}

static uint64_t fanout_batch(unsigned n)
{
	const mica_word_t fpage = mica_fpage(page, 12, MICA_RWX);
	uint64_t t = 0;

	for (unsigned i = 0; i < n; i++) {
		uint32_t status = ~0u;

		for (unsigned k = 0; k < FANOUT; k++) {
			int err = task_mem_map(BENCH_S_FANOUT + k, fpage, VDEST, false);

			if (err) {
				failed_to("map the page into a task", err);
				return t;
			}
		}
		if (!fanout_holds(MICA_RWX, "after the maps"))
			return t;
		uint64_t t0 = bench_now();
		int err = task_mem_unmap(MICA_BOOT_TASK, fpage, false, &status);

		t += bench_now() - t0;
		if (err || status != 0) {
			bench_fail("unmap %u: error %d, status %u (want 0)", i, err, (unsigned)status);
			return t;
		}
		if (!fanout_holds(0, "after the unmap"))
			return t;
	}
	return t;
}

uint64_t bench_map_unmap_page(void)
{
	return setup(1) ? bench_measure(map_unmap_batch, 1000) : 0;
}

uint64_t bench_unmap_100tasks(void)
{
	uint64_t figure = setup(1 + FANOUT) ? bench_measure(fanout_batch, 100) : 0;

	/* Their kernel memory (some 29 KiB each, mostly page tables) back to
	 * mica-bench's quota, for the figures after this one. */
	for (; tasks > 1; tasks--) {
		int err = kobject_destroy(BENCH_S_FANOUT + tasks - 2);

		if (err)
			return failed_to("destroy a child task", err);
	}
	return figure;
}
