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

/* How the bootstrap learns that a boot program ended. */
struct boot_watch {
	int ended;                       /* exited, stopped by a fault, or destroyed */
	int status;                      /* exit status; -1 when stopped or destroyed */
};

struct task {
	struct kobj obj;
	uint64_t root;                   /* page-table root */
	struct cap_table caps;
	struct thread *threads;          /* bound threads (thread.task_next) */
	char name[MICA_KIP_NAME_MAX];
	struct boot_watch *watch;        /* a boot program's, or NULL */
};

int task_create(struct factory *f, struct task **out);
void task_destroy(struct task *t);
/* Map a fresh zeroed page, owned by the task, at va with MICA_R/W/X rights. */
int task_map_zeroed(struct task *t, uint64_t va, unsigned rights, void **kernel_view);
/* End the running thread's task (a program's exit or fault): its threads
 * stop, and a boot program's watch says so.  Never returns. */
__attribute__((noreturn)) void task_end_current(int status);

extern const struct task_ops task_protocol;

#endif
