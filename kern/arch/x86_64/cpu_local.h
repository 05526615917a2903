/*
 * cpu_local.h - the per-CPU block, reached through gs in the kernel.  The
 * syscall entry reads the first two fields by offset (x86_defs.h).
 */
#ifndef KERN_ARCH_CPU_LOCAL_H
#define KERN_ARCH_CPU_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include "x86_defs.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));

#define IO_BITMAP_BYTES 8192   /* one bit per port, 1 = no access */
#define IO_BITMAP_NONE 0xffff  /* an iomap_base past the TSS limit: no port at all */

struct cpu_local {
	uint64_t kstack_top;     /* the running thread's kernel stack (CPU_KSTACK_TOP) */
	uint64_t user_rsp;       /* syscall entry scratch (CPU_USER_RSP) */
	struct tss tss;
	/* The running task's I/O permission bitmap, right after the TSS (the
	 * TSS's limit covers it and the all-ones byte the CPU wants after it). */
	uint8_t io_bitmap[IO_BITMAP_BYTES + 1];
	const uint8_t *io_bitmap_of;   /* whose bitmap is loaded (NULL: none) */
};

_Static_assert(offsetof(struct cpu_local, kstack_top) == CPU_KSTACK_TOP, "x86_defs.h");
_Static_assert(offsetof(struct cpu_local, user_rsp) == CPU_USER_RSP, "x86_defs.h");

extern struct cpu_local cpu0;

#endif
