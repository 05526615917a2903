/*
 * arch_fault.h - whether a trap vector is a page fault, with the access
 * that faulted (MICA_R, MICA_W or MICA_X, from the error code's W and I/D
 * bits) and whether the page was there (a protection fault) or missing.
 */
#ifndef KERN_ARCH_X86_64_FAULT_H
#define KERN_ARCH_X86_64_FAULT_H

#include <stdint.h>

#include <mica/ipc.h>

#include "x86_defs.h"

static inline int arch_fault_page(uint64_t vector, uint64_t error, unsigned *access, int *protection)
{
	if (vector != VEC_PAGE_FAULT)
		return 0;
	*access = error & 2 ? MICA_W : error & 16 ? MICA_X : MICA_R;
	*protection = error & 1;
	return 1;
}

#endif
