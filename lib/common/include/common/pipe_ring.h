/*
 * common/pipe_ring.h - the copies in and out of a pipe's ring
 * (include/mica/pipe.h, docs/pipes.md), one piece of code for every side
 * that moves data through one: the C library's pipe descriptors and
 * directory listings (lib/libc/pipe.c), and the file server writing a
 * listing (srv/ext2fs/listing.c).
 *
 * Each call takes its side's lock, checks what it reads of the header
 * (every holder can write all of it), copies, moves head or tail, unlocks,
 * and never waits: it says what it could not do (a lock taken, no data,
 * no room) and the caller decides whether to wait (libc), or to arm a
 * wake-up and go on serving (a server).  What it changed may concern the
 * other side's waiters: *wake says which sides to wake (PipeEnd.wake),
 * their flags already taken down.
 */
#ifndef COMMON_PIPE_RING_H
#define COMMON_PIPE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mica/pipe.h>

/* A ring mapped by this program. */
struct pipe_ring {
	struct mica_pipe_header *hdr;
	uint8_t *data;               /* MICA_PIPE_CAPACITY bytes after the header */
};

/* What a read or write could not do (a count of bytes otherwise). */
#define PIPE_RING_EMPTY (-1)    /* read: no data, and a writer may still write */
#define PIPE_RING_FULL (-1)     /* write: no room for `need` bytes */
#define PIPE_RING_LOCKED (-2)   /* another of the side holds its lock */
#define PIPE_RING_BAD (-3)      /* the header is wrong (head - tail above the capacity): EIO */
#define PIPE_RING_CLOSED (-4)   /* write: every reader has gone (EPIPE) */

/* The copies and their checks are inline: a pipe's path length is mostly
 * them (mica-bench-pipe's figures), and a call apiece would show there.
 * A change to the ring's rules is made here, once, for every user.  The
 * other side's waiters are looked at after a change with a full barrier
 * between, which pairs with the one a waiter puts between setting its
 * flag and its last look (pipe_ring_arm): either the waiter sees the
 * change or the changer sees the flag. */

#define PIPE_RING_LOAD_(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define PIPE_RING_STORE_(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define PIPE_RING_FENCE_() __atomic_thread_fence(__ATOMIC_SEQ_CST)

static inline bool pipe_ring_try_lock_(uint32_t *lock)
{
	uint32_t free_ = 0;

	return __atomic_compare_exchange_n(lock, &free_, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* `sides` if `flag` says one of them waits (and the flag taken down), else 0. */
static inline uint32_t pipe_ring_claim_(uint32_t *flag, uint32_t sides)
{
	return PIPE_RING_LOAD_(flag) && __atomic_exchange_n(flag, 0, __ATOMIC_SEQ_CST) ? sides : 0;
}

/* Unlock; after a copy, also whoever waits for what it changed. */
static inline uint32_t pipe_ring_unlock_(uint32_t *lock, uint32_t *lock_waiting, uint32_t side,
					 uint32_t *other_waiting, uint32_t other)
{
	PIPE_RING_STORE_(lock, 0);
	PIPE_RING_FENCE_();   /* the copy and the unlock before the flags' reads */
	return pipe_ring_claim_(lock_waiting, side) | (other_waiting ? pipe_ring_claim_(other_waiting, other) : 0);
}

/* The copy in or out: eight bytes a step (the path length of a pipe is
 * mostly its copies), then the rest. */
static inline void pipe_ring_copy_(void *dst, const void *src, size_t n)
{
	size_t words = n / 8, bytes = n % 8;

	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(bytes) : : "memory");
}

/* n bytes at ring position pos, wrapping at the capacity. */
static inline void pipe_ring_copy_out_(const struct pipe_ring *r, uint64_t pos, void *buf, size_t n)
{
	size_t at = pos % MICA_PIPE_CAPACITY, first = MICA_PIPE_CAPACITY - at < n ? MICA_PIPE_CAPACITY - at : n;

	pipe_ring_copy_(buf, r->data + at, first);
	pipe_ring_copy_((uint8_t *)buf + first, r->data, n - first);
}

static inline void pipe_ring_copy_in_(struct pipe_ring *r, uint64_t pos, const void *buf, size_t n)
{
	size_t at = pos % MICA_PIPE_CAPACITY, first = MICA_PIPE_CAPACITY - at < n ? MICA_PIPE_CAPACITY - at : n;

	pipe_ring_copy_(r->data + at, buf, first);
	pipe_ring_copy_(r->data, (const uint8_t *)buf + first, n - first);
}

/* Copy at most len bytes out: the count (0: no data and every writer
 * gone, the end), or PIPE_RING_EMPTY, _LOCKED, _BAD. */
static inline long pipe_ring_read(struct pipe_ring *r, void *buf, size_t len, uint32_t *wake)
{
	struct mica_pipe_header *h = r->hdr;

	*wake = 0;
	if (!pipe_ring_try_lock_(&h->read_lock))
		return PIPE_RING_LOCKED;
	uint32_t ended = PIPE_RING_LOAD_(&h->closed) & MICA_PIPE_WRITERS;   /* before head: data before the end counts */
	uint64_t tail = h->tail, avail = PIPE_RING_LOAD_(&h->head) - tail;
	long n;
	if (avail > MICA_PIPE_CAPACITY) {
		n = PIPE_RING_BAD;
	} else if (avail && len) {
		n = (long)(len < avail ? len : avail);
		pipe_ring_copy_out_(r, tail, buf, (size_t)n);
		PIPE_RING_STORE_(&h->tail, tail + (uint64_t)n);
		*wake = pipe_ring_unlock_(&h->read_lock, &h->read_lock_waiting, MICA_PIPE_READERS,
					  &h->writers_waiting, MICA_PIPE_WRITERS);
		return n;
	} else {
		n = avail || !ended ? PIPE_RING_EMPTY : 0;
	}
	*wake = pipe_ring_unlock_(&h->read_lock, &h->read_lock_waiting, MICA_PIPE_READERS, 0, 0);
	return n;
}

/* Copy in as many of len bytes as there is room for, if there is room
 * for `need` (at most len) of them: the count, or PIPE_RING_FULL,
 * _LOCKED, _BAD, _CLOSED. */
static inline long pipe_ring_write(struct pipe_ring *r, const void *buf, size_t len, size_t need, uint32_t *wake)
{
	struct mica_pipe_header *h = r->hdr;

	*wake = 0;
	if (PIPE_RING_LOAD_(&h->closed) & MICA_PIPE_READERS)
		return PIPE_RING_CLOSED;
	if (!pipe_ring_try_lock_(&h->write_lock))
		return PIPE_RING_LOCKED;
	uint64_t head = h->head, used = head - PIPE_RING_LOAD_(&h->tail);
	long n;
	if (used > MICA_PIPE_CAPACITY) {
		n = PIPE_RING_BAD;
	} else if (MICA_PIPE_CAPACITY - used >= need) {
		size_t room = MICA_PIPE_CAPACITY - (size_t)used;
		n = (long)(len < room ? len : room);
		pipe_ring_copy_in_(r, head, buf, (size_t)n);
		PIPE_RING_STORE_(&h->head, head + (uint64_t)n);
		*wake = pipe_ring_unlock_(&h->write_lock, &h->write_lock_waiting, MICA_PIPE_WRITERS,
					  &h->readers_waiting, MICA_PIPE_READERS);
		return n;
	} else {
		n = PIPE_RING_FULL;
	}
	*wake = pipe_ring_unlock_(&h->write_lock, &h->write_lock_waiting, MICA_PIPE_WRITERS, 0, 0);
	return n;
}

/* Bytes a write could put in now (PIPE_RING_BAD for a wrong header). */
static inline long pipe_ring_room(const struct pipe_ring *r)
{
	uint64_t used = PIPE_RING_LOAD_(&r->hdr->head) - PIPE_RING_LOAD_(&r->hdr->tail);

	return used > MICA_PIPE_CAPACITY ? PIPE_RING_BAD : (long)(MICA_PIPE_CAPACITY - used);
}

/* Whether a reader would find data or the end. */
static inline int pipe_ring_readable(const struct pipe_ring *r)
{
	return PIPE_RING_LOAD_(&r->hdr->head) != PIPE_RING_LOAD_(&r->hdr->tail) ||
	       (PIPE_RING_LOAD_(&r->hdr->closed) & MICA_PIPE_WRITERS);
}

/* Whether a writer of `need` bytes would find room, the end, or a wrong
 * header (which it then reports). */
static inline int pipe_ring_writable(const struct pipe_ring *r, size_t need)
{
	long room = pipe_ring_room(r);

	return room < 0 || (size_t)room >= need || (PIPE_RING_LOAD_(&r->hdr->closed) & MICA_PIPE_READERS);
}

/* Ask for a wake-up: set `flag` (a side's waiting flag), with a full
 * barrier after it, so that whoever changes the ring after the caller's
 * next look sees it. */
static inline void pipe_ring_arm(uint32_t *flag)
{
	__atomic_store_n(flag, 1, __ATOMIC_SEQ_CST);   /* a full barrier on its own */
}

#endif
