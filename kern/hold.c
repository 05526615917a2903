/*
 * hold.c - Holding threads: stopping them without touching what they do.
 *
 * Thread.stop cancels a thread's IPC and Thread.start lets it run: one
 * switch, which the thread's own program uses (a signal's diversion, a
 * thread's end).  A hold is a second reason not to run, beside it:
 * Thread.hold (a program holding its other threads for a fork) and
 * Task.hold (the starter stopping a program: SIGSTOP) each add one.  A
 * held thread's IPC goes on: when its wait ends, or something starts it,
 * it is *parked* (stopped, marked) instead of made ready or switched to
 * (hold_park), and the last release readies the parked ones only.  So a
 * release resumes exactly the threads the hold stopped: one never
 * started, or stopped by Thread.stop meanwhile, stays stopped; one
 * started meanwhile runs.  Task.hold passes over the threads marked
 * Thread.keep_running (a program's region mapper and signal thread,
 * which serve the others and its starter while it is stopped), and holds
 * a thread bound to the task while it is held.
 *
 * Only parking pays for holds: the scheduler and the IPC fast path never
 * look at them.  A thread is started in one place (thread_resume), and a
 * wait ends in one (ipc.c's finish), which looks at holds only when the
 * wait was timed -- and a held thread's wait always is (ipc_hold): one
 * without a timeout gets a deadline that never comes.  The fast path
 * takes only partners waiting without a timeout, so it never meets a
 * held one; the general path parks it.
 */
#include "hold.h"

#include "ipc.h"
#include "sched.h"
#include "task.h"
#include "thread.h"

void hold_add(struct thread *t)
{
	if (t->holds++)
		return;
	if (t->state == THREAD_READY || t->state == THREAD_RUNNING) {
		/* Running, the caller holds its own thread: it leaves the CPU
		 * on its way out of the kernel (sched_kernel_exit_work). */
		sched_remove(t);
		hold_park(t);
	} else {
		ipc_hold(t, 1);   /* a wait it is in is timed from now on */
	}
}

void hold_drop(struct thread *t)
{
	if (!t->holds || --t->holds)
		return;
	ipc_hold(t, 0);
	if (!t->parked)
		return;
	t->parked = 0;
	if (t->state == THREAD_STOPPED)
		sched_ready(t);
}

void hold_park(struct thread *t)
{
	t->state = THREAD_STOPPED;
	t->parked = 1;
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
