/*
 * common/fpage.h - flexpage arithmetic: validity, ranges, page iteration, and the
 * L4 send-base ("hot spot") rule that decides which part of a flexpage a
 * map or grant item transfers and where it lands.
 *
 * Pure functions on the encoding of <mica/ipc.h> (mica_fpage(): bits 0..5
 * order, bits 6..8 rights, bits 12..63 base).  The kernel calls them when it
 * transfers a memory or I/O-port item; user code (pagers, the region mapper)
 * calls them to build and cut flexpages.  Freestanding, no libc; host
 * unit-tested in tests/host/fpage/.  docs/fpage.md has a worked example.
 *
 * Ranges are given by their first and LAST byte (inclusive), never by an end
 * address: a flexpage may end at the very top of the 64-bit address space,
 * where base + size wraps to 0.  No function here overflows for any input.
 */
#ifndef COMMON_FPAGE_H
#define COMMON_FPAGE_H

#include <stdbool.h>
#include <stdint.h>

#include <mica/ipc.h>

#define FPAGE_MEM_ORDER_MIN 12    /* 4 KiB: the smallest memory flexpage */
#define FPAGE_MEM_ORDER_MAX 47    /* 128 TiB: the whole user half */
#define FPAGE_IO_ORDER_MAX 16     /* all 65536 I/O ports */
#define FPAGE_IO_PORTS 0x10000u

/* ---- memory flexpages --------------------------------------------------- */

/* A memory flexpage is valid when its order is 12..47 and its base is a
 * multiple of 2^order.  The word 0 (an empty receive window) is not valid.
 * (Inline: a pager's every reply checks two.) */
static inline bool fpage_valid(mica_word_t f)
{
	unsigned order = mica_fpage_order(f);

	return order >= FPAGE_MEM_ORDER_MIN && order <= FPAGE_MEM_ORDER_MAX &&
	       (mica_fpage_base(f) & (((uint64_t)1 << order) - 1)) == 0;
}

/* Size and last byte of a flexpage (the caller has checked it is valid). */
static inline uint64_t fpage_size(mica_word_t f) { return (uint64_t)1 << mica_fpage_order(f); }
static inline mica_addr_t fpage_last(mica_word_t f) { return mica_fpage_base(f) + (fpage_size(f) - 1); }

/* Whether address a lies in flexpage f. */
bool fpage_contains(mica_word_t f, mica_addr_t a);

/* Whether a valid flexpage lies entirely within [first, last]. */
bool fpage_within(mica_word_t f, mica_addr_t first, mica_addr_t last);

/* The part of flexpage f inside [first, last]: returns false when they do
 * not meet, else sets *ofirst and *olast to the common bytes. */
bool fpage_intersect(mica_word_t f, mica_addr_t first, mica_addr_t last, mica_addr_t *ofirst,
		     mica_addr_t *olast);

/* The largest valid flexpage that starts at `first` and fits in
 * [first, last], with the given rights; 0 when first is not page-aligned or
 * the range holds less than a page.  Repeating from fpage_last()+1 cuts any
 * page-aligned range into the fewest flexpages (what unmap of an arbitrary
 * range or a map of a region of any size needs). */
mica_word_t fpage_largest(mica_addr_t first, mica_addr_t last, unsigned rights);
/* A page fault's receive window: the order of the largest aligned block of
 * at most 2^max_order bytes around the page at `at` that lies inside the
 * region [start, start + size) and is placed alike in the region and in
 * the dataspace it shows from `offset`, so that a block of the dataspace
 * lands at its place (FPAGE_MEM_ORDER_MIN: the page alone). */
unsigned fpage_region_window(uint64_t start, uint64_t size, uint64_t offset, uint64_t at, unsigned max_order);

/* ---- the send-base ("hot spot") rule ----------------------------------------
 * A map or grant item names a send flexpage (base S, order s) and a send
 * base B; the receiver declared a receive window (base R, order r).  When
 * the two have different sizes, the larger one is read as a row of aligned
 * blocks of the smaller size, and B, taken modulo the larger size, picks the
 * block:
 *   s <= r (send fpage fits in the window): the whole send fpage moves, to
 *     R + ((B mod 2^r) rounded down to a multiple of 2^s) in the window;
 *   s >  r (send fpage bigger than the window): only the window-sized block
 *     S + ((B mod 2^s) rounded down to a multiple of 2^r) moves, and it
 *     fills the whole window.
 * Either way 2^min(s, r) bytes move and both ends are aligned to that size;
 * with equal sizes B plays no part.  This is the rule of the L4 X.2
 * reference manual (map item, "SndBase"), as L4Ka::Pistachio's map_fpage
 * computes it.  Only B's bits 12..63 exist in an item; smaller bits never
 * matter, since both sizes are at least 4 KiB. */
struct fpage_xfer {
	mica_addr_t src;   /* first byte taken from the sender's space */
	mica_addr_t dst;   /* first byte it lands on in the receiver's space */
	unsigned order;    /* 2^order bytes move */
};

/* Apply the rule; false (and *out untouched) if snd or window is not a
 * valid memory flexpage. */
bool fpage_transfer(mica_word_t snd, mica_addr_t send_base, mica_word_t window, struct fpage_xfer *out);

/* ---- page iteration --------------------------------------------------------
 * Visits the pages of 2^page_order bytes that make up a flexpage, in
 * address order, ending cleanly at the top of the address space:
 *
 *     struct fpage_iter it;
 *     mica_addr_t page;
 *     fpage_iter_init(&it, f, MICA_PAGE_SHIFT);
 *     while (fpage_iter_next(&it, &page))
 *             map_one(page);
 */
struct fpage_iter {
	mica_addr_t next;   /* the page fpage_iter_next returns next */
	mica_addr_t last;   /* the last byte of the flexpage */
	unsigned order;
	bool done;
};

/* Start iterating f in pages of 2^page_order bytes; false (nothing to
 * visit) if f is invalid or page_order is below 12 or above f's order. */
bool fpage_iter_init(struct fpage_iter *it, mica_word_t f, unsigned page_order);
bool fpage_iter_next(struct fpage_iter *it, mica_addr_t *page);

/* ---- I/O-port flexpages ----------------------------------------------------
 * mica_io_fpage(port, order): 2^order ports from `port` (order 0..16, port a
 * multiple of 2^order, bits 28..63 clear; the rights bits mean nothing).
 * I/O ports are not translated: port p in the sender is port p in the
 * receiver, so no hot spot applies. */
bool fpage_io_valid(mica_word_t f);

/* The port range of a valid I/O flexpage: first port and count (1..65536). */
static inline unsigned fpage_io_first(mica_word_t f) { return mica_io_fpage_port(f); }
static inline unsigned fpage_io_count(mica_word_t f) { return 1u << mica_fpage_order(f); }

#endif
