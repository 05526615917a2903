/*
 * mica/types.h - basic types of the Mica ABI, shared by the kernel and user
 * code.  Freestanding: only the compiler's own <stdint.h> and <stddef.h>.
 */
#ifndef MICA_TYPES_H
#define MICA_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t mica_word_t;     /* one message register */
typedef int64_t mica_sword_t;
typedef uint64_t mica_cap_t;      /* a capability slot index in the caller's table */
typedef uint64_t mica_addr_t;

#define MICA_PAGE_SHIFT 12
#define MICA_PAGE_SIZE (1ul << MICA_PAGE_SHIFT)
#define MICA_PAGE_MASK (~(MICA_PAGE_SIZE - 1))   /* addr & MASK: its page; addr & ~MASK: the offset in it */

/* User space is [0, MICA_USER_END): the lower half of the x86-64 address
 * space.  Kernel and user code both check addresses against it. */
#define MICA_USER_END 0x0000800000000000ull

/* A task's capability table has this many slots (0 never holds one). */
#define MICA_CAP_SLOTS 4096
/* Task.cap_copy copies at most this many slots in one call. */
#define MICA_CAP_COPY_MAX 64

/* Slot 0 never holds a capability: "no capability". */
#define MICA_CAP_NULL ((mica_cap_t)0)

#endif
