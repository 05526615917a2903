/*
 * arch_thread.h - the seam for the architecture's part of a thread (struct
 * arch_thread and its operations), which struct thread embeds.  Like
 * arch.h, the only way generic code reaches an architecture header.
 */
#ifndef KERN_ARCH_THREAD_HOOK_H
#define KERN_ARCH_THREAD_HOOK_H

#include "arch/x86_64/arch_thread.h"

#endif
