/*
 * dma_test.c - Memory.alloc_dma (docs/root.md, docs/pci.md): physically
 * contiguous memory for a driver, under a memory quota of 3 MiB from
 * boot.cfg.  A DMA dataspace answers its physical address, is zeroed,
 * read-write but not executable, counts against the quota from its
 * creation and stops counting when its last capability goes; sizes of 0
 * and above 4 MiB are refused, and so is memory beyond the quota, until a
 * dataspace is dropped.
 */
#include "qtest.h"

#include <libsys/slot.h>
#include <mica/error.h>
#include <rt/rt.h>

#include <idl/rt/dataspace.h>
#include <idl/rt/memory.h>
#include <idl/rt/region_map.h>

static uint64_t used_now(void)
{
	uint64_t quota, used = ~0ull, pages, free;

	memory_stats(rt_cap("mem"), &quota, &used, &pages, &free);
	return used;
}

/* The memory server hears of a dropped dataspace by an irq that may come
 * after our next request: ask until the use has gone back (each ask waits
 * for root to answer, so root runs in between). */
static bool used_returns_to(uint64_t want)
{
	for (int i = 0; i < 1000; i++)
		if (used_now() == want)
			return true;
	return false;
}

static void a_dma_dataspace_is_contiguous_memory(void)
{
	mica_cap_t ds = mica_slot_alloc(), other = mica_slot_alloc();
	uint64_t pa = 0, pa2 = 0, size = 0, start = 0, before = used_now();
	uint32_t rights = 0;

	expect("alloc_dma 16 KiB", memory_alloc_dma(rt_cap("mem"), 16384, &ds, &pa), 0);
	expect("... a page-aligned physical address", pa && pa % 4096 == 0, 1);
	expect("... charged to the session", (long)(used_now() - before), 16384);
	expect("... info: its size", dataspace_info(ds, &size, &rights) == 0 && size == 16384, 1);
	expect("... read-write, not executable", rights, MICA_R | MICA_W);
	expect("a second one of 12 KiB (rounded up from 9000 bytes)", memory_alloc_dma(rt_cap("mem"), 9000, &other, &pa2), 0);
	expect("... does not overlap the first", pa2 + 12288 <= pa || pa2 >= pa + 16384, 1);
	expect("attach it", region_map_attach(rt_cap("rm"), 0, 16384, MICA_R | MICA_W, ds, 0, &start), 0);
	volatile uint64_t *p = (volatile uint64_t *)start;
	int zero = 1;
	for (int i = 0; i < 2048; i++)
		zero &= p[i] == 0;
	expect("... it reads as zeros", zero, 1);
	p[0] = 0x5a5a, p[2047] = 0xa5a5;
	expect("... and keeps what is written", p[0] == 0x5a5a && p[2047] == 0xa5a5, 1);
	expect("executing from it is refused (attach with X: EPERM)",
	       region_map_attach(rt_cap("rm"), 0, 12288, MICA_R | MICA_X, other, 0, &start) < 0, 1);
	mica_cap_t back = mica_slot_alloc();
	region_map_detach(rt_cap("rm"), (uint64_t)p, &start, &size, &back);
	mica_slot_drop(back);
	mica_slot_drop(other);
	expect("both dropped: the session's use is back", used_returns_to(before), 1);
}

static void dma_sizes_and_quota_are_checked(void)
{
	mica_cap_t ds = mica_slot_alloc(), held[16];
	uint64_t pa, before = used_now();
	unsigned n = 0;

	expect("alloc_dma of 0 bytes: EINVAL", memory_alloc_dma(rt_cap("mem"), 0, &ds, &pa), -MICA_EINVAL);
	expect("alloc_dma of 4 MiB + 1: EINVAL", memory_alloc_dma(rt_cap("mem"), (4 << 20) + 1, &ds, &pa), -MICA_EINVAL);
	expect("alloc_dma of 4 MiB, beyond the 3 MiB quota: ENOMEM", memory_alloc_dma(rt_cap("mem"), 4 << 20, &ds, &pa),
	       -MICA_ENOMEM);
	int err = 0;
	while (n < 16) {
		held[n] = mica_slot_alloc();
		if ((err = memory_alloc_dma(rt_cap("mem"), 256 << 10, &held[n], &pa)) != 0)
			break;
		n++;
	}
	expect("256 KiB at a time until the quota is used up: ENOMEM", err, -MICA_ENOMEM);
	expect("... after some were given", n >= 2, 1);
	mica_slot_drop(held[0]);
	expect("one dropped: its use goes back", used_returns_to(before + (uint64_t)(n - 1) * (256 << 10)), 1);
	held[0] = mica_slot_alloc();
	expect("... and another fits again", memory_alloc_dma(rt_cap("mem"), 256 << 10, &held[0], &pa), 0);
	expect("Memory.alloc_dma on a dataspace: ENOSYS", memory_alloc_dma(held[0], 4096, &ds, &pa), -MICA_ENOSYS);
	for (unsigned i = 0; i < n; i++)
		mica_slot_drop(held[i]);
	expect("all dropped: the use is back", used_returns_to(before), 1);
}

static const struct qtest_case cases[] = {
	{ "a_dma_dataspace_is_contiguous_memory", a_dma_dataspace_is_contiguous_memory },
	{ "dma_sizes_and_quota_are_checked", dma_sizes_and_quota_are_checked },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
