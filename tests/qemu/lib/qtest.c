/*
 * qtest.c - helpers of the QEMU test programs (see qtest.h).
 */
#include "qtest.h"

#include <libsys/thread.h>
#include <mica/syscall.h>

#include "factory.h"
#include "task.h"

extern char __executable_start[], _end[];

static int tests, failures;

void expect(const char *what, long got, long want)
{
	tests++;
	if (got == want) {
		mica_printf("ok %d - %s\n", tests, what);
	} else {
		failures++;
		mica_printf("not ok %d - %s (got %ld, want %ld)\n", tests, what, got, want);
	}
}

int qtest_done(void)
{
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	mica_printf("1..%d\n", tests);
	return failures;
}

#define UTCB_AREA 0x00007fff80000000ull

int qthread_start(struct qthread *t, mica_cap_t task, unsigned utcb_index, void (*fn)(void *), void *arg)
{
	return mica_thread_spawn(MICA_BOOT_FACTORY, task, t->slot, UTCB_AREA + utcb_index * 4096ull, fn, arg,
				 t->stack, sizeof t->stack, task == MICA_BOOT_TASK ? t->slot : 0);
}

int qtask_create(mica_cap_t slot)
{
	int err = factory_create_task(MICA_BOOT_FACTORY, slot);

	for (uintptr_t va = (uintptr_t)__executable_start & ~0xfffull; !err && va < (uintptr_t)_end; va += 4096)
		err = task_mem_map(slot, mica_fpage(va, 12, MICA_RWX), va, false);
	return err;
}

void qtest_spin(unsigned long n)
{
	for (volatile unsigned long i = 0; i < n; i++)
		;
}
