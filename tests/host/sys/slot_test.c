/*
 * slot_test.c - host unit tests of libsys's capability-slot allocator
 * (lib/sys/slot.c): the reserved slots, reuse of freed slots, the walk of
 * the slots in use, a full table, and threads allocating at once never getting the same slot.
 */
#include "tap.h"

#include <libsys/slot.h>

#include <pthread.h>
#include <string.h>

#define SLOTS MICA_CAP_SLOTS

/* The allocator is one table per program: each case starts from what the
 * previous left, so each gives back what it took. */

static void reserved_slots_are_never_handed_out(void)
{
	mica_slot_init(16);
	mica_slot_take(40);
	mica_cap_t first = mica_slot_alloc();
	CHECK_EQ(first, 16);
	mica_cap_t seen[64];
	for (int i = 0; i < 64; i++) {
		seen[i] = mica_slot_alloc();
		CHECK(seen[i] >= 16 && seen[i] != 40);
	}
	for (int i = 0; i < 64; i++)
		mica_slot_free(seen[i]);
	mica_slot_free(first);
}

static void a_freed_slot_is_reused(void)
{
	mica_cap_t a = mica_slot_alloc(), b = mica_slot_alloc(), c = mica_slot_alloc();
	CHECK(a != b && b != c && a != c);
	mica_slot_free(b);
	CHECK_EQ(mica_slot_alloc(), b);
	mica_slot_free(a);
	mica_slot_free(b);
	mica_slot_free(c);
	CHECK_EQ(mica_slot_alloc(), a);   /* the lowest free one */
	mica_slot_free(a);
}

/* The slots in use, walked as fork copies them: 0..15, 40 (taken), and
   what is handed out, across word boundaries, up to the end. */
static void the_slots_in_use_are_walked_in_order(void)
{
	mica_cap_t a = mica_slot_alloc(), far[3] = { 63, 64, SLOTS - 1 };
	mica_cap_t want[] = { 5, 6, 15, a, 40, 63, 64, SLOTS - 1 }, got[8];
	unsigned n = 0;

	for (int i = 0; i < 3; i++)
		mica_slot_take(far[i]);
	for (mica_cap_t s = mica_slot_next_in_use(5); s < SLOTS && n < 8; s = mica_slot_next_in_use(s + 1)) {
		if (s == 5 || s == 6 || s >= 15)   /* 7..14 are in use too: skipped here */
			got[n++] = s;
	}
	CHECK_EQ(n, 8);
	for (unsigned i = 0; i < n; i++)
		CHECK_EQ(got[i], want[i]);
	CHECK_EQ(mica_slot_next_in_use(SLOTS), SLOTS);
	for (int i = 0; i < 3; i++)
		mica_slot_free(far[i]);
	mica_slot_free(a);
	CHECK_EQ(mica_slot_next_in_use(41), SLOTS);   /* none past 40 now */
}

static void a_full_table_says_so_and_recovers(void)
{
	static mica_cap_t got[SLOTS];
	int n = 0;
	mica_cap_t s;
	while ((s = mica_slot_alloc()) != MICA_CAP_NULL && n < SLOTS)
		got[n++] = s;
	CHECK_EQ(n, SLOTS - 16 - 1);   /* all but 0..15 and 40 */
	CHECK_EQ(mica_slot_alloc(), MICA_CAP_NULL);
	mica_slot_free(got[100]);
	CHECK_EQ(mica_slot_alloc(), got[100]);
	for (int i = 0; i < n; i++)
		mica_slot_free(got[i]);
	mica_slot_free(0);      /* never a slot: ignored */
	mica_slot_free(SLOTS);  /* out of range: ignored */
	CHECK_EQ(mica_slot_alloc(), 16);
	mica_slot_free(16);
}

#define THREADS 4
#define PER_THREAD 900
static mica_cap_t taken[THREADS][PER_THREAD];

static void *grab(void *arg)
{
	mica_cap_t *mine = arg;
	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < PER_THREAD; i++)
			mine[i] = mica_slot_alloc();
		if (round < 19)
			for (int i = 0; i < PER_THREAD; i++)
				mica_slot_free(mine[i]);
	}
	return 0;
}

static void threads_allocating_at_once_get_distinct_slots(void)
{
	pthread_t t[THREADS];
	static unsigned char owner[SLOTS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], 0, grab, taken[i]);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], 0);
	int dup = 0, null = 0;
	memset(owner, 0, sizeof owner);
	for (int i = 0; i < THREADS; i++)
		for (int k = 0; k < PER_THREAD; k++) {
			mica_cap_t s = taken[i][k];
			null += s == MICA_CAP_NULL;
			if (s < SLOTS)
				dup += owner[s]++ != 0;
		}
	CHECK_EQ(null, 0);
	CHECK_EQ(dup, 0);
	for (int i = 0; i < THREADS; i++)
		for (int k = 0; k < PER_THREAD; k++)
			mica_slot_free(taken[i][k]);
}

static const struct tap_case cases[] = {
	TAP_CASE(reserved_slots_are_never_handed_out),
	TAP_CASE(a_freed_slot_is_reused),
	TAP_CASE(the_slots_in_use_are_walked_in_order),
	TAP_CASE(a_full_table_says_so_and_recovers),
	TAP_CASE(threads_allocating_at_once_get_distinct_slots),
};

int main(void)
{
	return tap_run(cases, TAP_COUNT(cases));
}
