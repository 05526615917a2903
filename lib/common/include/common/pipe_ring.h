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

/* Copy at most len bytes out: the count (0: no data and every writer
 * gone, the end), or PIPE_RING_EMPTY, _LOCKED, _BAD. */
long pipe_ring_read(struct pipe_ring *r, void *buf, size_t len, uint32_t *wake);

/* Copy in as many of len bytes as there is room for, if there is room
 * for `need` (at most len) of them: the count, or PIPE_RING_FULL,
 * _LOCKED, _BAD, _CLOSED. */
long pipe_ring_write(struct pipe_ring *r, const void *buf, size_t len, size_t need, uint32_t *wake);

/* Bytes a write could put in now (PIPE_RING_BAD for a wrong header). */
long pipe_ring_room(const struct pipe_ring *r);

/* Whether a reader would find data or the end. */
int pipe_ring_readable(const struct pipe_ring *r);

/* Whether a writer of `need` bytes would find room, the end, or a wrong
 * header (which it then reports). */
int pipe_ring_writable(const struct pipe_ring *r, size_t need);

/* Ask for a wake-up: set `flag` (a side's waiting flag), with a full
 * barrier after it, so that whoever changes the ring after the caller's
 * next look sees it. */
void pipe_ring_arm(uint32_t *flag);

#endif
