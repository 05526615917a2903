/*
 * timer.c - what happens on each tick (see timer.h).
 */
#include "timer.h"

#include "kip.h"
#include "sched.h"

void timer_tick(void)
{
	if (kip)
		kip->clock_us += 1000000 / TIMER_HZ;
	sched_tick();
}
