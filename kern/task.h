/*
 * task.h - Task objects: an address space (the KIP mapped into it), a
 * capability table, and the threads bound to it.  A task dies when its last
 * capability goes; its threads then stop for good and its capabilities are
 * removed (which may end other objects in turn).
 */
#ifndef KERN_TASK_H
#define KERN_TASK_H

#include <mica/kip.h>
#include <stdint.h>

#include "cap.h"
#include "kobj.h"

struct thread;
struct factory;
struct mapnode;

/* How the bootstrap learns that a boot program ended. */
struct boot_watch {
	int ended;                       /* exited, stopped by a fault, or destroyed */
	int status;                      /* exit status; -1 when stopped or destroyed */
};

struct task {
	struct kobj obj;
	uint64_t root;                   /* page-table root */
	struct cap_table caps;
	struct thread *threads;          /* bound threads (thread.task_link) */
	struct mapnode *mappings;        /* its pages in the mapping database */
	uint64_t table_pages;            /* page tables charged to its factory */
	char name[MICA_KIP_NAME_MAX];
	struct boot_watch *watch;        /* a boot program's, or NULL */
	int sigma0;                      /* a first pager: the kernel maps its physical window */
	uint8_t *io_bitmap;              /* I/O ports it may use (1 bit each, 1 = denied), or NULL */
	int io_from_kernel;              /* its ports are the kernel's grant: it may give them on */
	uint8_t dismantled;              /* task_destroy ran once: only mappings are left */
	uint8_t held;                    /* Task.hold: its threads hold (hold.c) */
	uint64_t prune_va;               /* task_destroy: page tables freed below it */
	uint64_t cpu_tsc;                /* TSC cycles its ended threads held the CPU (sched.c) */
};

int task_create(struct factory *f, struct task **out);
/* In steps (the reaper's, kobj.c): threads, capabilities and ports go in
 * the first, then the mappings, a work budget at a time; 1 when t is gone. */
int task_destroy(struct task *t, long *budget);
/* Map a fresh zeroed kernel-pool page at va (a root mapping). */
int task_map_zeroed(struct task *t, uint64_t va, unsigned rights, void **kernel_view);
/* Enter one page into t's page tables, the tables it needs charged to t's
 * factory (arch_space_map / arch_space_map_new when only_new). */
int task_space_map(struct task *t, uint64_t va, uint64_t pa, unsigned rights, int uncached, int only_new);
/* End the running thread's task (a program's exit or fault): its threads
 * stop, itself included (it leaves the CPU on its way out of the kernel),
 * and a boot program's watch says so. */
void task_end_current(int status);

/* Task.mem_map and mem_map_from: src's pages of [first, last] to dst at
 * dest on, rights reduced to `rights`, restartable as task_unmap_range
 * is. */
int task_map_steps(struct thread *caller, struct task *src, uint64_t first, uint64_t last, unsigned rights,
		   struct task *dst, uint64_t dest, int grant);
/* Task.mem_unmap: take the fpage's rights (all of R: the mappings) from
 * what was derived from t's pages in it, and from them if self; *status
 * gets MAP_ACCESSED / MAP_DIRTY.  Restartable (preempt.h): a call that
 * stops on its budget asks for a restart and goes on from the caller's
 * saved progress when the caller makes the same call again. */
void task_unmap_range(struct thread *caller, struct task *t, uint64_t fpage, int self, uint32_t *status);
/* IPC memory items: map (or grant) src's mapped pages of [first, last] to
 * dst at dest on, rights reduced to `rights` (unmapped pages are skipped),
 * mapdb_map of each within *budget. */
int task_map_range(struct task *src, uint64_t first, uint64_t last, struct task *dst, uint64_t dest, unsigned rights,
		   int grant, long *budget);

/* I/O ports: give t [first, first + count) (0 or MICA_ENOMEM), take them
 * away, ask whether t has them all and may give them on.  Boot programs
 * start with every port the kernel does not drive itself, and only they
 * give ports on: a task given ports by another cannot pass them further,
 * so taking ports from a task takes them from every holder they reached
 * through it (there is no derivation to follow; docs/memory.md). */
int task_io_grant(struct task *t, unsigned first, unsigned count);
void task_io_revoke(struct task *t, unsigned first, unsigned count);
int task_io_has(const struct task *t, unsigned first, unsigned count);
int task_io_grant_boot(struct task *t);

/* The first address above user space, as ipc.c and task.c name it. */
#define USER_SPACE_END MICA_USER_END

extern const struct task_ops task_protocol;

#endif
