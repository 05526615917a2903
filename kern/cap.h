/*
 * cap.h - capabilities: per-task tables of slots, each holding (object,
 * rights), and the derivation tree that makes revocation recursive.
 *
 * A capability mapped from another is its child; one copied as a sibling
 * (cap_sibling) is a child of the other's parent.  Removing a capability
 * removes every capability derived from it, in every task, first.  Granting
 * moves a capability to another slot (and task) keeping its place in the
 * tree.  Slot 0 is never used.  Tables grow in pages of CAP_PER_LEAF slots,
 * charged to the task's factory.
 */
#ifndef KERN_CAP_H
#define KERN_CAP_H

#include <mica/types.h>
#include <stdint.h>

#include "kobj.h"

#define CAP_SLOTS MICA_CAP_SLOTS
#define CAP_PER_LEAF 64
#define CAP_LEAVES (CAP_SLOTS / CAP_PER_LEAF)

struct task;

struct cap {
	struct kobj *obj;          /* NULL: empty slot */
	struct task *task;         /* the table it is in */
	struct cap *parent, *child, *next, *prev;   /* derivation tree */
	uint32_t slot;
	uint8_t rights;            /* MICA_R | MICA_W | MICA_X */
};

struct cap_table {
	struct cap *leaf[CAP_LEAVES];
	unsigned cleared;   /* a dying task's: the slots below are empty */
};

/* Does the slot number name a slot of a table (empty or not)? */
static inline int cap_slot_valid(uint64_t slot)
{
	return slot != 0 && slot < CAP_SLOTS;
}
/* Is `ancestor` c itself or a capability c was derived from?  (Clearing
 * it clears c.) */
int cap_derived_from(const struct cap *c, const struct cap *ancestor);
/* The capability in a slot, or NULL if the slot is out of range or empty. */
struct cap *cap_lookup(struct task *t, uint64_t slot);
/* Put a new root capability (no parent) for obj into an empty or occupied
 * slot (an occupied slot is cleared first): 0, MICA_EBADCAP, MICA_ENOMEM. */
int cap_install(struct task *t, uint64_t slot, struct kobj *obj, unsigned rights);
/* Map: a child of src in t's slot with rights reduced to `rights`.  The
 * slot's old capability and what was derived from it are revoked first,
 * spending *budget: MICA_EBUSY when it ran out (the revocation goes on
 * where it stopped when called again). */
int cap_map(struct cap *src, struct task *t, uint64_t slot, unsigned rights, long *budget);
/* Copy: as cap_map, but the new capability is src's sibling (a child of
 * src's parent), so removing src leaves it and revoking src's parent
 * removes it; a root's copy is its child (cap.c says why). */
int cap_sibling(struct cap *src, struct task *t, uint64_t slot, unsigned rights, long *budget);
/* Grant: move src to t's slot, rights reduced, keeping its derivations;
 * the slot is cleared as cap_map's.  Capabilities derived from src lose
 * the rights it loses: MICA_E2BIG, and nothing changed, when more than
 * *budget of them would have to be looked at. */
int cap_grant(struct cap *src, struct task *t, uint64_t slot, unsigned rights, long *budget);
/* Empty t's slot in steps of *budget (cap_map's first part): 1 when it
 * is empty, 0 when the budget ran out. */
int cap_clear_steps(struct task *t, uint64_t slot, long *budget);
/* Remove the capabilities derived from c (and c itself unless children_only). */
void cap_revoke(struct cap *c, int children_only);
/* The same in steps of *budget units (a capability removed or moved up):
 * 0 when the budget ran out first (then call again; `last` goes last). */
int cap_revoke_steps(struct cap *c, int children_only, const struct cap *last, long *budget);
/* Clear every slot of a dying task and free its table, in steps of
 * *budget units (a leaf of slots looked at, a capability removed or moved
 * up): 0 when the budget ran out first, to be called again. */
int cap_table_destroy_steps(struct task *t, long *budget);
/* Called when the last capability derived from c is gone (gate watches). */
void cap_last_child_gone(struct cap *c);

#endif
