/*
 * fpage.c - flexpage arithmetic and the send-base rule (see fpage.h).
 *
 * Everything works on first/last bytes so that a flexpage ending at the top
 * of the address space needs no special case; sizes are only ever
 * subtracted from or masked against, never added to an end address.
 */
#include <common/fpage.h>

/* The low `order` bits set: offsets within a block of 2^order bytes. */
static inline uint64_t low_mask(unsigned order) { return ((uint64_t)1 << order) - 1; }

bool fpage_contains(mica_word_t f, mica_addr_t a)
{
	return a >= mica_fpage_base(f) && a <= fpage_last(f);
}

bool fpage_within(mica_word_t f, mica_addr_t first, mica_addr_t last)
{
	return mica_fpage_base(f) >= first && fpage_last(f) <= last;
}

bool fpage_intersect(mica_word_t f, mica_addr_t first, mica_addr_t last, mica_addr_t *ofirst,
		     mica_addr_t *olast)
{
	mica_addr_t lo = mica_fpage_base(f), hi = fpage_last(f);

	if (first > lo)
		lo = first;
	if (last < hi)
		hi = last;
	if (lo > hi)
		return false;
	*ofirst = lo;
	*olast = hi;
	return true;
}

mica_word_t fpage_largest(mica_addr_t first, mica_addr_t last, unsigned rights)
{
	unsigned order = FPAGE_MEM_ORDER_MIN;

	if ((first & low_mask(order)) || last < first || last - first < low_mask(order))
		return 0;
	/* Grow while the next size is still aligned at `first` and fits. */
	while (order < FPAGE_MEM_ORDER_MAX && (first & low_mask(order + 1)) == 0 &&
	       last - first >= low_mask(order + 1))
		order++;
	return mica_fpage(first, order, rights);
}

unsigned fpage_region_window(uint64_t start, uint64_t size, uint64_t offset, uint64_t at, unsigned max_order)
{
	unsigned order = FPAGE_MEM_ORDER_MIN;

	while (order < max_order) {
		uint64_t block = 2ull << order, base = at & ~(block - 1);
		if (base < start || base + block > start + size || ((start - offset) & (block - 1)))
			break;
		order++;
	}
	return order;
}

bool fpage_transfer(mica_word_t snd, mica_addr_t send_base, mica_word_t window, struct fpage_xfer *out)
{
	unsigned s = mica_fpage_order(snd), r = mica_fpage_order(window);

	if (!fpage_valid(snd) || !fpage_valid(window))
		return false;
	if (s <= r) {
		/* The send base picks the send-sized slot of the window. */
		out->src = mica_fpage_base(snd);
		out->dst = mica_fpage_base(window) + (send_base & low_mask(r) & ~low_mask(s));
		out->order = s;
	} else {
		/* The send base picks the window-sized part of the send fpage. */
		out->src = mica_fpage_base(snd) + (send_base & low_mask(s) & ~low_mask(r));
		out->dst = mica_fpage_base(window);
		out->order = r;
	}
	return true;
}

bool fpage_iter_init(struct fpage_iter *it, mica_word_t f, unsigned page_order)
{
	bool ok = fpage_valid(f) && page_order >= FPAGE_MEM_ORDER_MIN && page_order <= mica_fpage_order(f);

	*it = (struct fpage_iter){
		.next = mica_fpage_base(f),
		.last = ok ? fpage_last(f) : 0,
		.order = page_order,
		.done = !ok,
	};
	return ok;
}

bool fpage_iter_next(struct fpage_iter *it, mica_addr_t *page)
{
	if (it->done)
		return false;
	*page = it->next;
	if (it->last - it->next == low_mask(it->order))
		it->done = true;
	else
		it->next += (uint64_t)1 << it->order;
	return true;
}

bool fpage_io_valid(mica_word_t f)
{
	unsigned order = mica_fpage_order(f);

	if (order > FPAGE_IO_ORDER_MAX || (f >> 28) != 0)
		return false;
	return (mica_io_fpage_port(f) & low_mask(order)) == 0;
}
