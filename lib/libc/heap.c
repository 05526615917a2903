/*
 * heap.c - sbrk, under newlib's malloc: the heap starts at RT_HEAP_BASE
 * and may grow to RT_HEAP_MAX bytes.  Growing past the memory attached so
 * far asks the memory server (the `mem` capability) for a new anonymous
 * dataspace and has the region mapper attach it right after the last one,
 * so the heap stays one range; its pages are zero-filled as first touched.
 *
 * A new piece is at least 1 MiB and a quarter of the heap, so that a large
 * heap takes few regions (the region mapper's table is finite), or, if the
 * session's quota has no room for that, just the pages asked for.  When
 * neither is granted sbrk fails with ENOMEM and malloc returns NULL.
 *
 * Shrinking (newlib's malloc trims the top of the heap) only moves the
 * break back: the memory stays attached and serves the next growth.
 */
#include <errno.h>
#include <unistd.h>

#include <libsys/slot.h>
#include <mica/ipc.h>
#include <rt/rt.h>

#include "glue.h"
#include <idl/rt/memory.h>
#include <idl/rt/region_map.h>

#define PIECE_MIN (1ull << 20)

static uint64_t brk_end = RT_HEAP_BASE;   /* the break */
static uint64_t attached = RT_HEAP_BASE;  /* the end of the memory behind it */

static uint64_t page_round(uint64_t n)
{
	return (n + MICA_PAGE_SIZE - 1) & ~(uint64_t)(MICA_PAGE_SIZE - 1);
}

/* Attach `size` bytes of a new dataspace at `attached`: 0 or a Mica error. */
static int attach_piece(uint64_t size)
{
	mica_cap_t slot = mica_slot_alloc(), ds = slot;
	uint64_t start;
	int err;

	if (!slot)
		return -MICA_ENOMEM;
	err = memory_alloc(rt_cap("mem"), size, &ds);
	if (!err && ds == MICA_CAP_NULL)
		err = -MICA_EMSG;   /* a void item: no dataspace after all */
	if (err) {
		mica_slot_free(slot);
		return err;
	}
	/* The capability moves to the region mapper for good (the heap never
	 * gives memory back); the drop frees the emptied slot, or the
	 * dataspace if the attach never took it. */
	err = region_map_attach(rt_cap("rm"), attached, size, MICA_R | MICA_W | RT_ATTACH_PRIVATE, ds, 0, &start);
	mica_slot_drop(slot);
	if (err)
		return err;
	attached += size;
	return 0;
}

/* Make the heap's memory reach `end`: 0 or a Mica error. */
static int grow_to(uint64_t end)
{
	uint64_t limit = RT_HEAP_BASE + RT_HEAP_MAX;

	while (attached < end) {
		uint64_t need = page_round(end - attached);
		uint64_t want = page_round((attached - RT_HEAP_BASE) / 4);

		if (want < PIECE_MIN)
			want = PIECE_MIN;
		if (want < need)
			want = need;
		if (want > limit - attached)
			want = limit - attached;
		int err = attach_piece(want);
		if (err == -MICA_ENOMEM && want > need)
			err = attach_piece(need);
		if (err)
			return err;
	}
	return 0;
}

void *sbrk(ptrdiff_t incr)
{
	uint64_t old = brk_end;

	if (incr < 0) {
		if (0 - (uint64_t)incr > brk_end - RT_HEAP_BASE) {
			libc_fail(EINVAL);
			return (void *)-1;
		}
	} else if ((uint64_t)incr > RT_HEAP_BASE + RT_HEAP_MAX - brk_end) {
		libc_fail(ENOMEM);
		return (void *)-1;
	} else {
		/* Whatever the memory server or region mapper said, for malloc's
		 * caller it is memory it cannot have. */
		if (grow_to(brk_end + (uint64_t)incr)) {
			libc_fail(ENOMEM);
			return (void *)-1;
		}
	}
	brk_end += (uint64_t)incr;
	return (void *)(uintptr_t)old;
}
