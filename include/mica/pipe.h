/*
 * mica/pipe.h - what the pipe server (idl/rt/pipe.idl, srv/pipe) and its
 * clients (lib/libc/pipe.c) agree on beside the IDL: the layout of a
 * pipe's ring, the dataspace every holder of either end maps
 * (docs/pipes.md).
 *
 * The ring is a header page and MICA_PIPE_CAPACITY bytes of data.  `head`
 * counts the bytes ever written, `tail` those ever read; the data of byte
 * i is at data[i % MICA_PIPE_CAPACITY].  Writers move head under the
 * writers' lock, readers move tail under the readers' lock.  `closed` is
 * the server's alone to set.  Every holder can write the whole header, so
 * each side checks what it reads (head - tail never above the capacity)
 * and a pipe whose header is wrong answers EIO.
 */
#ifndef MICA_PIPE_H
#define MICA_PIPE_H

#include <stdint.h>

#define MICA_PIPE_CAPACITY (64u * 1024)   /* bytes of data */
#define MICA_PIPE_BUF 4096u               /* writes up to this size are never torn */
#define MICA_PIPE_HEADER 4096u            /* the header page before the data */
#define MICA_PIPE_WAITERS_MAX 1024u       /* irqs attached, every end of every pipe together */
#define MICA_PIPE_RING_SIZE (MICA_PIPE_HEADER + MICA_PIPE_CAPACITY)

/* PipeEnd.attach's `end`. */
#define MICA_PIPE_READ_END 0u
#define MICA_PIPE_WRITE_END 1u

/* `closed` bits and PipeEnd.wake's `sides`. */
#define MICA_PIPE_READERS 1u   /* closed: every read end is gone; wake: the readers */
#define MICA_PIPE_WRITERS 2u   /* closed: every write end is gone; wake: the writers */

struct mica_pipe_header {
	uint64_t head;               /* bytes written, ever */
	uint64_t tail;               /* bytes read, ever */
	uint32_t write_lock;         /* 1 while a writer copies in */
	uint32_t read_lock;          /* 1 while a reader copies out */
	uint32_t readers_waiting;    /* a reader waits for data: wake the readers after writing */
	uint32_t writers_waiting;    /* a writer waits for room: wake the writers after reading */
	uint32_t read_lock_waiting;  /* a reader waits for the lock: wake the readers at unlock */
	uint32_t write_lock_waiting; /* a writer waits for the lock: wake the writers at unlock */
	uint32_t closed;             /* MICA_PIPE_READERS | MICA_PIPE_WRITERS: set by the server */
};

#endif
