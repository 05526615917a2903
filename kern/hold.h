/*
 * hold.h - Holding threads (hold.c): a reason not to run beside
 * Thread.stop, which leaves the thread's IPC alone and whose release
 * resumes only what it stopped.
 */
#ifndef KERN_HOLD_H
#define KERN_HOLD_H

struct thread;
struct task;

/* One hold more, one less (thread.holds): the thread runs again when the
 * last goes, if it was parked meanwhile. */
void hold_add(struct thread *t);
void hold_drop(struct thread *t);
/* t, held, would run now (started, or its wait ended): stopped and
 * marked instead, to run at the last release. */
void hold_park(struct thread *t);
/* Task.hold: every thread of the task but those that keep running gets a
 * hold, or loses it; a second hold or release of the task does nothing. */
void hold_task(struct task *task, int hold);
/* Thread.keep_running: the task's hold passes this thread over. */
void hold_keep_running(struct thread *t, int keep);
/* A thread just bound to its task: the task's hold. */
void hold_bound(struct thread *t);

#endif
