/*
 * arch_clock.h - the seam for the CPU's cycle counter, inline because the
 * scheduler reads it at every thread switch (kern/sched.c's CPU time).
 * Like arch.h, the only way generic code reaches an architecture header.
 */
#ifndef KERN_ARCH_CLOCK_HOOK_H
#define KERN_ARCH_CLOCK_HOOK_H

#include "arch/x86_64/arch_clock.h"

#endif
