/*
 * mman.c - mmap, munmap, msync, mprotect (<sys/mman.h>, docs/libc.md).
 *
 * A mapping is a region of the task's region mapper (lib/rt/rm.c) over a
 * dataspace: for a file of the file server the dataspace OpenFile.mmap
 * makes (shared: the server's page cache; private: copy-on-write of it),
 * for MAP_ANONYMOUS one from the memory session.  The C library keeps the
 * dataspace's capability (`obj`) and gives the region mapper a copy of it
 * for each region (its sibling, Task.cap_sibling: derived from the
 * server's, not from ours, so that a forked child's copy of the region's
 * outlives us), so a mapping can be cut into pieces (munmap or
 * mprotect of part of it: the region goes and its other parts come back
 * as regions of their own).  Pages stay where they are meanwhile, in the
 * server or the memory session: cutting loses nothing.  The capability
 * goes with the last piece, and with it the server's object.
 *
 * mmap_masked is mmap of a file with its bytes from a limit on read as
 * zeros (OpenFile.mmap_masked): what a loader maps an ELF segment with.
 *
 * PROT_NONE is not supported (a region maps at least readable): ENOTSUP.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/ipc.h>
#include <rt/rt.h>

#include <idl/kernel/task.h>
#include <idl/rt/fs.h>
#include <idl/rt/memory.h>
#include <idl/rt/region_map.h>

#include "glue.h"

#define PAGE MICA_PAGE_SIZE
#define MAPS_MAX 128   /* regions made by mmap at once */

struct mobj {
	mica_cap_t cap;     /* the dataspace */
	uint32_t rights;    /* what it allows */
	bool file_shared;   /* msync has something to do */
	bool anon_private;  /* MAP_PRIVATE | MAP_ANONYMOUS: a forked child gets a copy (RT_ATTACH_PRIVATE) */
	unsigned pieces;    /* regions showing it */
};

struct map {
	uint64_t addr, len, off;   /* off: of addr in the dataspace */
	int prot;
	struct mobj *obj;          /* 0: a free entry */
};

static struct map maps[MAPS_MAX];

static uint32_t rights_of(int prot)
{
	return MICA_R | (prot & PROT_WRITE ? MICA_W : 0) | (prot & PROT_EXEC ? MICA_X : 0);
}

static struct map *free_entry(void)
{
	for (unsigned i = 0; i < MAPS_MAX; i++)
		if (!maps[i].obj)
			return &maps[i];
	return 0;
}

/* Show [addr, addr + len) of o from off with prot as a region (addr 0:
 * where the region mapper likes) in entry e; a Mica error. */
static int attach(struct map *e, struct mobj *o, uint64_t addr, uint64_t len, uint64_t off, int prot)
{
	mica_cap_t copy = mica_slot_alloc();
	uint64_t start;
	int err;

	if (!copy)
		return -MICA_ENOMEM;
	if ((err = task_cap_sibling(MICA_BOOT_TASK, o->cap, copy, MICA_RWX)) != 0 ||
	    (err = region_map_attach(rt_cap("rm"), addr, len, rights_of(prot) | (o->anon_private ? RT_ATTACH_PRIVATE : 0),
				     copy, off, &start)) != 0) {
		mica_slot_drop(copy);   /* the region mapper dropped a copy it refused */
		return err;
	}
	*e = (struct map){ .addr = start, .len = len, .off = off, .prot = prot, .obj = o };
	o->pieces++;
	return 0;
}

static void obj_put(struct mobj *o)
{
	if (--o->pieces)
		return;
	mica_slot_drop(o->cap);
	free(o);
}

/* Entry e's region goes; [from, to) of it comes back with prot (-1: not
 * at all), the rest as it was.  A Mica error when a piece could not come
 * back (what could stays). */
static int reshape(struct map *e, uint64_t from, uint64_t to, int prot)
{
	struct map old = *e;
	struct mobj *o = old.obj;
	mica_cap_t back = mica_slot_alloc();
	uint64_t start, size;
	int err = 0;

	if (!back)
		return -MICA_ENOMEM;
	if ((err = region_map_detach(rt_cap("rm"), old.addr, &start, &size, &back)) != 0) {
		mica_slot_free(back);
		return err;
	}
	mica_slot_drop(back);   /* a copy: the library keeps the dataspace */
	e->obj = 0;   /* o keeps the old region's piece while the others come back */
	struct { uint64_t a, b; int prot; } part[3] = {
		{ old.addr, from, old.prot }, { from, to, prot }, { to, old.addr + old.len, old.prot },
	};
	for (unsigned i = 0; i < 3; i++) {
		if (part[i].a >= part[i].b || part[i].prot < 0)
			continue;
		struct map *slot = free_entry();
		int e2 = slot ? attach(slot, o, part[i].a, part[i].b - part[i].a, old.off + (part[i].a - old.addr),
				       part[i].prot)
			      : -MICA_ENOMEM;
		if (e2 && !err)
			err = e2;
	}
	obj_put(o);   /* the old region's piece */
	return err;
}

/* Whether every page of [addr, addr + len) is in some mapping. */
static bool covered(uint64_t addr, uint64_t len)
{
	for (uint64_t at = addr; at < addr + len;) {
		bool found = false;
		for (unsigned i = 0; i < MAPS_MAX; i++)
			if (maps[i].obj && at >= maps[i].addr && at < maps[i].addr + maps[i].len) {
				at = maps[i].addr + maps[i].len;
				found = true;
				break;
			}
		if (!found)
			return false;
	}
	return true;
}

static bool range_ok(void *addr, size_t len)
{
	uint64_t a = (uint64_t)(uintptr_t)addr;

	return len && !(a % PAGE) && a + len > a && a + len <= MICA_USER_END;
}

static uint64_t round_up(size_t len)
{
	return ((uint64_t)len + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

int munmap(void *addr, size_t len)
{
	if (!range_ok(addr, len))
		return libc_fail(EINVAL);
	uint64_t from = (uint64_t)(uintptr_t)addr, to = from + round_up(len);
	int err = 0;

	for (unsigned i = 0; i < MAPS_MAX; i++) {
		struct map *e = &maps[i];
		if (!e->obj || e->addr >= to || e->addr + e->len <= from)
			continue;
		int e2 = reshape(e, from > e->addr ? from : e->addr, to < e->addr + e->len ? to : e->addr + e->len, -1);
		if (e2 && !err)
			err = e2;
	}
	return err ? libc_fail_mica(err) : 0;
}

/* mmap; for a file, bytes from `limit` read as zeros (FSFILE_NO_LIMIT:
 * none). */
static void *map(void *addr, size_t len, int prot, int flags, int fd, off_t off, uint64_t limit)
{
	int kind = flags & (MAP_SHARED | MAP_PRIVATE);
	uint64_t at = (uint64_t)(uintptr_t)addr;
	struct mobj *o;
	struct map *e;
	int err;

	if (!len || len > MICA_USER_END || off < 0 || off % PAGE || (kind != MAP_SHARED && kind != MAP_PRIVATE) ||
	    (flags & ~(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS)) || (prot & ~(PROT_READ | PROT_WRITE |
	    PROT_EXEC)) || ((flags & MAP_FIXED) && !range_ok(addr, len))) {
		libc_fail(EINVAL);
		return MAP_FAILED;
	}
	if (prot == PROT_NONE) {
		libc_fail(ENOTSUP);
		return MAP_FAILED;
	}
	if (!(o = calloc(1, sizeof *o))) {
		libc_fail(ENOMEM);
		return MAP_FAILED;
	}
	if (flags & MAP_ANONYMOUS) {
		off = 0;
		o->rights = MICA_RWX;
		if (!(o->cap = mica_slot_alloc()))
			err = -MICA_ENOMEM;
		else if ((err = memory_alloc(rt_cap("mem"), round_up(len), &o->cap)) != 0)
			mica_slot_free(o->cap);
		if (err) {
			free(o);
			libc_fail_mica(err);
			return MAP_FAILED;
		}
	} else if (fsfile_map(fd, kind == MAP_PRIVATE, limit, &o->cap, &o->rights) != 0) {
		free(o);
		return MAP_FAILED;   /* errno set */
	}
	o->file_shared = !(flags & MAP_ANONYMOUS) && kind == MAP_SHARED;
	o->anon_private = (flags & MAP_ANONYMOUS) && kind == MAP_PRIVATE;
	if (rights_of(prot) & ~o->rights) {
		mica_slot_drop(o->cap), free(o);
		libc_fail(EACCES);
		return MAP_FAILED;
	}
	if (flags & MAP_FIXED)
		munmap(addr, len);   /* what was there goes */
	else
		at = 0;              /* a hint only: the region mapper places it */
	o->pieces = 1;           /* held while attaching */
	err = (e = free_entry()) ? attach(e, o, at, round_up(len), (uint64_t)off, prot) : -MICA_ENOMEM;
	obj_put(o);
	if (err) {
		libc_fail(err == -MICA_EEXIST ? ENOMEM : libc_errno_of(err));
		return MAP_FAILED;
	}
	return (void *)(uintptr_t)e->addr;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return map(addr, len, prot, flags, fd, off, FSFILE_NO_LIMIT);
}

void *mmap_masked(void *addr, size_t len, int prot, int flags, int fd, off_t off, off_t limit)
{
	if ((flags & MAP_ANONYMOUS) || limit < 0) {
		libc_fail(EINVAL);
		return MAP_FAILED;
	}
	return map(addr, len, prot, flags, fd, off, (uint64_t)limit);
}

int mprotect(void *addr, size_t len, int prot)
{
	if (!range_ok(addr, len) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return libc_fail(EINVAL);
	uint64_t from = (uint64_t)(uintptr_t)addr, to = from + round_up(len);
	if (!covered(from, to - from))
		return libc_fail(ENOMEM);
	if (prot == PROT_NONE)
		return libc_fail(ENOTSUP);
	for (unsigned i = 0; i < MAPS_MAX; i++)
		if (maps[i].obj && maps[i].addr < to && maps[i].addr + maps[i].len > from &&
		    (rights_of(prot) & ~maps[i].obj->rights))
			return libc_fail(EACCES);
	int err = 0;
	/* Each reshape adds entries past or at i: entries it made already have
	 * the new protection and are skipped. */
	for (unsigned i = 0; i < MAPS_MAX; i++) {
		struct map *e = &maps[i];
		if (!e->obj || e->addr >= to || e->addr + e->len <= from || e->prot == prot)
			continue;
		int e2 = reshape(e, from > e->addr ? from : e->addr, to < e->addr + e->len ? to : e->addr + e->len, prot);
		if (e2 && !err)
			err = e2;
	}
	return err ? libc_fail_mica(err) : 0;
}

int msync(void *addr, size_t len, int flags)
{
	if (!range_ok(addr, len) || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
	    (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC))
		return libc_fail(EINVAL);
	uint64_t from = (uint64_t)(uintptr_t)addr, to = from + round_up(len);
	if (!covered(from, to - from))
		return libc_fail(ENOMEM);
	for (unsigned i = 0; i < MAPS_MAX; i++) {
		struct map *e = &maps[i];
		if (!e->obj || !e->obj->file_shared || e->addr >= to || e->addr + e->len <= from)
			continue;
		uint64_t a = from > e->addr ? from : e->addr, b = to < e->addr + e->len ? to : e->addr + e->len;
		if (file_mapping_msync(e->obj->cap, e->off + (a - e->addr), b - a) != 0)
			return libc_fail(EIO);
	}
	return 0;
}
