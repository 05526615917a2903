/*
 * ipc_tasks.c - ipc_rtt_inter (ipc_rtt.c, the same measurement) while
 * more tasks exist: each a child task running mica-bench's image with one
 * thread blocked in an open wait, and a gate to that thread in
 * mica-bench's table.  They are made once and kept, so the 100 include
 * the first 10.  The figure must not grow with the number of tasks.
 *
 *   ipc_rtt_inter_10tasks    10 such tasks besides the client's and the server's
 *   ipc_rtt_inter_100tasks   100 of them
 *
 * Before and after measuring, every idle thread must be blocked in IPC
 * (thread_state), so the figure was taken with all of them there, waiting.
 */
#include <libsys/error.h>

#include <idl/kernel/factory.h>
#include "figures.h"
#include "ipc_server.h"
#include <idl/kernel/thread.h>

#define IDLE_MAX 100

static struct qthread idle[IDLE_MAX];
static unsigned idle_count;

static void idle_wait(void *arg)
{
	(void)arg;
	for (;;)
		mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, MICA_TIMEOUT_NEVER), 0, 0);
}

/* The thread of every idle task is blocked in IPC (state 2); else bench_fail. */
static int all_waiting(const char *when)
{
	for (unsigned i = 0; i < idle_count; i++) {
		uint32_t state = ~0u;
		uint64_t id;
		int err = thread_state(idle[i].slot, &state, &id);

		if (err || state != 2) {
			bench_fail("%s, idle thread %u is in state %u (error %d), want 2 (blocked in IPC)", when, i,
				   (unsigned)state, err);
			return 0;
		}
	}
	return 1;
}

/* Make idle tasks until there are `count`; 1 when all of them wait. */
static int idle_tasks(unsigned count)
{
	while (idle_count < count) {
		unsigned i = idle_count;
		mica_cap_t task = BENCH_S_IDLE + 3 * i;
		int err = qtask_create(task);

		idle[i].slot = task + 1;
		if (!err)
			err = qthread_start(&idle[i], task, 1, idle_wait, 0);
		if (!err)
			err = factory_create_gate(MICA_BOOT_FACTORY, task + 2, idle[i].slot, 0x1d1e0000 + i);
		if (err) {
			bench_fail("cannot make idle task %u: %s", i, mica_strerror(err < 0 ? -err : err));
			return 0;
		}
		idle_count++;
	}
	/* Equal priorities: the new threads run to their wait before this one
	 * runs again. */
	thread_yield(MICA_BOOT_THREAD);
	return all_waiting("before measuring");
}

static uint64_t inter_with_tasks(unsigned count)
{
	if (!idle_tasks(count))
		return 0;
	uint64_t figure = bench_ipc_rtt_inter();

	return all_waiting("after measuring") ? figure : 0;
}

uint64_t bench_ipc_rtt_inter_10tasks(void)
{
	return inter_with_tasks(10);
}

uint64_t bench_ipc_rtt_inter_100tasks(void)
{
	return inter_with_tasks(100);
}
