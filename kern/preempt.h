/*
 * preempt.h - preemption points: how long kernel operations stay short.
 *
 * The kernel runs with interrupts off, so every operation must end within
 * a bounded amount of work.  Two mechanisms keep it so (docs/memory.md,
 * docs/objects.md):
 *
 *  - A restartable invocation (Task.mem_unmap) spends a work budget; when
 *    the budget runs out it saves its progress in the calling thread and
 *    asks for a restart (preempt_restart).  The system call then returns
 *    to user mode with its instruction pointer moved back onto the
 *    `syscall` instruction and its argument registers untouched: pending
 *    interrupts are taken, a higher priority runs, and the call runs again
 *    from where it stopped.
 *  - The reaper (kobj.c) destroys objects in bounded steps and opens an
 *    interrupt window between them (sched_preempt_point).
 *
 * Every point where either happens leaves the kernel's invariants
 * (check.c) true.
 */
#ifndef KERN_PREEMPT_H
#define KERN_PREEMPT_H

/* Not an error code: the system call is to be executed again. */
#define KERN_RESTART 0x7fff

/* Work units (a mapping node visited or dropped, a page-table entry
 * scanned, a queued sender cancelled) one kernel entry may spend in a
 * restartable operation, or the reaper between two interrupt windows,
 * where each object's step costs PREEMPT_REAP_COST more (freeing it: at
 * most 4 objects a window). */
#define PREEMPT_BUDGET 64
#define PREEMPT_REAP_COST 16
/* A page Task.mem_map maps, in budget units (a node and its page-table
 * entry made). */
#define PREEMPT_MAP_COST 4

/* Spend one unit: 1 when none was left. */
static inline int preempt_spend(long *budget)
{
	return --*budget < 0;
}

/* The running invocation stopped on its budget: invoke() reports
 * KERN_RESTART instead of a reply. */
extern int preempt_restart_pending;
static inline void preempt_restart(void)
{
	preempt_restart_pending = 1;
}

#endif
