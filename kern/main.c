/*
 * main.c - kern_main, where boot.S leaves off: bring the machine up in
 * order, then run the boot programs and halt.
 */
#include "arch.h"
#include "bootinfo.h"
#include "bootstrap.h"
#include "console.h"
#include "factory.h"
#include "kip.h"
#include "kmem.h"
#include "mapdb.h"
#include "panic.h"
#include "timer.h"
#include "version.h"

void kern_main(uint32_t magic, uint64_t info);

void kern_main(uint32_t magic, uint64_t info)
{
	arch_console_init();
	kprintf("\nMica kernel " MICA_VERSION_STRING "\n");
	arch_init_cpu();
	if (bootinfo_parse(magic, info))
		panic("no usable boot information");
	kprintf("kernel: command line '%s', %u module(s)\n", bootinfo.cmdline, bootinfo.nmodules);
	kmem_init();
	arch_init_paging();
	kmem_split_user_pool();
	mapdb_init();
	uint64_t tsc_khz;
	unsigned cpus;
	arch_init_interrupts(TIMER_HZ, &tsc_khz, &cpus);
	kip_init(tsc_khz, cpus);
	/* Every object and table comes out of the root factory's quota: what
	 * the kernel pool holds, less a reserve for what is not charged yet
	 * (object caches' partial slabs, the scheduler's own). */
	factory_init_root(kmem_pmm.nfree * MICA_PAGE_SIZE / 8 * 7);

	/* A failed boot program (an error status, a fault, a leak, broken
	 * invariants: bootstrap.c) makes the halt a failure too. */
	int failed = bootstrap_run_all();
	kprintf("kernel: all boot programs ended (%d failed); halting\n", failed);
	arch_halt(failed ? HALT_FAILED : HALT_CLEAN);
}
