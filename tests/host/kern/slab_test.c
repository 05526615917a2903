/*
 * slab_test.c - the kernel object allocator on the host: objects are
 * distinct and zeroed, counters follow every allocation, empty slabs go
 * back to the page source, and running out of pages is an error.
 */
#include "../tap.h"
#include "slab.h"

#include <stdlib.h>
#include <string.h>

static int pages_out, page_limit = 1 << 30;

static void *test_page_alloc(void)
{
	if (pages_out >= page_limit)
		return NULL;
	pages_out++;
	return aligned_alloc(4096, 4096);
}

static void test_page_free(void *p)
{
	pages_out--;
	free(p);
}

static const struct slab_page_source src = { test_page_alloc, test_page_free };

static void slab_objects_are_distinct_zeroed_and_counted(void)
{
	static struct slab_cache c;
	void *objs[1000];
	slab_set_page_source(&src);
	slab_cache_init(&c, "test", 200);
	for (int i = 0; i < 1000; i++) {
		objs[i] = slab_alloc(&c);
		CHECK(objs[i] != NULL);
		char zero[208] = { 0 };
		CHECK(memcmp(objs[i], zero, c.size) == 0);
		memset(objs[i], 0xab, c.size);
	}
	CHECK_EQ(c.objects, 1000);
	CHECK_EQ(c.pages, (1000 + c.per_slab - 1) / c.per_slab);
	for (int i = 0; i < 1000; i += 2)
		slab_free(&c, objs[i]);
	CHECK_EQ(c.objects, 500);
	for (int i = 1; i < 1000; i += 2)
		slab_free(&c, objs[i]);
	CHECK_EQ(c.objects, 0);
	CHECK_EQ(c.pages, 0);
	CHECK_EQ(pages_out, 0);
}

static void slab_out_of_pages_returns_null(void)
{
	static struct slab_cache c;
	void *objs[64];
	int n = 0;
	slab_set_page_source(&src);
	slab_cache_init(&c, "limited", 1024);
	page_limit = 2;
	while (n < 64 && (objs[n] = slab_alloc(&c)) != NULL)
		n++;
	CHECK_EQ(n, 2 * (int)c.per_slab);
	CHECK(slab_alloc(&c) == NULL);
	while (n--)
		slab_free(&c, objs[n]);
	CHECK_EQ(pages_out, 0);
	page_limit = 1 << 30;
}

static void slab_caches_are_registered(void)
{
	int found = 0;
	for (struct slab_cache *c = slab_caches(); c; c = c->next_cache)
		found += strcmp(c->name, "test") == 0 || strcmp(c->name, "limited") == 0;
	CHECK_EQ(found, 2);
}

static const struct tap_case cases[] = {
	TAP_CASE(slab_objects_are_distinct_zeroed_and_counted),
	TAP_CASE(slab_out_of_pages_returns_null),
	TAP_CASE(slab_caches_are_registered),
};

int main(void)
{
	return tap_run(cases, TAP_COUNT(cases));
}
