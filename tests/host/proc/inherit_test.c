/*
 * inherit_test.c - host unit tests of the lists of what a parent gives its
 * next child (srv/proc/inherit.c): order, the per-list limit, the pool
 * shared by all lists, moving a list onto another, and dropping one with
 * its capabilities.
 */
#include <errno.h>
#include <string.h>

#include <mica/proc.h>

#include "inherit.h"
#include "tap.h"

static unsigned dropped;

/* The server drops an entry's capability with libsys's mica_slot_drop. */
void mica_slot_drop(mica_cap_t slot)
{
	(void)slot;
	dropped++;
}

static void entries_come_out_in_order(void)
{
	struct inherit_list l = { 0 };
	struct inherit_entry *e;

	CHECK_EQ(inherit_add(&l, 0, MICA_INHERIT_CWD, 0, 022, "/bin", 0), 0);
	CHECK_EQ(inherit_add(&l, 1 << 3, MICA_INHERIT_PIPE, 0, 0, "", 7), 0);
	CHECK_EQ(l.n, 2);
	e = inherit_pop(&l);
	CHECK(e && e->kind == MICA_INHERIT_CWD && !strcmp(e->name, "/bin") && e->arg == 022);
	inherit_free(e);
	e = inherit_pop(&l);
	CHECK(e && e->kind == MICA_INHERIT_PIPE && e->fds == 1 << 3 && e->item == 7);
	inherit_free(e);
	CHECK(inherit_pop(&l) == 0);
	CHECK_EQ(l.n, 0);
}

static void a_list_holds_at_most_inherit_max(void)
{
	struct inherit_list l = { 0 };

	for (unsigned i = 0; i < MICA_INHERIT_MAX; i++)
		CHECK_EQ(inherit_add(&l, 1, MICA_INHERIT_STREAM, 0, 0, "", 0), 0);
	CHECK_EQ(inherit_add(&l, 1, MICA_INHERIT_STREAM, 0, 0, "", 9), EAGAIN);
	dropped = 0;
	inherit_drop(&l);
	CHECK_EQ(l.n, 0);
	CHECK_EQ(dropped, 0);   /* the refused one's capability stayed the caller's */
}

static void the_pool_bounds_all_lists_together(void)
{
	static struct inherit_list lists[8];
	unsigned made = 0;

	for (unsigned k = 0; k < 8; k++)
		for (unsigned i = 0; i < MICA_INHERIT_MAX; i++)
			made += inherit_add(&lists[k], 1, MICA_INHERIT_CWD, 0, 0, "/", 0) == 0;
	CHECK_EQ(made, INHERIT_POOL);
	CHECK_EQ(inherit_add(&lists[7], 1, MICA_INHERIT_CWD, 0, 0, "/", 0), EAGAIN);
	inherit_drop(&lists[0]);
	CHECK_EQ(inherit_add(&lists[7], 1, MICA_INHERIT_CWD, 0, 0, "/", 0), 0);   /* room again */
	for (unsigned k = 0; k < 8; k++)
		inherit_drop(&lists[k]);
	struct inherit_list l = { 0 };
	CHECK_EQ(inherit_add(&l, 1, MICA_INHERIT_CWD, 0, 0, "/", 0), 0);   /* the pool is whole again */
	inherit_drop(&l);
}

static void moving_appends_and_empties(void)
{
	struct inherit_list from = { 0 }, to = { 0 };
	struct inherit_entry *e;

	inherit_add(&to, 1, MICA_INHERIT_ROM, 0, 5, "a", 0);
	inherit_add(&from, 2, MICA_INHERIT_ROM, 0, 6, "b", 0);
	inherit_add(&from, 4, MICA_INHERIT_ROM, 0, 7, "c", 0);
	inherit_move(&from, &to);
	CHECK_EQ(from.n, 0);
	CHECK(from.head == 0);
	CHECK_EQ(to.n, 3);
	for (const char *want = "abc"; *want; want++) {
		e = inherit_pop(&to);
		CHECK(e && e->name[0] == *want);
		inherit_free(e);
	}
}

static void dropping_drops_the_capabilities(void)
{
	struct inherit_list l = { 0 };

	inherit_add(&l, 1, MICA_INHERIT_PIPE, 0, 0, "", 11);
	inherit_add(&l, 2, MICA_INHERIT_CWD, 0, 0, "/", 0);
	inherit_add(&l, 4, MICA_INHERIT_FILE, 0, 0, "/f", 12);
	dropped = 0;
	inherit_drop(&l);
	CHECK_EQ(dropped, 2);
	CHECK_EQ(l.n, 0);
	CHECK(l.head == 0);
}

static const struct tap_case cases[] = {
	TAP_CASE(entries_come_out_in_order),
	TAP_CASE(a_list_holds_at_most_inherit_max),
	TAP_CASE(the_pool_bounds_all_lists_together),
	TAP_CASE(moving_appends_and_empties),
	TAP_CASE(dropping_drops_the_capabilities),
};

int main(void)
{
	return tap_run(cases, TAP_COUNT(cases));
}
