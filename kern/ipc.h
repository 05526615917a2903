/*
 * ipc.h - synchronous IPC between threads (docs/ipc.md): send, open
 * receive, call (send, then wait for the reply through the one-shot
 * implicit reply capability), reply, and reply-and-wait, with per-phase
 * timeouts; the transfer of words, capability items and string items; and
 * cancellation when a partner goes away or is ex_regs-ed.
 */
#ifndef KERN_IPC_H
#define KERN_IPC_H

#include <mica/types.h>
#include <stdint.h>

#include "ipc_result.h"

struct thread;
struct gate;
struct irq;

/* The IPC system call's fast path: the null call, and call and
 * reply-and-wait with words only when the partner waits (docs/ipc.md).
 * Returns the running thread's results (its own `ipc`, where the partner
 * that ended its wait left them: nothing copied in between), or 0 when
 * the general path must take it. */
const struct ipc_result *ipc_fast(uint64_t op, mica_word_t tag, mica_word_t timeouts);
/* The IPC system call of the running thread (include/mica/syscall.h). */
void ipc_syscall(uint64_t op, mica_word_t tag, mica_word_t timeouts, struct ipc_result *r);
/* A call through g made by the kernel on self's behalf (page faults and
 * exceptions): the message is in self's UTCB. */
void ipc_call_for(struct thread *self, struct gate *g, mica_word_t tag, struct ipc_result *r);
/* Take t out of the IPC it waits in; it returns err from its system call. */
void ipc_cancel(struct thread *t, int err);
/* t goes away (it is THREAD_DEAD: sent nothing more): whoever waits on it
 * (senders, its caller) gets MICA_EGONE, one sender a unit of *budget;
 * 1 when none is left (preempt.h). */
int ipc_thread_gone_steps(struct thread *t, long *budget);
/* g goes away (no capability or binding sends through it any more):
 * threads sending through it get MICA_EGONE, as above. */
int ipc_gate_gone_steps(struct gate *g, long *budget);
/* Deliver q to t now if t waits open; 1 if delivered. */
int ipc_deliver_irq(struct thread *t, struct irq *q);
/* Timer tick: wake the waits whose timeouts expired. */
void ipc_tick(uint64_t now_us);
/* t got its first hold (held), or lost its last: a held thread's wait is
 * timed, with IPC_DEADLINE_HELD when it has no timeout of its own, so
 * that only the general path, which parks it, ends it (hold.c). */
void ipc_hold(struct thread *t, int held);
#define IPC_DEADLINE_HELD UINT64_MAX   /* never reached */

#endif
