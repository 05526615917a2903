/*
 * regress.c - kernel bugs the fuzzer found, each reduced to the few
 * invocations that trigger it (docs/testing.md, "The kernel fuzzer"):
 * `regress NAME` runs one case, so that a case that panics the kernel
 * does not hide the others (one scenario per case).
 */
#include "qtest.h"

#include <libsys/text.h>
#include <mica/syscall.h>


#include "factory.h"
#include "kobject.h"
#include "task.h"
#include "thread.h"

enum { S_TASK = 10, S_SUB, S_THREAD, S_SUB2, S_CHILD_THREAD = 20 };

/* A sub-factory and the last object it made lose their last capabilities
 * in one operation, the factory's first (here: the task holding both
 * dies, and its table is emptied slot by slot).  The object is destroyed
 * first, gives the factory's last bytes back, and the factory is freed --
 * while it is still queued for destruction. */
static void factory_freed_while_queued(void)
{
	expect("a task", factory_create_task(MICA_BOOT_FACTORY, S_TASK), 0);
	expect("a sub-factory", factory_create_factory(MICA_BOOT_FACTORY, S_SUB, 64 << 10), 0);
	expect("a thread from it", factory_create_thread(S_SUB, S_THREAD), 0);
	expect("the factory's capability moves to the task's slot 1",
	       task_cap_map(S_TASK, S_SUB, 1, MICA_RWX, true), 0);
	expect("the thread's to its slot 2", task_cap_map(S_TASK, S_THREAD, 2, MICA_RWX, true), 0);
	expect("the task is destroyed", kobject_destroy(S_TASK), 0);
}

/* A factory with a quota of 0 gives its parent back 0 bytes when it goes.
 * When that parent is being destroyed and this was its last object, the
 * parent is freed by the object's bytes and then once more by the 0 bytes
 * of quota: its own parent gets its quota back twice. */
static void zero_quota_factory_frees_parent_twice(void)
{
	uint64_t limit, before, after;

	factory_quota(MICA_BOOT_FACTORY, &limit, &before);
	expect("a sub-factory", factory_create_factory(MICA_BOOT_FACTORY, S_SUB, 64 << 10), 0);
	expect("a sub-factory of it with a quota of 0", factory_create_factory(S_SUB, S_SUB2, 0), 0);
	expect("the first is destroyed", kobject_destroy(S_SUB), 0);
	factory_quota(MICA_BOOT_FACTORY, &limit, &after);
	expect("the boot factory's use is back where it was", (long)(after - before), 0);
}

/* A page mapped where a thread's UTCB is: Task.mem_map puts a mapping
 * node there over the UTCB's page-table entry, and the thread's end then
 * clears the entry under the node. */
static uint8_t page[4096] __attribute__((aligned(4096)));

static void mem_map_over_utcb(void)
{
	const uint64_t utcb = 0x7fff00100000ull;
	struct mica_meminfo before, after;

	mica_debug(MICA_DEBUG_MEMINFO, (unsigned long)&before, sizeof before);
	expect("a task", factory_create_task(MICA_BOOT_FACTORY, S_TASK), 0);
	expect("a thread bound to it", factory_create_thread(MICA_BOOT_FACTORY, S_THREAD), 0);
	expect("... with its UTCB at a known address", thread_bind(S_THREAD, S_TASK, utcb), 0);
	int err = task_mem_map(S_TASK, mica_fpage((uint64_t)page, 12, MICA_RWX), utcb, false);
	mica_printf("# Task.mem_map onto the UTCB: %d\n", err);
	expect("the thread is destroyed", kobject_destroy(S_THREAD), 0);
	expect("the kernel's invariants hold", mica_debug(MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	expect("the task is destroyed", kobject_destroy(S_TASK), 0);
	mica_debug(MICA_DEBUG_MEMINFO, (unsigned long)&after, sizeof after);
	expect("mapping nodes are back", (long)(after.mapnodes - before.mapnodes), 0);
}

/* A thread of a child task ends its task with MICA_DEBUG_EXIT: its
 * threads are stopped, itself inside the kernel.  Starting it again from
 * another task resumes it there. */
static struct qthread exiting = { .slot = S_CHILD_THREAD };

static void exit_task(void *arg)
{
	(void)arg;
	mica_debug(MICA_DEBUG_EXIT, 3, 0);
}

static void debug_exit_then_start(void)
{
	uint32_t state = 9;
	uint64_t id;

	expect("a child task", qtask_create(S_TASK), 0);
	expect("a thread there that ends its task", qthread_start(&exiting, S_TASK, 1, exit_task, 0), 0);
	for (int i = 0; i < 100 && state != 0; i++) {
		mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
		thread_state(S_CHILD_THREAD, &state, &id);
	}
	expect("it is stopped", state, 0);
	expect("started again: the kernel must not resume it inside the exit", thread_start(S_CHILD_THREAD), 0);
	mica_ipc_wait(mica_timeouts(0, 2000), 0, 0);
	expect("the task is destroyed", kobject_destroy(S_TASK), 0);
	kobject_destroy(S_CHILD_THREAD);
}

/* ---- the mapping databases: a grant's rights bound the granted subtree -- */

/* A capability granted with fewer rights takes its children along: they
 * must not keep rights their new parent lost. */
static void cap_grant_clips_children(void)
{
	uint32_t type, parent, child;

	expect("a sub-factory", factory_create_factory(MICA_BOOT_FACTORY, S_SUB, 64 << 10), 0);
	expect("a copy derived from it, all rights", task_cap_map(MICA_BOOT_TASK, S_SUB, 30, MICA_RWX, false), 0);
	expect("the original granted with R only", task_cap_map(MICA_BOOT_TASK, S_SUB, 31, MICA_R, true), 0);
	task_cap_info(MICA_BOOT_TASK, 31, &type, &parent);
	task_cap_info(MICA_BOOT_TASK, 30, &type, &child);
	expect("the granted capability has R", parent, MICA_R);
	expect("its child has no right the parent lacks", child & ~parent, 0);
	expect("the kernel's invariants hold", mica_debug(MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	expect("the granted capability and its child go", task_cap_unmap(MICA_BOOT_TASK, 31, true), 0);
}

/* The same for memory: a page mapped on read-write, then the original
 * granted read-only: the mapping derived from it loses W too. */
static uint8_t granted[2][4096] __attribute__((aligned(4096)));

static void mem_grant_clips_children(void)
{
	const uint64_t child = 0x500000000ull, moved = 0x500001000ull;
	uint32_t rights = 0;

	granted[0][0] = 1;   /* present and writable */
	expect("the page mapped on read-write",
	       task_mem_map(MICA_BOOT_TASK, mica_fpage((uint64_t)granted[0], 12, MICA_R | MICA_W), child, false), 0);
	expect("the original granted read-only",
	       task_mem_map(MICA_BOOT_TASK, mica_fpage((uint64_t)granted[0], 12, MICA_R), moved, true), 0);
	task_mem_lookup(MICA_BOOT_TASK, moved, &rights);
	expect("the granted page is read-only", rights, MICA_R);
	task_mem_lookup(MICA_BOOT_TASK, child, &rights);
	expect("the page derived from it lost W", rights, MICA_R);
	expect("the kernel's invariants hold", mica_debug(MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	uint32_t status;
	expect("both go", task_mem_unmap(MICA_BOOT_TASK, mica_fpage(moved, 12, MICA_RWX), true, &status), 0);
}

/* ---- kernel-memory quota: what a factory pins is what it is charged -- */

/* A sub-factory's objects each on a page of their own, the rest of every
 * page filled by another factory's objects, which then go: each page
 * stays pinned by one small object charged only its own size. */
enum { PIN_ROUNDS = 16, PIN_FILL = 64, S_PIN_FIRST = 1024 };

static void quota_pins_cache_pages(void)
{
	struct mica_meminfo before, after;
	uint64_t limit, used;
	unsigned slot = S_PIN_FIRST;

	expect("a sub-factory of 16 KiB", factory_create_factory(MICA_BOOT_FACTORY, S_SUB, 16 << 10), 0);
	mica_debug(MICA_DEBUG_MEMINFO, (unsigned long)&before, sizeof before);
	int err = 0;
	for (unsigned r = 0; r < PIN_ROUNDS && !err; r++) {
		err = factory_create_irq(S_SUB, 60 + r, 0);
		for (unsigned i = 0; i < PIN_FILL && !err; i++)
			err = factory_create_irq(MICA_BOOT_FACTORY, slot++, 0);
	}
	expect("the objects are made", err, 0);
	for (unsigned s = S_PIN_FIRST; s < slot; s++)
		kobject_destroy(s);
	mica_debug(MICA_DEBUG_MEMINFO, (unsigned long)&after, sizeof after);
	factory_quota(S_SUB, &limit, &used);
	long pinned = (long)(after.slab_pages - before.slab_pages) * 4096;
	mica_printf("# the sub-factory pins %ld bytes of object caches, is charged %lu\n", pinned, (unsigned long)used);
	expect("what it pins is within what it is charged (one other partial page aside)", pinned <= (long)used + 4096, 1);
	expect("the kernel's invariants hold", mica_debug(MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	expect("the sub-factory is destroyed", kobject_destroy(S_SUB), 0);
}

/* ---- bounded kernel work ------------------------------------------------ */

/* Under -icount the TSC counts guest instructions: a cost, not a time. */
static uint64_t instructions(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

enum { WALK_GATES = 1000, WALK_THREADS = 500, S_WALK_GATE = 2000, S_WALK_THREAD = 3100 };

static uint64_t destroy_gates_cost(void)
{
	int err = factory_create_factory(MICA_BOOT_FACTORY, S_SUB, 1 << 20);

	for (unsigned i = 0; i < WALK_GATES && !err; i++)
		err = factory_create_gate(S_SUB, S_WALK_GATE + i, S_THREAD, i);
	expect("a factory of gates", err, 0);
	uint64_t t0 = instructions();
	expect("the factory is destroyed", kobject_destroy(S_SUB), 0);
	return instructions() - t0;
}

/* A gate going looked at every thread in the system (was it the
 * thread's pager or exception handler?): destroying many gates while many
 * threads live was quadratic.  Its cost must not grow with the threads. */
static void gate_destroy_walks_threads(void)
{
	expect("a thread for the gates", factory_create_thread(MICA_BOOT_FACTORY, S_THREAD), 0);
	uint64_t few = destroy_gates_cost();
	int err = 0;
	for (unsigned i = 0; i < WALK_THREADS && !err; i++)
		err = factory_create_thread(MICA_BOOT_FACTORY, S_WALK_THREAD + i);
	expect("many threads", err, 0);
	uint64_t many = destroy_gates_cost();
	mica_printf("# %u gates destroyed: %lu instructions, with %u more threads: %lu\n", WALK_GATES,
		    (unsigned long)few, WALK_THREADS, (unsigned long)many);
	expect("the threads do not make it dearer (within 1.5x)", many * 2 < few * 3, 1);
	for (unsigned i = 0; i < WALK_THREADS; i++)
		kobject_destroy(S_WALK_THREAD + i);
	expect("the kernel's invariants hold", mica_debug(MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	kobject_destroy(S_THREAD);
}

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "factory_freed_while_queued", factory_freed_while_queued },
	{ "zero_quota_factory_frees_parent_twice", zero_quota_factory_frees_parent_twice },
	{ "mem_map_over_utcb", mem_map_over_utcb },
	{ "debug_exit_then_start", debug_exit_then_start },
	{ "cap_grant_clips_children", cap_grant_clips_children },
	{ "mem_grant_clips_children", mem_grant_clips_children },
	{ "quota_pins_cache_pages", quota_pins_cache_pages },
	{ "gate_destroy_walks_threads", gate_destroy_walks_threads },
};

int main(int argc, char **argv)
{
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (argc < 2 || mica_streq(argv[1], cases[i].name))
			cases[i].fn();
	return qtest_done();
}
