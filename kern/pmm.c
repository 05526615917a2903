/*
 * pmm.c - the bitmap page allocator (see pmm.h).  Searches word by word
 * from a rotating hint, so the common case touches one word.
 */
#include "pmm.h"

#include <mica/error.h>

static int bit_get(const struct pmm *p, uint64_t i) { return (p->bits[i / 64] >> (i % 64)) & 1; }
static void bit_set(struct pmm *p, uint64_t i) { p->bits[i / 64] |= 1ull << (i % 64); }
static void bit_clear(struct pmm *p, uint64_t i) { p->bits[i / 64] &= ~(1ull << (i % 64)); }

size_t pmm_bitmap_bytes(uint64_t base, uint64_t end)
{
	uint64_t pages = (end - base + PMM_PAGE - 1) / PMM_PAGE;
	return (pages + 63) / 64 * 8;
}

void pmm_init(struct pmm *p, void *bits, uint64_t base, uint64_t end)
{
	p->bits = bits;
	p->base = base & ~(PMM_PAGE - 1);
	p->npages = (end - p->base + PMM_PAGE - 1) / PMM_PAGE;
	p->nfree = 0;
	p->hint = 0;
	for (uint64_t w = 0; w < (p->npages + 63) / 64; w++)
		p->bits[w] = 0;
}

/* Clamp [start, end) to the bitmap and turn it into page indices [*a, *b). */
static int page_span(const struct pmm *p, uint64_t start, uint64_t end, int whole, uint64_t *a, uint64_t *b)
{
	uint64_t top = p->base + p->npages * PMM_PAGE;

	if (start < p->base)
		start = p->base;
	if (end > top)
		end = top;
	if (start >= end)
		return 0;
	if (whole) {   /* only pages entirely inside */
		*a = (start - p->base + PMM_PAGE - 1) / PMM_PAGE;
		*b = (end - p->base) / PMM_PAGE;
	} else {       /* every page touched */
		*a = (start - p->base) / PMM_PAGE;
		*b = (end - p->base + PMM_PAGE - 1) / PMM_PAGE;
	}
	return *a < *b;
}

void pmm_add_free(struct pmm *p, uint64_t start, uint64_t end)
{
	uint64_t a, b;

	if (!page_span(p, start, end, 1, &a, &b))
		return;
	for (uint64_t i = a; i < b; i++) {
		if (!bit_get(p, i)) {
			bit_set(p, i);
			p->nfree++;
		}
	}
}

void pmm_reserve(struct pmm *p, uint64_t start, uint64_t end)
{
	uint64_t a, b;

	if (!page_span(p, start, end, 0, &a, &b))
		return;
	for (uint64_t i = a; i < b; i++) {
		if (bit_get(p, i)) {
			bit_clear(p, i);
			p->nfree--;
		}
	}
}

int pmm_is_free(const struct pmm *p, uint64_t pa)
{
	return pa >= p->base && (pa - p->base) / PMM_PAGE < p->npages && bit_get(p, (pa - p->base) / PMM_PAGE);
}

int pmm_claim(struct pmm *p, uint64_t pa)
{
	if (!pmm_is_free(p, pa))
		return MICA_ENOMEM;
	bit_clear(p, (pa - p->base) / PMM_PAGE);
	p->nfree--;
	return MICA_OK;
}

int pmm_alloc(struct pmm *p, uint64_t *pa)
{
	uint64_t words = (p->npages + 63) / 64;

	if (p->nfree == 0)
		return MICA_ENOMEM;
	for (uint64_t n = 0; n < words; n++) {
		uint64_t w = (p->hint + n) % words;
		if (p->bits[w]) {
			uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(p->bits[w]);
			bit_clear(p, i);
			p->nfree--;
			p->hint = w;
			*pa = p->base + i * PMM_PAGE;
			return MICA_OK;
		}
	}
	return MICA_ENOMEM;
}

int pmm_alloc_run(struct pmm *p, unsigned count, uint64_t *pa)
{
	uint64_t align = 1;

	if (count == 0)
		return MICA_EINVAL;
	if (count == 1)
		return pmm_alloc(p, pa);
	while (align < count)
		align <<= 1;
	if (p->nfree < count)
		return MICA_ENOMEM;
	/* Aligned in physical terms, so a 2^k run can back a large page. */
	uint64_t first = (align - (p->base / PMM_PAGE) % align) % align;
	for (uint64_t i = first; i + count <= p->npages; i += align) {
		if (!p->bits[i / 64]) {   /* a word with no free page: on to the next aligned start past it */
			uint64_t next = (i / 64 + 1) * 64;
			i = first + (next - first + align - 1) / align * align - align;
			continue;
		}
		uint64_t j = 0;
		while (j < count && bit_get(p, i + j))
			j++;
		if (j == count) {
			for (j = 0; j < count; j++)
				bit_clear(p, i + j);
			p->nfree -= count;
			*pa = p->base + i * PMM_PAGE;
			return MICA_OK;
		}
	}
	return MICA_ENOMEM;
}

int pmm_free_run(struct pmm *p, uint64_t pa, unsigned count)
{
	if (pa < p->base || pa % PMM_PAGE)
		return -1;
	uint64_t i = (pa - p->base) / PMM_PAGE;
	if (i + count > p->npages)
		return -1;
	for (unsigned j = 0; j < count; j++)
		if (bit_get(p, i + j))
			return -1;
	for (unsigned j = 0; j < count; j++)
		bit_set(p, i + j);
	p->nfree += count;
	return 0;
}

int pmm_free(struct pmm *p, uint64_t pa)
{
	return pmm_free_run(p, pa, 1);
}
