/*
 * pmm_test.c - the physical page allocator on the host, over a made-up
 * memory map: everything allocatable exactly once, holes and reservations
 * never handed out, runs aligned, exhaustion an error, double free caught.
 */
#include "../tap.h"
#include "pmm.h"

#include <mica/error.h>
#include <stdlib.h>
#include <string.h>

#define MIB (1024ull * 1024)

static uint64_t bitmap[(8192 * MIB / PMM_PAGE) / 64];
static struct pmm p;

/* 0..640K usable, hole, 1M..64M usable with a reserved "kernel" at 1M..3M,
 * then 4G..4G+32M usable (memory above 4 GiB). */
static void setup(void)
{
	pmm_init(&p, bitmap, 0, 4096 * MIB + 32 * MIB);
	pmm_add_free(&p, 0, 640 * 1024);
	pmm_add_free(&p, 1 * MIB, 64 * MIB);
	pmm_add_free(&p, 4096 * MIB, 4096 * MIB + 32 * MIB);
	pmm_reserve(&p, 1 * MIB, 3 * MIB);
}

static uint64_t expected_pages(void)
{
	return (640 * 1024 + 61 * MIB + 32 * MIB) / PMM_PAGE;
}

static int in_usable(uint64_t pa)
{
	return pa < 640 * 1024 || (pa >= 3 * MIB && pa < 64 * MIB) ||
	       (pa >= 4096 * MIB && pa < 4096 * MIB + 32 * MIB);
}

static void pmm_allocates_every_usable_page_once(void)
{
	setup();
	CHECK_EQ(p.nfree, expected_pages());
	uint64_t n = expected_pages(), pa;
	uint64_t *got = malloc(n * sizeof *got);
	int bad = 0;
	for (uint64_t i = 0; i < n; i++) {
		CHECK_EQ(pmm_alloc(&p, &pa), MICA_OK);
		got[i] = pa;
		bad += !in_usable(pa) || pa % PMM_PAGE;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(pmm_alloc(&p, &pa), MICA_ENOMEM);
	/* No page twice: sort-free check through the bitmap being all clear. */
	CHECK_EQ(p.nfree, 0);
	for (uint64_t i = 0; i < n; i++)
		CHECK_EQ(pmm_free(&p, got[i]), 0);
	CHECK_EQ(p.nfree, expected_pages());
	free(got);
}

static void pmm_exhaustion_is_an_error_not_a_crash(void)
{
	uint64_t pa;
	setup();
	while (pmm_alloc(&p, &pa) == MICA_OK)
		;
	CHECK_EQ(pmm_alloc(&p, &pa), MICA_ENOMEM);
	CHECK_EQ(pmm_alloc_run(&p, 4, &pa), MICA_ENOMEM);
	CHECK_EQ(pmm_alloc_run(&p, 0, &pa), MICA_EINVAL);
}

static void pmm_runs_are_aligned_and_fail_when_fragmented(void)
{
	uint64_t pa, all[16384];
	size_t n = 0;
	setup();
	CHECK_EQ(pmm_alloc_run(&p, 4, &pa), MICA_OK);
	CHECK_EQ(pa % (4 * PMM_PAGE), 0);
	CHECK(in_usable(pa) && in_usable(pa + 3 * PMM_PAGE));
	CHECK_EQ(pmm_free_run(&p, pa, 4), 0);
	/* Take everything, give back every other page: singles work, pairs do not. */
	while (n < 16384 && pmm_alloc(&p, &all[n]) == MICA_OK)
		n++;
	while (pmm_alloc(&p, &pa) == MICA_OK)
		;
	for (size_t i = 0; i < n; i += 2)
		pmm_free(&p, all[i]);
	CHECK_EQ(pmm_alloc_run(&p, 2, &pa), MICA_ENOMEM);
	CHECK_EQ(pmm_alloc(&p, &pa), MICA_OK);
}

/* A run past a long used stretch: whole used words are skipped, and the
 * run found is the first free aligned one, also where the pool's base is
 * not aligned (its pages count from an odd physical page). */
static void pmm_runs_past_used_words(void)
{
	static uint64_t bits[64];
	struct pmm q;
	uint64_t pa;

	pmm_init(&q, bits, 0, 4096 * PMM_PAGE);
	pmm_add_free(&q, 0, 4096 * PMM_PAGE);
	pmm_reserve(&q, 0, 1001 * PMM_PAGE);
	CHECK_EQ(pmm_alloc_run(&q, 2, &pa), MICA_OK);
	CHECK_EQ(pa, 1002 * PMM_PAGE);
	CHECK_EQ(pmm_alloc_run(&q, 4, &pa), MICA_OK);
	CHECK_EQ(pa, 1004 * PMM_PAGE);
	pmm_init(&q, bits, 3 * PMM_PAGE, 3 * PMM_PAGE + 4096 * PMM_PAGE);
	pmm_add_free(&q, 3 * PMM_PAGE, 3 * PMM_PAGE + 4096 * PMM_PAGE);
	pmm_reserve(&q, 3 * PMM_PAGE, 3 * PMM_PAGE + 700 * PMM_PAGE);
	CHECK_EQ(pmm_alloc_run(&q, 8, &pa), MICA_OK);
	CHECK_EQ(pa, 704 * PMM_PAGE);   /* the first multiple of 8 pages at or past 703 */
	pmm_reserve(&q, 3 * PMM_PAGE, 3 * PMM_PAGE + 4090 * PMM_PAGE);
	CHECK_EQ(pmm_alloc_run(&q, 8, &pa), MICA_ENOMEM);
	CHECK_EQ(pmm_alloc_run(&q, 2, &pa), MICA_OK);
	CHECK_EQ(pa, 4094 * PMM_PAGE);
}

static void pmm_double_free_is_reported(void)
{
	uint64_t pa;
	setup();
	CHECK_EQ(pmm_alloc(&p, &pa), MICA_OK);
	CHECK_EQ(pmm_free(&p, pa), 0);
	CHECK_EQ(pmm_free(&p, pa), -1);
	CHECK_EQ(pmm_free(&p, pa + 1), -1);
	CHECK_EQ(pmm_free(&p, 8192 * MIB), -1);
}

static void pmm_reserved_ranges_are_never_handed_out(void)
{
	uint64_t pa;
	setup();
	pmm_reserve(&p, 5 * MIB + 100, 5 * MIB + 200);  /* touches one page */
	while (pmm_alloc(&p, &pa) == MICA_OK)
		CHECK(!(pa >= 1 * MIB && pa < 3 * MIB) && pa != 5 * MIB);
}

static void pmm_covers_memory_above_4g(void)
{
	uint64_t pa;
	int high = 0;
	setup();
	while (pmm_alloc(&p, &pa) == MICA_OK)
		high += pa >= 4096 * MIB;
	CHECK_EQ(high, 32 * MIB / PMM_PAGE);
}

static void pmm_claims_exactly_the_page_asked_for(void)
{
	uint64_t pa;
	setup();
	uint64_t before = p.nfree;
	CHECK(pmm_is_free(&p, 10 * MIB));
	CHECK_EQ(pmm_claim(&p, 10 * MIB), MICA_OK);
	CHECK(!pmm_is_free(&p, 10 * MIB));
	CHECK_EQ(p.nfree, before - 1);
	CHECK_EQ(pmm_claim(&p, 10 * MIB), MICA_ENOMEM);     /* taken already */
	CHECK_EQ(pmm_claim(&p, 2 * MIB), MICA_ENOMEM);      /* reserved */
	CHECK_EQ(pmm_claim(&p, 100 * MIB), MICA_ENOMEM);    /* a hole */
	CHECK_EQ(pmm_claim(&p, 8192 * MIB), MICA_ENOMEM);   /* beyond the bitmap */
	while (pmm_alloc(&p, &pa) == MICA_OK)
		CHECK(pa != 10 * MIB);
	CHECK_EQ(pmm_free(&p, 10 * MIB), 0);
	CHECK(pmm_is_free(&p, 10 * MIB));
}

static const struct tap_case cases[] = {
	TAP_CASE(pmm_claims_exactly_the_page_asked_for),
	TAP_CASE(pmm_allocates_every_usable_page_once),
	TAP_CASE(pmm_exhaustion_is_an_error_not_a_crash),
	TAP_CASE(pmm_runs_are_aligned_and_fail_when_fragmented),
	TAP_CASE(pmm_runs_past_used_words),
	TAP_CASE(pmm_double_free_is_reported),
	TAP_CASE(pmm_reserved_ranges_are_never_handed_out),
	TAP_CASE(pmm_covers_memory_above_4g),
};

int main(void)
{
	return tap_run(cases, TAP_COUNT(cases));
}
