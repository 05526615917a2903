/*
 * irq_latency.c - the longest stretch the kernel keeps interrupts off
 * while a hostile program runs its most expensive operations:
 *
 *   irq_latency_worst
 *
 * Only the measuring kernel (build/kern/mica-measure.elf32, kern/irqoff.h)
 * records the stretches: MICA_DEBUG_IRQOFF gives the longest since the
 * last call, in TSC ticks, which under -icount shift=0 are guest
 * instructions.  `make bench` boots it with `mica-bench irqoff`.  Each
 * operation is measured on its own (a comment line each); the figure is
 * the longest of them:
 *
 *   - Task.mem_unmap of a tree of TREE_COPIES x 16 mapping nodes
 *     (64 KiB of mica-bench's mapped TREE_COPIES times into a child task);
 *   - the same tree losing W (a downgrade);
 *   - MICA_DEBUG_CHECK, on the kernel as it boots this program and with
 *     all of the above (outside test boots it refuses a big kernel with
 *     MICA_E2BIG, kern/debug.c);
 *   - destroying the child task while it holds the tree;
 *   - destroying a factory of OBJECTS gates and threads (one in eight a
 *     thread);
 *   - destroying a thread with OBJECTS - 1 gates bound to it;
 *   - revoking a gate capability copied into COPIES slots of a child task
 *     (Task.cap_unmap of its children), and destroying the gate with as
 *     many copies (Kobject.destroy revokes them all), and destroying the
 *     child task while it holds them;
 *   - a call carrying one string of MICA_STRING_MAX bytes, the most one
 *     message copies;
 *   - the first pager replacing one of our mappings with as many nodes
 *     derived from it as the tree: a device page of our window mapped
 *     into a child task that often, then without W in our task, then
 *     written (the fault maps it again, the old mapping and its copies
 *     removed in steps, the thread faulting again between them).
 *
 * Each operation's result is checked; an error fails the figure.
 */
#include <libsys/debug.h>
#include <libsys/ipc.h>
#include <common/string.h>
#include <mica/boot.h>
#include <mica/syscall.h>

#include <idl/kernel/factory.h>
#include "figures.h"
#include <idl/kernel/kobject.h>
#include "slots.h"
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>
#include "qtest.h"

#define TREE_ORDER 16          /* 64 KiB: 16 pages (more would crowd mica-bench's quota) */
#define TREE_SPAN (1ul << TREE_ORDER)
#define TREE_DEST 0x0000100000000000ull
#define TREE_COPIES 6144
#define OBJECTS 2000
#define COPIES 4000            /* of MICA_CAP_SLOTS a task has */
#define STRING_THREAD_UTCB 2   /* the UTCB index of the string receiver */

static uint8_t tree_pages[TREE_SPAN] __attribute__((aligned(TREE_SPAN)));
static int short_run;

/* The longest stretch since the last call (and a new one starts). */
static uint64_t irqoff_worst(void)
{
	uint64_t worst = 0;
	int err = mica_debug(MICA_BOOT_LOG, MICA_DEBUG_IRQOFF, (unsigned long)&worst, 0);

	if (err)
		bench_fail("MICA_DEBUG_IRQOFF: %d (not the measuring kernel?)", err);
	return worst;
}

static int tree_build(unsigned copies)
{
	int err = 0;

	for (unsigned long i = 0; i < TREE_SPAN; i += 4096)
		tree_pages[i] = 1;
	for (unsigned i = 0; i < copies && !err; i++)
		err = task_mem_map(BENCH_S_IRQ_TREE_TASK, mica_fpage((uint64_t)tree_pages, TREE_ORDER, MICA_RWX),
				   TREE_DEST + i * TREE_SPAN, false);
	return err;
}

static int objects_build(unsigned count)
{
	int err = factory_create_factory(MICA_BOOT_FACTORY, BENCH_S_IRQ_FACTORY, 8u << 20);

	for (unsigned i = 0; i < count && !err; i++)
		err = i % 8 ? factory_create_gate(BENCH_S_IRQ_FACTORY, BENCH_S_IRQ_OBJECTS + i, MICA_BOOT_THREAD, i)
			    : factory_create_thread(BENCH_S_IRQ_FACTORY, BENCH_S_IRQ_OBJECTS + i);
	return err;
}

/* A gate in our table, copied into `copies` slots of a child task. */
static int copies_build(unsigned copies)
{
	int err = factory_create_gate(MICA_BOOT_FACTORY, BENCH_S_IRQ_COPIED_GATE, MICA_BOOT_THREAD, 1);

	for (unsigned i = 0; i < copies && !err; i++)
		err = task_cap_map(BENCH_S_IRQ_COPIES_TASK, BENCH_S_IRQ_COPIED_GATE, 1 + i, MICA_W, false);
	return err;
}

static uint8_t string_out[MICA_STRING_MAX] __attribute__((aligned(4096)));
static uint8_t string_in[MICA_STRING_MAX] __attribute__((aligned(4096)));
static struct qthread string_thread = { .slot = BENCH_S_IRQ_STRING_THREAD };

/* Receive one string into string_in and answer with its length, then
 * wait out of the way until destroyed. */
static void string_receiver(void *arg)
{
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag, label;

	(void)arg;
	u->br[MICA_BR_WINDOW] = 0;
	u->br[MICA_BR_DESC] = mica_br_desc(0, 1, 0);
	u->br[MICA_BR_FIRST] = (mica_word_t)string_in;
	u->br[MICA_BR_FIRST + 1] = sizeof string_in;
	if (mica_ipc_wait(0, &tag, &label) == MICA_OK) {
		u->mr[0] = mica_item_len(u->mr[0]);
		mica_ipc_reply(mica_tag(0, 1, 0, 0));
	}
	for (;;)
		mica_ipc_wait(0, 0, 0);
}

/* One call with a MICA_STRING_MAX string; its bytes checked. */
static int string_call(void)
{
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag;
	int err;

	for (unsigned long i = 0; i < sizeof string_out; i++)
		string_out[i] = (uint8_t)(i * 7 + 1);
	mica_ipc_touch(string_in, sizeof string_in, 1);
	if ((err = qthread_start(&string_thread, MICA_BOOT_TASK, STRING_THREAD_UTCB, string_receiver, 0)) ||
	    (err = factory_create_gate(MICA_BOOT_FACTORY, BENCH_S_IRQ_STRING_GATE, BENCH_S_IRQ_STRING_THREAD, 1)))
		return err;
	for (int i = 0; i < 20; i++)
		thread_yield(MICA_BOOT_THREAD);   /* let it reach its wait */
	irqoff_worst();
	u->mr[0] = mica_item_string(sizeof string_out);
	u->mr[1] = (mica_word_t)string_out;
	err = mica_ipc_call(BENCH_S_IRQ_STRING_GATE, mica_tag(0, 0, 1, 0), &tag);
	if (!err && (mica_tag_label(tag) != 0 || u->mr[0] != sizeof string_out ||
		     memcmp(string_in, string_out, sizeof string_out) != 0))
		err = MICA_EMSG;
	return err;
}

/* A device page of our first-pager window (no RAM: the kernel does not
 * drive it) given to a child task `copies` times, and then taken W from
 * in our task, so that a write to it faults to the first pager. */
#define DEVICE_PAGE (MICA_BOOT_PHYS_WINDOW + 0xfd000000ull)

static int device_copies_build(unsigned copies)
{
	uint32_t status = 0;
	int err = factory_create_task(MICA_BOOT_FACTORY, BENCH_S_IRQ_TREE_TASK);

	(void)*(volatile uint8_t *)DEVICE_PAGE;   /* the first pager maps it */
	for (unsigned i = 0; i < copies && !err; i++)
		err = task_mem_map(BENCH_S_IRQ_TREE_TASK, mica_fpage(DEVICE_PAGE, 12, MICA_RWX), TREE_DEST + i * 4096ull,
				   false);
	return err ? err : task_mem_unmap(MICA_BOOT_TASK, mica_fpage(DEVICE_PAGE, 12, MICA_W), true, &status);
}

/* The write, and the page writable again. */
static int device_write(void)
{
	uint32_t rights = 0;

	*(volatile uint8_t *)DEVICE_PAGE = 0;
	int err = task_mem_lookup(MICA_BOOT_TASK, DEVICE_PAGE, &rights);
	return err ? err : rights & MICA_W ? 0 : MICA_EPERM;
}

/* The checker runs or refuses (MICA_E2BIG); anything else fails. */
static int check(void)
{
	int err = mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0);

	return err == MICA_E2BIG ? 0 : err;
}

/* One operation: its error (bench_fail) or its longest stretch. */
static uint64_t measured(const char *what, int err, uint64_t *worst)
{
	uint64_t stretch = irqoff_worst();

	if (err)
		bench_fail("%s: error %d", what, err);
	mica_printf("# irq_latency_worst: %-28s %lu\n", what, (unsigned long)stretch);
	if (stretch > *worst)
		*worst = stretch;
	return stretch;
}

uint64_t bench_irq_latency_worst(void)
{
	unsigned copies = short_run ? 4 : TREE_COPIES, objects = short_run ? 40 : OBJECTS;
	uint32_t status = 0;
	uint64_t worst = 0;
	int err;

	irqoff_worst();
	measured("the checker, small kernel", check(), &worst);
	if ((err = factory_create_task(MICA_BOOT_FACTORY, BENCH_S_IRQ_TREE_TASK)) != 0) {
		bench_fail("a task for the tree: %d", err);
		return 0;
	}
	err = tree_build(copies);
	irqoff_worst();
	if (err)
		bench_fail("the tree: %d", err);
	err = task_mem_unmap(MICA_BOOT_TASK, mica_fpage((uint64_t)tree_pages, TREE_ORDER, MICA_W), false, &status);
	measured("downgrade the tree", err, &worst);
	err = task_mem_unmap(MICA_BOOT_TASK, mica_fpage((uint64_t)tree_pages, TREE_ORDER, MICA_RWX), false, &status);
	measured("unmap the tree", err, &worst);
	err = tree_build(copies);
	irqoff_worst();
	if (err)
		bench_fail("the tree again: %d", err);
	err = kobject_destroy(BENCH_S_IRQ_TREE_TASK);
	measured("destroy the task with the tree", err, &worst);
	err = objects_build(objects);
	irqoff_worst();
	if (err)
		bench_fail("the objects: %d", err);
	measured("the checker, big kernel", check(), &worst);
	err = kobject_destroy(BENCH_S_IRQ_FACTORY);
	measured("destroy a factory of objects", err, &worst);

	/* A thread with the factory's gates bound to it. */
	err = factory_create_factory(MICA_BOOT_FACTORY, BENCH_S_IRQ_FACTORY, 8u << 20);
	if (!err)
		err = factory_create_thread(BENCH_S_IRQ_FACTORY, BENCH_S_IRQ_OBJECTS);
	for (unsigned i = 1; i < objects && !err; i++)
		err = factory_create_gate(BENCH_S_IRQ_FACTORY, BENCH_S_IRQ_OBJECTS + i, BENCH_S_IRQ_OBJECTS, i);
	irqoff_worst();
	if (err)
		bench_fail("the thread's gates: %d", err);
	err = kobject_destroy(BENCH_S_IRQ_OBJECTS);
	measured("destroy a thread with its gates", err, &worst);
	kobject_destroy(BENCH_S_IRQ_FACTORY);
	irqoff_worst();

	unsigned cap_copies = short_run ? 40 : COPIES;
	if ((err = factory_create_task(MICA_BOOT_FACTORY, BENCH_S_IRQ_COPIES_TASK)) == 0)
		err = copies_build(cap_copies);
	irqoff_worst();
	if (err)
		bench_fail("the copies: %d", err);
	err = task_cap_unmap(MICA_BOOT_TASK, BENCH_S_IRQ_COPIED_GATE, false);
	measured("revoke a gate's copies", err, &worst);
	kobject_destroy(BENCH_S_IRQ_COPIED_GATE);
	err = copies_build(cap_copies);
	irqoff_worst();
	if (err)
		bench_fail("the copies again: %d", err);
	err = kobject_destroy(BENCH_S_IRQ_COPIED_GATE);
	measured("destroy a gate with its copies", err, &worst);
	err = copies_build(cap_copies);
	irqoff_worst();
	if (err)
		bench_fail("the copies a third time: %d", err);
	err = kobject_destroy(BENCH_S_IRQ_COPIES_TASK);
	measured("destroy the task with the copies", err, &worst);
	kobject_destroy(BENCH_S_IRQ_COPIED_GATE);
	irqoff_worst();

	err = string_call();
	measured("a call with a 64 KiB string", err, &worst);
	kobject_destroy(BENCH_S_IRQ_STRING_GATE);
	kobject_destroy(BENCH_S_IRQ_STRING_THREAD);

	err = device_copies_build(copies * (TREE_SPAN / 4096));
	irqoff_worst();
	if (err)
		bench_fail("the device page's copies: %d", err);
	measured("the first pager replaces a tree", device_write(), &worst);
	kobject_destroy(BENCH_S_IRQ_TREE_TASK);
	return worst;
}

void bench_irq_latency_short(void)
{
	short_run = 1;
}
