/*
 * fault.h - what happens when user code faults.  Until pagers and
 * exception handlers exist (the memory issue), the faulting program is
 * stopped with a report naming it, and the kernel goes on.
 */
#ifndef KERN_FAULT_H
#define KERN_FAULT_H

#include <stdint.h>

/* A fault of the running user thread: vector, error code, fault address
 * (page faults) and instruction pointer. */
void fault_user(uint64_t vector, uint64_t error, uint64_t addr, uint64_t ip);

#endif
