/*
 * cap.c - capability tables and the derivation tree (see cap.h).
 *
 * Revocation walks the tree iteratively (deepest first), so an adversary's
 * chain of a thousand derivations costs time, not kernel stack.  Objects
 * that lose their last capability are destroyed later by kobj_reap().
 */
#include "cap.h"

#include "arch.h"
#include "factory.h"
#include "gate.h"
#include <common/string.h>
#include "panic.h"
#include "preempt.h"
#include "task.h"

#include <mica/error.h>

static struct cap *slot_ptr(struct task *t, uint64_t slot, int create, int *err)
{
	if (!cap_slot_valid(slot)) {
		*err = MICA_EBADCAP;
		return 0;
	}
	struct cap **leaf = &t->caps.leaf[slot / CAP_PER_LEAF];
	if (!*leaf) {
		uint64_t pa;
		if (!create) {
			*err = MICA_EBADCAP;
			return 0;
		}
		*err = factory_alloc_pages(t->obj.quota, 1, &pa);
		if (*err)
			return 0;
		*leaf = arch_phys_to_virt(pa);
	}
	return &(*leaf)[slot % CAP_PER_LEAF];
}

struct cap *cap_lookup(struct task *t, uint64_t slot)
{
	int err;
	struct cap *c = slot_ptr(t, slot, 0, &err);

	return c && c->obj ? c : 0;
}

int cap_derived_from(const struct cap *c, const struct cap *ancestor)
{
	for (; c; c = c->parent)
		if (c == ancestor)
			return 1;
	return 0;
}

static void link_child(struct cap *parent, struct cap *c)
{
	c->parent = parent;
	c->prev = 0;
	c->next = parent->child;
	if (parent->child)
		parent->child->prev = c;
	parent->child = c;
}

static void unlink(struct cap *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else if (c->parent)
		c->parent->child = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->next = c->prev = 0;
}

/* Remove a capability that has no children. */
static void remove_leaf(struct cap *c)
{
	struct cap *parent = c->parent;
	struct kobj *obj = c->obj;

	KASSERT(!c->child);
	unlink(c);
	c->obj = 0;
	c->parent = 0;
	if (obj->origin == c)
		obj->origin = 0;
	kobj_cap_removed(obj);
	if (parent && !parent->child)
		cap_last_child_gone(parent);
}

/* Top down, so that each step is one unit of work and no walk is saved
 * between kernel entries: root's first child either hands its own first
 * child up to root (still within root's rights: a derivation only ever
 * reduces) or, a leaf, goes.  Every capability moves up at most once, so
 * the whole revocation is linear.  `last` (the capability the revoker
 * used, if in the tree) stays until the others are gone, so that a
 * restarted invocation still finds it. */
int cap_revoke_steps(struct cap *root, int children_only, const struct cap *last, long *budget)
{
	struct cap *k;

	while ((k = root->child) != 0) {
		if (k == last && !k->child && k->next)
			k = k->next;
		if (preempt_spend(budget))
			return 0;
		if (k->child) {
			struct cap *g = k->child;
			unlink(g);
			link_child(root, g);
		} else {
			remove_leaf(k);
		}
	}
	if (!children_only) {
		if (preempt_spend(budget))
			return 0;
		remove_leaf(root);
	}
	return 1;
}

void cap_revoke(struct cap *root, int children_only)
{
	long budget = __LONG_MAX__;

	cap_revoke_steps(root, children_only, 0, &budget);
}

int cap_clear_steps(struct task *t, uint64_t slot, long *budget)
{
	struct cap *c = cap_lookup(t, slot);

	return !c || cap_revoke_steps(c, 0, 0, budget);
}

static struct cap *prepare_slot(struct task *t, uint64_t slot, int *err, long *budget)
{
	struct cap *c = slot_ptr(t, slot, 1, err);

	if (c && c->obj && !cap_revoke_steps(c, 0, 0, budget)) {
		*err = MICA_EBUSY;
		return 0;
	}
	return c;
}

int cap_install(struct task *t, uint64_t slot, struct kobj *obj, unsigned rights)
{
	long budget = __LONG_MAX__;   /* boot, and slots their callers cleared (cap_clear_steps) */
	int err;
	struct cap *c = prepare_slot(t, slot, &err, &budget);

	if (!c)
		return err;
	*c = (struct cap){ .obj = obj, .task = t, .slot = (uint32_t)slot, .rights = (uint8_t)rights };
	kobj_cap_added(obj);
	if (!obj->origin)
		obj->origin = c;
	return MICA_OK;
}

/* A new capability for src's object in t's slot, rights reduced: src's
 * child, or with `sibling` its parent's (a root's: its own). */
static int derive(struct cap *src, int sibling, struct task *t, uint64_t slot, unsigned rights, long *budget)
{
	int err;

	if (cap_lookup(t, slot) == src)
		return MICA_EINVAL;   /* copying a capability onto itself */
	struct cap *c = prepare_slot(t, slot, &err, budget);
	if (!c)
		return err;
	if (!src->obj)
		return MICA_EBADCAP;  /* src was derived from the slot just cleared */
	*c = (struct cap){ .obj = src->obj, .task = t, .slot = (uint32_t)slot, .rights = (uint8_t)(src->rights & rights) };
	kobj_cap_added(src->obj);
	link_child(sibling && src->parent ? src->parent : src, c);
	return MICA_OK;
}

int cap_map(struct cap *src, struct task *t, uint64_t slot, unsigned rights, long *budget)
{
	return derive(src, 0, t, slot, rights, budget);
}

/* Beside src, so that src's removal leaves the copy.  Its rights are
 * within src's, so within the parent's.  A root's copy is its child (as
 * seL4 derives a copy of an original capability): a second root would be
 * one that the object's origin could not revoke, that the gate's
 * last-client watch would not count (cap_last_child_gone) and that was no
 * origin (kcheck). */
int cap_sibling(struct cap *src, struct task *t, uint64_t slot, unsigned rights, long *budget)
{
	return derive(src, 1, t, slot, rights, budget);
}

/* c keeps only `rights`: no capability derived from it may keep one it
 * lacks.  Each derivation only ever reduces, so a descendant's new rights
 * are its own and `rights`, and a subtree whose root keeps its rights is
 * not visited.  With `apply` 0 only counts the capabilities visited,
 * down from `limit`: 0 when there are more. */
static int clip(struct cap *c, unsigned rights, long limit, int apply)
{
	struct cap *k = c->child;

	while (k) {
		if (--limit < 0)
			return 0;
		int loses = (k->rights & ~rights) != 0;
		if (apply)
			k->rights &= (uint8_t)rights;
		if (loses && k->child) {
			k = k->child;
			continue;
		}
		while (k != c && !k->next)
			k = k->parent;
		k = k == c ? 0 : k->next;
	}
	return 1;
}

/* Clip with a bound: counted first, so that nothing changes when there
 * are too many; the count and the clipping are the budget's units. */
static int clip_bounded(struct cap *c, unsigned rights, long *budget)
{
	if (!(c->rights & ~rights))
		return MICA_OK;
	if (!clip(c, rights, *budget / 2, 0))
		return MICA_E2BIG;
	clip(c, rights, *budget / 2, 1);
	c->rights &= (uint8_t)rights;
	return MICA_OK;
}

int cap_grant(struct cap *src, struct task *t, uint64_t slot, unsigned rights, long *budget)
{
	int err;

	if (cap_lookup(t, slot) == src)
		return clip_bounded(src, rights, budget);
	if (src->child && (src->rights & ~rights) && !clip(src, rights, *budget / 2, 0))
		return MICA_E2BIG;   /* before anything changed */
	struct cap *c = prepare_slot(t, slot, &err, budget);
	if (!c)
		return err;
	if (!src->obj)
		return MICA_EBADCAP;
	/* Move src into c: same object, parent and children. */
	*c = (struct cap){ .obj = src->obj, .task = t, .slot = (uint32_t)slot, .rights = (uint8_t)(src->rights & rights) };
	c->child = src->child;
	for (struct cap *k = c->child; k; k = k->next)
		k->parent = c;
	if (src->parent) {
		struct cap *parent = src->parent;
		unlink(src);
		link_child(parent, c);
	}
	if (c->obj->origin == src)
		c->obj->origin = c;
	src->obj = 0;
	src->child = src->parent = 0;
	clip(c, c->rights, __LONG_MAX__, 1);   /* counted above */
	return MICA_OK;
}

int cap_table_destroy_steps(struct task *t, long *budget)
{
	struct cap_table *ct = &t->caps;

	for (; ct->cleared < CAP_SLOTS; ct->cleared++) {
		struct cap *leaf = ct->leaf[ct->cleared / CAP_PER_LEAF];
		if (!leaf) {
			ct->cleared |= CAP_PER_LEAF - 1;   /* the next leaf */
			continue;
		}
		if (ct->cleared % CAP_PER_LEAF == 0 && preempt_spend(budget))
			return 0;
		struct cap *c = &leaf[ct->cleared % CAP_PER_LEAF];
		if (c->obj && !cap_revoke_steps(c, 0, 0, budget))
			return 0;
	}
	/* Revoking may have removed derived capabilities from these leaves
	 * only; none can be added to a dying task's table. */
	for (unsigned l = 0; l < CAP_LEAVES; l++) {
		if (ct->leaf[l])
			factory_free_pages(t->obj.quota, arch_virt_to_phys(ct->leaf[l]), 1);
		ct->leaf[l] = 0;
	}
	return 1;
}

/* Only the gate's first capability (its creator's) losing its last child
 * means no client is left: a client whose own copies go keeps its
 * capability. */
void cap_last_child_gone(struct cap *c)
{
	if (c->obj->type == KOBJ_GATE && c == c->obj->origin)
		gate_last_client_gone((struct gate *)c->obj, c);
}
