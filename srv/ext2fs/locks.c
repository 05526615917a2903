/*
 * locks.c - POSIX record locks (OpenFile.lock, test_lock; docs/fsserver.md):
 * one table of byte ranges of regular files, each held by an owner.
 *
 * An owner is an irq of a client program, kept here while it holds a range
 * or waits for one.  A request names its owner with a capability to that
 * irq, which Task.cap_same compares with the owners' own: a program cannot
 * name another program's irq, so it can neither release nor see as its own
 * another's locks.  The irq also wakes an owner that waits (F_SETLKW): any
 * release on the inode triggers every owner waiting there, which asks
 * again.  An owner whose irq is gone (its program ended) loses its ranges
 * when a request meets one of them, when a session of the inode closes, or
 * when the table is full.  A locker (OpenFile.lock_owner, ext2fs.c) names
 * its owner itself: requests through it bring no capability, and the
 * owner stays while a locker refers to it.
 *
 * Ranges are [start, end), end LOCK_EOF for "to the end and beyond".  An
 * owner's ranges of one inode never overlap, and two of one type never
 * touch: they are merged.  The table is a dense array searched whole: it is
 * small, and a program's file (SQLite's database) holds a handful.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <libsys/cap.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/fs.h>
#include <server/server.h>

#include <idl/kernel/irq.h>
#include <idl/kernel/task.h>

#include "locks.h"

struct owner {
	mica_cap_t irq;             /* ours (0: a free entry) */
	uint32_t pid;               /* what test_lock reports */
	unsigned ranges;            /* its ranges in the table */
	unsigned lockers;           /* lockers naming it */
	const struct cfile *waits;  /* the inode it waits on (NULL: no wait) */
	struct owner *blocked_by;   /* the holder it waits for */
};

struct range {
	const struct cfile *cf;
	struct owner *owner;
	uint32_t type;
	uint64_t start, end;
};

static struct owner owners[MICA_FS_LOCK_OWNERS_MAX];
static struct owner *owners_end = owners;   /* past the last entry in use */
static unsigned nwaiting;                  /* owners that wait */
static struct range ranges[MICA_FS_LOCKS_MAX];
static unsigned nranges;

/* o's wait, if any, ends; o waits on cf for h. */
static void wait_end(struct owner *o)
{
	if (o->waits) {
		o->waits = 0;
		o->blocked_by = 0;
		nwaiting--;
	}
}

static void wait_on(struct owner *o, const struct cfile *cf, struct owner *h)
{
	if (!o->waits)
		nwaiting++;
	o->waits = cf;
	o->blocked_by = h;
}

/* The owner `cap` names, or NULL. */
static struct owner *owner_find(mica_cap_t cap)
{
	bool same;

	for (struct owner *o = owners; o < owners_end; o++)
		if (o->irq && task_cap_same(MICA_BOOT_TASK, o->irq, cap, &same) == 0 && same)
			return o;
	return 0;
}

/* An owner that neither holds nor waits, and that no locker names, is
 * forgotten. */
static void owner_idle(struct owner *o)
{
	if (o && !o->ranges && !o->waits && !o->lockers) {
		mica_slot_drop(o->irq);
		*o = (struct owner){ 0 };
		while (owners_end > owners && !owners_end[-1].irq)
			owners_end--;
	}
}

static void range_remove(unsigned i)
{
	ranges[i].owner->ranges--;
	ranges[i] = ranges[--nranges];
}

static void range_add(const struct cfile *cf, struct owner *o, uint32_t type, uint64_t start, uint64_t end)
{
	ranges[nranges++] = (struct range){ cf, o, type, start, end };
	o->ranges++;
}

/* o's ranges go, and its wait (its program ended). */
static void owner_drop(struct owner *o)
{
	for (unsigned i = 0; i < nranges;)
		if (ranges[i].owner == o)
			range_remove(i);
		else
			i++;
	for (struct owner *w = owners; w < owners_end; w++)
		if (w->blocked_by == o)
			w->blocked_by = 0;
	wait_end(o);
	owner_idle(o);
}

/* Every owner waiting on cf (NULL: on any inode) is woken, once: its wait
 * ends here and it asks again.  One whose irq cannot be triggered is gone. */
static void wake(const struct cfile *cf)
{
	for (struct owner *o = owners; nwaiting && o < owners_end; o++) {
		if (!o->irq || !o->waits || (cf && o->waits != cf))
			continue;
		wait_end(o);
		if (irq_trigger(o->irq) < 0)
			owner_drop(o);
		else
			owner_idle(o);
	}
}

/* The owners whose irq is gone are forgotten with their ranges; whether
 * any was. */
static bool sweep(void)
{
	bool any = false;

	for (struct owner *o = owners; o < owners_end; o++)
		if (o->irq && (o->ranges || o->waits) && mica_cap_gone(o->irq)) {
			owner_drop(o);   /* (one a locker names goes with the locker) */
			any = true;
		}
	if (any)
		wake(0);
	return any;
}

/* A new owner for the irq `cap` brought (kept); a Mica error or an errno. */
static int owner_new(struct srv_request *req, mica_cap_t cap, uint32_t pid, struct owner **out)
{
	int err;

	if (!mica_cap_is_irq(cap))
		return EINVAL;
	for (int pass = 0; pass < 2; pass++) {
		for (struct owner *o = owners; o < owners + MICA_FS_LOCK_OWNERS_MAX; o++) {
			if (o->irq)
				continue;
			if ((err = srv_keep(req, cap)) != 0)
				return err;
			*o = (struct owner){ .irq = cap, .pid = pid };
			owners_end = o >= owners_end ? o + 1 : owners_end;
			*out = o;
			return 0;
		}
		if (!sweep())
			break;
	}
	return ENOLCK;
}

static bool conflicts(const struct range *r, const struct cfile *cf, const struct owner *o, uint32_t type,
		      uint64_t start, uint64_t end)
{
	return r->cf == cf && r->owner != o && r->start < end && start < r->end &&
	       (r->type == MICA_FS_LOCK_WRITE || type == MICA_FS_LOCK_WRITE);
}

/* The first range of another owner than o in conflict with a lock of
 * `type` on [start, end), its owner alive (a gone one's ranges go), or
 * NULL. */
static struct range *conflict(const struct cfile *cf, const struct owner *o, uint32_t type, uint64_t start,
			      uint64_t end)
{
	for (unsigned i = 0; i < nranges; i++) {
		if (!conflicts(&ranges[i], cf, o, type, start, end))
			continue;
		struct owner *h = ranges[i].owner;
		if (!mica_cap_gone(h->irq))
			return &ranges[i];
		owner_drop(h);
		wake(0);
		i = (unsigned)-1;   /* the table moved: from the start again */
	}
	return 0;
}

/* Whether o waiting for h would close a circle of waits. */
static bool deadlock(const struct owner *o, const struct owner *h)
{
	for (int n = 0; h && n < MICA_FS_LOCK_OWNERS_MAX; n++, h = h->blocked_by)
		if (h == o)
			return true;
	return false;
}

/* [start, end) of cf becomes o's of `type` (none: UNLOCK): its ranges
 * there are cut, split, or merged with the new one; room for two more
 * (a split and the new one) is the caller's.  Whether any was cut. */
static bool apply(const struct cfile *cf, struct owner *o, uint32_t type, uint64_t start, uint64_t end)
{
	bool cut = false;

	for (unsigned i = 0; i < nranges; i++) {
		struct range *r = &ranges[i];
		if (r->cf != cf || r->owner != o || r->start > end || start > r->end)
			continue;
		if (r->type == type) {   /* touching or overlapping: one range */
			start = r->start < start ? r->start : start;
			end = r->end > end ? r->end : end;
		} else if (r->start == end || start == r->end) {
			continue;   /* touching only */
		} else if (r->start < start && r->end > end) {
			range_add(cf, o, r->type, end, r->end);
			r->end = start;
			cut = true;
			continue;
		} else if (r->start < start) {
			r->end = start;
			cut = true;
			continue;
		} else if (r->end > end) {
			r->start = end;
			cut = true;
			continue;
		}
		cut = cut || r->type != type;
		range_remove(i);
		i = (unsigned)-1;   /* the range grew, or the table moved: from the start again */
	}
	if (type != MICA_FS_LOCK_UNLOCK)
		range_add(cf, o, type, start, end);
	return cut;
}

/* The owner cap names, its wait ended (it asks again). */
static struct owner *owner_asking(mica_cap_t cap)
{
	struct owner *o = owner_find(cap);

	if (o)
		wait_end(o);
	return o;
}

/* A lock request of o (NULL: an owner not known yet, whom `cap` names). */
static int set(struct srv_request *req, const struct cfile *cf, struct owner *o, mica_cap_t cap, uint32_t pid,
	       uint32_t type, uint64_t start, uint64_t end, bool wait)
{
	struct range *held;
	int err;

	if (o)
		o->pid = pid;
	if (type == MICA_FS_LOCK_UNLOCK && (!o || !o->ranges)) {
		owner_idle(o);
		return 0;
	}
	if (type != MICA_FS_LOCK_UNLOCK && (held = conflict(cf, o, type, start, end)) != 0) {
		if (!wait || deadlock(o, held->owner)) {
			owner_idle(o);
			return wait ? EDEADLK : EAGAIN;
		}
		if (!o && (err = owner_new(req, cap, pid, &o)) != 0)
			return err;
		wait_on(o, cf, held->owner);
		return EAGAIN;
	}
	if (!o && (err = owner_new(req, cap, pid, &o)) != 0)
		return err;
	if (nranges + 2 > MICA_FS_LOCKS_MAX && (!sweep() || nranges + 2 > MICA_FS_LOCKS_MAX)) {
		owner_idle(o);
		return ENOLCK;
	}
	if (apply(cf, o, type, start, end))
		wake(cf);
	owner_idle(o);
	return 0;
}

int locks_set(struct srv_request *req, const struct cfile *cf, mica_cap_t cap, uint32_t pid, uint32_t type,
	      uint64_t start, uint64_t end, bool wait)
{
	return set(req, cf, owner_asking(cap), cap, pid, type, start, end, wait);
}

int locks_set_as(struct srv_request *req, const struct cfile *cf, struct owner *o, uint32_t pid, uint32_t type,
		 uint64_t start, uint64_t end, bool wait)
{
	wait_end(o);
	return set(req, cf, o, 0, pid, type, start, end, wait);
}

static void test(const struct cfile *cf, struct owner *o, uint32_t *type, uint64_t *start, uint64_t *end,
		 uint32_t *pid)
{
	struct range *held = conflict(cf, o, *type, *start, *end);

	owner_idle(o);
	if (!held) {
		*type = MICA_FS_LOCK_UNLOCK;
		return;
	}
	*type = held->type;
	*start = held->start;
	*end = held->end;
	*pid = held->owner->pid;
}

void locks_test(const struct cfile *cf, mica_cap_t cap, uint32_t *type, uint64_t *start, uint64_t *end,
		uint32_t *pid)
{
	test(cf, owner_asking(cap), type, start, end, pid);
}

void locks_test_as(const struct cfile *cf, struct owner *o, uint32_t *type, uint64_t *start, uint64_t *end,
		   uint32_t *pid)
{
	wait_end(o);
	test(cf, o, type, start, end, pid);
}

int locks_owner_get(struct srv_request *req, mica_cap_t cap, uint32_t pid, struct owner **out)
{
	struct owner *o = owner_find(cap);
	int err;

	if (!o && (err = owner_new(req, cap, pid, &o)) != 0)
		return err;
	o->lockers++;
	*out = o;
	return 0;
}

void locks_owner_put(struct owner *o)
{
	o->lockers--;
	owner_idle(o);
}

bool locks_on(const struct cfile *cf)
{
	for (unsigned i = 0; i < nranges; i++)
		if (ranges[i].cf == cf)
			return true;
	for (struct owner *o = owners; nwaiting && o < owners_end; o++)
		if (o->waits == cf)
			return true;
	return false;
}

void locks_session_closed(const struct cfile *cf, bool last)
{
	for (unsigned i = 0; i < nranges; i++) {
		if (ranges[i].cf != cf || (!last && !mica_cap_gone(ranges[i].owner->irq)))
			continue;
		struct owner *o = ranges[i].owner;
		if (last) {
			range_remove(i);
			owner_idle(o);
		} else {
			owner_drop(o);
		}
		i = (unsigned)-1;   /* the table moved: from the start again */
	}
	wake(cf);
}
