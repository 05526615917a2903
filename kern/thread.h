/*
 * thread.h - Thread objects: a register context (arch_thread), the task it
 * is bound to with its UTCB, its scheduling parameters and its IPC state.
 *
 * IPC state is laid out for the IPC path (kern/ipc.c): the UTCB's kernel
 * view is one pointer away, the partner and the queues are plain pointers,
 * and a blocked thread's results wait in its `ipc` until it
 * runs again and returns them from its system call.
 */
#ifndef KERN_THREAD_H
#define KERN_THREAD_H

#include <mica/ipc.h>
#include <stdint.h>

#include "arch_thread.h"
#include "ipc_result.h"
#include "kobj.h"
#include "mapdb.h"

enum thread_state {
	THREAD_STOPPED,   /* not started, or stopped */
	THREAD_READY,     /* in a ready queue */
	THREAD_RUNNING,
	THREAD_BLOCKED,   /* in IPC */
	THREAD_DEAD,      /* its task is gone; waits for its last capability */
};

enum ipc_wait {
	IPC_NONE,
	IPC_SENDING,      /* queued on partner's sendq */
	IPC_RECEIVING,    /* open wait: anything bound to this thread */
	IPC_WAIT_REPLY,   /* closed wait for partner's reply */
};

struct task;
struct factory;
struct gate;
struct irq;

struct thread {
	struct kobj obj;
	struct arch_thread arch;
	struct task *task;                  /* NULL until bound */
	struct list_link task_link;         /* on its task's list of threads */
	struct mica_utcb *utcb;             /* kernel view of the UTCB page */
	uint64_t utcb_user;                 /* its user address */
	enum thread_state state;
	uint8_t prio;
	uint8_t mcp;                        /* highest priority or MCP it may give a thread */
	uint8_t dismantled;                 /* dying: detached, its bindings going (thread_destroy) */
	uint8_t holds;                      /* holds on it (Thread.hold, its task's): it does not run */
	uint8_t held_self;                  /* Thread.hold's, one of `holds` */
	uint8_t parked;                     /* stopped by a hold while it would run: runs at the last release */
	uint8_t keep_running;               /* its task's hold passes it over (Thread.keep_running) */
	uint32_t timeslice, ticks_left;     /* in timer ticks */
	uint64_t cpu_tsc;                   /* TSC cycles it held the CPU, to its last switch (sched.c) */
	uint64_t id;
	struct thread *ready_next, *ready_prev;

	/* IPC */
	enum ipc_wait wait;
	uint8_t call;                       /* SENDING as the first half of a call */
	uint8_t reply_mrs;                  /* in a call the kernel made for it (a fault): the
					       message registers the reply may fill; 0 otherwise */
	struct thread *partner;             /* SENDING: receiver; WAIT_REPLY: replier */
	struct thread *caller;              /* implicit reply capability: who waits for my reply */
	struct thread *sendq_head, *sendq_tail;   /* threads sending to me */
	struct thread *sendq_next, *sendq_prev;
	struct gate *send_gate;             /* SENDING: the gate used (its label goes along) */
	struct list_link gate_sender_link;  /* SENDING: on send_gate's list of senders */
	mica_word_t send_tag;               /* SENDING: the tag to deliver */
	uint32_t rcv_timeout;               /* SENDING in a call: for the reply wait */
	struct irq *irq_pending;            /* triggered irqs bound to me (irq.pending_next) */
	struct gate *gates;                 /* gates bound to me (gate.thread_link) */
	struct irq *irqs;                   /* irqs bound to me (irq.thread_link) */
	uint64_t deadline_us;               /* 0: wait without a timeout */
	struct list_link timed_link;        /* on the list of timed waits */
	struct ipc_result ipc;              /* results for a blocked thread */

	struct unmap_progress unmap;        /* a preempted Task.mem_unmap (task.c) */

	struct gate *pager, *exc_handler;   /* fault and exception messages go there */
	struct list_link pager_link, handler_link;   /* on those gates' lists of users */
	struct list_link all_link;          /* on thread_all */
};

int thread_create(struct factory *f, struct thread **out);
/* One step of a dying thread's destruction (kobj.c's reaper): 1 when it
 * is gone. */
int thread_destroy(struct thread *t, long *budget);
/* Bind to a task with a fresh UTCB page mapped at utcb_user. */
int thread_attach(struct thread *t, struct task *task, uint64_t utcb_user);
/* Undo the binding: the thread stops for good (it or its task is dying);
 * in steps of *budget (its queued senders go one a unit): 1 when done. */
int thread_detach_steps(struct thread *t, long *budget);
/* Set the user registers a stopped or new thread starts with. */
void thread_set_user_regs(struct thread *t, uint64_t ip, uint64_t sp, uint64_t arg0, uint64_t arg1);
/* Stop (cancelling any IPC) / let run again. */
void thread_suspend(struct thread *t);
int thread_resume(struct thread *t);
/* Set (or with NULL, clear) a thread's pager and exception handler. */
void thread_use_gates(struct thread *t, struct gate *pager, struct gate *handler);
/* A gate is going: no thread may keep it as pager or exception handler
 * (the gate's own lists of them: no walk over all threads), one a unit of
 * *budget; 1 when done. */
int thread_forget_gate_steps(struct gate *g, long *budget);
/* Print every thread (panic reports). */
void thread_dump_all(void);
/* Every thread (all_link), for dumps and the invariant checker. */
extern struct thread *thread_all;
/* The idle thread: the boot context once the kernel is up. */
extern struct thread thread_idle;

extern const struct thread_ops thread_protocol;

#endif
