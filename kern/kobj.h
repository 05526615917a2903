/*
 * kobj.h - what every kernel object shares: its type, how many
 * capabilities name it, its origin capability and the factory quota it is
 * charged to.
 *
 * An object lives while capabilities name it.  Every capability to it
 * descends from one origin capability (the one its factory made), so
 * revoking the origin removes them all: that is how an object is destroyed
 * on purpose.  When the last capability goes the object is queued, and
 * kobj_reap() destroys queued objects one at a time at the end of the
 * operation that dropped them, so tearing down a task that held the last
 * capability to another task never recurses.
 */
#ifndef KERN_KOBJ_H
#define KERN_KOBJ_H

#include <mica/object.h>
#include <stdint.h>

#include "list.h"

enum kobj_type {
	KOBJ_NONE = MICA_KOBJ_NONE,
	KOBJ_TASK = MICA_KOBJ_TASK,
	KOBJ_THREAD = MICA_KOBJ_THREAD,
	KOBJ_GATE = MICA_KOBJ_GATE,
	KOBJ_IRQ = MICA_KOBJ_IRQ,
	KOBJ_FACTORY = MICA_KOBJ_FACTORY,
	KOBJ_ICU = MICA_KOBJ_ICU,
	KOBJ_LOG = MICA_KOBJ_LOG,
	KOBJ_TYPES
};

struct factory;
struct cap;

struct kobj {
	uint8_t type;
	uint8_t dying;           /* last capability gone: queued or being destroyed */
	uint8_t permanent;       /* boot singletons (root factory, Icu, Log): never destroyed */
	uint8_t queued;          /* on the reap queue (dying, or a notification due) */
	uint8_t notify;          /* a gate whose last client went: fire its watch when reaped */
	uint32_t caps;           /* capabilities naming this object */
	struct cap *origin;      /* the root of its capabilities' derivation tree */
	struct factory *quota;   /* charged to; NULL for boot singletons */
	struct kobj *reap_next;
	struct list_link sib;    /* on its factory's list of objects */
	uint32_t check_count;    /* the invariant checker's capability count */
};

extern const char *const kobj_type_names[KOBJ_TYPES];

/* A capability to obj was created / removed. */
void kobj_cap_added(struct kobj *obj);
void kobj_cap_removed(struct kobj *obj);
/* Run obj's last-client notification (a gate's watch) at the end of the
 * kernel operation, with the destructions. */
void kobj_notify_later(struct kobj *obj);
/* Remove every capability to obj, so that it dies (MICA_EPERM for the
 * permanent boot objects). */
int kobj_kill(struct kobj *obj);
/* Fire the notifications due and destroy every object whose last
 * capability went; called at the end of each kernel operation (inline:
 * nearly always there is nothing to do). */
extern struct kobj *kobj_reap_head;
void kobj_reap_queued(void);
static inline void kobj_reap(void)
{
	if (kobj_reap_head)
		kobj_reap_queued();
}

#endif
