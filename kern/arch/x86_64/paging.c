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
#include <common/string.h>
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

/* The leaf tables of user walks found last, a software TLB of the walks:
 * a walk of a 2 MiB region walked before starts at its leaf table (the
 * pages of a fault-around, a range map, a string copy).  A table, once
 * made, stays where its parent points until table_free, which forgets
 * every hint. */
#define LEAF_HINTS 8
static struct leaf_hint {
	uint64_t root, region;   /* the space and va >> 21 */
	uint64_t *pt;            /* 0: none */
} leaf_hints[LEAF_HINTS];

static inline struct leaf_hint *leaf_hint(uint64_t root, uint64_t va)
{
	return &leaf_hints[((root >> 12) ^ (va >> 21)) % LEAF_HINTS];
}

/* The leaf table of user address va in root, if a hint has it, or 0. */
static inline uint64_t *hinted_leaf_table(uint64_t root, uint64_t va)
{
	const struct leaf_hint *h = leaf_hint(root, va);

	return h->root == root && h->region == va >> 21 ? h->pt : 0;
}

static inline void remember_leaf_table(uint64_t root, uint64_t va, uint64_t *pt)
{
	*leaf_hint(root, va) = (struct leaf_hint){ root, va >> 21, pt };
}

/* Tables that a dying space's prune gave back, zero (every entry of theirs
 * was cleared first): the next tables made take them without zeroing them
 * (a new task's first mappings need as many as the last one had).  Free
 * kernel memory as far as anyone asks (arch_spare_tables). */
#define SPARE_TABLES_MAX 32
static uint64_t spare_tables[SPARE_TABLES_MAX];
static unsigned nspare_tables;

static int table_alloc(uint64_t *pa)
{
	if (nspare_tables) {
		*pa = spare_tables[--nspare_tables];
		table_pages++;
		return MICA_OK;
	}
	int err = kmem_page_alloc_pa(pa);
	if (err)
		return err;
	memset(table(*pa), 0, MICA_PAGE_SIZE);
	table_pages++;
	return MICA_OK;
}

static void table_free(uint64_t pa)
{
	memset(leaf_hints, 0, sizeof leaf_hints);
	kmem_page_free_pa(pa);
	table_pages--;
}

/* A table whose entries are all zero goes: kept spare while there is room. */
static void table_free_zero(uint64_t pa)
{
	if (nspare_tables == SPARE_TABLES_MAX) {
		table_free(pa);
		return;
	}
	memset(leaf_hints, 0, sizeof leaf_hints);
	spare_tables[nspare_tables++] = pa;
	table_pages--;
}

unsigned arch_spare_tables(void)
{
	return nspare_tables;
}

unsigned arch_spare_tables_release(void)
{
	unsigned n = nspare_tables;

	while (nspare_tables)
		kmem_page_free_pa(spare_tables[--nspare_tables]);
	return n;
}

uint64_t paging_table_pages(void)
{
	return table_pages;
}

/* The entry at `level` (0 = PT) for va, creating tables on the way. */
static int walk_counted(uint64_t pml4, uint64_t va, int level, uint64_t table_flags, uint64_t **entry,
			unsigned *created)
{
	uint64_t *t = table(pml4);

	for (int l = 3; l > level; l--) {
		uint64_t *e = &t[IDX(va, l)];
		if (!(*e & PTE_P)) {
			uint64_t pa;
			int err = table_alloc(&pa);
			if (err)
				return err;
			(*created)++;
			*e = pa | table_flags;
		} else if (*e & PTE_PS) {
			panic("paging: walk through a large page at %#lx", va);
		}
		t = table(*e & PTE_ADDR);
	}
	*entry = &t[IDX(va, level)];
	return MICA_OK;
}

static int walk(uint64_t pml4, uint64_t va, int level, uint64_t table_flags, uint64_t **entry)
{
	unsigned created = 0;

	return walk_counted(pml4, va, level, table_flags, entry, &created);
}

int paging_map(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t *e;
	int err = walk(pml4, va, 0, va < MICA_USER_END ? USER_TABLE : KERNEL_TABLE, &e);

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

/* Free a table and the tables below it (frames are the mapping
 * database's business); returns how many tables went. */
static unsigned free_level(uint64_t pa, int level)
{
	uint64_t *t = table(pa);
	unsigned n = 1;

	for (int i = 0; i < 512 && level > 0; i++)
		if (t[i] & PTE_P)
			n += free_level(t[i] & PTE_ADDR, level - 1);
	table_free(pa);
	return n;
}

unsigned paging_space_destroy(uint64_t pml4)
{
	uint64_t *t = table(pml4);
	unsigned n = 0;

	if (read_cr3() == pml4)
		write_cr3(kernel_pml4);
	for (int i = 0; i < 256; i++)
		if (t[i] & PTE_P)
			n += free_level(t[i] & PTE_ADDR, 2);
	table_free(pml4);
	return n;
}

/* The device registers the kernel drives itself: never handed to user level. */
#define KERNEL_DEVICES_MAX 16
static struct { uint64_t pa, size; } kernel_devices[KERNEL_DEVICES_MAX];
static unsigned nkernel_devices;

int arch_device_is_kernels(uint64_t pa)
{
	for (unsigned i = 0; i < nkernel_devices; i++)
		if (pa + MICA_PAGE_SIZE > (kernel_devices[i].pa & MICA_PAGE_MASK) && pa < kernel_devices[i].pa + kernel_devices[i].size)
			return 1;
	return 0;
}

void *paging_map_device(uint64_t pa, uint64_t size)
{
	if (nkernel_devices < KERNEL_DEVICES_MAX)
		kernel_devices[nkernel_devices++] = (typeof(kernel_devices[0])){ pa, size };
	uint64_t off = pa & ~MICA_PAGE_MASK, va = device_next;

	for (uint64_t p = pa - off; p < pa + size; p += MICA_PAGE_SIZE, device_next += MICA_PAGE_SIZE)
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

unsigned arch_space_destroy(uint64_t root)
{
	return paging_space_destroy(root);
}

/* The user tables below *cursor go, 2 MiB of address space a unit: a page
 * table when its 2 MiB are passed, a directory when its 1 GiB is, a
 * pointer table when its 512 GiB are (the entries pointing at them
 * cleared, so that what is left is a smaller space). */
static uint64_t slot_va(unsigned i4, unsigned i3, unsigned i2)
{
	return (uint64_t)i4 << 39 | (uint64_t)i3 << 30 | (uint64_t)i2 << 21;
}

/* The first entry of t[i..end) that is not 0 (end: none): `repe scasq`,
 * which -icount counts as one instruction an entry, where a loop costs
 * four.  (Absent entries of the upper levels are 0: tables start zeroed,
 * and pruning clears what it frees.) */
static unsigned next_used(const uint64_t *t, unsigned i, unsigned end)
{
	const uint64_t *p = t + i;
	uint64_t n = i < end ? end - i : 0;

	if (!n)
		return end;
	__asm__ volatile("repe scasq" : "+D"(p), "+c"(n) : "a"(0ull) : "cc", "memory");
	return p[-1] ? (unsigned)(p - t) - 1 : end;
}

/* The budget: a table freed costs 1; looking at a directory's 512 slots,
 * or at a pointer table's, costs 8.  A call makes progress only with more
 * than 16 (a pointer table and a directory): the caller's, PREEMPT_BUDGET,
 * is 64. */
int arch_space_prune(uint64_t root, uint64_t *cursor, long *budget, unsigned *freed)
{
	uint64_t *pml4 = table(root), va = *cursor;

	if (read_cr3() == root)
		write_cr3(kernel_pml4);
	for (unsigned i4 = next_used(pml4, IDX(va, 3), 256); i4 < 256; i4 = next_used(pml4, i4 + 1, 256)) {
		if (!(pml4[i4] & PTE_P))
			continue;
		if ((*budget -= 8) < 0) {
			*cursor = va > slot_va(i4, 0, 0) ? va : slot_va(i4, 0, 0);
			return 0;
		}
		uint64_t *pdpt = table(pml4[i4] & PTE_ADDR);
		unsigned first3 = va > slot_va(i4, 0, 0) ? IDX(va, 2) : 0;
		for (unsigned i3 = next_used(pdpt, first3, 512); i3 < 512; i3 = next_used(pdpt, i3 + 1, 512)) {
			if (!(pdpt[i3] & PTE_P))
				continue;
			uint64_t *pd = table(pdpt[i3] & PTE_ADDR);
			unsigned first2 = va > slot_va(i4, i3, 0) ? IDX(va, 1) : 0;
			if ((*budget -= 8) < 0) {   /* the directory's 512 slots */
				*cursor = slot_va(i4, i3, first2);
				return 0;
			}
			for (unsigned i2 = next_used(pd, first2, 512); i2 < 512; i2 = next_used(pd, i2 + 1, 512)) {
				if (*budget < 0) {
					*cursor = slot_va(i4, i3, i2);
					return 0;
				}
				if (pd[i2] & PTE_P) {
					table_free_zero(pd[i2] & PTE_ADDR);   /* nothing is mapped */
					pd[i2] = 0;
					(*freed)++;
					--*budget;
				}
			}
			table_free_zero(pdpt[i3] & PTE_ADDR);   /* its entries cleared above */
			pdpt[i3] = 0;
			(*freed)++;
		}
		table_free_zero(pml4[i4] & PTE_ADDR);
		pml4[i4] = 0;
		(*freed)++;
	}
	*cursor = MICA_USER_END;
	return 1;
}

unsigned arch_spare_tables_unclean(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nspare_tables; i++)
		n += next_used(table(spare_tables[i]), 0, 512) < 512;
	return n;
}

static uint64_t user_pte_flags(unsigned rights, int uncached)
{
	return PTE_U | (rights & MICA_W ? PTE_W : 0) | (rights & MICA_X ? 0 : pte_nx) |
	       (uncached ? PTE_PCD | PTE_PWT : 0);
}

static void flush(uint64_t root, uint64_t va)
{
	/* One CPU, no PCIDs: only the running space can hold the entry.
	 * (With more CPUs this is where the shootdown goes.) */
	if (read_cr3() == root)
		invlpg(va);
}

static int space_map(uint64_t root, uint64_t va, uint64_t pa, unsigned rights, int uncached, int only_new,
		     unsigned *tables)
{
	uint64_t *e;

	if (va >= MICA_USER_END || (va & ~MICA_PAGE_MASK))
		return MICA_EINVAL;
	uint64_t *pt = hinted_leaf_table(root, va);
	if (pt) {
		e = &pt[IDX(va, 0)];
	} else {
		int err = walk_counted(root, va, 0, USER_TABLE, &e, tables);
		if (err)
			return err;
		remember_leaf_table(root, va, e - IDX(va, 0));
	}
	if (only_new && (*e & PTE_P))
		return MICA_EEXIST;   /* (an entry there means its tables were there: none made) */
	*e = (pa & PTE_ADDR) | user_pte_flags(rights, uncached) | PTE_P;
	flush(root, va);
	return MICA_OK;
}

int arch_space_map(uint64_t root, uint64_t va, uint64_t pa, unsigned rights, int uncached, unsigned *tables)
{
	return space_map(root, va, pa, rights, uncached, 0, tables);
}

int arch_space_map_new(uint64_t root, uint64_t va, uint64_t pa, unsigned rights, int uncached, unsigned *tables)
{
	return space_map(root, va, pa, rights, uncached, 1, tables);
}

/* The leaf entry of the user address va in root, or NULL.  A user half
 * holds 4 KiB pages only (the large pages are the direct map's, in the
 * kernel half), so no level is a leaf before the last.  (Unrolled: each
 * level's shift a constant, on the path of every IPC string.) */
static inline __attribute__((always_inline)) uint64_t *leaf_walk(uint64_t root, uint64_t va)
{
	uint64_t *t = table(root);

#pragma GCC unroll 3
	for (int l = 3; l > 0; l--) {
		uint64_t e = t[IDX(va, l)];
		if (!(e & PTE_P))
			return 0;
		t = table(e & PTE_ADDR);
	}
	return &t[IDX(va, 0)];
}

/* leaf_walk through the hints, for walks that come in runs over one 2 MiB
 * (the pages of a string, lookups of a range).  A single page's change
 * in many spaces (unmap, protect: a page's copies in each task) walks
 * without them: there every hint would miss. */
static inline __attribute__((always_inline)) uint64_t *leaf(uint64_t root, uint64_t va)
{
	uint64_t *pt = hinted_leaf_table(root, va), *e;

	if (pt)
		return &pt[IDX(va, 0)];
	if ((e = leaf_walk(root, va)) != 0)
		remember_leaf_table(root, va, e - IDX(va, 0));
	return e;
}

static unsigned accessed_dirty(uint64_t e)
{
	return (e & PTE_A ? ARCH_ACCESSED : 0) | (e & PTE_D ? ARCH_DIRTY : 0);
}

unsigned arch_space_unmap(uint64_t root, uint64_t va)
{
	uint64_t *e = leaf_walk(root, va);

	if (!e || !(*e & PTE_P))
		return 0;
	unsigned ad = accessed_dirty(*e);
	*e = 0;
	flush(root, va);
	return ad;
}

unsigned arch_space_protect(uint64_t root, uint64_t va, unsigned rights)
{
	uint64_t *e = leaf_walk(root, va);

	if (!e || !(*e & PTE_P))
		return 0;
	unsigned ad = accessed_dirty(*e);
	int uncached = (*e & PTE_PCD) != 0;
	*e = (*e & PTE_ADDR) | user_pte_flags(rights, uncached) | PTE_P;
	flush(root, va);
	return ad;
}

int arch_space_lookup(uint64_t root, uint64_t va, uint64_t *pa, unsigned *rights)
{
	uint64_t *e = va < MICA_USER_END ? leaf(root, va) : 0;

	if (!e || !(*e & PTE_P) || !(*e & PTE_U))
		return MICA_EFAULT;
	*pa = *e & PTE_ADDR;
	*rights = MICA_R | (*e & PTE_W ? MICA_W : 0) | (*e & pte_nx ? 0 : MICA_X);
	return MICA_OK;
}

int arch_space_scan(uint64_t root, uint64_t va, uint64_t last, uint64_t *found, long *budget)
{
	va &= MICA_PAGE_MASK;
	if (last >= MICA_USER_END)
		last = MICA_USER_END - 1;
	while (va <= last) {
		if (--*budget < 0) {
			*found = va;   /* nothing mapped below va: go on from there */
			return -1;
		}
		uint64_t *t = hinted_leaf_table(root, va);
		int l = t ? 0 : 3, skipped = 0;
		if (!t)
			t = table(root);
		for (; l > 0; l--) {
			uint64_t e = t[IDX(va, l)];
			if (!(e & PTE_P) || (e & PTE_PS)) {
				/* Nothing mapped in this entry's whole range: skip it. */
				uint64_t span = 1ull << (12 + 9 * l);
				uint64_t next = (va & ~(span - 1)) + span;
				if (next <= va)
					return 0;
				va = next;
				skipped = 1;
				break;
			}
			t = table(e & PTE_ADDR);
			if (l == 1)
				remember_leaf_table(root, va, t);
		}
		if (skipped)
			continue;
		if (t[IDX(va, 0)] & PTE_P) {
			*found = va;
			return 1;
		}
		va += MICA_PAGE_SIZE;
	}
	return 0;
}

int arch_space_next_mapped(uint64_t root, uint64_t va, uint64_t last, uint64_t *found)
{
	long budget = __LONG_MAX__;

	return arch_space_scan(root, va, last, found, &budget);
}

/* The entry of the user page at va that a string copy may read (or write):
 * present, user, writable for a write, and not device memory.  Device
 * memory is refused by its uncached bit alone: every page a user space
 * maps cached is RAM of the boot memory map (sigma0 maps nothing else
 * cached, and every later mapping derives from one of its, keeping the
 * bit), which the direct map covers (paging_init).  NULL otherwise. */
static inline __attribute__((always_inline)) uint64_t *copy_entry(uint64_t root, uint64_t va, int write)
{
	const uint64_t want = PTE_P | PTE_U | (write ? PTE_W : 0);
	uint64_t *e = leaf(root, va & MICA_PAGE_MASK);

	return e && (*e & (want | PTE_PCD)) == want ? e : 0;
}

/* The pages a copy of at most MICA_STRING_MAX bytes touches on one side. */
#define COPY_PAGES_MAX (MICA_STRING_MAX / MICA_PAGE_SIZE + 1)

/* Each page's entry of [va, va + n) into e[], or 0 when one may not be
 * copied (copy_entry). */
static inline __attribute__((always_inline)) int copy_range_entries(uint64_t root, uint64_t va, size_t n, int write, uint64_t **e)
{
	if (va > MICA_USER_END - n)   /* n <= MICA_STRING_MAX: no wrap */
		return 0;
	for (uint64_t p = va & MICA_PAGE_MASK; p < va + n; p += MICA_PAGE_SIZE)
		if (!(*e++ = copy_entry(root, p, write)))
			return 0;
	return 1;
}

/* Both ranges are checked first, so that a copy that fails wrote nothing;
 * the copy then uses the entries the check found.  Each page's entry is
 * marked as the CPU would mark it had the threads copied themselves:
 * accessed, and dirty in the destination (a pager asking Task.mem_unmap
 * for the status sees IPC writes). */
int arch_space_copy(uint64_t dst_root, uint64_t dst, uint64_t src_root, uint64_t src, size_t n)
{
	uint64_t *de[COPY_PAGES_MAX], *se[COPY_PAGES_MAX], **d = de, **s = se;

	if (n > MICA_STRING_MAX || !copy_range_entries(dst_root, dst, n, 1, de) ||
	    !copy_range_entries(src_root, src, n, 0, se))
		return MICA_EFAULT;
	while (n) {
		size_t chunk = MICA_PAGE_SIZE - (dst & ~MICA_PAGE_MASK);
		if (MICA_PAGE_SIZE - (src & ~MICA_PAGE_MASK) < chunk)
			chunk = MICA_PAGE_SIZE - (src & ~MICA_PAGE_MASK);
		if (n < chunk)
			chunk = n;
		**d |= PTE_A | PTE_D;
		**s |= PTE_A;
		memcpy((uint8_t *)arch_phys_to_virt(**d & PTE_ADDR) + (dst & ~MICA_PAGE_MASK),
		       (const uint8_t *)arch_phys_to_virt(**s & PTE_ADDR) + (src & ~MICA_PAGE_MASK), chunk);
		dst += chunk;
		src += chunk;
		n -= chunk;
		if (!(dst & ~MICA_PAGE_MASK))
			d++;
		if (!(src & ~MICA_PAGE_MASK))
			s++;
	}
	return MICA_OK;
}

/* entry.S: 0, or nonzero when a user page is missing */
extern int arch_user_copy(void *dst, const void *src, size_t n);

static int user_range_ok(uint64_t a, size_t n)
{
	return a + n >= a && a + n <= MICA_USER_END;
}

int user_copy_in(void *dst, uint64_t usrc, size_t n)
{
	if (!user_range_ok(usrc, n) || arch_user_copy(dst, (const void *)usrc, n))
		return MICA_EFAULT;
	return MICA_OK;
}

int user_copy_out(uint64_t udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n) || arch_user_copy((void *)udst, src, n))
		return MICA_EFAULT;
	return MICA_OK;
}
