/*
 * thread.h - threads: a register context (arch_thread), the task whose
 * address space it runs in, and its scheduling state.
 */
#ifndef KERN_THREAD_H
#define KERN_THREAD_H

#include <stdint.h>

#include "arch_thread.h"

enum thread_state {
	THREAD_READY,     /* in the ready queue */
	THREAD_RUNNING,
	THREAD_BLOCKED,
	THREAD_DEAD,      /* stopped for good; its task reaps it */
};

struct task;

struct thread {
	struct arch_thread arch;
	struct task *task;
	enum thread_state state;
	uint64_t id;
	struct thread *ready_next;
	struct thread *all_next, *all_prev;   /* every thread, for dumps and checks */
};

/* A user thread of `task` at ip/sp with two start arguments; 0 or error. */
int thread_create_user(struct task *task, uint64_t ip, uint64_t sp, uint64_t arg0, uint64_t arg1,
		       struct thread **out);
void thread_destroy(struct thread *t);
/* Print every thread (panic reports). */
void thread_dump_all(void);
/* The idle thread: the boot context once the kernel is up. */
extern struct thread thread_idle;

#endif
