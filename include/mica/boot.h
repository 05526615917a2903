/*
 * mica/boot.h - what a boot program finds when it starts (docs/abi.md):
 * rdi = its module index, rsi = the KIP address, its UTCB at
 * MICA_BOOT_UTCB (and in gs), and these capabilities in its table.
 */
#ifndef MICA_BOOT_H
#define MICA_BOOT_H

#define MICA_BOOT_UTCB 0x00007ffffffe0000ull

enum mica_boot_cap {
	MICA_BOOT_TASK = 1,      /* its own task */
	MICA_BOOT_THREAD = 2,    /* its first thread */
	MICA_BOOT_FACTORY = 3,   /* a factory with the program's kernel-memory quota */
	MICA_BOOT_ICU = 4,       /* the interrupt controller */
	MICA_BOOT_LOG = 5,       /* the kernel console */
	MICA_BOOT_FIRST_FREE = 6,
};

/* The kernel-memory quota of each boot program's factory. */
#define MICA_BOOT_QUOTA (16ull << 20)

#endif
