/*
 * arch_fault.h - the seam for decoding a user fault, inline because it is
 * on every page fault's path (kern/fault.c).  Like arch.h, the only way
 * generic code reaches an architecture header.
 */
#ifndef KERN_ARCH_FAULT_HOOK_H
#define KERN_ARCH_FAULT_HOOK_H

#include "arch/x86_64/arch_fault.h"

#endif
