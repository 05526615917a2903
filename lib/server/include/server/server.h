/*
 * server/server.h - the server loop (lib/server, docs/server.md): every
 * Mica server waits, dispatches through the code idlc generates and
 * replies with srv_serve().
 *
 * A server describes itself once (struct srv: the protocol idlc generated,
 * its handler table, its own state, what to do with irq notifications and
 * when to stop) and runs srv_serve() on one thread or several, each with
 * buffers of its own (struct NAME_buffers) and its own gates.  Everything a
 * request brings or leaves behind is in the struct srv_request its handler
 * gets, on the stack of the thread serving it; nothing of a request is
 * global, so loop threads do not share anything but the server's state.
 *
 * The loop, for each message:
 *   - an irq notification goes to srv.irq with the irq's label;
 *   - a request gets a struct srv_request (the gate's label, and as `obj`
 *     the object it names), is dispatched, and the capabilities it brought
 *     that the handler did not keep (srv_keep) are dropped;
 *   - the reply and the wait for the next message are one system call (the
 *     kernel's reply-and-wait fast path), unless the handler made something
 *     for the reply that must go if the reply cannot be delivered
 *     (srv_made) or grants a capability away with it (srv_grant): then the
 *     reply is sent on its own, its failure undoes what was made, and the
 *     wait follows;
 *   - the receive buffers are declared again just before the wait (the
 *     kernel calls above declared their own).
 */
#ifndef SERVER_SERVER_H
#define SERVER_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mica/ipc.h>
#include <mica/types.h>

struct srv;

#define SRV_GRANTS_MAX 4   /* capabilities one reply grants away */

/* One request being served, on the serving thread's stack. */
struct srv_request {
	const struct srv *srv;   /* the server: its state is srv->state */
	mica_word_t label;       /* of the gate the request came through */
	void *obj;               /* what the label names: the label as a pointer */
	/* The thread's receive slots; slots[i] holds a capability of this
	 * request when bit i of `received` is set. */
	mica_cap_t *slots;
	unsigned nslots;
	uint32_t received;
	uint32_t kept;           /* srv_keep: slots the handler took */
	/* srv_made: undone (undo(made)) if the reply cannot be delivered. */
	void (*undo)(void *made);
	void *made;
	/* srv_grant: slots whose capabilities the reply grants away; they
	 * are freed after the reply (with the capabilities, if undelivered). */
	mica_cap_t granted[SRV_GRANTS_MAX];
	unsigned ngranted;
};

/* What srv_serve needs of a protocol: idlc emits one per interface, named
 * NAME_server (NAME_server.h). */
struct srv_protocol {
	const char *name;
	int (*dispatch)(const void *ops, struct srv_request *req, struct mica_utcb *u, mica_word_t tag,
			void *reply_buffers, mica_word_t *reply);
	void (*rx_setup)(struct mica_utcb *u, void *rx);
	unsigned rx_caps;        /* receive slots, in struct NAME_buffers at slots_offset */
	size_t slots_offset;
	size_t reply_offset;     /* of the reply buffers in struct NAME_buffers */
};

/* A server.  Shared by its loop threads, never written by the loop. */
struct srv {
	const struct srv_protocol *protocol;   /* &NAME_server */
	const void *ops;                       /* its handlers: a const struct NAME_ops * */
	void *state;                           /* the server's own, for handlers and callbacks */
	/* An irq bound to the serving thread fired (NULL: ignored). */
	void (*irq)(const struct srv *s, mica_word_t label);
	/* Asked after each message, with its reply waiting in the UTCB (so it
	 * must not make IPC calls): true ends srv_serve once the reply is
	 * sent (NULL: never). */
	bool (*done)(const struct srv *s);
	/* The timeouts of each wait (mica_timeouts(); 0: wait as long as it
	 * takes).  A wait that times out is followed by done as a message is. */
	mica_word_t timeouts;
};

/*
 * Serve on the calling thread with `buffers` (a struct NAME_buffers of
 * s->protocol's NAME, the thread's own) until s->done says so: returns 0
 * then, -MICA_ENOMEM if no slot is left for receiving capabilities.
 * Buffers keep their receive slots between calls.
 */
int srv_serve(const struct srv *s, void *buffers);

/*
 * The handler keeps the capability that arrived in `slot` (a parameter of
 * its request): the loop does not drop it, and the thread receives into a
 * new slot from now on.  -MICA_ENOMEM when no slot is left (the capability
 * then goes with the request), -MICA_EINVAL when `slot` brought nothing.
 */
int srv_keep(struct srv_request *req, mica_cap_t slot);

/* The handler made `made` for its reply (an object whose capability the
 * reply hands out): if the reply cannot be delivered, undo(made). */
void srv_made(struct srv_request *req, void (*undo)(void *made), void *made);

/* The reply grants away the capability in `slot` (the server's own): the
 * slot is freed after the reply, and the capability dropped with it if
 * the reply could not be delivered.  At most SRV_GRANTS_MAX a reply. */
void srv_grant(struct srv_request *req, mica_cap_t slot);

#endif
