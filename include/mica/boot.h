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

/*
 * A boot program is a first pager (the sigma0 role): a fault of its own at
 * MICA_BOOT_PHYS_WINDOW + pa is resolved by the kernel with the physical
 * page pa, idempotently: user-pool RAM (zeroed when first handed out,
 * read-write-execute), a boot module (read-execute), or device memory the
 * kernel does not drive (read-write, uncached).  The kernel's own RAM is
 * refused.  From there it hands memory on by mapping.
 */
#define MICA_BOOT_PHYS_WINDOW 0x0000400000000000ull
#define MICA_BOOT_PHYS_MAX 0x0000200000000000ull   /* 32 TiB of physical addresses */

/* The kernel-memory quota of each boot program's factory, unless the kernel
 * command line says quota=MiB (the root task takes all but 1 MiB instead). */
#define MICA_BOOT_QUOTA (16ull << 20)

/* At halt, how long root serves on for the programs that asked to be told
 * (Parent.on_halt) to end by themselves, before it stops them. */
#define MICA_HALT_WAIT_US 3000000u

#endif
