/*
 * libsys/slot.h - the calling task's free capability slots, thread-safe
 * (an atomic bitmap), reused once freed.
 */
#ifndef LIBSYS_SLOT_H
#define LIBSYS_SLOT_H

#include <mica/types.h>

/* Slots below `first` are never handed out (the start-up code marks the
 * slots its environment uses). */
void mica_slot_init(mica_cap_t first);
/* Mark one slot in use (a capability the environment placed there). */
void mica_slot_take(mica_cap_t slot);
/* A free slot, or MICA_CAP_NULL when the table is full. */
mica_cap_t mica_slot_alloc(void);
/* The first slot from `from` on that is handed out (or marked in use);
 * MICA_CAP_SLOTS when none is. */
mica_cap_t mica_slot_next_in_use(mica_cap_t from);
/* Give a slot back (its capability, if any, is the caller's to drop). */
void mica_slot_free(mica_cap_t slot);
/* Drop the slot's capability (Task.cap_unmap of it in this task) and give
 * the slot back; MICA_CAP_NULL is ignored. */
void mica_slot_drop(mica_cap_t slot);

#endif
