/*
 * qtest.c - helpers of the QEMU test programs (see qtest.h).
 */
#include "qtest.h"

#include <libsys/thread.h>
#include <mica/syscall.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/task.h>

extern char __executable_start[], _end[];

static int tests, failures;
static char prog[32];           /* "NAME: " before each TAP line, or "" */
static const char *case_name;   /* the case running, or 0 */

void qtest_name(const char *argv0)
{
	const char *base = argv0;

	for (const char *p = argv0; *p; p++)
		if (*p == '/')
			base = p + 1;
	unsigned i = 0;
	for (; base[i] && i + 3 < sizeof prog; i++)
		prog[i] = base[i];
	prog[i++] = ':';
	prog[i++] = ' ';
	prog[i] = '\0';
}

void expect(const char *what, long got, long want)
{
	const char *c = case_name ? case_name : "", *sep = case_name ? ": " : "";

	tests++;
	if (got == want) {
		mica_printf("%sok %d - %s%s%s\n", prog, tests, c, sep, what);
	} else {
		failures++;
		mica_printf("%snot ok %d - %s%s%s (got %ld, want %ld)\n", prog, tests, c, sep, what, got, want);
	}
}

void qtest_skip(const char *what, const char *why)
{
	tests++;
	mica_printf("%sok %d - %s%s%s # SKIP %s\n", prog, tests, case_name ? case_name : "", case_name ? ": " : "",
		    what, why);
}

int qtest_done(void)
{
	case_name = 0;
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	mica_printf("%s1..%d\n", prog, tests);
	return failures;
}

int qtest_run(const char *argv0, const struct qtest_case *cases, unsigned n)
{
	qtest_name(argv0);
	for (unsigned i = 0; i < n; i++) {
		case_name = cases[i].name;
		cases[i].run();
	}
	return qtest_done();
}

#define UTCB_AREA 0x00007fff80000000ull

int qthread_start(struct qthread *t, mica_cap_t task, unsigned utcb_index, void (*fn)(void *), void *arg)
{
	return mica_thread_spawn(MICA_BOOT_FACTORY, task, t->slot, UTCB_AREA + utcb_index * 4096ull, fn, arg,
				 t->stack, sizeof t->stack, task == MICA_BOOT_TASK ? t->slot : 0);
}

int qthread_create(struct qthread *t, mica_cap_t task, unsigned utcb_index, void (*fn)(void *), void *arg)
{
	return mica_thread_create(MICA_BOOT_FACTORY, task, t->slot, UTCB_AREA + utcb_index * 4096ull, fn, arg, t->stack,
				  sizeof t->stack, task == MICA_BOOT_TASK ? t->slot : 0);
}

int qtask_create(mica_cap_t slot)
{
	int err = factory_create_task(MICA_BOOT_FACTORY, slot);

	for (uintptr_t va = (uintptr_t)__executable_start & ~0xfffull; !err && va < (uintptr_t)_end; va += 4096)
		err = task_mem_map(slot, mica_fpage(va, 12, MICA_RWX), va, false);
	return err;
}

int qtest_wait(volatile int *flag)
{
	for (int i = 0; i < 2000 && !*flag; i++)
		mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
	return *flag;
}

void qtest_spin(unsigned long n)
{
	for (volatile unsigned long i = 0; i < n; i++)
		;
}
