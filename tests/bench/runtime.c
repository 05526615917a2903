/*
 * runtime.c - the figures of the runtime, measured by mica-bench-rt, a
 * program root starts (tests/bench/rt.cfg):
 *
 *   heap_touch_page  a fresh page of anonymous memory touched for the first
 *                    time: the fault goes to the task's region mapper,
 *                    which has root's memory server map a zeroed page
 *                    straight into the task (the allocation, attach and
 *                    detach of the dataspace are shared out over its pages);
 *   spawn_wait       start the static newlib program `true` from rom/
 *                    through root's launcher and wait for its exit status
 *                    (ELF, task, region mapper, stack, exit, teardown);
 *   spawn_wait_hello the same with `hello`, whose printf line goes to this
 *                    program's stdout (root's stream on the kernel log).
 */
#include "bench.h"
#include "figures.h"

#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <rt/rt.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/rt/memory.h>
#include <idl/rt/process.h>
#include <idl/rt/region_map.h>
#include <idl/kernel/task.h>

#define PAGES 64
#define END_LABEL 0x77

/* n pages touched in dataspaces of PAGES pages each. */
static uint64_t heap_batch(unsigned n)
{
	uint64_t total = 0;

	for (unsigned done = 0; done < n; done += PAGES) {
		mica_cap_t ds = mica_slot_alloc(), back = mica_slot_alloc();
		uint64_t start, size;
		unsigned pages = n - done < PAGES ? n - done : PAGES;
		uint64_t t0 = bench_now();
		if (memory_alloc(rt_cap("mem"), pages * 4096ull, &ds) ||
		    region_map_attach(rt_cap("rm"), 0, pages * 4096ull, MICA_R | MICA_W, ds, 0, &start)) {
			bench_fail("cannot get %u pages of memory", pages);
			return 1;
		}
		volatile uint64_t *p = (volatile uint64_t *)start;
		for (unsigned i = 0; i < pages; i++)
			p[i * 512 + 1] = i + 1;
		if (p[(pages - 1) * 512 + 1] != pages || p[(pages - 1) * 512] != 0)
			bench_fail("the last page does not hold what was written");
		region_map_detach(rt_cap("rm"), start, &start, &size, &back);
		mica_slot_drop(back);
		total += bench_now() - t0;
		mica_slot_free(ds);
	}
	return total;
}

uint64_t bench_heap_touch_page(void)
{
	/* Check the path once: fresh pages read zero, keep what is written. */
	mica_cap_t ds = mica_slot_alloc(), back = mica_slot_alloc();
	uint64_t start, size;
	if (memory_alloc(rt_cap("mem"), 4 * 4096, &ds) ||
	    region_map_attach(rt_cap("rm"), 0, 4 * 4096, MICA_R | MICA_W, ds, 0, &start)) {
		bench_fail("cannot get memory");
		return 0;
	}
	volatile uint64_t *p = (volatile uint64_t *)start;
	for (unsigned i = 0; i < 4; i++) {
		if (p[i * 512 + 7] != 0)
			bench_fail("a fresh page does not read as zero");
		p[i * 512 + 7] = 0xabc0 + i;
	}
	for (unsigned i = 0; i < 4; i++)
		if (p[i * 512 + 7] != 0xabc0 + i)
			bench_fail("a page lost what was written");
	region_map_detach(rt_cap("rm"), start, &start, &size, &back);
	mica_slot_drop(back);
	mica_slot_free(ds);
	return bench_measure(heap_batch, 256);
}

static mica_cap_t end_irq;

static const char *spawn_name;
static mica_cap_t spawn_out;

static uint64_t spawn_batch(unsigned n)
{
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++) {
		mica_cap_t proc = mica_slot_alloc();
		mica_word_t tag, label;
		bool ended;
		int32_t status;
		uint64_t pid;
		if (launcher_spawn(rt_cap("launcher"), spawn_name, "", 0, spawn_out, MICA_CAP_NULL, end_irq, 4 << 20, &proc)) {
			bench_fail("cannot start %s", spawn_name);
			return 1;
		}
		do
			mica_ipc_wait(0, &tag, &label);
		while (label != END_LABEL);
		if (process_status(proc, &ended, &status, &pid) || !ended || status != 0)
			bench_fail("%s ended with status %d", spawn_name, (int)status);
		mica_slot_drop(proc);
	}
	return bench_now() - t0;
}

static uint64_t spawn_wait(const char *name, mica_cap_t out)
{
	if (!end_irq) {
		end_irq = mica_slot_alloc();
		if (factory_create_irq(MICA_BOOT_FACTORY, end_irq, END_LABEL) || irq_bind(end_irq, MICA_BOOT_THREAD)) {
			bench_fail("no irq");
			return 0;
		}
	}
	spawn_name = name;
	spawn_out = out;
	return bench_measure(spawn_batch, 20);
}

uint64_t bench_spawn_wait(void)
{
	return spawn_wait("true", MICA_CAP_NULL);
}

uint64_t bench_spawn_wait_hello(void)
{
	return spawn_wait("hello", rt_cap("stdout"));
}
