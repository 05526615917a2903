/*
 * listing.c - directory listings through pipes (listing.h).
 *
 * The server makes the pipe (PipeFactory.create on the registry's `pipe`)
 * and grants the read end to the client with its reply: the write end is
 * the server's own, and the server never calls a capability a client
 * gave it (a forged one could be a gate that never answers, and this is
 * the server's one thread).  The write end has the server's listing irq
 * attached (PipeEnd.attach), which the pipe server triggers when the
 * reader makes room after the server set writers_waiting, and when the
 * last holder of the read end goes.
 *
 * A listing writes records (include/mica/fs.h) from its position with
 * lib/fs's fs_readdir_at, as many as the ring has room for, a few
 * kilobytes at a time, each write whole.  When the next record does not
 * fit, it sets writers_waiting, looks at the room once more, and parks.
 * When the irq comes every listing goes on as far as it can.  The
 * position moves only past records the ring took.  Once the directory's
 * end went in, the listing drops its write end (the reader sees the end
 * of data after the last record) and is freed; so is one whose reader
 * went, or whose ring a client scribbled on (the header is checked at
 * every write, and the write lock can only be this server's).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <common/pipe_ring.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/fs.h>
#include <rt/rt.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/rt/pipe.h>
#include <idl/rt/region_map.h>
#include <idl/rt/registry.h>

#include "listing.h"

#define STAGE_SIZE (16u * 1024)   /* records written to the ring at once */

struct listing {
	LIST_ENTRY(listing) link;
	struct fs_file *dir;        /* a reference of its own: the listing may outlive the session */
	mica_cap_t write_end;
	struct pipe_ring ring;      /* mapped here */
	uint64_t pos;               /* the next entry's position */
};

static struct {
	LIST_HEAD(, listing) all;
	unsigned count;
	mica_cap_t pipes;           /* the pipe server (0: not found yet) */
	mica_cap_t irq;             /* attached to every listing's write end */
} listings;

static uint8_t stage[STAGE_SIZE];

int listing_init(mica_word_t label)
{
	mica_cap_t irq = mica_slot_alloc();
	int err;

	if (!irq)
		return -MICA_ENOMEM;
	if ((err = factory_create_irq(MICA_BOOT_FACTORY, irq, label)) == 0 && (err = irq_bind(irq, MICA_BOOT_THREAD)) == 0) {
		listings.irq = irq;
		return 0;
	}
	mica_slot_drop(irq);
	return err;
}

unsigned listing_count(void)
{
	return listings.count;
}

/* The registry's `pipe`, looked up at the first listing (it may start
 * after this server). */
static mica_cap_t pipe_server(void)
{
	mica_cap_t cap;

	if (!listings.pipes && (cap = mica_slot_alloc()) != 0) {
		if (registry_lookup(rt_cap("registry"), "pipe", &cap) == 0)
			listings.pipes = cap;
		else
			mica_slot_free(cap);
	}
	return listings.pipes;
}

static void listing_free(struct listing *l)
{
	LIST_REMOVE(l, link);
	listings.count--;
	if (l->ring.hdr) {
		uint64_t start, size;
		mica_cap_t back = mica_slot_alloc();
		if (back && region_map_detach(rt_cap("rm"), (uint64_t)l->ring.hdr, &start, &size, &back) == 0)
			mica_slot_drop(back);
		else if (back)
			mica_slot_free(back);
	}
	if (l->write_end)
		mica_slot_drop(l->write_end);   /* the reader sees the end of data */
	fs_close(l->dir);
	free(l);
}

/* fs_readdir_at's callback: a record into the stage while it fits. */
struct stage {
	size_t used, room;
	bool full;                  /* stopped at a record that did not fit */
};

static int stage_entry(void *arg, const char *name, size_t len, uint32_t ino, unsigned type, uint64_t next)
{
	struct stage *st = arg;
	size_t reclen = (sizeof(struct mica_fs_dirent) + len + 1 + 7) & ~(size_t)7;

	if (st->used + reclen > st->room) {
		st->full = true;
		return 1;
	}
	struct mica_fs_dirent *d = (struct mica_fs_dirent *)(stage + st->used);
	memset((char *)d + reclen - 8, 0, 8);   /* the padding after the name (the name's NUL among it) */
	d->next = next;
	d->ino = ino;
	d->reclen = (uint16_t)reclen;
	d->type = (uint8_t)type;
	d->namelen = (uint8_t)len;   /* ext2's names are at most 255 bytes */
	memcpy(d->name, name, len);
	st->used += reclen;
	return 0;
}

/* Put stage[0, n) in the ring whole: whether it went in. */
static bool put(struct listing *l, size_t n)
{
	uint32_t wake;
	long done = pipe_ring_write(&l->ring, stage, n, n, &wake);

	if (wake)
		pipe_end_wake(l->write_end, wake);
	return done == (long)n;
}

/* The listing failed with errno e: a record that says so, if it fits. */
static void put_error(struct listing *l, int e)
{
	struct mica_fs_dirent *d = (struct mica_fs_dirent *)stage;

	memset(d, 0, sizeof *d + 8);
	d->next = (uint64_t)e;
	d->reclen = (uint16_t)((sizeof *d + 1 + 7) & ~(size_t)7);
	put(l, d->reclen);
}

/* Write as far as the ring has room: false when the listing is over
 * (complete, failed, its reader gone or its ring wrong), true when it
 * waits for room. */
static bool pump(struct listing *l)
{
	for (;;) {
		long room = pipe_ring_room(&l->ring);
		if (room < 0 || (__atomic_load_n(&l->ring.hdr->closed, __ATOMIC_ACQUIRE) & MICA_PIPE_READERS))
			return false;
		struct stage st = { .room = (size_t)room < STAGE_SIZE ? (size_t)room : STAGE_SIZE };
		uint64_t pos = l->pos;
		int err = fs_readdir_at(l->dir, &pos, stage_entry, &st);
		if (err) {
			put_error(l, err);
			return false;
		}
		if (st.used && !put(l, st.used))
			return false;   /* the room the header showed was not there: it was scribbled on */
		l->pos = pos;
		if (!st.full)
			return false;   /* the end went in */
		if (st.used)
			continue;
		/* Not one more record fits: wait for the reader, unless it made
		 * room since the look above. */
		pipe_ring_arm(&l->ring.hdr->writers_waiting);
		if (pipe_ring_room(&l->ring) == room)
			return true;
	}
}

/* The pipe of a new listing: its read end in *read_end, its write end
 * with our irq attached and its ring mapped in l. */
static int make_pipe(struct listing *l, mica_cap_t srv, mica_cap_t *read_end)
{
	mica_cap_t r = mica_slot_alloc(), w = mica_slot_alloc(), ring = mica_slot_alloc();
	uint32_t size, end;
	uint64_t start;
	int err;

	if (!r || !w || !ring)
		err = -MICA_ENOMEM;
	else if ((err = pipe_factory_create(srv, &r, &w)) == 0 &&
		 (err = pipe_end_attach(w, listings.irq, &ring, &size, &end)) == 0) {
		if (size != MICA_PIPE_RING_SIZE || end != MICA_PIPE_WRITE_END)
			err = -MICA_EIO;
		else if ((err = region_map_attach(rt_cap("rm"), 0, size, MICA_R | MICA_W, ring, 0, &start)) == 0)
			ring = 0;   /* the region mapper has it */
	}
	if (ring)
		mica_slot_drop(ring);
	if (err) {
		mica_slot_drop(r);   /* each frees its slot, and the end if it came */
		mica_slot_drop(w);
		return err;
	}
	l->write_end = w;
	l->ring.hdr = (struct mica_pipe_header *)start;
	l->ring.data = (uint8_t *)start + MICA_PIPE_HEADER;
	*read_end = r;
	return 0;
}

int listing_start(struct srv_request *req, struct fs_file *dir, uint64_t from, mica_cap_t *read_end)
{
	struct listing *l;
	mica_cap_t srv;
	int err;

	if (listings.count >= MICA_FS_LISTINGS_MAX)
		return ENFILE;
	if (!(srv = pipe_server()))
		return ENOSYS;
	if (!(l = calloc(1, sizeof *l)))
		return -MICA_ENOMEM;
	if ((err = make_pipe(l, srv, read_end)) != 0) {
		free(l);
		return err;
	}
	l->dir = fs_dup(dir);
	l->pos = from;
	LIST_INSERT_HEAD(&listings.all, l, link);
	listings.count++;
	/* Freed after the reply; if it cannot be delivered, the read end
	 * goes with it and the irq ends the listing. */
	srv_grant(req, *read_end);
	if (!pump(l))
		listing_free(l);
	return 0;
}

void listing_woken(void)
{
	struct listing *l, *next;

	LIST_FOREACH_SAFE(l, &listings.all, link, next)
		if (!pump(l))
			listing_free(l);
}

void listing_end_all(void)
{
	while (!LIST_EMPTY(&listings.all))
		listing_free(LIST_FIRST(&listings.all));
}
