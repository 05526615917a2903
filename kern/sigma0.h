/*
 * sigma0.h - the first pager: the kernel resolves a boot program's faults
 * on its window of physical memory (include/mica/boot.h).  Nothing else in
 * the kernel decides who gets user memory.
 */
#ifndef KERN_SIGMA0_H
#define KERN_SIGMA0_H

#include <stdint.h>

struct task;

/* Resolve t's fault at addr, for access (MICA_R, W or X), if t is a first
 * pager and addr is in its window: 0 when mapped (or when a mapping there
 * is still being removed in steps: the thread faults again), MICA_EFAULT
 * otherwise -- also for an access the window's page does not allow (a
 * write to a module), which would otherwise fault again for ever. */
int sigma0_resolve(struct task *t, uint64_t addr, unsigned access);

#endif
