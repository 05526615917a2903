/*
 * arch_clock.h - the low half of the TSC, unserialized: a thread switch's
 * timestamp for CPU time (kern/arch_clock.h).  Reads may run a few
 * instructions early or late, which CPU time does not notice.
 */
#ifndef KERN_ARCH_X86_64_ARCH_CLOCK_H
#define KERN_ARCH_X86_64_ARCH_CLOCK_H

#include <stdint.h>

static inline uint32_t arch_cycles_low(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	(void)hi;
	return lo;
}

#endif
