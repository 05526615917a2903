/*
 * debug.c - the debug call (see debug.h).  Printing copies the user buffer
 * in chunks through user_copy_in, so a bad pointer is MICA_EFAULT.
 */
#include "debug.h"

#include "arch.h"
#include "bootinfo.h"
#include "check.h"
#include "console.h"
#include "factory.h"
#include "kmem.h"
#include "kobj.h"
#include "kstring.h"
#include "mapdb.h"
#include "slab.h"
#include "panic.h"
#include "sched.h"
#include "task.h"

#include <mica/error.h>
#include <mica/syscall.h>

#define PRINT_MAX (1u << 20)

static uint64_t debug_print(uint64_t buf, uint64_t len)
{
	char chunk[256];

	if (len > PRINT_MAX)
		return MICA_EINVAL;
	while (len) {
		uint64_t n = len < sizeof chunk ? len : sizeof chunk;
		int err = user_copy_in(chunk, buf, n);
		if (err)
			return err;
		kputs_n(chunk, n);
		buf += n;
		len -= n;
	}
	return MICA_OK;
}

static uint64_t debug_meminfo(uint64_t buf, uint64_t size)
{
	struct mica_meminfo m = {
		.kernel_free_pages = kmem_pmm.nfree,
		.user_free_pages = kmem_user_pmm.nfree,
		.root_quota_used = factory_root.used,
		.mapnodes = mapdb_nodes(),
	};

	for (struct slab_cache *c = slab_caches(); c; c = c->next_cache) {
		m.slab_pages += c->pages;
		for (unsigned t = 1; t < KOBJ_TYPES && t < MICA_MEMINFO_TYPES; t++)
			if (!kstrcmp(c->name, kobj_type_names[t]))
				m.objects[t] = c->objects;
	}
	if (size > sizeof m)
		size = sizeof m;
	return user_copy_out(buf, &m, size);
}

uint64_t debug_call(uint64_t op, uint64_t a, uint64_t b)
{
	switch (op) {
	case MICA_DEBUG_PRINT:
		return debug_print(a, b);
	case MICA_DEBUG_EXIT:
		task_end_current((int)a);
		return MICA_OK;
	case MICA_DEBUG_PANIC:
		/* Only a test boot lets user code panic the kernel on purpose. */
		if (!bootinfo_has_arg("panic-test"))
			return MICA_EPERM;
		panic("deliberate panic requested by %s", sched_current()->task->name);
	case MICA_DEBUG_MEMINFO:
		return debug_meminfo(a, b);
	case MICA_DEBUG_CHECK:
		return kcheck_all() ? MICA_EBUSY : MICA_OK;
	default:
		return MICA_EINVAL;
	}
}
