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

/* Slot 0 never holds a capability: "no capability". */
#define MICA_CAP_NULL ((mica_cap_t)0)

#endif
