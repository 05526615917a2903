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

struct thread *sched_current(void);
/* Make t ready to run (at the end of its priority's queue). */
void sched_ready(struct thread *t);
/* Take t out of the ready queue, if it is there. */
void sched_remove(struct thread *t);
/* Run the highest-priority ready thread (or idle); the current one must
 * already be queued, blocked, stopped or dead.  Returns when it runs again. */
void schedule(void);
/* Switch straight to t (not queued), the current thread being blocked:
 * the IPC path's hand-over. */
void sched_direct(struct thread *t);
/* The current thread gives up the rest of its time slice. */
void sched_yield(void);
void sched_set_prio(struct thread *t, uint8_t prio);
/* t, the running thread, is destroyed: free it once another thread runs. */
void sched_zombie(struct thread *t, void (*free_fn)(struct thread *));
/* Free the zombies that are not running (any live thread may call it). */
void sched_free_zombies(void);
/* Timer tick: time slices and IPC timeouts. */
void sched_tick(void);
int sched_has_ready(void);
/* On every way back to user mode: destroy objects whose last capability
 * went, leave the CPU if the current thread cannot run on, and let a
 * higher-priority ready thread preempt it. */
void sched_kernel_exit(void);

#endif
