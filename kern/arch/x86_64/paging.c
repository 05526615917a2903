/*
 * paging.c - page tables (see paging.h).
 *
 * The kernel half (PML4 entries 256..511) is built once with every PDPT it
 * will ever need, and each new address space copies those PML4 entries, so
 * later kernel mappings appear everywhere without touching other spaces.
 * The direct map covers every range in the boot memory map with 2 MiB pages.
 */
#include "paging.h"

#include "arch.h"
#include "bootinfo.h"
#include "cpu.h"
#include "kmem.h"
#include "kstring.h"
#include "layout.h"
#include "panic.h"

#include <mica/error.h>
#include <mica/ipc.h>

uint64_t pte_nx;
static uint64_t kernel_pml4;
static uint64_t table_pages;
static uint64_t device_next = KERN_DEVICE_BASE;

#define IDX(va, level) (((va) >> (12 + 9 * (level))) & 511)
#define KERNEL_TABLE (PTE_P | PTE_W)
#define USER_TABLE (PTE_P | PTE_W | PTE_U)

static uint64_t *table(uint64_t pa)
{
	return arch_phys_to_virt(pa);
}

static int table_alloc(uint64_t *pa)
{
	int err = kmem_page_alloc_pa(pa);

	if (err)
		return err;
	kmemset(table(*pa), 0, 4096);
	table_pages++;
	return MICA_OK;
}

static void table_free(uint64_t pa)
{
	kmem_page_free_pa(pa);
	table_pages--;
}

uint64_t paging_table_pages(void)
{
	return table_pages;
}

/* The entry at `level` (0 = PT) for va, creating tables on the way. */
static int walk(uint64_t pml4, uint64_t va, int level, uint64_t table_flags, uint64_t **entry)
{
	uint64_t *t = table(pml4);

	for (int l = 3; l > level; l--) {
		uint64_t *e = &t[IDX(va, l)];
		if (!(*e & PTE_P)) {
			uint64_t pa;
			int err = table_alloc(&pa);
			if (err)
				return err;
			*e = pa | table_flags;
		} else if (*e & PTE_PS) {
			panic("paging: walk through a large page at %#lx", va);
		}
		t = table(*e & PTE_ADDR);
	}
	*entry = &t[IDX(va, level)];
	return MICA_OK;
}

int paging_map(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t *e;
	int err = walk(pml4, va, 0, va < USER_END ? USER_TABLE : KERNEL_TABLE, &e);

	if (err)
		return err;
	*e = (pa & PTE_ADDR) | flags | PTE_P;
	invlpg(va);
	return MICA_OK;
}

uint64_t paging_lookup(uint64_t pml4, uint64_t va)
{
	uint64_t *t = table(pml4);

	for (int l = 3; l > 0; l--) {
		uint64_t e = t[IDX(va, l)];
		if (!(e & PTE_P))
			return 0;
		if (e & PTE_PS)
			return e;
		t = table(e & PTE_ADDR);
	}
	return t[IDX(va, 0)];
}

/* Direct-map [base, base+size) with 2 MiB pages. */
static void map_direct(uint64_t base, uint64_t size)
{
	uint64_t start = base & ~0x1fffffull, end = (base + size + 0x1fffff) & ~0x1fffffull;

	for (uint64_t pa = start; pa < end; pa += 0x200000) {
		uint64_t *e;
		if (walk(kernel_pml4, KERN_DIRECT_BASE + pa, 1, KERNEL_TABLE, &e))
			panic("paging: out of memory building the direct map");
		*e = pa | PTE_P | PTE_W | PTE_PS | PTE_G | pte_nx;
	}
}

void paging_init(void)
{
	extern char boot_pml4[];
	uint64_t *boot = (uint64_t *)boot_pml4;

	if (table_alloc(&kernel_pml4))
		panic("paging: no memory for the kernel PML4");
	uint64_t *k = table(kernel_pml4);
	/* The image keeps the boot loader's -2 GiB mapping. */
	k[511] = boot[511];
	/* The direct map (up to 512 GiB) and the device area get their PDPTs
	 * now, so every kernel-half PML4 entry is final (see above). */
	static const int kernel_slots[] = { IDX(KERN_DIRECT_BASE, 3), IDX(KERN_DEVICE_BASE, 3) };
	for (unsigned i = 0; i < sizeof kernel_slots / sizeof kernel_slots[0]; i++) {
		uint64_t pa;
		if (table_alloc(&pa))
			panic("paging: no memory for kernel tables");
		k[kernel_slots[i]] = pa | KERNEL_TABLE;
	}
	if (rdmsr(MSR_EFER) & (1ull << 11))
		pte_nx = PTE_NX;
	for (unsigned i = 0; i < bootinfo.nregions; i++)
		map_direct(bootinfo.regions[i].base, bootinfo.regions[i].size);
	write_cr3(kernel_pml4);
}

int paging_space_create(uint64_t *pml4_pa)
{
	int err = table_alloc(pml4_pa);

	if (err)
		return err;
	uint64_t *t = table(*pml4_pa), *k = table(kernel_pml4);
	for (int i = 256; i < 512; i++)
		t[i] = k[i];
	return MICA_OK;
}

static void free_level(uint64_t pa, int level)
{
	uint64_t *t = table(pa);

	for (int i = 0; i < 512; i++) {
		uint64_t e = t[i];
		if (!(e & PTE_P))
			continue;
		if (level > 0)
			free_level(e & PTE_ADDR, level - 1);
		else if (e & PTE_OWNED)
			kmem_page_free_pa(e & PTE_ADDR);
	}
	table_free(pa);
}

void paging_space_destroy(uint64_t pml4)
{
	uint64_t *t = table(pml4);

	if (read_cr3() == pml4)
		write_cr3(kernel_pml4);
	for (int i = 0; i < 256; i++)
		if (t[i] & PTE_P)
			free_level(t[i] & PTE_ADDR, 2);
	table_free(pml4);
}

void *paging_map_device(uint64_t pa, uint64_t size)
{
	uint64_t off = pa & 0xfff, va = device_next;

	for (uint64_t p = pa - off; p < pa + size; p += 4096, device_next += 4096)
		if (paging_map(kernel_pml4, device_next, p, PTE_W | PTE_PCD | PTE_PWT | PTE_G | pte_nx))
			panic("paging: no memory to map device %#lx", pa);
	return (void *)(va + off);
}

void *arch_phys_to_virt(uint64_t pa)
{
	return (void *)(pa + KERN_DIRECT_BASE);
}

uint64_t arch_virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;

	return v >= KERN_IMAGE_BASE ? v - KERN_IMAGE_BASE : v - KERN_DIRECT_BASE;
}

int arch_space_create(uint64_t *root)
{
	return paging_space_create(root);
}

void arch_space_destroy(uint64_t root)
{
	paging_space_destroy(root);
}

int arch_space_map(uint64_t root, uint64_t va, uint64_t pa, unsigned rights, int owned)
{
	uint64_t flags = PTE_U | (rights & MICA_W ? PTE_W : 0) | (rights & MICA_X ? 0 : pte_nx) | (owned ? PTE_OWNED : 0);

	if (va >= USER_END)
		return MICA_EINVAL;
	return paging_map(root, va, pa, flags);
}

static uint64_t user_pte_flags(unsigned rights)
{
	return PTE_U | (rights & MICA_W ? PTE_W : 0) | (rights & MICA_X ? 0 : pte_nx);
}

int arch_space_map_new(uint64_t root, uint64_t va, uint64_t pa, unsigned rights)
{
	if (va >= USER_END || (va & 0xfff))
		return MICA_EINVAL;
	if (paging_lookup(root, va) & PTE_P)
		return MICA_EEXIST;
	return paging_map(root, va, pa, user_pte_flags(rights));
}

void arch_space_unmap(uint64_t root, uint64_t va)
{
	uint64_t *t = table(root);

	for (int l = 3; l > 0; l--) {
		uint64_t e = t[IDX(va, l)];
		if (!(e & PTE_P) || (e & PTE_PS))
			return;
		t = table(e & PTE_ADDR);
	}
	uint64_t *e = &t[IDX(va, 0)];
	if ((*e & PTE_P) && (*e & PTE_OWNED))
		kmem_page_free_pa(*e & PTE_ADDR);
	*e = 0;
	if (read_cr3() == root)
		invlpg(va);
}

/* The user page at va in root (with PTE_W if `write`), or 0. */
static uint8_t *user_page(uint64_t root, uint64_t va, int write)
{
	if (va >= USER_END)
		return 0;
	uint64_t e = paging_lookup(root, va & ~0xfffull);
	if (!(e & PTE_P) || !(e & PTE_U) || (e & PTE_PS) || (write && !(e & PTE_W)))
		return 0;
	return (uint8_t *)arch_phys_to_virt(e & PTE_ADDR) + (va & 0xfff);
}

int arch_space_copy(uint64_t dst_root, uint64_t dst, uint64_t src_root, uint64_t src, size_t n)
{
	while (n) {
		size_t chunk = 4096 - (dst & 0xfff);
		if (4096 - (src & 0xfff) < chunk)
			chunk = 4096 - (src & 0xfff);
		if (n < chunk)
			chunk = n;
		uint8_t *d = user_page(dst_root, dst, 1), *s = user_page(src_root, src, 0);
		if (!d || !s)
			return MICA_EFAULT;
		kmemcpy(d, s, chunk);
		dst += chunk;
		src += chunk;
		n -= chunk;
	}
	return MICA_OK;
}

int arch_space_share(uint64_t dst_root, uint64_t dst, uint64_t src_root, uint64_t src, unsigned order, unsigned rights)
{
	uint64_t size = 1ull << order;

	if (order < 12 || order > 30 || (src & (size - 1)) || (dst & (size - 1)) || src + size > USER_END ||
	    dst + size > USER_END)
		return MICA_EINVAL;
	for (uint64_t off = 0; off < size; off += 4096) {
		uint64_t e = paging_lookup(src_root, src + off);
		if (!(e & PTE_P) || !(e & PTE_U) || (e & PTE_PS))
			continue;
		unsigned have = MICA_R | (e & PTE_W ? MICA_W : 0) | (e & pte_nx ? 0 : MICA_X);
		if (paging_lookup(dst_root, dst + off) & PTE_OWNED)
			return MICA_EEXIST;   /* would lose the page there */
		int err = paging_map(dst_root, dst + off, e & PTE_ADDR, user_pte_flags(rights & have));
		if (err)
			return err;
	}
	return MICA_OK;
}

extern int arch_user_copy(void *dst, const void *src, size_t n);

static int user_range_ok(uint64_t a, size_t n)
{
	return a + n >= a && a + n <= USER_END;
}

int user_copy_in(void *dst, uint64_t usrc, size_t n)
{
	return user_range_ok(usrc, n) ? arch_user_copy(dst, (const void *)usrc, n) : MICA_EFAULT;
}

int user_copy_out(uint64_t udst, const void *src, size_t n)
{
	return user_range_ok(udst, n) ? arch_user_copy((void *)udst, src, n) : MICA_EFAULT;
}
