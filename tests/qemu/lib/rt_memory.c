/*
 * rt_memory.c - the memory server's figures (rt_memory.h).
 */
#include "rt_memory.h"

#include <rt/rt.h>

#include <idl/rt/memory.h>

uint64_t rt_session_used(void)
{
	uint64_t quota, used = 0, pages, free;

	memory_stats(rt_cap("mem"), &quota, &used, &pages, &free);
	return used;
}

uint64_t rt_pool_free(void)
{
	uint64_t quota, used, pages, free = 0;

	memory_stats(rt_cap("mem"), &quota, &used, &pages, &free);
	return free;
}
