/*
 * bootmem.c - a boot program's pages from the user pool (libsys/bootmem.h).
 */
#include <libsys/bootmem.h>
#include <mica/boot.h>
#include <mica/kip.h>

static const struct mica_kip *const kip = (const struct mica_kip *)MICA_KIP_ADDR;
static uint64_t next;   /* the next physical address to try */

/* Whether [pa, pa + size) is user-pool RAM: inside a USABLE entry and in
 * no later entry (which says more about it). */
static int in_user_pool(uint64_t pa, uint64_t size)
{
	int usable = 0;

	for (uint32_t i = 0; i < kip->mem_count; i++) {
		const struct mica_kip_mem *m = &kip->mem[i];
		int covers = pa >= m->base && pa + size <= m->base + m->size;
		int touches = pa + size > m->base && pa < m->base + m->size;
		if (m->type == MICA_MEM_USABLE && covers)
			usable = 1;
		else if (touches)
			usable = 0;
	}
	return usable;
}

mica_addr_t mica_bootmem_pages(unsigned long count, unsigned long align)
{
	uint64_t size = count * MICA_PAGE_SIZE, step = align > 1 ? align * MICA_PAGE_SIZE : MICA_PAGE_SIZE;
	uint64_t end = 0;

	for (uint32_t i = 0; i < kip->mem_count; i++)
		if (kip->mem[i].base + kip->mem[i].size > end)
			end = kip->mem[i].base + kip->mem[i].size;
	for (uint64_t pa = (next + step - 1) & ~(step - 1); pa + size <= end; pa += step) {
		if (in_user_pool(pa, size)) {
			next = pa + size;
			return MICA_BOOT_PHYS_WINDOW + pa;
		}
	}
	return 0;
}
