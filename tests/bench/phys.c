/*
 * phys.c - user-pool RAM through the physical window (phys.h).
 */
#include "phys.h"

#include <mica/boot.h>
#include <mica/kip.h>

#include "bench.h"

static uint64_t next_pa;   /* below this, handed out already (or skipped) */

/* [pa, pa + size) is in USABLE entry i and no later entry covers any of it. */
static int user_pool(const struct mica_kip *kip, uint32_t i, uint64_t pa, uint64_t size)
{
	if (pa < kip->mem[i].base || pa + size > kip->mem[i].base + kip->mem[i].size)
		return 0;
	for (uint32_t j = i + 1; j < kip->mem_count; j++)
		if (pa + size > kip->mem[j].base && pa < kip->mem[j].base + kip->mem[j].size)
			return 0;
	return 1;
}

uint64_t bench_phys_pages(unsigned order)
{
	const struct mica_kip *kip = (const struct mica_kip *)MICA_KIP_ADDR;
	uint64_t size = 4096ull << order;

	for (uint32_t i = 0; i < kip->mem_count; i++) {
		if (kip->mem[i].type != MICA_MEM_USABLE)
			continue;
		uint64_t pa = kip->mem[i].base > next_pa ? kip->mem[i].base : next_pa;
		for (pa = (pa + size - 1) & ~(size - 1); pa + size <= kip->mem[i].base + kip->mem[i].size; pa += size) {
			if (!user_pool(kip, i, pa, size))
				continue;
			next_pa = pa + size;
			/* Each first touch is a fault the kernel resolves with
			 * the page, zeroed. */
			for (uint64_t off = 0; off < size; off += 4096)
				(void)*(volatile uint64_t *)(MICA_BOOT_PHYS_WINDOW + pa + off);
			return MICA_BOOT_PHYS_WINDOW + pa;
		}
	}
	bench_fail("no %lu KiB of user-pool RAM left", (unsigned long)(size >> 10));
	return 0;
}
