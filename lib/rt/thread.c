/*
 * thread.c - threads of a launched program: UTCB addresses from the UTCB
 * area (rt/rt.h), handed out once each.
 */
#include <rt/rt.h>

static mica_addr_t next_utcb = RT_UTCB_AREA;

mica_addr_t rt_utcb_alloc(void)
{
	mica_addr_t a = __atomic_fetch_add(&next_utcb, MICA_PAGE_SIZE, __ATOMIC_RELAXED);

	return a < RT_UTCB_AREA + RT_UTCB_AREA_SIZE ? a : 0;
}
