/*
 * sched.c - fixed-priority round-robin scheduling (see sched.h).  One queue
 * per priority and a bitmap of the non-empty ones.
 */
#include "sched.h"

#include "arch.h"
#include "console.h"
#include "irqoff.h"
#include "arch_clock.h"
#include "kobj.h"
#include "task.h"
#include "panic.h"

struct thread *sched_running = &thread_idle;
static struct thread *queue_head[256], *queue_tail[256];
uint64_t sched_ready_bits[4];
uint64_t sched_ready_words;   /* bit w: sched_ready_bits[w] is not 0 */
struct thread *sched_zombies;   /* destroyed while running (ready_next) */
static void (*zombie_free)(struct thread *);
/* The low half of the cycle counter when sched_running got the CPU, or
 * at the last tick since: between two of these no more than a tick
 * passes (with interrupts on), so 32 bits hold the difference. */
static uint32_t turn_began;

int sched_has_ready(void)
{
	return sched_ready_words != 0;
}

/* The highest priority with a ready thread, or -1. */
static int highest(void)
{
	if (!sched_ready_words)
		return -1;
	int w = 63 - __builtin_clzll(sched_ready_words);
	return w * 64 + 63 - __builtin_clzll(sched_ready_bits[w]);
}

void sched_ready(struct thread *t)
{
	unsigned p = t->prio;

	KASSERT(t != &thread_idle && t->state != THREAD_READY);
	t->state = THREAD_READY;
	t->ready_next = 0;
	t->ready_prev = queue_tail[p];
	if (queue_tail[p])
		queue_tail[p]->ready_next = t;
	else
		queue_head[p] = t;
	queue_tail[p] = t;
	sched_ready_bits[p / 64] |= 1ull << (p % 64);
	sched_ready_words |= 1ull << (p / 64);
}

void sched_remove(struct thread *t)
{
	unsigned p = t->prio;

	if (t->state != THREAD_READY)
		return;
	if (t->ready_prev)
		t->ready_prev->ready_next = t->ready_next;
	else
		queue_head[p] = t->ready_next;
	if (t->ready_next)
		t->ready_next->ready_prev = t->ready_prev;
	else
		queue_tail[p] = t->ready_prev;
	if (!queue_head[p] && !(sched_ready_bits[p / 64] &= ~(1ull << (p % 64))))
		sched_ready_words &= ~(1ull << (p / 64));
	t->ready_next = t->ready_prev = 0;
	t->state = THREAD_STOPPED;
}

/* The running thread's CPU time up to now (at a switch, before it leaves
 * the CPU, and at every tick).  Its task's is summed when asked
 * (sched_cpu_task): every switch pays for the thread's only. */
static inline void account(struct thread *running)
{
	uint32_t now = arch_cycles_low();

	running->cpu_tsc += (uint32_t)(now - turn_began);
	turn_began = now;
}

uint64_t sched_cpu_thread(const struct thread *t)
{
	return t->cpu_tsc + (t == sched_running ? (uint32_t)(arch_cycles_low() - turn_began) : 0);
}

uint64_t sched_cpu_task(const struct task *t)
{
	uint64_t sum = t->cpu_tsc;   /* its ended threads' */

	for (const struct thread *th = t->threads; th; th = th->task_link.next)
		sum += sched_cpu_thread(th);
	return sum;
}

static void switch_to(struct thread *next)
{
	struct thread *prev = sched_running;

	next->state = THREAD_RUNNING;
	if (next == prev)
		return;
	account(prev);
	sched_running = next;
	irqoff_switch();
	if (next->task && next->task != prev->task)
		arch_io_bitmap_load(next->task->io_bitmap, 0);
	/* Zombies go at the next thread's way back to user mode
	 * (sched_kernel_exit) or in the idle loop (bootstrap.c), both on a
	 * live thread's stack. */
	arch_thread_switch(&prev->arch, &next->arch);
}

void sched_free_zombies(void)
{
	/* Called on a live thread's own stack: the zombies' stacks are free. */
	while (sched_zombies && sched_zombies != sched_running) {
		struct thread *z = sched_zombies;
		sched_zombies = z->ready_next;
		zombie_free(z);
	}
}

void schedule(void)
{
	int p = highest();
	struct thread *next = &thread_idle;

	if (p >= 0) {
		next = queue_head[p];
		sched_remove(next);
	}
	switch_to(next);
}

void sched_direct(struct thread *t)
{
	switch_to(t);
}

void sched_yield(void)
{
	if (sched_running == &thread_idle)
		return;
	sched_running->ticks_left = sched_running->timeslice;
	sched_ready(sched_running);   /* it leaves the CPU in sched_kernel_exit */
}

void sched_set_prio(struct thread *t, uint8_t prio)
{
	if (t->state == THREAD_READY) {
		sched_remove(t);
		t->prio = prio;
		sched_ready(t);
	} else {
		t->prio = prio;
	}
}

void sched_zombie(struct thread *t, void (*free_fn)(struct thread *))
{
	t->state = THREAD_DEAD;
	t->ready_next = sched_zombies;
	sched_zombies = t;
	zombie_free = free_fn;
}

void sched_tick(void)
{
	account(sched_running);
	if (sched_running == &thread_idle || sched_running->state != THREAD_RUNNING)
		return;
	if (sched_running->ticks_left > 1) {
		sched_running->ticks_left--;
		return;
	}
	sched_running->ticks_left = sched_running->timeslice;
	if (highest() >= sched_running->prio) {
		sched_ready(sched_running);
		schedule();
	}
}

void sched_preempt_point(void)
{
	arch_irq_window();
	/* A thread the window made ready runs now if it is of a higher
	 * priority; this one goes on where it stopped when it runs again. */
	if (sched_running != &thread_idle && sched_running->state == THREAD_RUNNING && highest() > sched_running->prio) {
		sched_ready(sched_running);
		schedule();
	}
}

void sched_kernel_exit_work(void)
{
	kobj_reap();
	if (sched_zombies)
		sched_free_zombies();
	while (sched_running->state != THREAD_RUNNING)
		schedule();
	/* Preempted by a higher priority?  (Only the sched_running priority's
	 * bitmap word and those above it can hold one.) */
	if (sched_running != &thread_idle && sched_has_ready() && highest() > sched_running->prio) {
		sched_ready(sched_running);
		schedule();
	}
}

int sched_check_queues(void)
{
	int bad = 0;

	for (unsigned p = 0; p < 256; p++) {
		int bit = (sched_ready_bits[p / 64] >> (p % 64)) & 1;
		if (bit != (queue_head[p] != 0)) {
			kprintf("kcheck: ready queue %u and its bit disagree\n", p);
			bad++;
		}
		if (p % 64 == 63 && ((sched_ready_words >> (p / 64)) & 1) != (sched_ready_bits[p / 64] != 0)) {
			kprintf("kcheck: ready word %u and its summary bit disagree\n", p / 64);
			bad++;
		}
		for (struct thread *t = queue_head[p]; t; t = t->ready_next) {
			if (t->state != THREAD_READY || t->prio != p || (t->ready_next ? t->ready_next->ready_prev != t
										       : queue_tail[p] != t)) {
				kprintf("kcheck: thread %lu in ready queue %u: state %u prio %u\n", t->id, p, t->state, t->prio);
				bad++;
				break;
			}
		}
	}
	return bad;
}
