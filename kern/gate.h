/*
 * gate.h - Gate objects: an IPC endpoint bound to a thread, carrying a
 * label the receiver learns with each message.  A gate can watch its
 * clients: when the last capability derived from a watched one is gone,
 * an irq is triggered once (a server frees a dead client's state).
 */
#ifndef KERN_GATE_H
#define KERN_GATE_H

#include <mica/types.h>
#include <stdint.h>

#include "kobj.h"

struct thread;
struct irq;
struct cap;
struct factory;

struct gate {
	struct kobj obj;
	struct thread *thread;            /* NULL once the thread is gone */
	struct list_link thread_link;     /* on its thread's list of gates */
	mica_word_t label;
	struct irq *watch;                /* triggered when the last client cap goes */
	struct list_link watch_link;      /* on the irq's list of watching gates */
	struct thread *pager_of;          /* threads with it as pager (thread.pager_link) */
	struct thread *handler_of;        /* ... as exception handler (thread.handler_link) */
	struct thread *senders;           /* queued to send through it (thread.gate_sender_link) */
};

int gate_create(struct factory *f, struct thread *t, mica_word_t label, struct gate **out);
/* One step of g's destruction, spending *budget: 1 when it is gone. */
int gate_destroy(struct gate *g, long *budget);
/* The gate's thread is going away (its senders are gone). */
void gate_unbind(struct gate *g);
/* The last capability derived from c (a capability to g) is gone: the
 * watch fires at the end of the kernel operation (kobj_reap), never in
 * the middle of one. */
void gate_last_client_gone(struct gate *g, struct cap *c);
/* Fire g's watch now (kobj_reap). */
void gate_notify_watch(struct gate *g);
/* The irq g watches with is going away. */
void gate_unwatch(struct gate *g);

extern const struct gate_ops gate_protocol;

#endif
