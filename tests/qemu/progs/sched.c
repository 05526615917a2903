/*
 * sched.c - scheduling: an irq-woken high-priority thread runs before a
 * spinning low-priority one, threads of equal priority share the CPU by
 * time slices, and stop/start/ex_regs act on running threads.
 */
#include "qtest.h"

#include "factory.h"
#include "irq.h"
#include "kobject.h"
#include "thread.h"

enum { S_HIGH = 10, S_LOW, S_IRQ, S_A, S_B, S_VICTIM };

static struct qthread high = { .slot = S_HIGH }, low = { .slot = S_LOW };
static struct qthread a = { .slot = S_A }, b = { .slot = S_B }, victim = { .slot = S_VICTIM };
static volatile unsigned long low_count, high_saw = ~0ul, count_at_trigger;
static volatile int low_done;

static void high_prio(void *arg)
{
	mica_word_t tag, label;

	(void)arg;
	if (mica_ipc_wait(0, &tag, &label) == 0 && label == 0x31)
		high_saw = low_count;
}

/* Spins, triggers the irq that wakes the high thread, spins on. */
static void low_prio(void *arg)
{
	(void)arg;
	while (low_count < 1000)
		low_count++;
	count_at_trigger = low_count;
	irq_trigger(S_IRQ);
	while (low_count < 2000)
		low_count++;
	low_done = 1;
}

static volatile unsigned long count_a, count_b;

static void spin_a(void *arg)
{
	(void)arg;
	while (count_b < 1000)   /* only ends if b runs while a spins */
		count_a++;
}

static void spin_b(void *arg)
{
	(void)arg;
	while (count_a < 1000 || count_b < 1000)
		count_b++;
}

static volatile unsigned long victim_count;
static volatile int victim_redirected, victim_wait_err;

static void victim_loop(void *arg)
{
	(void)arg;
	for (;;)
		victim_count++;
}

static void redirected(void)
{
	victim_redirected = 1;
	for (;;)
		victim_wait_err = mica_ipc_wait(0, 0, 0);
}

static void sleep_ms(unsigned ms)
{
	mica_ipc_wait(mica_timeouts(0, ms * 1000), 0, 0);
}

int main(void)
{
	/* Preemption by an irq-woken higher-priority thread. */
	expect("irq", factory_create_irq(MICA_BOOT_FACTORY, S_IRQ, 0x31), 0);
	expect("high-priority thread", qthread_start(&high, MICA_BOOT_TASK, 1, high_prio, 0), 0);
	expect("priority 200", thread_set_sched(S_HIGH, 200, 0), 0);
	expect("irq bound to it", irq_bind(S_IRQ, S_HIGH), 0);
	sleep_ms(2);   /* let it reach its wait */
	expect("low-priority spinner", qthread_start(&low, MICA_BOOT_TASK, 2, low_prio, 0), 0);
	expect("priority 50", thread_set_sched(S_LOW, 50, 0), 0);
	expect("this thread drops to 10", thread_set_sched(MICA_BOOT_THREAD, 10, 0), 0);
	/* Only runs again when both others are done or blocked. */
	expect("the spinner finished", low_done, 1);
	expect("the woken thread ran right at the trigger", (long)high_saw, (long)count_at_trigger);
	thread_set_sched(MICA_BOOT_THREAD, 100, 0);

	/* Round robin within one priority, driven by the timer. */
	expect("spinner a", qthread_start(&a, MICA_BOOT_TASK, 3, spin_a, 0), 0);
	expect("spinner b", qthread_start(&b, MICA_BOOT_TASK, 4, spin_b, 0), 0);
	thread_set_sched(S_A, 60, 1000);
	thread_set_sched(S_B, 60, 1000);
	thread_set_sched(MICA_BOOT_THREAD, 10, 0);
	expect("both spinners progressed by time slices", count_a >= 1000 && count_b >= 1000, 1);
	thread_set_sched(MICA_BOOT_THREAD, 100, 0);

	/* Stop, start and ex_regs on a thread that runs. */
	expect("a thread that never blocks", qthread_start(&victim, MICA_BOOT_TASK, 5, victim_loop, 0), 0);
	thread_set_sched(S_VICTIM, 100, 1000);
	sleep_ms(3);
	expect("it ran", victim_count > 0, 1);
	expect("stop", thread_stop(S_VICTIM), 0);
	unsigned long frozen = victim_count;
	sleep_ms(3);
	expect("a stopped thread does not run", victim_count == frozen, 1);
	uint32_t state;
	uint64_t id, ip, sp, flags;
	expect("state", thread_state(S_VICTIM, &state, &id), 0);
	expect("... stopped", state, 0);
	expect("ex_regs reads and sets its ip",
	       thread_ex_regs(S_VICTIM, (uint64_t)redirected, ~0ull, ~0ull, &ip, &sp, &flags), 0);
	expect("... the old ip was in the loop", ip >= (uint64_t)victim_loop && ip < (uint64_t)victim_loop + 64, 1);
	expect("start", thread_start(S_VICTIM), 0);
	sleep_ms(2);
	expect("it runs where ex_regs sent it", victim_redirected, 1);
	expect("ex_regs of a thread waiting in IPC", thread_ex_regs(S_VICTIM, ~0ull, ~0ull, ~0ull, &ip, &sp, &flags), 0);
	sleep_ms(2);
	expect("... cancels its wait with ECANCELED", victim_wait_err, MICA_ECANCELED);
	kobject_destroy(S_VICTIM);
	return qtest_done();
}
