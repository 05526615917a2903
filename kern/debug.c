/*
 * debug.c - the debug call (see debug.h).
 *
 * Printing, the kernel's accounting and its invariant checker are the Log
 * object's: the call names a Log capability in a slot (include/mica/
 * syscall.h), printing needs its W right, MEMINFO and CHECK its R.  A
 * print is at most MICA_DEBUG_PRINT_MAX bytes, so that its stretch with
 * interrupts off is bounded (longer text is several calls); it is copied in
 * through user_copy_in, so a bad pointer is MICA_EFAULT.  Ending the
 * calling task and the test boots' panic need no capability.
 */
#include "debug.h"

#include "arch.h"
#include "bootinfo.h"
#include "cap.h"
#include "check.h"
#include "console.h"
#include "factory.h"
#include "irqoff.h"
#include "kmem.h"
#include "kobj.h"
#include <common/string.h>
#include "mapdb.h"
#include "slab.h"
#include "panic.h"
#include "sched.h"
#include "task.h"

#include <mica/error.h>
#include <mica/ipc.h>
#include <mica/syscall.h>

/* About 30 instructions an item (one task is 4,097): the checker's longest walk outside test
 * boots stays within irq_latency_worst's bound (docs/benchmarks.md). */
#define DEBUG_CHECK_ITEMS_MAX 3000

static uint64_t debug_print(uint64_t buf, uint64_t len)
{
	char text[MICA_DEBUG_PRINT_MAX];

	if (len > sizeof text)
		return MICA_EINVAL;
	int err = user_copy_in(text, buf, len);
	if (err)
		return err;
	kputs_user(text, len);
	return MICA_OK;
}

static uint64_t debug_meminfo(uint64_t buf, uint64_t size)
{
	struct mica_meminfo m = {
		.kernel_free_pages = kmem_pmm.nfree + arch_spare_tables(),
		.user_free_pages = kmem_user_pmm.nfree,
		.root_quota_used = factory_root.used,
		.mapnodes = mapdb_nodes(),
	};

	for (struct slab_cache *c = slab_caches(); c; c = c->next_cache) {
		m.slab_pages += c->pages;
		for (unsigned t = 1; t < KOBJ_TYPES && t < MICA_MEMINFO_TYPES; t++)
			if (mica_streq(c->name, kobj_type_names[t]))
				m.objects[t] = c->objects;
	}
	if (size > sizeof m)
		size = sizeof m;
	return user_copy_out(buf, &m, size);
}

/* Size 0: the longest stretch's length alone (a uint64_t). */
static uint64_t debug_irqoff(uint64_t buf, uint64_t size)
{
	struct mica_irqoff worst;
	int err = irqoff_report(&worst);

	if (err)
		return (uint64_t)err;
	if (size == 0)
		return user_copy_out(buf, &worst.longest, sizeof worst.longest);
	if (size > sizeof worst)
		size = sizeof worst;
	return user_copy_out(buf, &worst, size);
}

/* What the checker walks: every capability slot of every task, every
 * mapping node, every object. */
static uint64_t check_items(void)
{
	uint64_t items = mapdb_nodes();

	for (struct slab_cache *c = slab_caches(); c; c = c->next_cache)
		items += c->objects * (mica_streq(c->name, "task") ? 1 + CAP_SLOTS : 1);
	return items;
}

/* The checker keeps interrupts off for its whole walk, and a walk cannot
 * be resumed (whatever it looked at may change in between): outside test
 * boots (command line `test`) it runs only over a small kernel. */
static uint64_t debug_check(void)
{
	if (check_items() > DEBUG_CHECK_ITEMS_MAX) {
		if (!bootinfo_has_arg("test"))
			return MICA_E2BIG;
		irqoff_exempt();   /* a test boot's choice, not a stretch a program can cause */
	}
	return kcheck_all() ? MICA_EBUSY : MICA_OK;
}

/* 0 if the caller's slot holds a Log capability with `rights`. */
static uint64_t need_log(uint64_t slot, unsigned rights)
{
	struct cap *c = cap_lookup(sched_current()->task, slot);

	if (!c)
		return MICA_EBADCAP;
	if (c->obj->type != KOBJ_LOG)
		return MICA_ETYPE;
	return (c->rights & rights) == rights ? MICA_OK : MICA_EPERM;
}

uint64_t debug_call(uint64_t word, uint64_t a, uint64_t b)
{
	uint64_t op = word & MICA_DEBUG_OP_MASK, slot = word >> MICA_IPC_SLOT_SHIFT, err;

	switch (op) {
	case MICA_DEBUG_PRINT:
		return (err = need_log(slot, MICA_W)) ? err : debug_print(a, b);
	case MICA_DEBUG_EXIT:
		task_end_current((int)a);
		return MICA_OK;
	case MICA_DEBUG_PANIC:
		/* Only a test boot lets user code panic the kernel on purpose. */
		if (!bootinfo_has_arg("panic-test"))
			return MICA_EPERM;
		panic("deliberate panic requested by %s", sched_current()->task->name);
	case MICA_DEBUG_MEMINFO:
		return (err = need_log(slot, MICA_R)) ? err : debug_meminfo(a, b);
	case MICA_DEBUG_CHECK:
		return (err = need_log(slot, MICA_R)) ? err : debug_check();
	case MICA_DEBUG_IRQOFF:
		return (err = need_log(slot, MICA_R)) ? err : debug_irqoff(a, b);
	default:
		return MICA_EINVAL;
	}
}
