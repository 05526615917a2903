/*
 * pool_dry.c - the kernel's page pool running dry (docs/memory.md): the
 * spare page tables a dying task left behind are taken back before an
 * allocation fails (kmem_page_alloc_pa, kmem_run_alloc_pa).
 *
 * Every page a program makes the kernel take is charged to its factory,
 * and the root factory's quota leaves the pool a reserve, so a program
 * usually runs out of quota long before the pool runs dry.  This one is
 * made to meet the pool's end: the kernel loads a boot program into pages
 * of its own pool, uncharged, and the ballast below takes 6 MiB of them,
 * while pool_dry.scenario's quota= promises more than is left.
 */
#include "qtest.h"

#include <mica/syscall.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>

#define BALLAST_BYTES (6u << 20)
#define PAGE 4096u

/* Global, so that nothing drops it: the kernel maps and zeroes every page
 * of it when it loads the program. */
char pool_dry_ballast[BALLAST_BYTES] __attribute__((aligned(PAGE)));

enum { S_TASK = 10, S_FIRST = 16 };
enum { TYPE_TASK = 1 };

static struct mica_meminfo meminfo(void)
{
	struct mica_meminfo m = { 0 };

	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&m, sizeof m);
	return m;
}

static uint64_t quota_left(void)
{
	uint64_t limit = 0, used = 0;

	factory_quota(MICA_BOOT_FACTORY, &limit, &used);
	return limit - used;
}

static uint64_t quota_used(void)
{
	uint64_t limit = 0, used = 0;

	factory_quota(MICA_BOOT_FACTORY, &limit, &used);
	return used;
}

/* Wait (1 ms steps, at most 2 s: a bound on a failure) until the kernel
 * has as many tasks as `tasks`. */
static int tasks_come_to(uint64_t tasks)
{
	for (int i = 0; i < 2000 && meminfo().objects[TYPE_TASK] != tasks; i++)
		mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
	return meminfo().objects[TYPE_TASK] == tasks;
}

/* Every slot the test fills made once: the capability table grows to its
 * full size now, not while the pool is being filled (a table keeps its
 * pages while the task lives). */
static int grow_the_cap_table(void)
{
	int err = 0;

	for (mica_cap_t s = S_FIRST; s < MICA_CAP_SLOTS && !err; s++)
		if (!(err = factory_create_irq(MICA_BOOT_FACTORY, s, 1)))
			err = kobject_destroy(s);
	return err;
}

/* A task with a page mapped in each of 24 regions of 2 MiB has 26 page
 * tables for them besides its root (24 leaves, a directory, a pointer
 * table) and the KIP's; destroyed, it leaves them zero, and they are kept
 * spare (up to 32). */
static int leave_spare_tables(void)
{
	uint64_t tasks = meminfo().objects[TYPE_TASK];
	int err = factory_create_task(MICA_BOOT_FACTORY, S_TASK);

	for (uint64_t i = 0; i < 24 && !err; i++)
		err = task_mem_map(S_TASK, mica_fpage((uintptr_t)pool_dry_ballast, 12, MICA_R), (1ull << 32) + (i << 21),
				   false);
	return !err && !kobject_destroy(S_TASK) && tasks_come_to(tasks);
}

/* Objects until the kernel refuses one: threads first (two pages of
 * kernel stack each), then pages one by one -- a sub-factory of one page
 * and an irq of its own, whose private cache takes a page.  Returns the
 * last error; *next is the first slot left empty. */
static int fill_the_pool(mica_cap_t *next)
{
	mica_cap_t s = S_FIRST;
	int err;

	while (s < MICA_CAP_SLOTS && !(err = factory_create_thread(MICA_BOOT_FACTORY, s)))
		s++;
	while (s + 1 < MICA_CAP_SLOTS && !(err = factory_create_factory(MICA_BOOT_FACTORY, s, PAGE))) {
		s++;
		err = factory_create_irq(s - 1, s, 1);
		if (err)
			break;
		s++;
	}
	*next = s;
	return err;
}

static void spare_tables_are_taken_back_when_the_pool_runs_dry(void)
{
	uint64_t used;
	mica_cap_t next;

	expect("the capability table at its full size", grow_the_cap_table(), 0);
	used = quota_used();
	expect("a dead task's page tables kept spare", leave_spare_tables(), 1);
	struct mica_meminfo before = meminfo();
	mica_printf("# %lu kernel pages free (spare tables counted), %lu KiB of quota left\n",
		    (unsigned long)before.kernel_free_pages, (unsigned long)(quota_left() >> 10));
	expect("the pool is short of what the quota promises",
	       before.kernel_free_pages * PAGE + (1u << 20) < quota_left(), 1);

	expect("objects until the kernel has no page: ENOMEM", fill_the_pool(&next), -MICA_ENOMEM);
	mica_printf("# %u objects made\n", (unsigned)(next - S_FIRST));
	expect("... while the quota had room", quota_left() > (1u << 20), 1);
	expect("... and not a page is left, spare tables included", (long)meminfo().kernel_free_pages, 0);

	for (mica_cap_t s = S_FIRST; s < next; s++)
		kobject_destroy(s);
	for (int i = 0; i < 2000 && quota_used() != used; i++)   /* the reaper's steps */
		mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
	expect("everything made is gone: the quota is back", quota_used() == used, 1);
	expect("... and so are the pages", (long)meminfo().kernel_free_pages, (long)before.kernel_free_pages);
}

static const struct qtest_case cases[] = {
	{ "spare_tables_are_taken_back_when_the_pool_runs_dry", spare_tables_are_taken_back_when_the_pool_runs_dry },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
