/*
 * sched.h - the scheduler: a ready queue served round robin, the idle
 * thread when it is empty, preemption on the timer tick.  Interrupts are
 * off whenever the kernel runs, so these are its only locking points
 * (one CPU now; a per-CPU queue and lock later).
 */
#ifndef KERN_SCHED_H
#define KERN_SCHED_H

#include "thread.h"

struct thread *sched_current(void);
/* Make t ready to run (at the end of the queue). */
void sched_ready(struct thread *t);
/* Take t out of the ready queue, if it is there. */
void sched_remove(struct thread *t);
/* Run the next ready thread (or idle); the current one must already be
 * queued, blocked or dead.  Returns when the caller runs again. */
void schedule(void);
/* Timer tick: the running thread goes to the back of the queue. */
void sched_tick(void);
int sched_has_ready(void);

#endif
