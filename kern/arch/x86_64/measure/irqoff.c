/*
 * irqoff.c - the measuring kernel's record of stretches with interrupts
 * off (see irqoff.h).  One CPU: a stretch begins where interrupts went
 * off, whichever thread's path ends it.
 */
#include "irqoff.h"

#include "../cpu.h"

static uint64_t begun, worst;

void irqoff_begin(void)
{
	begun = rdtsc();
}

void irqoff_end(void)
{
	uint64_t d = rdtsc() - begun;

	/* (An end without its beginning, e.g. a new thread's first way out,
	 * measures nothing.) */
	if (begun && d > worst)
		worst = d;
	begun = 0;
}

void irqoff_exempt(void)
{
	begun = 0;
}

int irqoff_report(uint64_t *out)
{
	*out = worst;
	worst = 0;
	return MICA_OK;
}
