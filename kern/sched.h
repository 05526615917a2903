/*
 * sched.h - the scheduler: fixed priorities (0..255, higher first), round
 * robin within a priority driven by the timer tick and each thread's time
 * slice, the idle thread when nothing is ready.  Interrupts are off
 * whenever the kernel runs, so these calls are its locking points (one CPU
 * now; a per-CPU queue and lock later).
 */
#ifndef KERN_SCHED_H
#define KERN_SCHED_H

#include "thread.h"

#include "kobj.h"

/* The running thread, the ready queues' summary and the zombies (sched.c);
 * read here so the hot paths can inline the common case. */
extern struct thread *sched_running;
extern uint64_t sched_ready_bits[4];
extern uint64_t sched_ready_words;   /* bit w: sched_ready_bits[w] is not 0 */
extern struct thread *sched_zombies;

static inline struct thread *sched_current(void)
{
	return sched_running;
}
/* Make t ready to run (at the end of its priority's queue).  t is not
 * held: whoever might start a held thread parks it instead (hold.c), so
 * that the hot paths do not look at holds. */
void sched_ready(struct thread *t);
/* Take t out of the ready queue, if it is there. */
void sched_remove(struct thread *t);
/* Run the highest-priority ready thread (or idle); the current one must
 * already be queued, blocked, stopped or dead.  Returns when it runs again. */
void schedule(void);
/* Switch straight to t (not queued), the current thread being blocked:
 * the IPC path's hand-over.  t is not held, as for sched_ready. */
void sched_direct(struct thread *t);
/* The current thread gives up the rest of its time slice: it goes to the
 * end of its priority's queue now and leaves the CPU on the way back to
 * user mode, so that no kernel operation switches threads halfway. */
void sched_yield(void);
void sched_set_prio(struct thread *t, uint8_t prio);
/* t, the running thread, is destroyed: free it once another thread runs. */
void sched_zombie(struct thread *t, void (*free_fn)(struct thread *));
/* Free the zombies that are not running (any live thread may call it). */
void sched_free_zombies(void);
/* The invariant checker's part: queues, bits and states agree; returns
 * the number of violations, each reported. */
int sched_check_queues(void);
/* CPU time: the TSC cycles a thread, or all threads a task ever had,
 * held the CPU, counted at every switch and tick (kernel time on their
 * behalf and the interrupts taken meanwhile included), the running
 * thread's current turn too.  A task's is its ended threads' (kept when
 * each left it) and its threads' now. */
uint64_t sched_cpu_thread(const struct thread *t);
uint64_t sched_cpu_task(const struct task *t);
/* Timer tick: time slices and IPC timeouts. */
void sched_tick(void);
int sched_has_ready(void);
/* On every way back to user mode: destroy objects whose last capability
 * went, leave the CPU if the current thread cannot run on, and let a
 * higher-priority ready thread preempt it.  Inline: usually there is
 * nothing to do. */
void sched_kernel_exit_work(void);
/* A preemption point inside a kernel operation (preempt.h): take pending
 * interrupts, and leave the CPU to a higher priority made ready. */
void sched_preempt_point(void);
static inline void sched_kernel_exit(void)
{
	if (kobj_reap_head || sched_zombies || sched_running->state != THREAD_RUNNING ||
	    sched_ready_words)
		sched_kernel_exit_work();
}

#endif
