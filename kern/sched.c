/*
 * sched.c - round-robin scheduling over one ready queue (see sched.h).
 */
#include "sched.h"

static struct thread *current = &thread_idle;
static struct thread *ready_head, *ready_tail;

struct thread *sched_current(void)
{
	return current;
}

int sched_has_ready(void)
{
	return ready_head != 0;
}

void sched_ready(struct thread *t)
{
	t->state = THREAD_READY;
	t->ready_next = 0;
	if (ready_tail)
		ready_tail->ready_next = t;
	else
		ready_head = t;
	ready_tail = t;
}

void sched_remove(struct thread *t)
{
	struct thread **p = &ready_head, *prev = 0;

	for (; *p; prev = *p, p = &(*p)->ready_next) {
		if (*p == t) {
			*p = t->ready_next;
			if (ready_tail == t)
				ready_tail = prev;
			t->ready_next = 0;
			return;
		}
	}
}

void schedule(void)
{
	struct thread *next = ready_head, *prev = current;

	if (next) {
		ready_head = next->ready_next;
		if (!ready_head)
			ready_tail = 0;
	} else {
		next = &thread_idle;
	}
	next->state = THREAD_RUNNING;
	if (next == prev)
		return;
	current = next;
	arch_thread_switch(&prev->arch, &next->arch);
}

void sched_tick(void)
{
	if (current == &thread_idle || !ready_head)
		return;
	sched_ready(current);
	schedule();
}
