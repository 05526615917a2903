/*
 * pages.c - the user pool's physical pages: a bitmap over the ranges the
 * KIP gives to user level (USABLE entries that no later entry covers).
 * Root is the first pager, so a page is reached at MICA_BOOT_PHYS_WINDOW +
 * its physical address; the kernel maps it on first touch, zeroed.  So a
 * page needs zeroing by root only once it has been used and freed: a second
 * bitmap remembers which.  The bitmaps live in the first pages of the pool.
 */
#include "root.h"

#include <mica/kip.h>

#include <libsys/debug.h>

#define RANGES_MAX MICA_KIP_MEM_MAX

static struct range { uint64_t base, pages, first; } ranges[RANGES_MAX];
static unsigned nranges;
static uint64_t *bitmap;   /* bit set: page in use */
static uint64_t *used;     /* bit set: handed out before, so not zero any more */
static uint16_t *sharers;  /* holders of a page beyond the first (copy-on-write after fork) */
static uint64_t total, nfree, hint;

static const struct mica_kip *const kip = (const struct mica_kip *)MICA_KIP_ADDR;

/* Whether the page at pa is user-pool RAM: in a USABLE entry and in no later one. */
static bool in_pool(uint64_t pa)
{
	bool usable = false;

	for (uint32_t i = 0; i < kip->mem_count; i++) {
		const struct mica_kip_mem *m = &kip->mem[i];
		if (pa >= m->base && pa - m->base < m->size)
			usable = m->type == MICA_MEM_USABLE;
	}
	return usable;
}

static void add_range(uint64_t base, uint64_t pages)
{
	if (nranges && ranges[nranges - 1].base + ranges[nranges - 1].pages * PAGE == base) {
		ranges[nranges - 1].pages += pages;
		return;
	}
	if (nranges == RANGES_MAX)
		return;   /* (the KIP has at most as many entries: never) */
	ranges[nranges++] = (struct range){ base, pages, total };
	total += pages;
}

static uint64_t index_pa(uint64_t i)
{
	for (unsigned r = 0; r < nranges; r++)
		if (i - ranges[r].first < ranges[r].pages)
			return ranges[r].base + (i - ranges[r].first) * PAGE;
	return 0;
}

static uint64_t pa_index(uint64_t pa)
{
	for (unsigned r = 0; r < nranges; r++)
		if (pa >= ranges[r].base && (pa - ranges[r].base) / PAGE < ranges[r].pages)
			return ranges[r].first + (pa - ranges[r].base) / PAGE;
	return ~0ull;
}

void pages_init(void)
{
	/* The USABLE entries' pages, in rising order, less the ones a later
	 * entry takes back, as runs. */
	for (uint32_t i = 0; i < kip->mem_count; i++) {
		const struct mica_kip_mem *m = &kip->mem[i];
		if (m->type != MICA_MEM_USABLE)
			continue;
		uint64_t run = 0, start = 0;
		for (uint64_t pa = (m->base + PAGE - 1) & ~(PAGE - 1); pa + PAGE <= m->base + m->size; pa += PAGE) {
			if (in_pool(pa)) {
				if (!run)
					start = pa;
				run++;
			} else if (run) {
				add_range(start, run);
				run = 0;
			}
		}
		if (run)
			add_range(start, run);
	}
	/* The two bitmaps and the sharer counts go at the start of the first
	 * range that holds them. */
	uint64_t sharer_pages = (total * sizeof *sharers + PAGE - 1) / PAGE;
	uint64_t bitmap_pages = 2 * ((total + 8 * PAGE - 1) / (8 * PAGE)) + sharer_pages;
	unsigned r = 0;
	while (r < nranges && ranges[r].pages < bitmap_pages)
		r++;
	if (r == nranges) {
		mica_printf("root: no run of %lu pages for the page bitmaps\n", (unsigned long)bitmap_pages);
		total = nfree = 0;
		nranges = 0;
		return;
	}
	bitmap = pages_va(ranges[r].base);
	used = bitmap + (bitmap_pages - sharer_pages) / 2 * PAGE / 8;
	sharers = (uint16_t *)(used + (bitmap_pages - sharer_pages) / 2 * PAGE / 8);
	for (uint64_t i = ranges[r].first; i < ranges[r].first + bitmap_pages; i++)
		bitmap[i / 64] |= 1ull << (i % 64);
	nfree = total - bitmap_pages;
	hint = 0;
}

/* A free page, zeroed if `zero` and used before; 0 when none is left. */
static uint64_t alloc(bool zero)
{
	for (uint64_t n = 0; n < total; n++) {
		uint64_t i = (hint + n) % total;
		if (bitmap[i / 64] == ~0ull) {
			n += 63 - i % 64;
			continue;
		}
		if (bitmap[i / 64] & (1ull << (i % 64)))
			continue;
		bitmap[i / 64] |= 1ull << (i % 64);
		nfree--;
		hint = i + 1;
		uint64_t pa = index_pa(i);
		if (zero && (used[i / 64] & (1ull << (i % 64))))
			memset(pages_va(pa), 0, PAGE);
		used[i / 64] |= 1ull << (i % 64);
		return pa;
	}
	return 0;
}

uint64_t pages_alloc(void)
{
	return alloc(true);
}

uint64_t pages_alloc_uninit(void)
{
	return alloc(false);
}

/* Take page i (free) and zero it if it was used before. */
static void take(uint64_t i)
{
	bitmap[i / 64] |= 1ull << (i % 64);
	nfree--;
	if (used[i / 64] & (1ull << (i % 64)))
		memset(pages_va(index_pa(i)), 0, PAGE);
	used[i / 64] |= 1ull << (i % 64);
}

static bool is_free(uint64_t i)
{
	return !(bitmap[i / 64] & (1ull << (i % 64)));
}

/* The first run of n free pages that are physically contiguous (inside
 * one range): a first-fit scan, since runs are rare (DMA memory). */
uint64_t pages_alloc_run(uint64_t n, uint64_t align)
{
	if (!n || n > nfree)
		return 0;
	for (unsigned r = 0; r < nranges; r++) {
		uint64_t first = ranges[r].first, end = first + ranges[r].pages, run = 0;
		for (uint64_t i = first; i < end; i++) {
			if (!run && (index_pa(i) & (align - 1)))
				continue;   /* a run starts at an aligned page */
			run = is_free(i) ? run + 1 : 0;
			if (run < n)
				continue;
			for (uint64_t k = i + 1 - n; k <= i; k++)
				take(k);
			return index_pa(i + 1 - n);
		}
	}
	return 0;
}

void pages_free(uint64_t pa)
{
	uint64_t i = pa_index(pa);

	if (i == ~0ull || !(bitmap[i / 64] & (1ull << (i % 64)))) {
		mica_printf("root: freeing page %#lx that is not in use\n", (unsigned long)pa);
		return;
	}
	bitmap[i / 64] &= ~(1ull << (i % 64));
	nfree++;
	/* Reuse freed pages before touching new ones: root's footprint in the
	 * user pool stays as small as its use. */
	if (i < hint)
		hint = i;
}

bool pages_share(uint64_t pa)
{
	uint64_t i = pa_index(pa);

	if (i == ~0ull || sharers[i] == UINT16_MAX)
		return false;
	sharers[i]++;
	return true;
}

bool pages_shared(uint64_t pa)
{
	uint64_t i = pa_index(pa);

	return i != ~0ull && sharers[i];
}

void pages_put(uint64_t pa)
{
	uint64_t i = pa_index(pa);

	if (i != ~0ull && sharers[i])
		sharers[i]--;
	else
		pages_free(pa);
}

void pages_stats(uint64_t *t, uint64_t *f)
{
	*t = total;
	*f = nfree;
}
