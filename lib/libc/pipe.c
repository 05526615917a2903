/*
 * pipe.c - pipes (docs/pipes.md): pipe(), pipe2(), and the descriptors of
 * their ends.  The pipe server (srv/pipe, idl/rt/pipe.idl) makes a pipe
 * and counts its ends' holders; the data moves through the pipe's ring
 * (include/mica/pipe.h), a dataspace this program maps, copied in by
 * writers and out by readers with no message per byte.
 *
 * A side that cannot go on (an empty pipe for a reader, a full one for a
 * writer, the other's lock held) waits: it sets its flag in the ring,
 * looks again, and waits for the irq it registered with the server at
 * attach (the program's wait irq, notifier.c, bound to its main thread).  Whoever
 * changes the ring while a flag is set clears it and asks the server to
 * wake that side (PipeEnd.wake); the server also wakes a side when the
 * other end's last holder goes.  A wake-up is only a hint to look again.
 *
 * Writes of at most MICA_PIPE_BUF bytes go in at once under the writers'
 * lock, so several writers never tear them; a larger write may be split.
 * A holder that dies holding a lock leaves the others of its side
 * waiting (the other side still sees the end when they are all gone).
 * The copies themselves are lib/common's (common/pipe_ring.h), which the
 * file server uses too to write directory listings; a listing's read end
 * is held here without a descriptor (libc_pipe_end_open, fsfile.c).
 */
#define _GNU_SOURCE   /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/pipe_ticket.h>
#include <unistd.h>

#include <common/pipe_ring.h>
#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/pipe.h>
#include <mica/proc.h>
#include <rt/rt.h>

#include <idl/kernel/task.h>
#include <idl/rt/pipe.h>
#include <idl/rt/region_map.h>
#include <idl/rt/registry.h>

#include "glue.h"

struct pipe_end {
	struct pipe_end *next;            /* the program's ends, all of them */
	mica_cap_t cap;                   /* the end's gate */
	struct pipe_ring ring;            /* mapped here */
	unsigned end;                     /* MICA_PIPE_READ_END or _WRITE_END */
	bool sole;                        /* a listing's: no other holder to keep our irq for */
};

static struct pipe_end *ends;

static mica_cap_t server(void)
{
	static mica_cap_t pipe_srv;

	return libc_service("pipe", &pipe_srv);
}

/* Map the ring of the end in `cap` (ours now) and register our irq. */
static int end_attach(mica_cap_t cap, struct pipe_end **out)
{
	struct pipe_end *pe = calloc(1, sizeof *pe);
	mica_cap_t ring = mica_slot_alloc();
	mica_cap_t irq = libc_wait_irq();
	uint32_t size, end;
	uint64_t start;
	int err;

	if (!pe || !ring || !irq)
		err = -MICA_ENOMEM;
	else if ((err = pipe_end_attach(cap, irq, &ring, &size, &end)) == 0) {
		if (size != MICA_PIPE_RING_SIZE || end > MICA_PIPE_WRITE_END)
			err = -MICA_EIO;
		else if ((err = region_map_attach(rt_cap("rm"), 0, size, MICA_R | MICA_W, ring, 0, &start)) == 0)
			ring = 0;   /* the region mapper has it */
		if (ring)
			mica_slot_drop(ring), ring = 0;
	}
	if (ring)
		mica_slot_free(ring);
	if (err) {
		free(pe);
		return err;
	}
	pe->cap = cap;
	pe->ring.hdr = (struct mica_pipe_header *)start;
	pe->ring.data = (uint8_t *)start + MICA_PIPE_HEADER;
	pe->end = end;
	pe->next = ends;
	ends = pe;
	*out = pe;
	return 0;
}

/* Another of the program's ends is the same end of the same pipe (a
 * ticket of its own adopted): it still wants its side's wake-ups. */
static int held_twice(struct pipe_end *pe)
{
	bool same;

	for (struct pipe_end *o = ends; o; o = o->next)
		if (o != pe && o->end == pe->end && task_cap_same(MICA_BOOT_TASK, o->cap, pe->cap, &same) == 0 && same)
			return 1;
	return 0;
}

static void end_free(struct pipe_end *pe)
{
	uint64_t start, size;
	mica_cap_t back = mica_slot_alloc();

	for (struct pipe_end **p = &ends; *p; p = &(*p)->next)
		if (*p == pe) {
			*p = pe->next;
			break;
		}
	if (!pe->sole && !held_twice(pe))
		pipe_end_detach(pe->cap, libc_wait_irq());   /* no wake-ups for an end we no longer hold */

	if (back && region_map_detach(rt_cap("rm"), (uint64_t)pe->ring.hdr, &start, &size, &back) == 0)
		mica_slot_drop(back);
	else if (back)
		mica_slot_free(back);
	mica_slot_drop(pe->cap);   /* the server learns of the last one through its watch */
	free(pe);
}

/* ---- reading and writing: the ring's copies, and waits -------------- */

static void wake(struct pipe_end *pe, uint32_t sides)
{
	if (sides)
		pipe_end_wake(pe->cap, sides);
}

/* Wait until ready(pe, arg) might be true: set `flag`, look again, and
 * wait for a wake-up only if it still is not.  1 when a signal's handler
 * broke the wait off and the call is to fail with EINTR (signal.c). */
static int wait_for(struct pipe_end *pe, uint32_t *flag, int (*ready)(struct pipe_end *, size_t), size_t arg)
{
	libc_wait_irq_listen();   /* the server's wake-up comes through the wait irq */
	libc_signal_eintr_arm();
	pipe_ring_arm(flag);
	if (ready(pe, arg))
		return 0;
	return mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, MICA_TIMEOUT_NEVER), 0, 0) == MICA_ECANCELED &&
	       libc_signal_eintr();
}

static int lock_free(struct pipe_end *pe, size_t which)
{
	return !__atomic_load_n(which ? &pe->ring.hdr->write_lock : &pe->ring.hdr->read_lock, __ATOMIC_ACQUIRE);
}

static int readable(struct pipe_end *pe, size_t unused)
{
	(void)unused;
	return pipe_ring_readable(&pe->ring);
}

static int writable(struct pipe_end *pe, size_t need)
{
	return pipe_ring_writable(&pe->ring, need);
}

/* Read at most len bytes from a read end: the count, 0 at the end of
 * data, or -1 with errno (EAGAIN with nonblock, EINTR, EIO). */
static ssize_t end_read(struct pipe_end *pe, void *buf, size_t len, int nonblock)
{
	struct mica_pipe_header *h = pe->ring.hdr;
	uint32_t sides;

	if (!len)
		return 0;
	for (;;) {
		long n = pipe_ring_read(&pe->ring, buf, len, &sides);
		wake(pe, sides);
		if (n >= 0)
			return n;
		if (n == PIPE_RING_BAD)
			return libc_fail(EIO);
		if (nonblock)
			return libc_fail(EAGAIN);
		if (n == PIPE_RING_LOCKED ? wait_for(pe, &h->read_lock_waiting, lock_free, 0)
					  : wait_for(pe, &h->readers_waiting, readable, 0))
			return libc_fail(EINTR);
	}
}

static ssize_t pipe_read_op(struct file *f, void *buf, size_t len)
{
	struct pipe_end *pe = f->obj;

	if (pe->end != MICA_PIPE_READ_END)
		return libc_fail(EBADF);   /* a write end adopted as stdin */
	return end_read(pe, buf, len, f->flags & O_NONBLOCK);
}

static ssize_t pipe_write_op(struct file *f, const void *buf, size_t len)
{
	struct pipe_end *pe = f->obj;
	struct mica_pipe_header *h = pe->ring.hdr;
	size_t done = 0;
	uint32_t sides;

	if (pe->end != MICA_PIPE_WRITE_END)
		return libc_fail(EBADF);
	if (!len)
		return 0;
	for (;;) {
		/* At most MICA_PIPE_BUF bytes go in at once or not at all. */
		size_t need = len <= MICA_PIPE_BUF ? len : 1;
		long n = pipe_ring_write(&pe->ring, (const uint8_t *)buf + done, len - done, need, &sides);
		wake(pe, sides);
		if (n > 0) {
			done += (size_t)n;
			if (done == len)
				return (ssize_t)done;
			continue;
		}
		if (done && n != PIPE_RING_FULL && n != PIPE_RING_LOCKED)
			return (ssize_t)done;
		if (n == PIPE_RING_CLOSED) {
			raise(SIGPIPE);   /* by default the end of the program; ignored or caught: EPIPE */
			return libc_fail(EPIPE);
		}
		if (n == PIPE_RING_BAD)
			return libc_fail(EIO);
		if (f->flags & O_NONBLOCK)
			return done ? (ssize_t)done : libc_fail(EAGAIN);
		if (n == PIPE_RING_LOCKED ? wait_for(pe, &h->write_lock_waiting, lock_free, 1)
					  : wait_for(pe, &h->writers_waiting, writable, need))
			return done ? (ssize_t)done : libc_fail(EINTR);
	}
}

static off_t pipe_lseek_op(struct file *f, off_t off, int whence)
{
	(void)f, (void)off, (void)whence;
	return libc_fail(ESPIPE);
}

static int pipe_fstat_op(struct file *f, struct stat *st)
{
	(void)f;
	st->st_mode = S_IFIFO | 0600;
	st->st_blksize = MICA_PIPE_BUF;
	return 0;
}

static int pipe_close_op(struct file *f)
{
	end_free(f->obj);
	return 0;
}

/* A spawned child gets a ticket of the end (docs/pipes.md). */
static int pipe_hand_off_op(struct file *f, struct inherit_item *out)
{
	mica_cap_t t = mica_slot_alloc();
	int err;

	if (!t)
		return ENOMEM;
	if ((err = pipe_end_hand_off(((struct pipe_end *)f->obj)->cap, &t)) != 0 || !t) {
		mica_slot_free(t);
		return err ? libc_errno_of(err) : EIO;
	}
	*out = (struct inherit_item){ MICA_INHERIT_PIPE, 0, "", t };
	return 0;
}

/* A notifier's look: as a waiting reader or writer would, set the side's
 * flag first, then look at the ring, so that a change after the look
 * wakes the program's irq (attached to the end at attach).  The other
 * side's going always wakes it.  As Linux says: a read end is readable
 * with data in the ring and hung up once every writer has gone; a write
 * end is writable with room for PIPE_BUF bytes, in error once every
 * reader has gone. */
static short pipe_poll_op(struct file *f, short events, mica_cap_t irq)
{
	struct pipe_end *pe = f->obj;
	struct mica_pipe_header *h = pe->ring.hdr;
	int reader = pe->end == MICA_PIPE_READ_END;
	short r = 0;

	(void)irq;   /* attached already */
	if (events & (reader ? POLLIN : POLLOUT))
		pipe_ring_arm(reader ? &h->readers_waiting : &h->writers_waiting);
	uint32_t closed = __atomic_load_n(&h->closed, __ATOMIC_ACQUIRE);
	uint64_t used = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE) - __atomic_load_n(&h->tail, __ATOMIC_ACQUIRE);
	if (used > MICA_PIPE_CAPACITY)
		return POLLERR;   /* a ring scribbled on: reads and writes answer EIO */
	if (reader)
		return (short)((used ? POLLIN : 0) | (closed & MICA_PIPE_WRITERS ? POLLHUP : 0));
	if (MICA_PIPE_CAPACITY - used >= MICA_PIPE_BUF)
		r |= POLLOUT;
	return (short)(r | (closed & MICA_PIPE_READERS ? POLLERR : 0));
}

static const struct file_ops pipe_ops = {
	.read = pipe_read_op, .write = pipe_write_op, .lseek = pipe_lseek_op, .fstat = pipe_fstat_op,
	.close = pipe_close_op, .poll = pipe_poll_op, .hand_off = pipe_hand_off_op,
};

/* ---- a read end without a descriptor: a directory listing ----------- */

int libc_pipe_end_open(mica_cap_t cap, struct pipe_end **out)
{
	int err = end_attach(cap, out);

	if (err)
		mica_slot_drop(cap);
	else if ((*out)->end != MICA_PIPE_READ_END) {
		end_free(*out);
		err = -MICA_EIO;
	} else {
		/* The pipe goes with our capability (a forked child's copy
		 * aside, whose wake-ups would only make us look again): no
		 * detach at the end. */
		(*out)->sole = true;
	}
	return err;
}

ssize_t libc_pipe_end_read(struct pipe_end *pe, void *buf, size_t len)
{
	return end_read(pe, buf, len, 0);
}

void libc_pipe_end_close(struct pipe_end *pe)
{
	end_free(pe);
}

/* A descriptor for the end in `cap` (ours: freed on failure). */
static int end_install(mica_cap_t cap, int flags)
{
	struct pipe_end *pe;
	int err = end_attach(cap, &pe);

	if (err) {
		mica_slot_drop(cap);
		return libc_fail_mica(err);
	}
	int acc = pe->end == MICA_PIPE_READ_END ? O_RDONLY : O_WRONLY;
	int fd = fd_install(&pipe_ops, pe, acc | (flags & (O_NONBLOCK | O_CLOEXEC)));
	if (fd < 0)
		end_free(pe);
	return fd;
}

int pipe2(int fds[2], int flags)
{
	mica_cap_t srv = server(), ends[2] = { mica_slot_alloc(), mica_slot_alloc() };
	int err;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		err = EINVAL;
	else if (!srv)
		err = ENOSYS;
	else if (!ends[0] || !ends[1])
		err = ENFILE;
	else if ((err = pipe_factory_create(srv, &ends[0], &ends[1])) != 0)
		err = libc_errno_of(err) == ENOMEM ? ENFILE : libc_errno_of(err);
	if (err) {
		mica_slot_free(ends[0]), mica_slot_free(ends[1]);
		return libc_fail(err);
	}
	int r = end_install(ends[0], flags);
	if (r < 0) {
		err = errno;
		mica_slot_drop(ends[1]);
		return libc_fail(err);
	}
	int w = end_install(ends[1], flags);
	if (w < 0) {
		err = errno;
		close(r);
		return libc_fail(err);
	}
	fds[0] = r, fds[1] = w;
	return 0;
}

int pipe(int fds[2])
{
	return pipe2(fds, 0);
}

int pipe_hand_off(int fd, mica_cap_t *ticket)
{
	struct file *f = fd_lookup(fd);
	mica_cap_t t;
	int err;

	if (!f)
		return -1;
	if (f->ops != &pipe_ops)
		return libc_fail(EINVAL);
	if (!(t = mica_slot_alloc()))
		return libc_fail(ENOMEM);
	if ((err = pipe_end_hand_off(((struct pipe_end *)f->obj)->cap, &t)) != 0) {
		mica_slot_free(t);
		return libc_fail_mica(err);
	}
	*ticket = t;
	return 0;
}

/* The end a ticket names, adopted into a new slot of *cap. */
static int adopt(mica_cap_t ticket, mica_cap_t *cap)
{
	uint32_t kind;
	mica_cap_t c = mica_slot_alloc();
	int err;

	if (!c)
		return -MICA_ENOMEM;
	if ((err = pipe_end_adopt(ticket, &c, &kind)) != 0) {
		mica_slot_free(c);
		return err;
	}
	*cap = c;
	return 0;
}

int pipe_adopt(mica_cap_t ticket, int flags)
{
	mica_cap_t cap;
	int err = adopt(ticket, &cap);

	if (err)
		return libc_fail(err == -MICA_ENOMEM ? ENOMEM : EINVAL);
	return end_install(cap, flags);
}

int pipe_adopt_stream(struct file *f, mica_cap_t cap)
{
	struct pipe_end *pe;
	mica_cap_t end;

	if (!cap || adopt(cap, &end) != 0)
		return 0;
	if (end_attach(end, &pe) != 0) {
		mica_slot_drop(end);
		return 0;
	}
	f->ops = &pipe_ops;
	f->obj = pe;
	return 1;
}

/* fork: a ticket for each of our ends, moved into the child's slot of
 * the end, so that the child holds the end as the server gives it (a copy
 * derived from ours would go when we close ours). */
int libc_pipe_fork_into(mica_cap_t task)
{
	for (struct pipe_end *pe = ends; pe; pe = pe->next) {
		mica_cap_t t = mica_slot_alloc();
		int err = t ? pipe_end_hand_off(pe->cap, &t) : -MICA_ENOMEM;
		if (!err)
			err = task_cap_map(task, t, pe->cap, MICA_RWX, true);
		mica_slot_drop(t);
		if (err)
			return err;
	}
	return 0;
}

/* In a forked child: each end's slot holds the ticket the parent made
 * (libc_pipe_fork_into), adopted now, and registered with the child's own
 * wait irq (libc_wait_irq_after_fork forgot the parent's). */
void libc_pipe_after_fork(void)
{
	mica_cap_t irq;

	for (struct pipe_end *pe = ends; pe; pe = pe->next) {
		mica_cap_t end;
		if (adopt(pe->cap, &end) == 0) {
			mica_slot_free(pe->cap);   /* emptied: the ticket went */
			pe->cap = end;
		}
	}
	if (!ends || !(irq = libc_wait_irq()))
		return;
	for (struct pipe_end *pe = ends; pe; pe = pe->next) {
		mica_cap_t ring = mica_slot_alloc();
		uint32_t size, end;
		if (ring && pipe_end_attach(pe->cap, irq, &ring, &size, &end) == 0)
			mica_slot_drop(ring);   /* mapped already: the region the parent shared */
		else
			mica_slot_free(ring);
	}
}
