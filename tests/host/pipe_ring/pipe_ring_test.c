/*
 * pipe_ring_test.c - host unit tests of common/pipe_ring.h: data through
 * the ring and across its wrap, what a read or write says when it cannot
 * go on (empty, the end, full, a lock taken, no reader), the wake-ups it
 * asks for, and a header scribbled on (head - tail above the capacity),
 * which every call refuses without copying.
 */
#include <common/pipe_ring.h>
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static struct mica_pipe_header hdr;
static uint8_t data[MICA_PIPE_CAPACITY];
static struct pipe_ring ring = { &hdr, data };

static void fresh(uint64_t at)
{
	memset(&hdr, 0, sizeof hdr);
	memset(data, 0, sizeof data);
	hdr.head = hdr.tail = at;
}

static void data_crosses_the_wrap_intact(void)
{
	static uint8_t in[10000], out[10000];
	uint32_t wake;

	for (unsigned i = 0; i < sizeof in; i++)
		in[i] = (uint8_t)(i * 7 + 1);
	fresh(MICA_PIPE_CAPACITY - 3000);   /* the write wraps after 3000 bytes */
	CHECK_EQ(pipe_ring_write(&ring, in, sizeof in, sizeof in, &wake), sizeof in);
	CHECK_EQ(wake, 0);
	CHECK_EQ(pipe_ring_room(&ring), MICA_PIPE_CAPACITY - sizeof in);
	CHECK(pipe_ring_readable(&ring));
	CHECK_EQ(pipe_ring_read(&ring, out, 4000, &wake), 4000);
	CHECK_EQ(pipe_ring_read(&ring, out + 4000, sizeof out, &wake), sizeof out - 4000);
	CHECK(!memcmp(in, out, sizeof in));
	CHECK_EQ(hdr.read_lock, 0);
	CHECK_EQ(hdr.write_lock, 0);
}

static void empty_full_and_the_ends_are_told(void)
{
	static uint8_t buf[MICA_PIPE_CAPACITY + 10];
	uint32_t wake;

	fresh(0);
	CHECK_EQ(pipe_ring_read(&ring, buf, 10, &wake), PIPE_RING_EMPTY);
	CHECK(!pipe_ring_readable(&ring));
	CHECK_EQ(pipe_ring_write(&ring, buf, sizeof buf, 1, &wake), MICA_PIPE_CAPACITY);   /* as much as fits */
	CHECK_EQ(pipe_ring_write(&ring, buf, 1, 1, &wake), PIPE_RING_FULL);
	CHECK(!pipe_ring_writable(&ring, 1));
	CHECK_EQ(pipe_ring_read(&ring, buf, 100, &wake), 100);
	CHECK_EQ(pipe_ring_write(&ring, buf, 101, 101, &wake), PIPE_RING_FULL);   /* whole or not at all */
	CHECK_EQ(pipe_ring_write(&ring, buf, 100, 100, &wake), 100);
	hdr.closed = MICA_PIPE_READERS;
	CHECK_EQ(pipe_ring_write(&ring, buf, 1, 1, &wake), PIPE_RING_CLOSED);
	CHECK(pipe_ring_writable(&ring, 1));   /* a writer waits no more */
	hdr.closed = MICA_PIPE_WRITERS;
	CHECK_EQ(pipe_ring_read(&ring, buf, sizeof buf, &wake), MICA_PIPE_CAPACITY);   /* data before the end */
	CHECK_EQ(pipe_ring_read(&ring, buf, 1, &wake), 0);
}

static void waiters_are_woken_once(void)
{
	uint8_t b[8] = { 0 };
	uint32_t wake;

	fresh(0);
	hdr.readers_waiting = 1;
	hdr.write_lock_waiting = 1;
	CHECK_EQ(pipe_ring_write(&ring, b, 8, 8, &wake), 8);
	CHECK_EQ(wake, MICA_PIPE_READERS | MICA_PIPE_WRITERS);
	CHECK_EQ(hdr.readers_waiting, 0);
	CHECK_EQ(hdr.write_lock_waiting, 0);
	hdr.writers_waiting = 1;
	CHECK_EQ(pipe_ring_read(&ring, b, 4, &wake), 4);
	CHECK_EQ(wake, MICA_PIPE_WRITERS);
	CHECK_EQ(pipe_ring_read(&ring, b, 4, &wake), 4);
	CHECK_EQ(wake, 0);   /* the flag was taken down */
	hdr.writers_waiting = 1;
	CHECK_EQ(pipe_ring_read(&ring, b, 4, &wake), PIPE_RING_EMPTY);
	CHECK_EQ(wake, 0);   /* nothing read: no room made */
	pipe_ring_arm(&hdr.readers_waiting);
	CHECK_EQ(hdr.readers_waiting, 1);
}

static void a_taken_lock_is_told(void)
{
	uint8_t b[8] = { 0 };
	uint32_t wake;

	fresh(0);
	hdr.write_lock = 1;
	CHECK_EQ(pipe_ring_write(&ring, b, 8, 8, &wake), PIPE_RING_LOCKED);
	CHECK_EQ(hdr.head, 0);
	hdr.write_lock = 0;
	CHECK_EQ(pipe_ring_write(&ring, b, 8, 8, &wake), 8);
	hdr.read_lock = 1;
	CHECK_EQ(pipe_ring_read(&ring, b, 8, &wake), PIPE_RING_LOCKED);
	CHECK_EQ(hdr.tail, 0);
}

/* Any holder can write the header: a head far past the tail (or behind
 * it) is refused by every call, nothing copied, the lock given back. */
static void a_scribbled_header_is_refused(void)
{
	uint8_t b[8] = { 0 };
	uint32_t wake;

	for (int how = 0; how < 2; how++) {
		fresh(1000);
		if (how)
			hdr.head = 10;   /* behind the tail: a huge count */
		else
			hdr.head = hdr.tail + MICA_PIPE_CAPACITY + 1;
		uint64_t head = hdr.head;
		CHECK_EQ(pipe_ring_room(&ring), PIPE_RING_BAD);
		CHECK(pipe_ring_writable(&ring, 1));   /* a writer looks, and is told */
		CHECK_EQ(pipe_ring_read(&ring, b, 8, &wake), PIPE_RING_BAD);
		CHECK_EQ(pipe_ring_write(&ring, b, 8, 8, &wake), PIPE_RING_BAD);
		CHECK(hdr.head == head && hdr.tail == 1000 && !hdr.read_lock && !hdr.write_lock);
	}
}

static const struct tap_case cases[] = {
	TAP_CASE(data_crosses_the_wrap_intact),
	TAP_CASE(empty_full_and_the_ends_are_told),
	TAP_CASE(waiters_are_woken_once),
	TAP_CASE(a_taken_lock_is_told),
	TAP_CASE(a_scribbled_header_is_refused),
};

int main(void)
{
	return tap_run(cases, TAP_COUNT(cases));
}
