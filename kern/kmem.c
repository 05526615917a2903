/*
 * kmem.c - sets up the page allocator over the boot memory map (see
 * kmem.h).  The bitmap goes into the first usable range, above the kernel
 * and the modules, that holds it and is direct-mapped by the boot tables.
 */
#include "kmem.h"

#include "arch.h"
#include "bootinfo.h"
#include "console.h"
#include "panic.h"
#include "slab.h"

#include <mica/error.h>

struct pmm kmem_pmm;
struct pmm kmem_user_pmm;

extern char __kernel_phys_start[], __kernel_end[];

#define BOOT_MAPPED_LIMIT (1ull << 30)   /* what boot.S direct-maps */

static int overlaps(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return a < d && c < b;
}

/* Is [a, b) free of the kernel image and every module? */
static int range_is_free(uint64_t a, uint64_t b)
{
	uint64_t kstart = (uint64_t)__kernel_phys_start, kend = arch_virt_to_phys(__kernel_end);

	if (a < MICA_PAGE_SIZE || overlaps(a, b, kstart, kend))
		return 0;
	for (unsigned i = 0; i < bootinfo.nmodules; i++)
		if (overlaps(a, b, bootinfo.modules[i].base, bootinfo.modules[i].base + bootinfo.modules[i].size))
			return 0;
	return 1;
}

static uint64_t place_bitmap(uint64_t bytes)
{
	for (unsigned i = 0; i < bootinfo.nregions; i++) {
		const struct boot_region *r = &bootinfo.regions[i];
		if (r->type != 1)
			continue;
		for (uint64_t a = (r->base + MICA_PAGE_SIZE - 1) & MICA_PAGE_MASK; a + bytes <= r->base + r->size && a + bytes <= BOOT_MAPPED_LIMIT;
		     a += MICA_PAGE_SIZE)
			if (range_is_free(a, a + bytes))
				return a;
	}
	panic("kmem: no room for the page bitmap (%lu bytes)", bytes);
}

static void *slab_page_alloc(void)
{
	uint64_t pa;

	return kmem_page_alloc_pa(&pa) ? 0 : arch_phys_to_virt(pa);
}

static void slab_page_free(void *page)
{
	kmem_page_free_pa(arch_virt_to_phys(page));
}

static const struct slab_page_source slab_pages = { slab_page_alloc, slab_page_free };

void kmem_init(void)
{
	uint64_t lo = ~0ull, hi = 0;

	for (unsigned i = 0; i < bootinfo.nregions; i++) {
		const struct boot_region *r = &bootinfo.regions[i];
		if (r->type != 1 || r->size == 0)
			continue;
		lo = r->base < lo ? r->base : lo;
		hi = r->base + r->size > hi ? r->base + r->size : hi;
	}
	if (hi == 0)
		panic("kmem: no usable memory in the boot memory map");
	uint64_t bytes = pmm_bitmap_bytes(lo, hi);
	uint64_t bitmap = place_bitmap(bytes);
	pmm_init(&kmem_pmm, arch_phys_to_virt(bitmap), lo, hi);
	for (unsigned i = 0; i < bootinfo.nregions; i++)
		if (bootinfo.regions[i].type == 1)
			pmm_add_free(&kmem_pmm, bootinfo.regions[i].base, bootinfo.regions[i].base + bootinfo.regions[i].size);
	pmm_reserve(&kmem_pmm, 0, MICA_PAGE_SIZE);
	pmm_reserve(&kmem_pmm, (uint64_t)__kernel_phys_start, arch_virt_to_phys(__kernel_end));
	for (unsigned i = 0; i < bootinfo.nmodules; i++)
		pmm_reserve(&kmem_pmm, bootinfo.modules[i].base, bootinfo.modules[i].base + bootinfo.modules[i].size);
	pmm_reserve(&kmem_pmm, bitmap, bitmap + bytes);
	slab_set_page_source(&slab_pages);
	kprintf("kernel: memory: %lu KiB usable, %lu KiB free for allocation\n", bootinfo.usable_bytes / 1024,
		kmem_pmm.nfree * 4);
}

void kmem_split_user_pool(void)
{
	struct pmm *k = &kmem_pmm;
	uint64_t half = k->nfree / 2, seen = 0, split = k->base + k->npages * PMM_PAGE, end = split, bits;

	/* The kernel keeps the free pages below the split, about half. */
	for (uint64_t pa = k->base; pa < end; pa += PMM_PAGE) {
		if (pmm_is_free(k, pa) && ++seen > half) {
			split = pa;
			break;
		}
	}
	uint64_t bytes = pmm_bitmap_bytes(split, end);
	unsigned pages = (unsigned)((bytes + PMM_PAGE - 1) / PMM_PAGE);
	if (pmm_alloc_run(k, pages ? pages : 1, &bits))
		panic("kmem: no room for the user pool's bitmap");
	pmm_init(&kmem_user_pmm, arch_phys_to_virt(bits), split, end);
	for (uint64_t pa = split; pa < end; pa += PMM_PAGE) {
		if (pmm_is_free(k, pa)) {
			pmm_claim(k, pa);
			pmm_add_free(&kmem_user_pmm, pa, pa + PMM_PAGE);
		}
	}
	kprintf("kernel: memory: %lu KiB for the kernel, %lu KiB for user tasks (from %#lx)\n", k->nfree * 4,
		kmem_user_pmm.nfree * 4, split);
}

int kmem_user_page_claim(uint64_t pa)
{
	return pmm_claim(&kmem_user_pmm, pa);
}

int kmem_user_page_is_free(uint64_t pa)
{
	return pmm_is_free(&kmem_user_pmm, pa);
}

void kmem_user_page_free(uint64_t pa)
{
	if (pmm_free(&kmem_user_pmm, pa))
		panic("kmem: free of user page %#lx that is not allocated", pa);
}

/* The spare page tables (paging.c) are free memory kept for the next
 * tables: taken back when the pool has nothing else. */
int kmem_page_alloc_pa(uint64_t *pa)
{
	int err = pmm_alloc(&kmem_pmm, pa);

	if (err && arch_spare_tables_release())
		err = pmm_alloc(&kmem_pmm, pa);
	return err;
}

void kmem_page_free_pa(uint64_t pa)
{
	if (pmm_free(&kmem_pmm, pa))
		panic("kmem: free of page %#lx that is not allocated", pa);
}

int kmem_run_alloc_pa(unsigned pages, uint64_t *pa)
{
	int err = pmm_alloc_run(&kmem_pmm, pages, pa);

	if (err && arch_spare_tables_release())
		err = pmm_alloc_run(&kmem_pmm, pages, pa);
	return err;
}

void kmem_run_free_pa(uint64_t pa, unsigned pages)
{
	if (pmm_free_run(&kmem_pmm, pa, pages))
		panic("kmem: free of run %#lx+%u that is not allocated", pa, pages);
}
