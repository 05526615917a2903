/*
 * mapdb.h - the mapping database: every user mapping of a page knows where
 * it came from.
 *
 * A node stands for one 4 KiB page mapped in one task.  Root nodes are made
 * by the kernel (a boot program's pages, the first pager's memory) and own
 * their frame, or stand for memory nobody owns (device memory, boot
 * modules).  Mapping a page on makes a child node; granting moves a node,
 * keeping its place in the tree.  Unmapping removes rights from, or
 * removes, the nodes derived from one, in every task, recursively
 * (iteratively in the kernel); removing a root frees what it owns.
 *
 * Nodes are charged to the receiving task's factory; page tables are
 * charged there too (arch_space_map reports how many it made).
 */
#ifndef KERN_MAPDB_H
#define KERN_MAPDB_H

#include <stdint.h>

#include "list.h"

struct task;

enum map_frame {
	MAP_FRAME_NONE,      /* device memory or a boot module: nothing to free */
	MAP_FRAME_KERNEL,    /* a kernel-pool page (boot program image and stack) */
	MAP_FRAME_USER,      /* a user-pool page handed out by the first pager */
};

struct mapnode {
	struct task *task;
	uint64_t va;
	uint64_t pa;
	uint8_t rights;                               /* MICA_R | MICA_W | MICA_X */
	uint8_t frame;                                /* enum map_frame, roots only */
	uint8_t uncached;
	uint8_t held;                                 /* saved cursors naming it (mapdb_cursor) */
	struct mapnode *parent, *child, *next, *prev; /* derivation tree */
	struct mapnode *hash_next;
	struct list_link task_link;                   /* on its task's list */
};

/* Where a preempted unmap stopped (kept in the calling thread, thread.h):
 * the node whose page it was at and the node to go on from.  Both are held
 * (mapnode.held); dropping a held node changes mapdb_cursor_gen, which
 * makes every saved cursor start again from its page's node: the walks
 * below are correct from any start, only slower. */
struct mapdb_cursor {
	struct mapnode *root, *node;   /* node NULL: start at root */
	uint64_t gen;
	uint8_t verify;                /* node: checking its parent's children */
};

/* A Task.mem_unmap, mem_map or mem_map_from that stopped on its budget,
 * in the calling thread: the same call (task, fpage, self; for a map the
 * source task, range, rights and destination, and self is the grant flag)
 * goes on at next_va. */
struct unmap_progress {
	struct task *task;
	uint64_t fpage;                 /* an unmap's */
	uint64_t next_va;
	uint32_t status;                /* MAP_ACCESSED / MAP_DIRTY so far */
	uint8_t self, active;
	struct mapdb_cursor cur;
	struct task *dst;               /* a map's */
	uint64_t first, last, dest;
	uint8_t map, rights;
};

/* Bits mapdb_unmap reports. */
#define MAP_ACCESSED 1u
#define MAP_DIRTY 2u

void mapdb_init(void);
/* The node for page va of t, or NULL. */
struct mapnode *mapdb_lookup(struct task *t, uint64_t va);
/* A root mapping: pa at va in t.  An existing mapping there is removed
 * first, with its subtree, in bounded steps (preempt.h): MICA_EBUSY when
 * the budget ran out before it had gone (call again; nothing was mapped).
 * A page the kernel put there (a UTCB) is MICA_EEXIST.  0, MICA_EBUSY,
 * MICA_EEXIST, MICA_ENOMEM. */
int mapdb_insert_root(struct task *t, uint64_t va, uint64_t pa, unsigned rights, enum map_frame frame, int uncached);
/* Map src on to dst at dst_va with rights reduced; grant moves src there.
 * The work is bounded by *budget (preempt.h): a mapping already at dst_va
 * is removed in steps (MICA_EBUSY when the budget ran out: call again); a
 * change of rights that would reach more nodes derived from src than the
 * budget allows is refused (MICA_E2BIG, nothing changed). */
int mapdb_map(struct mapnode *src, struct task *dst, uint64_t dst_va, unsigned rights, int grant, long *budget);
/* Remove `rights` (all of R means the whole mapping) from the nodes derived
 * from n, and from n itself if `self`.  Returns MAP_ACCESSED / MAP_DIRTY
 * as seen in the mappings touched. */
unsigned mapdb_unmap(struct mapnode *n, unsigned rights, int self);
/* mapdb_unmap in steps: spends *budget; 1 when done, 0 when the budget
 * ran out with the place to go on from in *cur (start with *cur zeroed,
 * or with a saved one after mapdb_cursor_resume).  At every stop the
 * tree holds the invariants: removal moves grandchildren up to n before
 * dropping their parent, a downgrade takes rights from children before
 * their parent. */
int mapdb_unmap_steps(struct mapnode *n, unsigned rights, int self, struct mapdb_cursor *cur, long *budget,
		      unsigned *ad);
/* A saved cursor for page node n: kept if still valid, else reset. */
void mapdb_cursor_resume(struct mapdb_cursor *cur, struct mapnode *n);
/* Nodes and frames in use (kernel accounting). */
uint64_t mapdb_nodes(void);

#endif
