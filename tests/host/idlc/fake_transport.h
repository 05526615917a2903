/*
 * fake_transport.h - libsys/ipc.h's transport for host tests: two tasks (a
 * client and a server) in one process, each with a UTCB and a capability
 * table, and a kernel copy between them that follows mica/ipc.h (words,
 * capability items into declared slots, strings into declared buffers,
 * flexpages passed through).  A call runs the bound server function on the
 * server's UTCB and copies its reply back.
 */
#ifndef TESTS_HOST_IDLC_FAKE_TRANSPORT_H
#define TESTS_HOST_IDLC_FAKE_TRANSPORT_H

#include <libsys/ipc.h>

#define FAKE_SLOTS 64

enum fake_side { FAKE_CLIENT, FAKE_SERVER };

/* The server "waits": declare its buffers (before each message), then serve
 * one message; returns 1 when it replies (a generated NAME_dispatch). */
typedef void fake_prepare_fn(void *ctx, struct mica_utcb *u);
typedef int fake_serve_fn(void *ctx, struct mica_utcb *u, mica_word_t tag, mica_word_t *reply);

/* Empty both capability tables and UTCBs and forget every gate. */
void fake_reset(void);
/* The object (a nonzero number) in a slot of one side's table, or 0. */
void fake_set_cap(enum fake_side side, mica_cap_t slot, uint64_t obj);
uint64_t fake_cap(enum fake_side side, mica_cap_t slot);
/* Object obj becomes a gate served by the server task. */
void fake_bind(uint64_t obj, fake_prepare_fn *prepare, fake_serve_fn *serve, void *ctx);
struct mica_utcb *fake_utcb(enum fake_side side);

#endif
