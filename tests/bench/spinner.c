/*
 * spinner.c - the lowest-priority thread that keeps the guest's clock
 * honest while a figure waits for the disk (spinner.h).
 */
#include "spinner.h"

#include <libsys/slot.h>
#include <libsys/thread.h>
#include <rt/rt.h>

#include <idl/kernel/thread.h>

#define SPIN_STACK 4096

static volatile uint64_t spins;
static uint8_t spin_stack[SPIN_STACK] __attribute__((aligned(16)));
static int started;

static void spin(void *arg)
{
	(void)arg;
	__asm__ volatile("1: incq %0\n\tjmp 1b" : "+m"(spins));
}

int spinner_start(void)
{
	mica_cap_t t;

	if (started)
		return 0;
	t = mica_slot_alloc();
	if (!t || mica_thread_create(MICA_BOOT_FACTORY, MICA_BOOT_TASK, t, rt_utcb_alloc(), spin, 0, spin_stack,
				     SPIN_STACK, 0) ||
	    thread_set_handlers(t, rt_cap("rm"), rt_cap("rm")) || thread_set_sched(t, 1, 10000) || thread_start(t))
		return -1;
	started = 1;
	return 0;
}

uint64_t spinner_rounds(void)
{
	return spins;
}
