/*
 * sigma0.c - the first pager (see sigma0.h).
 */
#include "sigma0.h"

#include "arch.h"
#include "bootinfo.h"
#include "kmem.h"
#include <common/string.h>
#include "mapdb.h"
#include "task.h"

#include <mica/boot.h>
#include <mica/error.h>
#include <mica/ipc.h>

static int in_module(uint64_t pa)
{
	for (unsigned i = 0; i < bootinfo.nmodules; i++)
		if (pa >= (bootinfo.modules[i].base & MICA_PAGE_MASK) && pa < bootinfo.modules[i].base + bootinfo.modules[i].size)
			return 1;
	return 0;
}

static int in_ram(uint64_t pa)
{
	for (unsigned i = 0; i < bootinfo.nregions; i++)
		if (pa + MICA_PAGE_SIZE > bootinfo.regions[i].base && pa < bootinfo.regions[i].base + bootinfo.regions[i].size)
			return 1;
	return 0;
}

/* A mapping already at the page goes first, with everything derived from
 * it, in bounded steps (mapdb_insert_root): while it is going the fault
 * counts as resolved, and the thread faults again -- interrupts come in
 * between -- until the page is mapped. */
static int resolved(int err)
{
	return err == MICA_OK || err == MICA_EBUSY ? MICA_OK : MICA_EFAULT;
}

int sigma0_resolve(struct task *t, uint64_t addr, unsigned access)
{
	if (!t->sigma0 || addr < MICA_BOOT_PHYS_WINDOW || addr >= MICA_BOOT_PHYS_WINDOW + MICA_BOOT_PHYS_MAX)
		return MICA_EFAULT;
	uint64_t va = addr & MICA_PAGE_MASK, pa = va - MICA_BOOT_PHYS_WINDOW;

	if (kmem_user_page_claim(pa) == MICA_OK) {
		int err = mapdb_insert_root(t, va, pa, MICA_RWX, MAP_FRAME_USER, 0);
		if (err)
			kmem_user_page_free(pa);
		else
			memset(arch_phys_to_virt(pa), 0, MICA_PAGE_SIZE);   /* before the thread runs again */
		return resolved(err);
	}
	/* Cached only where the direct map reaches (arch_space_copy relies on
	 * it): a boot file outside the memory map is not mapped at all. */
	if (in_module(pa))
		return access & ~(MICA_R | MICA_X) || !in_ram(pa) ? MICA_EFAULT
						   : resolved(mapdb_insert_root(t, va, pa, MICA_R | MICA_X, MAP_FRAME_NONE, 0));
	if (!in_ram(pa) && !arch_device_is_kernels(pa))
		return access & ~(MICA_R | MICA_W) ? MICA_EFAULT
						   : resolved(mapdb_insert_root(t, va, pa, MICA_R | MICA_W, MAP_FRAME_NONE, 1));
	/* The kernel's RAM, or a user page already handed out elsewhere. */
	return MICA_EFAULT;
}
