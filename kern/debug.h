/*
 * debug.h - the kernel debug interface (MICA_SYS_DEBUG, include/mica/
 * syscall.h): print to the kernel console, end the calling task.
 */
#ifndef KERN_DEBUG_H
#define KERN_DEBUG_H

#include <stdint.h>

/* Returns an error code for the caller's rax. */
uint64_t debug_call(uint64_t op, uint64_t a, uint64_t b);

#endif
