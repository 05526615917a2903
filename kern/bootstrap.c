/*
 * bootstrap.c - loads boot modules as programs and runs them one after the
 * other (see bootstrap.h).
 *
 * Each program gets its own factory (MICA_BOOT_QUOTA from the root
 * factory), a task and a thread made from it, and the capabilities of
 * include/mica/boot.h.  Its pages are copied out of its module (the module
 * stays untouched), bss is zeroed, and a 64 KiB stack sits below
 * BOOT_STACK_TOP.  When it ends, its factory is destroyed, which destroys
 * everything it made; the root factory's use must then be back where it
 * was, or the kernel reports the leak.
 */
#include "bootstrap.h"

#include "arch.h"
#include "bootinfo.h"
#include "cap.h"
#include "check.h"
#include "console.h"
#include "cpu_idle.h"
#include <common/elf.h>
#include "factory.h"
#include "icu.h"
#include "kobj.h"
#include <common/string.h>
#include "sched.h"
#include "task.h"
#include "thread.h"

#include <mica/boot.h>
#include <mica/error.h>
#include <mica/ipc.h>
#include <mica/kip.h>
#include <mica/sched.h>

#define PROGRAM_LO 0x1000ull
#define PROGRAM_HI 0x00007f0000000000ull
#define BOOT_STACK_TOP 0x00007fff00000000ull
#define BOOT_STACK_SIZE 0x10000ull
/* What the root factory keeps when the root task takes the rest. */
#define ROOT_QUOTA_SLACK (1ull << 20)

static int load_segment(struct task *t, const struct boot_module *m, const struct elf_segment *s)
{
	const uint8_t *file = arch_phys_to_virt(m->base);
	uint64_t start = s->vaddr & MICA_PAGE_MASK, end = (s->vaddr + s->memsz + MICA_PAGE_SIZE - 1) & MICA_PAGE_MASK;

	for (uint64_t va = start; va < end; va += MICA_PAGE_SIZE) {
		uint8_t *page;
		int err = task_map_zeroed(t, va, s->rights, (void **)&page);
		if (err)
			return err;
		/* The part of the file data that falls into this page. */
		uint64_t lo = va > s->vaddr ? va : s->vaddr;
		uint64_t hi = va + MICA_PAGE_SIZE < s->vaddr + s->filesz ? va + MICA_PAGE_SIZE : s->vaddr + s->filesz;
		if (lo < hi)
			memcpy(page + (lo - va), file + s->offset + (lo - s->vaddr), hi - lo);
	}
	return MICA_OK;
}

static int give_caps(struct task *t, struct thread *th, struct factory *f)
{
	int err = cap_install(t, MICA_BOOT_TASK, &t->obj, MICA_CAP_RIGHTS_ALL);

	if (!err)
		err = cap_install(t, MICA_BOOT_THREAD, &th->obj, MICA_CAP_RIGHTS_ALL);
	if (!err)
		err = cap_install(t, MICA_BOOT_FACTORY, &f->obj, MICA_CAP_RIGHTS_ALL);
	if (!err)
		err = cap_install(t, MICA_BOOT_ICU, &icu_object, MICA_CAP_RIGHTS_ALL);
	if (!err)
		err = cap_install(t, MICA_BOOT_LOG, &log_object, MICA_CAP_RIGHTS_ALL);
	return err;
}

/* Everything the program was made of goes, with its factory. */
/* Each program's factory is pinned at load, so its memory stays until
 * discard() even if the program destroys it.  Revoking its capabilities
 * destroys it and everything it made (if the program has not already). */
static void discard(struct factory *f)
{
	kobj_kill(&f->obj);
	kobj_reap();
	sched_free_zombies();
	factory_unpin(f);
}

static int load_program(unsigned index, uint64_t quota, struct boot_watch *watch, struct factory **out)
{
	const struct boot_module *m = &bootinfo.modules[index];
	struct elf_image img;
	const char *why;
	struct factory *f;
	struct task *t;
	struct thread *th;

	int err = elf_parse(arch_phys_to_virt(m->base), m->size, PROGRAM_LO, PROGRAM_HI, &img, &why);
	if (err) {
		kprintf("kernel: module %s is not a program: %s\n", m->name, why);
		return err;
	}
	err = factory_create_sub(&factory_root, quota, &f);
	if (err)
		goto fail;
	f->pinned = 1;   /* until discard() */
	err = task_create(f, &t);
	if (!err) {
		mica_strlcpy(t->name, m->name, sizeof t->name);
		t->watch = watch;
		t->sigma0 = 1;
		err = thread_create(f, &th);
		if (!err) {
			/* All scheduling authority: the boot program hands it on. */
			th->prio = MICA_PRIO_DEFAULT;
			th->mcp = MICA_PRIO_MAX;
		}
		if (!err && (err = give_caps(t, th, f)) == 0)
			err = thread_attach(th, t, MICA_BOOT_UTCB);
		if (!err)
			err = task_io_grant_boot(t);
	}
	for (unsigned i = 0; i < img.nsegs && !err; i++)
		err = load_segment(t, m, &img.segs[i]);
	for (uint64_t va = BOOT_STACK_TOP - BOOT_STACK_SIZE; va < BOOT_STACK_TOP && !err; va += MICA_PAGE_SIZE)
		err = task_map_zeroed(t, va, MICA_R | MICA_W, 0);
	if (!err) {
		thread_set_user_regs(th, img.entry, BOOT_STACK_TOP, index, MICA_KIP_ADDR);
		thread_resume(th);
		*out = f;
		return MICA_OK;
	}
	discard(f);
fail:
	kprintf("kernel: cannot load %s: error %d\n", m->name, err);
	return err;
}

static void run_to_end(struct boot_watch *w)
{
	while (!w->ended) {
		if (sched_has_ready())
			schedule();
		else
			cpu_idle_wait();
		kobj_reap();
		sched_free_zombies();
	}
}

int bootstrap_run_all(void)
{
	int failed = 0;
	/* With `root` on the command line only the first module runs: the root
	 * task, with all the kernel memory there is; the rest are its files. */
	int root = bootinfo_has_arg("root");
	unsigned count = root && bootinfo.nmodules ? 1 : bootinfo.nmodules;
	uint64_t quota = MICA_BOOT_QUOTA, mib;

	if (root)
		quota = factory_root.limit - factory_root.used - ROOT_QUOTA_SLACK;
	else if (bootinfo_arg_number("quota", &mib) && mib && mib < (1ull << 20))
		quota = mib << 20;   /* quota=MiB: each boot program's */

	for (unsigned i = 0; i < count; i++) {
		struct boot_watch watch = { 0, 0 };
		struct factory *f;
		uint64_t used = factory_root.used;
		if (load_program(i, quota, &watch, &f)) {
			failed++;
			continue;
		}
		kprintf("kernel: starting %s\n", bootinfo.modules[i].cmdline);
		run_to_end(&watch);
		if (watch.status >= 0)
			kprintf("kernel: program %s exited with status %d\n", bootinfo.modules[i].name, watch.status);
		failed += watch.status != 0;
		discard(f);
		if (kcheck_all()) {
			kprintf("kernel: invariants broken after %s\n", bootinfo.modules[i].name);
			failed++;
		}
		if (factory_root.used != used) {
			kprintf("kernel: leak: %s left %lu bytes of kernel memory behind\n", bootinfo.modules[i].name,
				factory_root.used - used);
			failed++;
		}
	}
	return failed;
}
