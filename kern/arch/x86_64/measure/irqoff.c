/*
 * irqoff.c - the measuring kernel's record of stretches with interrupts
 * off (see irqoff.h).  One CPU: a stretch begins where interrupts went
 * off, whichever thread's path ends it.
 */
#include "irqoff.h"

#include "../cpu.h"

static uint64_t begun;
static struct mica_irqoff now, worst;   /* the current stretch's origin; the longest */

void irqoff_begin(uint32_t entry, uint32_t syscall, uint64_t arg, uint64_t tag)
{
	now.entry = entry;
	now.syscall = syscall;
	now.arg = arg;
	now.tag = tag;
	if (entry == MICA_IRQOFF_SYSCALL)
		now.obj_type = now.obj_label = 0;   /* a window's stretch goes on with its operation */
	for (unsigned i = 0; i < MICA_IRQOFF_TYPES; i++)
		now.reaped[i] = 0;
	now.switches = 0;
	begun = rdtsc();
}

void irqoff_invoke(uint32_t obj_type, uint32_t label)
{
	now.obj_type = obj_type;
	now.obj_label = label;
}

void irqoff_reap(uint32_t obj_type)
{
	if (obj_type < MICA_IRQOFF_TYPES)
		now.reaped[obj_type]++;
}

void irqoff_switch(void)
{
	now.switches++;
}

void irqoff_end(uint32_t how)
{
	uint64_t d = rdtsc() - begun;

	now.ended = how;
	/* (An end without its beginning, e.g. a new thread's first way out,
	 * measures nothing.) */
	if (begun && d > worst.longest) {
		worst = now;
		worst.longest = d;
	}
	begun = 0;
}

void irqoff_exempt(void)
{
	begun = 0;
}

int irqoff_report(struct mica_irqoff *out)
{
	*out = worst;
	worst = (struct mica_irqoff){ 0 };
	return MICA_OK;
}
