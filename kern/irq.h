/*
 * irq.h - Irq objects: notifications.  An irq is bound to a thread and
 * delivered to its open wait as an empty message with the irq's label and
 * MICA_TAG_F_IRQ; triggering an irq that is already pending does nothing
 * more.  An irq connected to a hardware line (through the Icu) keeps the
 * line masked from its delivery until it is unmasked.
 */
#ifndef KERN_IRQ_H
#define KERN_IRQ_H

#include <mica/types.h>
#include <stdint.h>

#include "kobj.h"

struct thread;
struct gate;
struct factory;

#define IRQ_NO_LINE 0xffffffffu

struct irq {
	struct kobj obj;
	mica_word_t label;
	struct thread *thread;            /* bound receiver, or NULL */
	struct list_link thread_link;     /* on its thread's list of irqs */
	uint8_t pending;                  /* on thread->irq_pending */
	struct irq *pending_next;
	uint32_t line;                    /* hardware line, or IRQ_NO_LINE */
	struct gate *watching;            /* gates that notify through this irq */
};

int irq_create(struct factory *f, mica_word_t label, struct irq **out);
/* One step of q's destruction, spending *budget: 1 when it is gone. */
int irq_destroy(struct irq *q, long *budget);
/* Deliver (or keep pending) one notification. */
void irq_fire(struct irq *q);
/* The bound thread is going away. */
void irq_unbind(struct irq *q);
/* Gate watching (gate.c). */
void irq_add_gate(struct irq *q, struct gate *g);
void irq_forget_gate(struct irq *q, struct gate *g);
/* A hardware line fired (interrupt context): deliver through its irq. */
void irq_line_fired(unsigned line);
/* Could q be connected to the line: 0, MICA_EINVAL (no such line) or
 * MICA_EBUSY (the line or q is connected already). */
int irq_line_check(const struct irq *q, unsigned line);
/* The Icu: connect / disconnect a line. */
int irq_connect_line(struct irq *q, unsigned line);
void irq_disconnect_line(unsigned line);

extern const struct irq_ops irq_protocol;

#endif
