/*
 * pipe_ring.c - copies in and out of a pipe's ring (see pipe_ring.h).
 *
 * A writer copies in and moves head under the writers' lock, a reader
 * copies out and moves tail under the readers' lock (a compare-and-swap
 * each).  After a change the side looks at the flags of whoever waits for
 * it (the other side for data or room, its own for the lock); a full
 * barrier between the change and the look pairs with the one a waiter
 * puts between setting its flag and its last look (pipe_ring_arm), so
 * either the waiter sees the change or the changer sees the flag.
 */
#include <stdbool.h>

#include <common/pipe_ring.h>

#define LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define FENCE() __atomic_thread_fence(__ATOMIC_SEQ_CST)

static bool try_lock(uint32_t *lock)
{
	uint32_t free_ = 0;

	return __atomic_compare_exchange_n(lock, &free_, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* `sides` if `flag` says one of them waits (and the flag taken down), else 0. */
static uint32_t claim(uint32_t *flag, uint32_t sides)
{
	return LOAD(flag) && __atomic_exchange_n(flag, 0, __ATOMIC_SEQ_CST) ? sides : 0;
}

/* Unlock; after a copy, also whoever waits for what it changed. */
static uint32_t unlock(uint32_t *lock, uint32_t *lock_waiting, uint32_t side, uint32_t *other_waiting,
		       uint32_t other)
{
	STORE(lock, 0);
	FENCE();   /* the copy and the unlock before the flags' reads */
	return claim(lock_waiting, side) | (other_waiting ? claim(other_waiting, other) : 0);
}

/* The copy in or out: eight bytes a step (the path length of a pipe is
 * mostly its copies), then the rest. */
static void copy(void *dst, const void *src, size_t n)
{
	size_t words = n / 8, bytes = n % 8;

	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(bytes) : : "memory");
}

/* n bytes at ring position pos, wrapping at the capacity. */
static void copy_out(const struct pipe_ring *r, uint64_t pos, void *buf, size_t n)
{
	size_t at = pos % MICA_PIPE_CAPACITY, first = MICA_PIPE_CAPACITY - at < n ? MICA_PIPE_CAPACITY - at : n;

	copy(buf, r->data + at, first);
	copy((uint8_t *)buf + first, r->data, n - first);
}

static void copy_in(struct pipe_ring *r, uint64_t pos, const void *buf, size_t n)
{
	size_t at = pos % MICA_PIPE_CAPACITY, first = MICA_PIPE_CAPACITY - at < n ? MICA_PIPE_CAPACITY - at : n;

	copy(r->data + at, buf, first);
	copy(r->data, (const uint8_t *)buf + first, n - first);
}

long pipe_ring_read(struct pipe_ring *r, void *buf, size_t len, uint32_t *wake)
{
	struct mica_pipe_header *h = r->hdr;

	*wake = 0;
	if (!try_lock(&h->read_lock))
		return PIPE_RING_LOCKED;
	uint32_t ended = LOAD(&h->closed) & MICA_PIPE_WRITERS;   /* before head: data before the end counts */
	uint64_t tail = h->tail, avail = LOAD(&h->head) - tail;
	long n;
	if (avail > MICA_PIPE_CAPACITY) {
		n = PIPE_RING_BAD;
	} else if (avail && len) {
		n = (long)(len < avail ? len : avail);
		copy_out(r, tail, buf, (size_t)n);
		STORE(&h->tail, tail + (uint64_t)n);
		*wake = unlock(&h->read_lock, &h->read_lock_waiting, MICA_PIPE_READERS, &h->writers_waiting,
			       MICA_PIPE_WRITERS);
		return n;
	} else {
		n = avail || !ended ? PIPE_RING_EMPTY : 0;
	}
	*wake = unlock(&h->read_lock, &h->read_lock_waiting, MICA_PIPE_READERS, 0, 0);
	return n;
}

long pipe_ring_write(struct pipe_ring *r, const void *buf, size_t len, size_t need, uint32_t *wake)
{
	struct mica_pipe_header *h = r->hdr;

	*wake = 0;
	if (LOAD(&h->closed) & MICA_PIPE_READERS)
		return PIPE_RING_CLOSED;
	if (!try_lock(&h->write_lock))
		return PIPE_RING_LOCKED;
	uint64_t head = h->head, used = head - LOAD(&h->tail);
	long n;
	if (used > MICA_PIPE_CAPACITY) {
		n = PIPE_RING_BAD;
	} else if (MICA_PIPE_CAPACITY - used >= need) {
		size_t room = MICA_PIPE_CAPACITY - (size_t)used;
		n = (long)(len < room ? len : room);
		copy_in(r, head, buf, (size_t)n);
		STORE(&h->head, head + (uint64_t)n);
		*wake = unlock(&h->write_lock, &h->write_lock_waiting, MICA_PIPE_WRITERS, &h->readers_waiting,
			       MICA_PIPE_READERS);
		return n;
	} else {
		n = PIPE_RING_FULL;
	}
	*wake = unlock(&h->write_lock, &h->write_lock_waiting, MICA_PIPE_WRITERS, 0, 0);
	return n;
}

long pipe_ring_room(const struct pipe_ring *r)
{
	uint64_t used = LOAD(&r->hdr->head) - LOAD(&r->hdr->tail);

	return used > MICA_PIPE_CAPACITY ? PIPE_RING_BAD : (long)(MICA_PIPE_CAPACITY - used);
}

int pipe_ring_readable(const struct pipe_ring *r)
{
	return LOAD(&r->hdr->head) != LOAD(&r->hdr->tail) || (LOAD(&r->hdr->closed) & MICA_PIPE_WRITERS);
}

int pipe_ring_writable(const struct pipe_ring *r, size_t need)
{
	long room = pipe_ring_room(r);

	return room < 0 || (size_t)room >= need || (LOAD(&r->hdr->closed) & MICA_PIPE_READERS);
}

void pipe_ring_arm(uint32_t *flag)
{
	__atomic_store_n(flag, 1, __ATOMIC_SEQ_CST);   /* a full barrier on its own */
}
