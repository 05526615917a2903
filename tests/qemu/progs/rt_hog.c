/*
 * rt_hog.c - what root hands a program it starts: `rt_hog hog` raises
 * itself as far as it may and spins for ever; `rt_hog work`, started after
 * it, must still run to its end beside it (regress-program_below_root).
 * Each checks its scheduling parameters and its Log.
 */
#include "qtest.h"

#include <common/string.h>
#include <mica/sched.h>
#include <mica/syscall.h>

#include <idl/kernel/kobject.h>
#include <idl/kernel/thread.h>

#define ROOT_PRIO MICA_PRIO_DEFAULT

/* Root gave it a priority below its own and an MCP as low. */
static int check_sched(uint32_t *mcp)
{
	uint32_t prio = 0, slice = 0;
	int err = thread_sched(MICA_BOOT_THREAD, &prio, mcp, &slice);

	expect("Thread.sched of its own thread", err, 0);
	expect("root gave it a priority below root's", !err && prio < ROOT_PRIO, 1);
	expect("... and an MCP as low", *mcp, prio);
	expect("raising its MCP to 255: EPERM", thread_set_mcp(MICA_BOOT_THREAD, 255), -MICA_EPERM);
	return err;
}

/* What the unfixed kernel let any program do; then the most it may
 * (only with its MCP known: a guess could lower it), and spin. */
static void hog(void)
{
	uint32_t mcp = 0;
	int known = check_sched(&mcp) == 0;

	expect("raising itself to 255 with a 10 s slice: EPERM", thread_set_sched(MICA_BOOT_THREAD, 255, 10000000),
	       -MICA_EPERM);
	if (known)
		expect("its MCP with the longest slice", thread_set_sched(MICA_BOOT_THREAD, mcp, MICA_TIMESLICE_MAX_US), 0);
	qtest_done();
	mica_printf("rt_hog: spinning\n");
	for (;;)
		;
}

/* Without `cap log` in boot.cfg: printing only.  Its plan by hand (no
 * invariant check: qtest_done would need R). */
static int work(void)
{
	struct mica_meminfo m;
	uint32_t mcp = 0, type = 0, rights = 0;

	check_sched(&mcp);
	expect("raising itself above its MCP: EPERM", thread_set_sched(MICA_BOOT_THREAD, mcp + 1, 0), -MICA_EPERM);
	expect("a 10 s slice at its MCP: EINVAL", thread_set_sched(MICA_BOOT_THREAD, mcp, 10000000), -MICA_EINVAL);
	qtest_spin(3000000);   /* beside the hog, at its priority */
	expect("its Log is a Log", kobject_info(MICA_BOOT_LOG, &type, &rights), 0);
	expect("... with W only", rights, MICA_W);
	expect("meminfo: EPERM", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&m, sizeof m), MICA_EPERM);
	expect("check: EPERM", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_EPERM);
	mica_printf("work: 1..10\n");
	return 0;
}

/* The two share the console at one priority, so that their lines may
 * interleave: each names its own ("hog: ok 1 - ...", tools/testrun). */
int main(int argc, char **argv)
{
	if (argc > 1 && mica_streq(argv[1], "hog")) {
		qtest_name("hog");
		hog();
	}
	qtest_name("work");
	return work();
}
