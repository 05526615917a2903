/*
 * timer.c - what happens on each tick (see timer.h).
 */
#include "timer.h"

#include "ipc.h"
#include "kip.h"
#include "sched.h"

void timer_tick(void)
{
	if (!kip)
		return;   /* not up yet */
	kip->clock_us += 1000000 / TIMER_HZ;
	ipc_tick(kip->clock_us);
	sched_tick();
}
