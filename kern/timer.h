/*
 * timer.h - the periodic tick: advances the KIP clock and drives
 * preemption.
 */
#ifndef KERN_TIMER_H
#define KERN_TIMER_H

#define TIMER_HZ 1000

void timer_tick(void);

#endif
