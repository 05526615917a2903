/*
 * init.c - the architecture's bring-up hooks (arch.h), in boot order.
 */
#include "acpi.h"
#include "apic.h"
#include "arch.h"
#include "arch_thread.h"
#include "paging.h"
#include "trap.h"

void arch_init_cpu(void)
{
	trap_init();
	arch_fpu_init();
}

void arch_init_paging(void)
{
	paging_init();
}

void arch_init_interrupts(unsigned hz, uint64_t *tsc_khz, unsigned *cpus)
{
	apic_init(hz);
	*tsc_khz = apic_tsc_khz();
	*cpus = acpi.cpus;
}
