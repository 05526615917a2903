/*
 * fault.h - what happens when user code faults.  A page fault goes to the
 * first pager (a boot program's physical window), else as a message to
 * the thread's pager; another exception goes as a message to the thread's
 * exception handler (idl/kernel/pager.idl, exception.idl).  A thread with
 * neither, or whose handler fails, is stopped with a report naming its
 * program; a boot program then ends.  The kernel never panics for a user
 * fault.
 */
#ifndef KERN_FAULT_H
#define KERN_FAULT_H

#include <stdint.h>

/* A fault of the running user thread: vector, error code, fault address
 * (page faults) and instruction pointer.  Returns when the thread may
 * resume (or has been stopped and is to leave the CPU). */
void fault_user(uint64_t vector, uint64_t error, uint64_t addr, uint64_t ip);

#endif
