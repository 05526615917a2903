/*
 * task.h - tasks: an address space (with the KIP mapped) and the threads
 * running in it.  Until the IPC issue gives tasks capability tables, a task
 * is one boot program with one thread.
 */
#ifndef KERN_TASK_H
#define KERN_TASK_H

#include <mica/kip.h>
#include <stdint.h>

struct thread;

struct task {
	uint64_t root;                   /* page-table root */
	char name[MICA_KIP_NAME_MAX];
	struct thread *thread;
	int ended;                       /* exited or stopped */
	int status;                      /* exit status, or -1 when stopped by a fault */
};

int task_create(const char *name, struct task **out);
void task_destroy(struct task *t);
/* Map a fresh zeroed page, owned by the task, at va with MICA_R/W/X rights. */
int task_map_zeroed(struct task *t, uint64_t va, unsigned rights, void **kernel_view);
/* End the running thread's task; never returns to it. */
__attribute__((noreturn)) void task_end_current(int status);

#endif
