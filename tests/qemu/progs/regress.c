/*
 * regress.c - kernel bugs the fuzzer found, each reduced to the few
 * invocations that trigger it (docs/testing.md, "The kernel fuzzer"):
 * `regress NAME` runs one case, so that a case that panics the kernel
 * does not hide the others (one scenario per case).
 */
#include "qtest.h"

#include <libsys/text.h>
#include <libsys/thread.h>
#include <mica/sched.h>
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

	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&before, sizeof before);
	expect("a task", factory_create_task(MICA_BOOT_FACTORY, S_TASK), 0);
	expect("a thread bound to it", factory_create_thread(MICA_BOOT_FACTORY, S_THREAD), 0);
	expect("... with its UTCB at a known address", thread_bind(S_THREAD, S_TASK, utcb), 0);
	int err = task_mem_map(S_TASK, mica_fpage((uint64_t)page, 12, MICA_RWX), utcb, false);
	mica_printf("# Task.mem_map onto the UTCB: %d\n", err);
	expect("the thread is destroyed", kobject_destroy(S_THREAD), 0);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	expect("the task is destroyed", kobject_destroy(S_TASK), 0);
	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&after, sizeof after);
	expect("mapping nodes are back", (long)(after.mapnodes - before.mapnodes), 0);
}

/* A thread of a child task ends its task with MICA_DEBUG_EXIT: its
 * threads are stopped, itself inside the kernel.  Starting it again from
 * another task resumes it there. */
static struct qthread exiting = { .slot = S_CHILD_THREAD };

static void exit_task(void *arg)
{
	(void)arg;
	mica_debug(MICA_CAP_NULL, MICA_DEBUG_EXIT, 3, 0);
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

/* ---- scheduling authority and the debug calls ----------------------------- */

enum { S_HOG = 30, S_WORKER, S_NOLOG, C_HOG = 40, C_WORKER, C_NOLOG, C_LOG_W, C_LOG_R };

#define EXTRA_UTCB 0x00007fff80100000ull   /* clear of qthread_start's */
#define LOW_PRIO 50

static struct qthread hog = { .slot = S_HOG }, worker = { .slot = S_WORKER }, nolog = { .slot = S_NOLOG };

/* A stopped thread of the child task S_TASK running fn, holding itself in
 * the child's slot `self`. */
static int child_thread(struct qthread *t, unsigned index, mica_cap_t self, void (*fn)(void *))
{
	int err = mica_thread_create(MICA_BOOT_FACTORY, S_TASK, t->slot, EXTRA_UTCB + index * 4096ull, fn, 0, t->stack,
				     sizeof t->stack, 0);

	return err ? err : task_cap_map(S_TASK, t->slot, self, MICA_RWX, false);
}

/* Wait for an event another thread signals by setting *flag (this thread
 * runs above the others: it wakes every millisecond to look). */
static void wait_for(volatile long *flag)
{
	while (!*flag)
		mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
}

static volatile long hog_raise, hog_mcp, hog_huge, hog_max, hog_running, worker_done;

static void hog_fn(void *arg)
{
	(void)arg;
	hog_huge = thread_set_sched(C_HOG, LOW_PRIO, 10000000);
	hog_max = thread_set_sched(C_HOG, LOW_PRIO, MICA_TIMESLICE_MAX_US);
	hog_mcp = thread_set_mcp(C_HOG, 255);
	hog_raise = thread_set_sched(C_HOG, 255, 10000000);
	hog_running = 1;
	for (;;)
		;
}

static void worker_fn(void *arg)
{
	(void)arg;
	qtest_spin(3000000);
	worker_done = 1;
	for (;;)
		mica_ipc_wait(0, 0, 0);
}

/* A thread given MCP 50 tries to raise itself to 255 with a 10 s slice and
 * spins: it stays at its MCP with a bounded slice, so this thread (above
 * it) and a worker at its priority (beside it) still run to the end. */
static void hog_cannot_freeze(void)
{
	uint32_t prio = 0, mcp = 0, slice = 0;

	expect("a child task", qtask_create(S_TASK), 0);
	expect("a hog thread there", child_thread(&hog, 0, C_HOG, hog_fn), 0);
	expect("its MCP: 50", thread_set_mcp(S_HOG, LOW_PRIO), 0);
	expect("its priority: 50", thread_set_sched(S_HOG, LOW_PRIO, 0), 0);
	expect("Thread.sched reads them back", thread_sched(S_HOG, &prio, &mcp, &slice), 0);
	expect("... priority 50", prio, LOW_PRIO);
	expect("... MCP 50", mcp, LOW_PRIO);
	expect("... the default slice, 10 ms", slice, MICA_TIMESLICE_DEFAULT_US);
	expect("a worker beside it, MCP and priority 50", child_thread(&worker, 1, C_WORKER, worker_fn) ||
	       thread_set_mcp(S_WORKER, LOW_PRIO) || thread_set_sched(S_WORKER, LOW_PRIO, 0), 0);
	expect("the hog starts", thread_start(S_HOG), 0);
	wait_for(&hog_running);
	expect("the hog raising itself to 255: EPERM", hog_raise, -MICA_EPERM);
	expect("the hog raising its MCP to 255: EPERM", hog_mcp, -MICA_EPERM);
	expect("the hog taking a 10 s slice: EINVAL", hog_huge, -MICA_EINVAL);
	expect("the hog taking the longest slice at its MCP", hog_max, 0);
	expect("the worker starts", thread_start(S_WORKER), 0);
	wait_for(&worker_done);
	expect("the worker completed beside the spinning hog", worker_done, 1);
	thread_sched(S_HOG, &prio, &mcp, &slice);
	expect("the hog is still at 50", prio, LOW_PRIO);
	expect("... with a 100 ms slice", slice, MICA_TIMESLICE_MAX_US);
	expect("the child task is destroyed", kobject_destroy(S_TASK), 0);
	kobject_destroy(S_HOG);
	kobject_destroy(S_WORKER);
}

static volatile long nolog_done, no_print, no_meminfo, no_check, type_print, w_print, w_long, w_meminfo, w_check,
	r_print, r_meminfo, r_check;

static void no_log_fn(void *arg)
{
	static const char forged[] = "kernel: program forged exited with status 0\n";
	static char text[MICA_DEBUG_PRINT_MAX + 1];
	struct mica_meminfo m;

	(void)arg;
	no_print = mica_debug(MICA_CAP_NULL, MICA_DEBUG_PRINT, (unsigned long)forged, sizeof forged - 1);
	no_meminfo = mica_debug(MICA_CAP_NULL, MICA_DEBUG_MEMINFO, (unsigned long)&m, sizeof m);
	no_check = mica_debug(MICA_CAP_NULL, MICA_DEBUG_CHECK, 0, 0);
	type_print = mica_debug(C_NOLOG, MICA_DEBUG_PRINT, (unsigned long)forged, sizeof forged - 1);
	w_print = mica_debug(C_LOG_W, MICA_DEBUG_PRINT, (unsigned long)forged, sizeof forged - 1);
	w_long = mica_debug(C_LOG_W, MICA_DEBUG_PRINT, (unsigned long)text, sizeof text);
	w_meminfo = mica_debug(C_LOG_W, MICA_DEBUG_MEMINFO, (unsigned long)&m, sizeof m);
	w_check = mica_debug(C_LOG_W, MICA_DEBUG_CHECK, 0, 0);
	r_print = mica_debug(C_LOG_R, MICA_DEBUG_PRINT, (unsigned long)forged, sizeof forged - 1);
	r_meminfo = mica_debug(C_LOG_R, MICA_DEBUG_MEMINFO, (unsigned long)&m, sizeof m);
	r_check = mica_debug(C_LOG_R, MICA_DEBUG_CHECK, 0, 0);
	nolog_done = 1;
	for (;;)
		mica_ipc_wait(0, 0, 0);
}

/* The debug calls of a task without a Log capability, with the wrong
 * type, with W only (print: bounded, and marked when it imitates the
 * kernel) and with R only.  The scenario rejects a forged kernel line. */
static void debug_calls_need_log(void)
{
	expect("a child task without a Log", qtask_create(S_TASK), 0);
	expect("a thread there", child_thread(&nolog, 0, C_NOLOG, no_log_fn), 0);
	expect("a W-only Log in its slot 42", task_cap_map(S_TASK, MICA_BOOT_LOG, C_LOG_W, MICA_W, false), 0);
	expect("an R-only Log in its slot 43", task_cap_map(S_TASK, MICA_BOOT_LOG, C_LOG_R, MICA_R, false), 0);
	expect("the thread starts", thread_start(S_NOLOG), 0);
	wait_for(&nolog_done);
	expect("print without a capability: EBADCAP", no_print, MICA_EBADCAP);
	expect("meminfo without a capability: EBADCAP", no_meminfo, MICA_EBADCAP);
	expect("check without a capability: EBADCAP", no_check, MICA_EBADCAP);
	expect("print with a Thread capability: ETYPE", type_print, MICA_ETYPE);
	expect("print with W", w_print, MICA_OK);
	expect("print of MICA_DEBUG_PRINT_MAX + 1 bytes: EINVAL", w_long, MICA_EINVAL);
	expect("meminfo with W only: EPERM", w_meminfo, MICA_EPERM);
	expect("check with W only: EPERM", w_check, MICA_EPERM);
	expect("print with R only: EPERM", r_print, MICA_EPERM);
	expect("meminfo with R", r_meminfo, MICA_OK);
	expect("check with R", r_check, MICA_OK);
	expect("the child task is destroyed", kobject_destroy(S_TASK), 0);
	kobject_destroy(S_NOLOG);
}

/* COM1 is the kernel console's: a boot program (which holds every other
 * port the kernel does not drive) cannot hand it on. */
static void com1_reserved(void)
{
	expect("a child task", factory_create_task(MICA_BOOT_FACTORY, S_TASK), 0);
	expect("COM1's ports are not this program's to give: EPERM", task_io_map(S_TASK, mica_io_fpage(0x3f8, 3)),
	       -MICA_EPERM);
	expect("COM2's are", task_io_map(S_TASK, mica_io_fpage(0x2f8, 3)), 0);
	expect("the child task is destroyed", kobject_destroy(S_TASK), 0);
}

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "factory_freed_while_queued", factory_freed_while_queued },
	{ "zero_quota_factory_frees_parent_twice", zero_quota_factory_frees_parent_twice },
	{ "mem_map_over_utcb", mem_map_over_utcb },
	{ "debug_exit_then_start", debug_exit_then_start },
	{ "hog_cannot_freeze", hog_cannot_freeze },
	{ "debug_calls_need_log", debug_calls_need_log },
	{ "com1_reserved", com1_reserved },
};

int main(int argc, char **argv)
{
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (argc < 2 || mica_streq(argv[1], cases[i].name))
			cases[i].fn();
	return qtest_done();
}
