/*
 * cuts.c - the page of cut counters (cuts.h, docs/fsserver.md "Reads
 * through the client's view").
 */
#include "cuts.h"

#include <libsys/slot.h>
#include <mica/error.h>
#include <mica/fs.h>
#include <mica/ipc.h>
#include <rt/rt.h>

#include <idl/rt/memory.h>
#include <idl/rt/region_map.h>

_Static_assert(MICA_FS_CUTS * sizeof(uint64_t) == MICA_PAGE_SIZE, "the counters fill one page");

static volatile uint64_t *counters;

int cuts_init(void)
{
	mica_cap_t ds = mica_slot_alloc();
	uint64_t start;
	int err;

	if (!ds)
		return -MICA_ENOMEM;
	if ((err = memory_alloc(rt_cap("mem"), MICA_PAGE_SIZE, &ds)) == 0 &&
	    (err = region_map_attach(rt_cap("rm"), 0, MICA_PAGE_SIZE, MICA_R | MICA_W, ds, 0, &start)) == 0) {
		mica_slot_free(ds);   /* empty: the region mapper has it */
		counters = (volatile uint64_t *)start;
		counters[0] = 0;      /* mapped here before any client asks for it */
		return 0;
	}
	mica_slot_drop(ds);
	return err;
}

/* The counter moves before the cut's first store or unmap: a client that
 * saw a byte the cut zeroed (or a page it took) sees the counter moved
 * when it reads it afterwards (stores are seen in order on x86-64, and a
 * page taken comes back through a request to this thread). */
void cuts_move(uint32_t ino)
{
	__atomic_fetch_add(&counters[ino % MICA_FS_CUTS], 1, __ATOMIC_RELEASE);
}

void *cuts_page(void)
{
	return (void *)counters;
}
