/*
 * sched.c - scheduling: an irq-woken high-priority thread runs before a
 * spinning low-priority one, threads of equal priority share the CPU by
 * time slices without seeing each other's x87/SSE registers, and
 * stop/start/ex_regs act on running threads.  The cases run in order from
 * the table at the end.
 */
#include "qtest.h"

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/thread.h>

enum { S_HIGH = 10, S_LOW, S_IRQ, S_A, S_B, S_VICTIM, S_FPU_A, S_FPU_B };

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

/* Each spins until both counts reach 1,000: neither can end unless the
 * other ran while it spun.  (When a spinner ended on the other's count
 * alone, a first time slice cut short by a loaded host left the other
 * spinning for a count that could no longer move.) */
static void spin_a(void *arg)
{
	(void)arg;
	while (count_a < 1000 || count_b < 1000)
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

static void irq_woken_high_priority_thread_preempts(void)
{
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
}

static void equal_priorities_share_by_time_slices(void)
{
	expect("spinner a", qthread_start(&a, MICA_BOOT_TASK, 3, spin_a, 0), 0);
	expect("spinner b", qthread_start(&b, MICA_BOOT_TASK, 4, spin_b, 0), 0);
	thread_set_sched(S_A, 60, 1000);
	thread_set_sched(S_B, 60, 1000);
	thread_set_sched(MICA_BOOT_THREAD, 10, 0);
	expect("both spinners progressed by time slices", count_a >= 1000 && count_b >= 1000, 1);
	thread_set_sched(MICA_BOOT_THREAD, 100, 0);
}

/* Two threads with their own values in xmm0..15, the x87 stack and MXCSR
 * spin while the timer switches between them: each watches the other's
 * counter, so that it knows it was switched away from and back. */
struct fpu_spinner {
	volatile unsigned long count;   /* advanced while it spins */
	volatile int done;
	unsigned long pattern, mxcsr;
	unsigned long switches, bad_xmm, mxcsr_after;
	long long x87_after;
	struct fpu_spinner *other;
};

#define FPU_SWITCHES 5

static void fpu_spin(void *arg)
{
	struct fpu_spinner *me = arg;
	unsigned long seen = 0, bad;
	long long x87_in = (long long)me->pattern, x87_out = 0;
	uint32_t mxcsr_in = me->mxcsr, mxcsr_out = 0;

	__asm__ volatile(
		".irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15\n"
		"	lea \\n(%[pat]), %%rax\n"
		"	movq %%rax, %%xmm\\n\n"
		"	punpcklqdq %%xmm\\n, %%xmm\\n\n"
		".endr\n"
		"	fildll %[x87in]\n"
		"	ldmxcsr %[mxin]\n"
		"	mov (%[other]), %%rdx\n"
		"1:	incq (%[mine])\n"
		"	cmpl $0, (%[odone])\n"
		"	jne 2f\n"
		"	mov (%[other]), %%rax\n"
		"	cmp %%rax, %%rdx\n"
		"	je 1b\n"
		"	mov %%rax, %%rdx\n"
		"	inc %[seen]\n"
		"	cmp %[want], %[seen]\n"
		"	jb 1b\n"
		"2:	stmxcsr %[mxout]\n"
		"	fistpll %[x87out]\n"
		"	xor %[bad], %[bad]\n"
		".irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15\n"
		"	lea \\n(%[pat]), %%rax\n"
		"	movq %%xmm\\n, %%rdx\n"
		"	cmp %%rax, %%rdx\n"
		"	setne %%dl\n"
		"	movzbl %%dl, %%edx\n"
		"	add %%rdx, %[bad]\n"
		"	punpckhqdq %%xmm\\n, %%xmm\\n\n"
		"	movq %%xmm\\n, %%rdx\n"
		"	cmp %%rax, %%rdx\n"
		"	setne %%dl\n"
		"	movzbl %%dl, %%edx\n"
		"	add %%rdx, %[bad]\n"
		".endr\n"
		: [seen] "+r"(seen), [bad] "=&r"(bad), [x87out] "=m"(x87_out), [mxout] "=m"(mxcsr_out)
		: [pat] "r"(me->pattern), [x87in] "m"(x87_in), [mxin] "m"(mxcsr_in), [other] "r"(&me->other->count),
		  [mine] "r"(&me->count), [odone] "r"(&me->other->done), [want] "i"(FPU_SWITCHES)
		: "rax", "rdx", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
		  "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "cc", "memory");
	me->switches = seen;
	me->bad_xmm = bad;
	me->x87_after = x87_out;
	me->mxcsr_after = mxcsr_out;
	uint32_t standard = 0x1f80;
	__asm__ volatile("ldmxcsr %0" : : "m"(standard));
	me->done = 1;
}

static struct fpu_spinner fpu_a, fpu_b;
static struct qthread fa = { .slot = S_FPU_A }, fb = { .slot = S_FPU_B };

static void fpu_state_is_private_to_each_thread(void)
{
	fpu_a = (struct fpu_spinner){ .pattern = 0x1111000000000000ul, .mxcsr = 0x1f80 | 1u << 13, .other = &fpu_b };
	fpu_b = (struct fpu_spinner){ .pattern = 0x2222000000000000ul, .mxcsr = 0x1f80 | 2u << 13, .other = &fpu_a };
	expect("thread a", qthread_create(&fa, MICA_BOOT_TASK, 6, fpu_spin, &fpu_a), 0);
	expect("thread b", qthread_create(&fb, MICA_BOOT_TASK, 7, fpu_spin, &fpu_b), 0);
	thread_set_sched(S_FPU_A, 60, 1000);
	thread_set_sched(S_FPU_B, 60, 1000);
	thread_start(S_FPU_A);
	thread_start(S_FPU_B);
	thread_set_sched(MICA_BOOT_THREAD, 10, 0);   /* back when both are done */
	thread_set_sched(MICA_BOOT_THREAD, 100, 0);
	expect("both ran to the end", fpu_a.done && fpu_b.done, 1);
	expect("each was switched away from and back while spinning", fpu_a.switches >= 1 && fpu_b.switches >= 1, 1);
	expect("a's xmm registers are its own", (long)fpu_a.bad_xmm, 0);
	expect("b's xmm registers are its own", (long)fpu_b.bad_xmm, 0);
	expect("a's x87 stack is its own", fpu_a.x87_after == (long long)fpu_a.pattern, 1);
	expect("b's x87 stack is its own", fpu_b.x87_after == (long long)fpu_b.pattern, 1);
	expect("a's MXCSR is its own", (long)fpu_a.mxcsr_after, (long)fpu_a.mxcsr);
	expect("b's MXCSR is its own", (long)fpu_b.mxcsr_after, (long)fpu_b.mxcsr);
	kobject_destroy(S_FPU_A);
	kobject_destroy(S_FPU_B);
}

static void stop_start_and_ex_regs_act_on_a_running_thread(void)
{
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
	expect("it runs where ex_regs sent it", qtest_wait(&victim_redirected), 1);
	expect("ex_regs of a thread waiting in IPC", thread_ex_regs(S_VICTIM, ~0ull, ~0ull, ~0ull, &ip, &sp, &flags), 0);
	expect("... cancels its wait with ECANCELED", qtest_wait(&victim_wait_err), MICA_ECANCELED);
	kobject_destroy(S_VICTIM);
}

static const struct qtest_case cases[] = {
	{ "irq_woken_high_priority_thread_preempts", irq_woken_high_priority_thread_preempts },
	{ "equal_priorities_share_by_time_slices", equal_priorities_share_by_time_slices },
	{ "fpu_state_is_private_to_each_thread", fpu_state_is_private_to_each_thread },
	{ "stop_start_and_ex_regs_act_on_a_running_thread", stop_start_and_ex_regs_act_on_a_running_thread },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
