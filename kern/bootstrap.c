/*
 * bootstrap.c - loads boot modules as programs and runs them (see
 * bootstrap.h).
 *
 * A program's pages are copied out of its module (the module stays
 * untouched), bss is zeroed, and a 64 KiB stack sits below
 * BOOT_STACK_TOP.  The program starts with rdi = its module index and
 * rsi = the KIP address: its command line is in the KIP.
 */
#include "bootstrap.h"

#include "arch.h"
#include "bootinfo.h"
#include "console.h"
#include "cpu_idle.h"
#include "elf.h"
#include "kstring.h"
#include "sched.h"
#include "task.h"
#include "thread.h"

#include <mica/error.h>
#include <mica/ipc.h>
#include <mica/kip.h>

#define PROGRAM_LO 0x1000ull
#define PROGRAM_HI 0x00007f0000000000ull
#define BOOT_STACK_TOP 0x00007fff00000000ull
#define BOOT_STACK_SIZE 0x10000ull

static int load_segment(struct task *t, const struct boot_module *m, const struct elf_segment *s)
{
	const uint8_t *file = arch_phys_to_virt(m->base);
	uint64_t start = s->vaddr & ~0xfffull, end = (s->vaddr + s->memsz + 0xfff) & ~0xfffull;

	for (uint64_t va = start; va < end; va += 4096) {
		uint8_t *page;
		int err = task_map_zeroed(t, va, s->rights, (void **)&page);
		if (err)
			return err;
		/* The part of the file data that falls into this page. */
		uint64_t lo = va > s->vaddr ? va : s->vaddr;
		uint64_t hi = va + 4096 < s->vaddr + s->filesz ? va + 4096 : s->vaddr + s->filesz;
		if (lo < hi)
			kmemcpy(page + (lo - va), file + s->offset + (lo - s->vaddr), hi - lo);
	}
	return MICA_OK;
}

static int load_program(unsigned index, struct task **out)
{
	const struct boot_module *m = &bootinfo.modules[index];
	struct elf_image img;
	const char *why;
	struct task *t;

	int err = elf_parse(arch_phys_to_virt(m->base), m->size, PROGRAM_LO, PROGRAM_HI, &img, &why);
	if (err) {
		kprintf("kernel: module %s is not a program: %s\n", m->name, why);
		return err;
	}
	err = task_create(m->name, &t);
	if (err)
		goto fail;
	for (unsigned i = 0; i < img.nsegs && !err; i++)
		err = load_segment(t, m, &img.segs[i]);
	for (uint64_t va = BOOT_STACK_TOP - BOOT_STACK_SIZE; va < BOOT_STACK_TOP && !err; va += 4096)
		err = task_map_zeroed(t, va, MICA_R | MICA_W, 0);
	if (!err)
		err = thread_create_user(t, img.entry, BOOT_STACK_TOP, index, MICA_KIP_ADDR, &t->thread);
	if (!err) {
		*out = t;
		return MICA_OK;
	}
	task_destroy(t);
fail:
	kprintf("kernel: cannot load %s: error %d\n", m->name, err);
	return err;
}

static void run_to_end(struct task *t)
{
	sched_ready(t->thread);
	while (!t->ended) {
		if (sched_has_ready())
			schedule();
		else
			cpu_idle_wait();
	}
}

int bootstrap_run_all(void)
{
	int failed = 0;

	for (unsigned i = 0; i < bootinfo.nmodules; i++) {
		struct task *t;
		if (load_program(i, &t)) {
			failed++;
			continue;
		}
		kprintf("kernel: starting %s\n", bootinfo.modules[i].cmdline);
		run_to_end(t);
		if (t->status >= 0)
			kprintf("kernel: program %s exited with status %d\n", t->name, t->status);
		failed += t->status != 0;
		task_destroy(t);
	}
	return failed;
}
