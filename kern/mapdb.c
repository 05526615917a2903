/*
 * mapdb.c - the mapping database (see mapdb.h).
 *
 * Nodes are found by (task, page) in a hash table of chains.  The tree
 * walks are iterative: depth costs time, never kernel stack.
 */
#include "mapdb.h"

#include "arch.h"
#include "factory.h"
#include "kmem.h"
#include "panic.h"
#include "preempt.h"
#include "slab.h"
#include "task.h"

#include <mica/error.h>
#include <mica/ipc.h>

#define HASH_BUCKETS 16384

static struct mapnode *buckets[HASH_BUCKETS];
static struct slab_cache node_cache;
static uint64_t mapdb_cursor_gen;   /* changes when a held node goes or a subtree moves */

void mapdb_init(void)
{
	slab_cache_init(&node_cache, "mapnode", sizeof(struct mapnode));
}

uint64_t mapdb_nodes(void)
{
	return node_cache.objects;
}

static unsigned hash(const struct task *t, uint64_t va)
{
	/* Both halves are mixed: the same address in many tasks (a shared
	 * image) must not share a chain. */
	uint64_t k = (((uint64_t)t >> 4) * 0x9e3779b97f4a7c15ull) ^ (va >> 12);

	k *= 0xff51afd7ed558ccdull;
	return (unsigned)(k >> 50) % HASH_BUCKETS;
}

struct mapnode *mapdb_lookup(struct task *t, uint64_t va)
{
	va &= MICA_PAGE_MASK;
	for (struct mapnode *n = buckets[hash(t, va)]; n; n = n->hash_next)
		if (n->task == t && n->va == va)
			return n;
	return 0;
}

static void hash_remove(struct mapnode *n)
{
	struct mapnode **p = &buckets[hash(n->task, n->va)];

	while (*p != n)
		p = &(*p)->hash_next;
	*p = n->hash_next;
}

static void tree_unlink(struct mapnode *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else if (n->parent)
		n->parent->child = n->next;
	if (n->next)
		n->next->prev = n->prev;
	n->next = n->prev = 0;
}

static void tree_link(struct mapnode *parent, struct mapnode *n)
{
	n->parent = parent;
	n->prev = 0;
	n->next = parent->child;
	if (parent->child)
		parent->child->prev = n;
	parent->child = n;
}

/* A node for page va of t with its page-table entry; the page tables it
 * needs are charged to t's factory.  With only_new, an entry already there
 * (a page the kernel put there itself: a UTCB, the KIP) is MICA_EEXIST. */
static struct mapnode *new_node(struct task *t, uint64_t va, uint64_t pa, unsigned rights, int uncached, int only_new,
				int *err)
{
	struct factory *f = t->obj.quota;
	unsigned tables = 0;

	/* Not zeroed: every field is written below. */
	struct mapnode *n = factory_slab_alloc_uninit(f, &node_cache, FACTORY_CACHE_MAPNODE);
	if (!n) {
		*err = MICA_ENOMEM;
		return 0;
	}
	/* At most three new tables: room for them first (so the charge below
	 * cannot fail), then a charge for those it took -- usually none. */
	if (!factory_has_room(f, 3 * MICA_PAGE_SIZE)) {
		factory_slab_free(f, FACTORY_CACHE_MAPNODE, n);
		*err = MICA_ENOMEM;
		return 0;
	}
	*err = only_new ? arch_space_map_new(t->root, va, pa, rights, uncached, &tables)
			: arch_space_map(t->root, va, pa, rights, uncached, &tables);
	if (tables) {
		int charged = factory_charge(f, tables * MICA_PAGE_SIZE);
		KASSERT(charged == MICA_OK);   /* the room was there */
		t->table_pages += tables;
	}
	if (*err) {
		factory_slab_free(f, FACTORY_CACHE_MAPNODE, n);
		return 0;
	}
	*n = (struct mapnode){ .task = t, .va = va, .pa = pa, .rights = (uint8_t)rights, .uncached = (uint8_t)uncached };
	unsigned h = hash(t, va);
	n->hash_next = buckets[h];
	buckets[h] = n;
	list_push(t->mappings, n, task_link);
	return n;
}

/* Drop a node that has no children: its page-table entry, its frame if it
 * owns one, its memory. */
static unsigned drop(struct mapnode *n)
{
	unsigned ad = arch_space_unmap(n->task->root, n->va);

	KASSERT(!n->child);
	if (n->held)
		mapdb_cursor_gen++;   /* a saved cursor may name it: all start again */
	tree_unlink(n);
	hash_remove(n);
	list_remove(n->task->mappings, n, task_link);
	if (!n->parent && n->frame == MAP_FRAME_KERNEL)
		kmem_page_free_pa(n->pa);
	else if (!n->parent && n->frame == MAP_FRAME_USER)
		kmem_user_page_free(n->pa);
	factory_slab_free(n->task->obj.quota, FACTORY_CACHE_MAPNODE, n);
	return ad;
}

int mapdb_insert_root(struct task *t, uint64_t va, uint64_t pa, unsigned rights, enum map_frame frame, int uncached)
{
	int err;
	struct mapnode *old = mapdb_lookup(t, va);
	struct mapdb_cursor cur = { 0 };
	long budget = PREEMPT_BUDGET;
	unsigned ad = 0;

	/* What was there goes with everything derived from it, a budget's
	 * worth at a time (a removal keeps its progress in the tree).  A page
	 * the kernel put there itself (a UTCB) has no node and stays:
	 * only_new refuses it. */
	if (old && !mapdb_unmap_steps(old, MICA_RWX, 1, &cur, &budget, &ad))
		return MICA_EBUSY;
	struct mapnode *n = new_node(t, va, pa, rights, uncached, 1, &err);
	if (n)
		n->frame = (uint8_t)frame;
	return err;
}

/* The nodes derived from n, or -1 when there are more than `limit`. */
static long subtree_size(const struct mapnode *n, long limit)
{
	const struct mapnode *k = n->child;
	long count = 0;

	while (k) {
		if (++count > limit)
			return -1;
		if (k->child) {
			k = k->child;
			continue;
		}
		while (k != n && !k->next)
			k = k->parent;
		k = k == n ? 0 : k->next;
	}
	return count;
}

/* Downgrading a subtree needs a cursor kept between kernel entries; here
 * it is done at once when it fits in the budget, counted first. */
static int downgrade_within(struct mapnode *n, unsigned rights, int self, long *budget)
{
	long size = subtree_size(n, *budget / 2);

	if (size < 0)
		return MICA_E2BIG;
	*budget -= 2 * size + 1;
	mapdb_unmap(n, rights, self);
	return MICA_OK;
}

int mapdb_map(struct mapnode *src, struct task *dst, uint64_t dst_va, unsigned rights, int grant, long *budget)
{
	int err;

	rights &= src->rights;
	if (!(rights & MICA_R))
		return MICA_OK;   /* nothing to map: no right survives */
	struct mapnode *old = mapdb_lookup(dst, dst_va);
	if (old == src) {
		/* Onto itself: at most a change of rights. */
		return rights == src->rights ? MICA_OK : downgrade_within(src, src->rights & ~rights, 1, budget);
	}
	/* Granted with fewer rights: what was derived from it loses them
	 * too, which must fit in the budget (before anything changes). */
	if (grant && src->child && (src->rights & ~rights) && subtree_size(src, *budget / 2) < 0)
		return MICA_E2BIG;
	if (old) {
		/* Whatever is there is replaced, unless src came from it:
		 * removing it would remove src.  The removal goes in steps:
		 * MICA_EBUSY when the budget ran out (the caller restarts). */
		for (struct mapnode *a = src->parent; a; a = a->parent)
			if (a == old)
				return MICA_EINVAL;
		struct mapdb_cursor cur = { 0 };
		unsigned ad = 0;
		if (!mapdb_unmap_steps(old, MICA_RWX, 1, &cur, budget, &ad))
			return MICA_EBUSY;
	}
	/* A page the kernel put there itself (a UTCB, the KIP) has no node
	 * and is not replaced: only_new refuses it. */
	struct mapnode *n = new_node(dst, dst_va, src->pa, rights, src->uncached, 1, &err);
	if (!n)
		return err;
	if (!grant) {
		tree_link(src, n);
		return MICA_OK;
	}
	/* Grant: n takes src's place in the tree, its children and its frame. */
	struct mapnode *parent = src->parent;
	unsigned lost = src->rights;
	n->frame = src->frame;
	src->frame = MAP_FRAME_NONE;
	n->child = src->child;
	for (struct mapnode *c = n->child; c; c = c->next)
		c->parent = n;
	src->child = 0;
	tree_unlink(src);
	src->parent = 0;
	if (parent)
		tree_link(parent, n);
	drop(src);
	/* Granted with fewer rights: what was derived from it loses them too
	 * (counted above). */
	if (n->child && (lost & ~n->rights))
		mapdb_unmap(n, lost & ~n->rights, 0);
	return MICA_OK;
}

/* Take `rights` from one node's mapping, or the mapping itself. */
static unsigned strip(struct mapnode *n, unsigned rights)
{
	if (rights & MICA_R)
		return drop(n);
	n->rights &= ~rights;
	return arch_space_protect(n->task->root, n->va, n->rights);
}

static void hold(struct mapdb_cursor *cur, struct mapnode *root, struct mapnode *n, int verify)
{
	/* A node held by 255 cursors is not held once more: this one starts
	 * again at its page's node. */
	if (root->held == 255 || n->held == 255)
		n = 0;
	*cur = (struct mapdb_cursor){ .root = root, .node = n, .gen = mapdb_cursor_gen, .verify = (uint8_t)verify };
	if (n) {
		root->held++;
		n->held++;
	}
}

void mapdb_cursor_resume(struct mapdb_cursor *cur, struct mapnode *root)
{
	if (cur->node && cur->gen == mapdb_cursor_gen) {
		cur->root->held--;
		cur->node->held--;
		if (cur->root == root)
			return;
	}
	*cur = (struct mapdb_cursor){ 0 };
}

/* Removal: n's first child goes once it has no children of its own; until
 * then its children move up to n one at a time (still derived from n,
 * with no more rights than before).  Each step is O(1) and the state is
 * the tree itself. */
static int remove_steps(struct mapnode *root, int self, long *budget, unsigned *ad)
{
	struct mapnode *c;

	while ((c = root->child) != 0) {
		if (preempt_spend(budget))
			return 0;
		struct mapnode *g = c->child;
		if (g) {
			/* Moving a node with children changes its descendants'
			 * ancestry: saved cursors start again. */
			if (g->child || g->held)
				mapdb_cursor_gen++;
			tree_unlink(g);
			tree_link(root, g);
		} else {
			*ad |= drop(c);
		}
	}
	if (self) {
		if (preempt_spend(budget))
			return 0;
		*ad |= drop(root);
	}
	return 1;
}

/* The node after n in the walk: its next sibling, or its parent's list
 * read again from the head. */
static struct mapnode *advance(struct mapnode *n, int *verify)
{
	*verify = !n->next;
	return n->next ? n->next : n->parent->child;
}

/* Downgrade, children before their parent: a node that lacks the rights
 * has no descendant with one, so its subtree is done.  Children are linked
 * at the head of their parent's list, so one made while the walk was
 * preempted may come before the walk's position: a parent's list is read
 * once more from its head (verify) before the parent loses the rights. */
static int downgrade_steps(struct mapnode *root, unsigned rights, int self, struct mapdb_cursor *cur, long *budget,
			   unsigned *ad)
{
	struct mapnode *n = cur->node ? cur->node : root;
	int verify = cur->node ? cur->verify : 0;

	for (;;) {
		if (preempt_spend(budget)) {
			hold(cur, root, n, verify);
			return 0;
		}
		if (verify) {
			if (n->rights & rights) {
				verify = 0;   /* made meanwhile: walk it */
				continue;
			}
			if (n->next) {
				n = n->next;
				continue;
			}
			n = n->parent;   /* every child is done: the parent's turn */
		} else if (n != root && !(n->rights & rights)) {
			n = advance(n, &verify);   /* nothing below has them */
			continue;
		} else if (n->child) {
			n = n->child;
			continue;
		}
		if (n == root) {
			if (self)
				*ad |= strip(root, rights);
			return 1;
		}
		*ad |= strip(n, rights);
		n = advance(n, &verify);
	}
}

int mapdb_unmap_steps(struct mapnode *root, unsigned rights, int self, struct mapdb_cursor *cur, long *budget,
		      unsigned *ad)
{
	rights &= MICA_RWX;
	if (!rights)
		return 1;
	if (rights & MICA_R)
		return remove_steps(root, self, budget, ad);
	return downgrade_steps(root, rights, self, cur, budget, ad);
}

unsigned mapdb_unmap(struct mapnode *root, unsigned rights, int self)
{
	struct mapdb_cursor cur = { 0 };
	long budget = __LONG_MAX__;
	unsigned ad = 0;

	mapdb_unmap_steps(root, rights, self, &cur, &budget, &ad);
	return ad;
}
