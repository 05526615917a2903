/*
 * fpage_test.c - host unit tests of lib/common/fpage.c: flexpage validity, ranges,
 * cutting ranges into flexpages, page iteration, I/O-port flexpages, and the
 * send-base rule in every size relation with send bases at every alignment,
 * checked against a second, arithmetic (divide and multiply) statement of
 * the rule and against the worked example of docs/fpage.md.
 */
#include <common/fpage.h>
#include "tap.h"

#include <stdio.h>

#define TOP UINT64_MAX

static mica_word_t fp(mica_addr_t base, unsigned order) { return mica_fpage(base, order, MICA_RWX); }

/* The rule as docs/fpage.md states it: the larger fpage is a row of blocks
 * of the smaller size, and the send base modulo the larger size picks one. */
static struct fpage_xfer reference(mica_addr_t s_base, unsigned s, mica_addr_t b, mica_addr_t r_base, unsigned r)
{
	unsigned big = s > r ? s : r, small = s < r ? s : r;
	uint64_t block = (uint64_t)1 << small;
	uint64_t off = b % ((uint64_t)1 << big) / block * block;

	if (s <= r)
		return (struct fpage_xfer){ s_base, r_base + off, s };
	return (struct fpage_xfer){ s_base + off, r_base, r };
}

/* Send bases worth trying for blocks of 2^small within 2^big: every
 * single bit and every all-ones tail from 4 KiB up to bit 63. */
static mica_addr_t hot_spot(unsigned i)
{
	return i < 52 ? (mica_addr_t)1 << (i + 12) : ~(mica_addr_t)0 >> (i - 52) << 12;
}
#define HOT_SPOTS (52 + 52)

static void check_transfer(mica_addr_t s_base, unsigned s, mica_addr_t b, mica_addr_t r_base, unsigned r)
{
	struct fpage_xfer got, want = reference(s_base, s, b, r_base, r);
	unsigned small = s < r ? s : r;

	if (!CHECK(fpage_transfer(fp(s_base, s), b, fp(r_base, r), &got)))
		return;
	if (!(CHECK_EQ(got.src, want.src) & CHECK_EQ(got.dst, want.dst) & CHECK_EQ(got.order, want.order)))
		printf("# s=%u r=%u send base %#llx\n", s, r, (unsigned long long)b);
	/* both ends aligned to what moves, and inside their fpages */
	CHECK_EQ(got.src & (((uint64_t)1 << small) - 1), 0);
	CHECK_EQ(got.dst & (((uint64_t)1 << small) - 1), 0);
	CHECK(fpage_within(fp(got.src, small), s_base, fpage_last(fp(s_base, s))));
	CHECK(fpage_within(fp(got.dst, small), r_base, fpage_last(fp(r_base, r))));
}

static void fpage_valid_accepts_every_order_at_aligned_bases(void)
{
	for (unsigned o = FPAGE_MEM_ORDER_MIN; o <= FPAGE_MEM_ORDER_MAX; o++) {
		CHECK(fpage_valid(fp(0, o)));
		CHECK(fpage_valid(fp((mica_addr_t)1 << o, o)));
		CHECK(fpage_valid(fp((mica_addr_t)0 - ((mica_addr_t)1 << o), o)));   /* the top block */
		CHECK(fpage_valid(mica_fpage((mica_addr_t)1 << o, o, 0)));            /* rights play no part */
	}
}

static void fpage_valid_rejects_misaligned_base(void)
{
	for (unsigned o = FPAGE_MEM_ORDER_MIN + 1; o <= FPAGE_MEM_ORDER_MAX; o++) {
		CHECK(!fpage_valid(fp(0x1000, o)));
		CHECK(!fpage_valid(fp(((mica_addr_t)1 << o) + ((mica_addr_t)1 << (o - 1)), o)));
	}
}

static void fpage_valid_rejects_order_out_of_range(void)
{
	CHECK(!fpage_valid(0));   /* the empty window: zero size */
	for (unsigned o = 0; o < FPAGE_MEM_ORDER_MIN; o++)
		CHECK(!fpage_valid(fp(0, o)));
	for (unsigned o = FPAGE_MEM_ORDER_MAX + 1; o < 64; o++)
		CHECK(!fpage_valid(fp(0, o)));
}

static void fpage_size_and_last_reach_top_of_address_space(void)
{
	mica_word_t page = fp(0xfffffffffffff000ull, 12), half = fp(0xffff800000000000ull, 47);

	CHECK_EQ(fpage_size(page), 0x1000);
	CHECK(fpage_last(page) == TOP);
	CHECK(fpage_last(half) == TOP);
	CHECK_EQ(fpage_size(half), 1ull << 47);
	CHECK(fpage_contains(page, TOP));
	CHECK(!fpage_contains(page, 0));
	CHECK(fpage_within(half, 0xffff800000000000ull, TOP));
}

static void fpage_contains_checks_both_ends(void)
{
	mica_word_t f = fp(0x200000, 21);

	CHECK(!fpage_contains(f, 0x1fffff));
	CHECK(fpage_contains(f, 0x200000));
	CHECK(fpage_contains(f, 0x3fffff));
	CHECK(!fpage_contains(f, 0x400000));
}

static void fpage_within_needs_whole_fpage_in_range(void)
{
	mica_word_t f = fp(0x10000, 16);

	CHECK(fpage_within(f, 0x10000, 0x1ffff));
	CHECK(fpage_within(f, 0, TOP));
	CHECK(!fpage_within(f, 0x10001, 0x1ffff));
	CHECK(!fpage_within(f, 0x10000, 0x1fffe));
}

static void fpage_intersect_clips_to_range(void)
{
	mica_word_t f = fp(0x10000, 16);
	mica_addr_t a = 0, b = 0;

	CHECK(fpage_intersect(f, 0x8000, 0x13fff, &a, &b));   /* overlaps the start */
	CHECK_EQ(a, 0x10000);
	CHECK_EQ(b, 0x13fff);
	CHECK(fpage_intersect(f, 0x1c000, 0x40000, &a, &b));  /* overlaps the end */
	CHECK_EQ(a, 0x1c000);
	CHECK_EQ(b, 0x1ffff);
	CHECK(fpage_intersect(f, 0x12000, 0x12fff, &a, &b));  /* inside */
	CHECK_EQ(a, 0x12000);
	CHECK_EQ(b, 0x12fff);
	CHECK(fpage_intersect(f, 0, TOP, &a, &b));            /* around */
	CHECK_EQ(a, 0x10000);
	CHECK_EQ(b, 0x1ffff);
	CHECK(fpage_intersect(f, 0x1ffff, 0x30000, &a, &b));  /* one byte */
	CHECK_EQ(a, 0x1ffff);
	CHECK_EQ(b, 0x1ffff);
}

static void fpage_intersect_reports_disjoint_ranges(void)
{
	mica_word_t f = fp(0x10000, 16);
	mica_addr_t a = 7, b = 7;

	CHECK(!fpage_intersect(f, 0, 0xffff, &a, &b));
	CHECK(!fpage_intersect(f, 0x20000, TOP, &a, &b));
	CHECK_EQ(a, 7);
	CHECK_EQ(b, 7);
	CHECK(fpage_intersect(fp(0xfffffffffffff000ull, 12), TOP, TOP, &a, &b));
	CHECK(a == TOP && b == TOP);
}

/* Cut [first, last] with fpage_largest: the pieces must tile it exactly,
 * each as large as its alignment and the rest of the range allow. */
static unsigned cut(mica_addr_t first, mica_addr_t last)
{
	unsigned n = 0;

	for (mica_addr_t at = first;; n++) {
		mica_word_t f = fpage_largest(at, last, MICA_R);
		unsigned o = mica_fpage_order(f);
		if (!CHECK(fpage_valid(f)) || !CHECK_EQ(mica_fpage_base(f), at))
			return n;
		CHECK_EQ(mica_fpage_rights(f), MICA_R);
		CHECK(fpage_last(f) <= last);
		if (o < FPAGE_MEM_ORDER_MAX)   /* the next size up would not do */
			CHECK((at & (((mica_addr_t)2 << o) - 1)) != 0 || last - at < ((mica_addr_t)2 << o) - 1);
		if (fpage_last(f) == last)
			return n + 1;
		at = fpage_last(f) + 1;
	}
}

static void fpage_largest_cuts_ranges_into_fewest_fpages(void)
{
	CHECK_EQ(cut(0x1000, 0x1fff), 1);
	CHECK_EQ(cut(0x1000, 0x10ffff), 8 + 1);          /* 4K, 8K, ... 512K, then the 64K left */
	CHECK_EQ(cut(0x100000, 0x1fffff), 1);
	CHECK_EQ(cut(0x3000, 0x8fff), 3);                /* 4K, 16K, 4K */
	CHECK_EQ(cut(0xffff800000000000ull, TOP), 1);     /* the top 2^47 bytes */
	CHECK_EQ(cut(0, TOP), 1u << 17);                 /* all of it in 2^47 pieces */
}

static void fpage_largest_refuses_unaligned_or_short_ranges(void)
{
	CHECK_EQ(fpage_largest(0x1001, 0x2fff, MICA_R), 0);
	CHECK_EQ(fpage_largest(0x1000, 0x1ffe, MICA_R), 0);
	CHECK_EQ(fpage_largest(0x2000, 0x1fff, MICA_R), 0);
	CHECK_EQ(fpage_largest(0xfffffffffffff000ull, TOP - 1, MICA_R), 0);
}

static void fpage_transfer_equal_sizes_ignore_send_base(void)
{
	for (unsigned o = FPAGE_MEM_ORDER_MIN; o <= FPAGE_MEM_ORDER_MAX; o++)
		for (unsigned i = 0; i < HOT_SPOTS; i++) {
			struct fpage_xfer x;
			CHECK(fpage_transfer(fp(0, o), hot_spot(i), fp((mica_addr_t)1 << o, o), &x));
			CHECK_EQ(x.src, 0);
			CHECK(x.dst == (mica_addr_t)1 << o);
			CHECK_EQ(x.order, o);
		}
}

static void fpage_transfer_smaller_send_lands_at_send_base_in_window(void)
{
	for (unsigned s = FPAGE_MEM_ORDER_MIN; s < FPAGE_MEM_ORDER_MAX; s++)
		for (unsigned r = s + 1; r <= FPAGE_MEM_ORDER_MAX; r++)
			for (unsigned i = 0; i < HOT_SPOTS; i++)
				check_transfer((mica_addr_t)3 << s, s, hot_spot(i), (mica_addr_t)5 << r, r);
}

static void fpage_transfer_larger_send_sends_window_sized_part(void)
{
	for (unsigned s = FPAGE_MEM_ORDER_MIN + 1; s <= FPAGE_MEM_ORDER_MAX; s++)
		for (unsigned r = FPAGE_MEM_ORDER_MIN; r < s; r++)
			for (unsigned i = 0; i < HOT_SPOTS; i++)
				check_transfer((mica_addr_t)3 << s, s, hot_spot(i), (mica_addr_t)5 << r, r);
}

static void fpage_transfer_picks_each_block_in_turn(void)
{
	/* a 64 KiB send fpage into a 16 KiB window: four blocks, and every
	 * send base inside one block picks that block */
	for (mica_addr_t b = 0; b < 0x20000; b += 0x1000) {
		struct fpage_xfer x;
		CHECK(fpage_transfer(fp(0x7770000, 16), b, fp(0x4000, 14), &x));
		CHECK(x.src == 0x7770000 + (b & 0xc000));
		CHECK_EQ(x.dst, 0x4000);
		CHECK_EQ(x.order, 14);
	}
}

static void fpage_transfer_refuses_invalid_fpages(void)
{
	struct fpage_xfer x = { 1, 2, 3 };

	CHECK(!fpage_transfer(fp(0x1000, 13), 0, fp(0, 20), &x));   /* misaligned send fpage */
	CHECK(!fpage_transfer(fp(0, 20), 0, fp(0x1000, 13), &x));   /* misaligned window */
	CHECK(!fpage_transfer(fp(0, 20), 0, 0, &x));                /* no window declared */
	CHECK(!fpage_transfer(fp(0, 11), 0, fp(0, 20), &x));        /* below 4 KiB */
	CHECK(!fpage_transfer(fp(0, 20), 0, fp(0, 48), &x));        /* above 2^47 */
	CHECK(x.src == 1 && x.dst == 2 && x.order == 3);
}

static void fpage_transfer_works_at_top_of_address_space(void)
{
	struct fpage_xfer x;
	mica_addr_t top_mib = 0xfffffffffff00000ull;

	/* one page into the top MiB, at the send base's last slot */
	CHECK(fpage_transfer(fp(0x5000, 12), 0xff000, fp(top_mib, 20), &x));
	CHECK(x.dst == 0xfffffffffffff000ull);
	/* the top MiB sent into a page-sized window: its last page */
	CHECK(fpage_transfer(fp(top_mib, 20), TOP, fp(0x5000, 12), &x));
	CHECK(x.src == 0xfffffffffffff000ull);
	CHECK_EQ(x.dst, 0x5000);
	for (unsigned i = 0; i < HOT_SPOTS; i++) {
		check_transfer(top_mib, 20, hot_spot(i), 0xffff800000000000ull, 47);
		check_transfer(0xffff800000000000ull, 47, hot_spot(i), top_mib, 20);
	}
}

/* The two examples of docs/fpage.md, number for number. */
static void fpage_transfer_matches_worked_example(void)
{
	struct fpage_xfer x;

	CHECK(fpage_transfer(fp(0x400000, 20), 0x12345000, fp(0x7f000000, 14), &x));
	CHECK_EQ(x.src, 0x444000);
	CHECK_EQ(x.dst, 0x7f000000);
	CHECK_EQ(x.order, 14);
	CHECK(fpage_transfer(fp(0x600000, 13), 0x12345000, fp(0x80000000, 20), &x));
	CHECK_EQ(x.src, 0x600000);
	CHECK_EQ(x.dst, 0x80044000);
	CHECK_EQ(x.order, 13);
}

static void fpage_iter_visits_every_page_in_order(void)
{
	struct fpage_iter it;
	mica_addr_t page, want = 0x30000;
	unsigned n = 0;

	CHECK(fpage_iter_init(&it, fp(0x30000, 16), 12));
	while (n < 100 && fpage_iter_next(&it, &page)) {
		CHECK_EQ(page, want);
		want += 0x1000;
		n++;
	}
	CHECK_EQ(n, 16);
	CHECK(!fpage_iter_next(&it, &page));
	n = 0;
	CHECK(fpage_iter_init(&it, fp(0x30000, 16), 14));
	while (n < 100 && fpage_iter_next(&it, &page))
		n++;
	CHECK_EQ(n, 4);
	CHECK(fpage_iter_init(&it, fp(0x30000, 16), 16));
	CHECK(fpage_iter_next(&it, &page) && page == 0x30000);
	CHECK(!fpage_iter_next(&it, &page));
}

static void fpage_iter_stops_at_top_of_address_space(void)
{
	struct fpage_iter it;
	mica_addr_t page = 0;
	unsigned n = 0;

	CHECK(fpage_iter_init(&it, fp(0xffffffffffffc000ull, 14), 12));
	while (n < 10 && fpage_iter_next(&it, &page))
		n++;
	CHECK_EQ(n, 4);
	CHECK(page == 0xfffffffffffff000ull);
}

static void fpage_iter_refuses_bad_fpage_or_page_size(void)
{
	struct fpage_iter it;
	mica_addr_t page;

	CHECK(!fpage_iter_init(&it, fp(0x1000, 13), 12));   /* misaligned */
	CHECK(!fpage_iter_next(&it, &page));
	CHECK(!fpage_iter_init(&it, fp(0x10000, 16), 11));  /* pages below 4 KiB */
	CHECK(!fpage_iter_next(&it, &page));
	CHECK(!fpage_iter_init(&it, fp(0x10000, 16), 17));  /* pages above the fpage */
	CHECK(!fpage_iter_next(&it, &page));
}

static void fpage_io_accepts_aligned_port_ranges(void)
{
	for (unsigned o = 0; o <= FPAGE_IO_ORDER_MAX; o++) {
		unsigned last_block = FPAGE_IO_PORTS - (1u << o);
		CHECK(fpage_io_valid(mica_io_fpage(0, o)));
		CHECK(fpage_io_valid(mica_io_fpage(last_block, o)));
		CHECK_EQ(fpage_io_first(mica_io_fpage(last_block, o)), last_block);
		CHECK_EQ(fpage_io_count(mica_io_fpage(last_block, o)), 1u << o);
	}
	CHECK(fpage_io_valid(mica_io_fpage(0x3f8, 3)));   /* COM1 */
	CHECK_EQ(fpage_io_first(mica_io_fpage(0x3f8, 3)), 0x3f8);
	CHECK_EQ(fpage_io_count(mica_io_fpage(0x3f8, 3)), 8);
	CHECK_EQ(fpage_io_count(mica_io_fpage(0, 16)), 65536);
}

static void fpage_io_rejects_misaligned_or_out_of_range(void)
{
	CHECK(!fpage_io_valid(mica_io_fpage(0x3f9, 3)));
	CHECK(!fpage_io_valid(mica_io_fpage(0x8000, 16)));
	CHECK(!fpage_io_valid(mica_io_fpage(0, 17)));
	CHECK(!fpage_io_valid(((mica_word_t)0x10000 << 12) | 0));   /* port 65536 */
	CHECK(!fpage_io_valid(((mica_word_t)1 << 63) | 3));
}

/* The window of a fault: the largest block around the page inside the
 * region, placed alike in the region and the dataspace. */
static void fpage_region_window_stays_in_the_region_and_placed_alike(void)
{
	/* A region of 256 KiB at 1 MiB showing its dataspace from offset 0:
	 * 64 KiB blocks wherever the page is. */
	CHECK_EQ(fpage_region_window(0x100000, 0x40000, 0, 0x100000, 16), 16);
	CHECK_EQ(fpage_region_window(0x100000, 0x40000, 0, 0x13f000, 16), 16);
	CHECK_EQ(fpage_region_window(0x100000, 0x40000, 0, 0x123456, 14), 14);   /* at most max_order */
	/* The region starts a page into a 64 KiB block: the first block is
	 * cut to what lies inside (the page, then 8 KiB ...). */
	CHECK_EQ(fpage_region_window(0x101000, 0x3f000, 0x1000, 0x101000, 16), 12);
	CHECK_EQ(fpage_region_window(0x101000, 0x3f000, 0x1000, 0x102000, 16), 13);
	CHECK_EQ(fpage_region_window(0x101000, 0x3f000, 0x1000, 0x110000, 16), 16);
	/* The dataspace offset placed otherwise than the address: only as
	 * big as the two agree (4 KiB apart: a page). */
	CHECK_EQ(fpage_region_window(0x100000, 0x40000, 0x1000, 0x110000, 16), 12);
	CHECK_EQ(fpage_region_window(0x100000, 0x40000, 0x2000, 0x110000, 16), 13);
	/* The region's end cuts the last block. */
	CHECK_EQ(fpage_region_window(0x100000, 0x13000, 0, 0x112000, 16), 12);
	CHECK_EQ(fpage_region_window(0x100000, 0x14000, 0, 0x112000, 16), 14);
}

static const struct tap_case cases[] = {
	TAP_CASE(fpage_valid_accepts_every_order_at_aligned_bases),
	TAP_CASE(fpage_valid_rejects_misaligned_base),
	TAP_CASE(fpage_valid_rejects_order_out_of_range),
	TAP_CASE(fpage_size_and_last_reach_top_of_address_space),
	TAP_CASE(fpage_contains_checks_both_ends),
	TAP_CASE(fpage_within_needs_whole_fpage_in_range),
	TAP_CASE(fpage_intersect_clips_to_range),
	TAP_CASE(fpage_intersect_reports_disjoint_ranges),
	TAP_CASE(fpage_largest_cuts_ranges_into_fewest_fpages),
	TAP_CASE(fpage_largest_refuses_unaligned_or_short_ranges),
	TAP_CASE(fpage_transfer_equal_sizes_ignore_send_base),
	TAP_CASE(fpage_transfer_smaller_send_lands_at_send_base_in_window),
	TAP_CASE(fpage_transfer_larger_send_sends_window_sized_part),
	TAP_CASE(fpage_transfer_picks_each_block_in_turn),
	TAP_CASE(fpage_transfer_refuses_invalid_fpages),
	TAP_CASE(fpage_transfer_works_at_top_of_address_space),
	TAP_CASE(fpage_transfer_matches_worked_example),
	TAP_CASE(fpage_iter_visits_every_page_in_order),
	TAP_CASE(fpage_iter_stops_at_top_of_address_space),
	TAP_CASE(fpage_iter_refuses_bad_fpage_or_page_size),
	TAP_CASE(fpage_io_accepts_aligned_port_ranges),
	TAP_CASE(fpage_io_rejects_misaligned_or_out_of_range),
	TAP_CASE(fpage_region_window_stays_in_the_region_and_placed_alike),
};

int main(void) { return tap_run(cases, TAP_COUNT(cases)); }
