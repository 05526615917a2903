/*
 * pmm.h - the physical page allocator: one bit per 4 KiB page over the span
 * from the lowest to the highest usable address.  A page is free only if
 * its range was handed in with pmm_add_free() and not reserved since, so
 * holes, firmware areas, the kernel image and boot modules are never handed
 * out.  Exhaustion is an error (MICA_ENOMEM), never a panic.
 *
 * The allocator keeps no pointers of its own: the caller gives it the
 * bitmap memory, so the same code runs in the kernel and in host tests.
 */
#ifndef KERN_PMM_H
#define KERN_PMM_H

#include <mica/types.h>
#include <stdint.h>
#include <stddef.h>

#define PMM_PAGE MICA_PAGE_SIZE

struct pmm {
	uint64_t *bits;        /* 1 = free */
	uint64_t base;         /* physical address of bit 0 */
	uint64_t npages;       /* pages covered by the bitmap */
	uint64_t nfree;        /* free pages now */
	uint64_t hint;         /* word index where the next search starts */
};

/* Bytes of bitmap needed to cover [base, end). */
size_t pmm_bitmap_bytes(uint64_t base, uint64_t end);
/* Start with every page in [base, end) taken; bits must hold pmm_bitmap_bytes(). */
void pmm_init(struct pmm *p, void *bits, uint64_t base, uint64_t end);
/* Make the whole pages inside [start, end) free. */
void pmm_add_free(struct pmm *p, uint64_t start, uint64_t end);
/* Take every page touching [start, end) out of the free set for good. */
void pmm_reserve(struct pmm *p, uint64_t start, uint64_t end);

/* Whether the page at pa is free; take that very page (0, or MICA_ENOMEM
 * when it is not free or not covered). */
int pmm_is_free(const struct pmm *p, uint64_t pa);
int pmm_claim(struct pmm *p, uint64_t pa);

/* Allocate one page, or `count` contiguous pages aligned to `count`
 * rounded up to a power of two; 0 or MICA_ENOMEM. */
int pmm_alloc(struct pmm *p, uint64_t *pa);
int pmm_alloc_run(struct pmm *p, unsigned count, uint64_t *pa);
/* Free what pmm_alloc/pmm_alloc_run returned.  Freeing a page that is not
 * allocated is a kernel bug: it returns -1 so the caller can panic. */
int pmm_free(struct pmm *p, uint64_t pa);
int pmm_free_run(struct pmm *p, uint64_t pa, unsigned count);

#endif
