/*
 * thread.c - threads of a launched program: UTCB addresses from the UTCB
 * area (rt/rt.h), handed out once each.
 */
#include <rt/rt.h>

/* UTCB pages handed out so far: bss, not data (a program's start-up
 * writes no data page before its region mapper runs, docs/processes.md
 * "Starting"). */
static mica_addr_t handed;

mica_addr_t rt_utcb_alloc(void)
{
	mica_addr_t a = RT_UTCB_AREA + __atomic_fetch_add(&handed, MICA_PAGE_SIZE, __ATOMIC_RELAXED);

	return a < RT_UTCB_AREA + RT_UTCB_AREA_SIZE ? a : 0;
}
