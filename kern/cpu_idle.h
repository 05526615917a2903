/*
 * cpu_idle.h - wait for the next interrupt with interrupts enabled just for
 * the wait (the kernel otherwise runs with them off).
 */
#ifndef KERN_CPU_IDLE_H
#define KERN_CPU_IDLE_H

void cpu_idle_wait(void);

#endif
