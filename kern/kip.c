/*
 * kip.c - builds the KIP from the boot information (see kip.h).  The
 * memory map lists the firmware's ranges, then the kernel's page pool, its
 * image and the boot modules as ranges of their own type: a later entry
 * says more about the range it covers than an earlier one.
 */
#include "kip.h"

#include "arch.h"
#include "bootinfo.h"
#include "kmem.h"
#include <common/string.h>
#include "panic.h"
#include "version.h"

#include <mica/error.h>
#include <mica/ipc.h>

struct mica_kip *kip;
static uint64_t kip_pa;

extern char __kernel_phys_start[], __kernel_end[];

static void add_mem(uint64_t base, uint64_t size, uint32_t type)
{
	if (kip->mem_count < MICA_KIP_MEM_MAX)
		kip->mem[kip->mem_count++] = (struct mica_kip_mem){ base, size, type, 0 };
}

uint64_t kip_tsc_ns(uint64_t cycles)
{
	uint64_t khz = kip->tsc_khz;

	if (!khz)
		return 0;   /* no rate measured at boot: no time to tell */
	/* Whole milliseconds, then the rest: no overflow for centuries. */
	return cycles / khz * 1000000 + cycles % khz * 1000000 / khz;
}

void kip_init(uint64_t tsc_khz, unsigned cpus)
{
	_Static_assert(sizeof(struct mica_kip) <= MICA_KIP_SIZE, "KIP too large");
	if (kmem_run_alloc_pa(MICA_KIP_SIZE / MICA_PAGE_SIZE, &kip_pa))
		panic("kip: no memory");
	kip = arch_phys_to_virt(kip_pa);
	memset(kip, 0, MICA_KIP_SIZE);
	kip->magic = MICA_KIP_MAGIC;
	kip->abi_version = MICA_ABI_VERSION;
	kip->kernel_version = MICA_VERSION_MAJOR << 16 | MICA_VERSION_MINOR;
	kip->tsc_khz = tsc_khz;
	kip->tsc_at_boot = arch_timestamp();
	kip->rtc_at_boot = arch_rtc_seconds();
	kip->cpu_count = cpus;
	kip->features = MICA_KIP_F_SSE | MICA_KIP_F_SYSCALL;
	mica_strlcpy(kip->kernel_cmdline, bootinfo.cmdline, sizeof kip->kernel_cmdline);
	for (unsigned i = 0; i < bootinfo.nregions; i++) {
		const struct boot_region *r = &bootinfo.regions[i];
		add_mem(r->base, r->size, r->type == 1 ? MICA_MEM_USABLE : MICA_MEM_RESERVED);
	}
	/* The kernel's page pool: RAM below the user pool (kmem.c). */
	add_mem(kmem_pmm.base, kmem_user_pmm.base - kmem_pmm.base, MICA_MEM_KERNEL);
	uint64_t kstart = (uint64_t)__kernel_phys_start;
	add_mem(kstart, arch_virt_to_phys(__kernel_end) - kstart, MICA_MEM_KERNEL);
	for (unsigned i = 0; i < bootinfo.nmodules; i++) {
		const struct boot_module *m = &bootinfo.modules[i];
		struct mica_kip_module *k = &kip->modules[kip->module_count++];
		k->base = m->base;
		k->size = m->size;
		mica_strlcpy(k->name, m->name, sizeof k->name);
		mica_strlcpy(k->cmdline, m->cmdline, sizeof k->cmdline);
		add_mem(m->base, m->size, MICA_MEM_MODULE);
	}
}

uint64_t kip_phys(void)
{
	return kip_pa;
}
