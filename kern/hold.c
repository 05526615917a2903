/*
 * hold.c - Holding threads: stopping them without touching what they do.
 *
 * Thread.stop cancels a thread's IPC and Thread.start lets it run: one
 * switch, which the thread's own program uses (a signal's diversion, a
 * thread's end).  A hold is a second reason not to run, beside it:
 * Thread.hold (a program holding its other threads for a fork) and
 * Task.hold (the starter stopping a program: SIGSTOP) each add one.  A
 * held thread's IPC goes on: when its wait ends, or something starts it,
 * it is *parked* (stopped, marked) instead of made ready
 * (sched_ready_or_park), and the last release readies the parked ones
 * only.  So a release resumes exactly the threads the hold stopped: one
 * never started, or stopped by Thread.stop meanwhile, stays stopped; one
 * started meanwhile runs.  Task.hold passes over the threads marked
 * Thread.keep_running (a program's region mapper and signal thread,
 * which serve the others and its starter while it is stopped), and holds
 * a thread bound to the task while it is held.
 */
#include "hold.h"

#include "sched.h"
#include "task.h"
#include "thread.h"

void hold_add(struct thread *t)
{
	if (t->holds++)
		return;
	if (t->state == THREAD_READY) {
		sched_remove(t);
		t->parked = 1;
	} else if (t->state == THREAD_RUNNING) {
		/* The caller holds its own thread: it leaves the CPU on its
		 * way out of the kernel (sched_kernel_exit_work). */
		t->state = THREAD_STOPPED;
		t->parked = 1;
	}
}

void hold_drop(struct thread *t)
{
	if (!t->holds || --t->holds || !t->parked)
		return;
	t->parked = 0;
	if (t->state == THREAD_STOPPED)
		sched_ready(t);
}

void hold_task(struct task *task, int hold)
{
	if (!task->held == !hold)
		return;
	task->held = hold ? 1 : 0;
	for (struct thread *t = task->threads; t; t = t->task_link.next)
		if (!t->keep_running)
			hold ? hold_add(t) : hold_drop(t);
}

void hold_keep_running(struct thread *t, int keep)
{
	if (!t->keep_running == !keep)
		return;
	t->keep_running = keep ? 1 : 0;
	if (t->task && t->task->held)
		keep ? hold_drop(t) : hold_add(t);
}

void hold_bound(struct thread *t)
{
	if (t->task->held && !t->keep_running)
		hold_add(t);
}
