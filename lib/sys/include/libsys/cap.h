/*
 * cap.h - what a capability slot of this task holds (Task.cap_info).
 */
#ifndef LIBSYS_CAP_H
#define LIBSYS_CAP_H

#include <stdbool.h>

#include <mica/types.h>

/* Whether `cap` is an irq.  A server that triggers an irq a client gave it
 * checks this first: Irq.trigger through a gate would be a call to
 * whoever serves the gate, which could block the server for good. */
bool mica_cap_is_irq(mica_cap_t cap);

/* Whether the object `cap` named is gone (its owner ended: the slot says
 * no type any more). */
bool mica_cap_gone(mica_cap_t cap);

#endif
