/*
 * launcher.c - starting programs from rom/ or from a dataspace holding a
 * program's file (Image.start, for the process server), and ending them
 * (idl/rt/process.idl).
 *
 * A program gets a factory of its own (its kernel-memory quota), a task and
 * a main thread made from it, a priority and MCP below root's (services
 * boot.cfg starts with `provide`: root's own, so that no program outranks
 * them), a Log capability to print with, a memory session, and its initial regions:
 * the ELF load plan (lib/common) made into dataspaces (text: the boot file's
 * own pages; data: copy-on-write of them; bss and the stack: anonymous),
 * the stack filled with argv, envp and auxv.  Its capabilities sit in its
 * table at fixed slots (mica/boot.h: task, thread, factory) and at slots
 * named in its environment variable MICA_CAPS (rt/rt.h).  Its `parent` gate
 * is also the pager of its threads until its region mapper takes over; the
 * region mapper's own faults stay with the parent, which serves them from
 * the initial regions.
 *
 * A program ends through Parent.exit, Parent.stray_fault (its region mapper
 * found a fault outside every region), Process.kill, or halt.  Its factory
 * goes, and with it every kernel object it made; the dataspaces root made
 * for it go; its session goes once its last dataspace has.  The process
 * record stays until the one who started it drops its Process capability.
 */
#include "config.h"
#include "root.h"

#include <libsys/slot.h>

#include <common/string.h>

#include "pool.h"

#include <common/elf.h>
#include <common/exception_signal.h>
#include <common/elf_load_plan.h>
#include <common/elf_stack.h>
#include <common/fpage.h>
#include <common/fmt.h>
#include <libsys/debug.h>
#include <libsys/error.h>
#include <mica/error.h>
#include <mica/ipc.h>
#include <mica/kip.h>
#include <mica/proc.h>
#include <mica/sched.h>
#include <rt/rt.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>
#include <idl/rt/process.h>

#define REGIONS_MAX (ELF_REGIONS_MAX + 1)
#define FIRST_NAMED_SLOT 6
#define CAPS_KEY "MICA_CAPS="   /* the environment variable naming them (rt/rt.h) */
#define ARGS_MAX MICA_SPAWN_ARGS_MAX   /* argv entries */
#define IMAGE_ENV_MAX MICA_SPAWN_ENV_MAX   /* Image.start's */
#define ENV_MAX (IMAGE_ENV_MAX + 3)        /* envp entries: MICA_CAPS, MICA_PID, the rest, the null */
#define CAPS_ENV_MAX 512                   /* MICA_CAPS=... */
/* A new program's initial stack as root builds it: the strings of argv and
 * envp (Image.start's bound on both together, MICA_CAPS and MICA_PID), a
 * word per entry and the null after each list, argc, the auxiliary vector
 * and the alignment (common/elf_stack.h). */
#define STACK_BUILD_MAX (IMAGE_START_ARGS_MAX + CAPS_ENV_MAX + 32 + 8 * (ARGS_MAX + ENV_MAX + 2) + 1024)
#define PROGRAM_LO 0x1000ull
#define PROGRAM_HI 0x00007f0000000000ull
#define SERVICE_PRIO MICA_PRIO_DEFAULT        /* root's own priority */
#define PROGRAM_PRIO (MICA_PRIO_DEFAULT - 10)  /* and MCP: below every server */

struct region {
	uint64_t start, size, offset;
	uint32_t rights;
	/* Or another server's dataspace (the record's text or data), never
	 * asked by root: root's slot for it (0: none; 32 bits, so that a
	 * record stays within half a pool page). */
	uint32_t ext;
	struct ds *ds;
	bool own;   /* made for this program (not a boot file's) */
};
_Static_assert(MICA_CAP_SLOTS <= UINT32_MAX, "a slot fits a region's ext");

struct process {
	struct obj as_process;   /* the starter's handle (K_PROCESS) */
	struct obj as_parent;    /* the program's `parent` and first pager (K_PARENT) */
	struct obj as_launcher;  /* the program's `launcher`: what it starts is charged to it */
	struct process *next;
	uint64_t pid;
	char name[MICA_KIP_NAME_MAX];   /* its boot file's */
	mica_cap_t factory, task, thread, notify;
	mica_cap_t halt_irq;     /* Parent.on_halt's, 0: none */
	bool told_halt;          /* halt_irq triggered */
	mica_cap_t rm_thread;    /* a forked program's region mapper (0: its own made it) */
	struct process *forked_by;   /* its parent, until the parent ends */
	bool held;               /* stopped by Process.stop while it ran (a signal's stop) */
	struct session *session;
	uint64_t kmem_quota;
	uint32_t prio, log_rights;
	mica_cap_t slot_parent, slot_mem, slot_launcher;   /* in its table: its own gates */
	struct region regions[REGIONS_MAX];
	unsigned nregions;
	struct ds *image;        /* its own copy of its file (Image.start), 0 for a boot file */
	mica_cap_t text, data;   /* its file's mappings (Launcher.start_mapped; 0: none), its regions' */
	bool ended, daemon, handed_out;
	bool booted;             /* started by boot.cfg: its launcher gate may halt, root logs its end */
	bool for_proc;           /* started for the process server (a `proc` given): its Process handle may fork it */
	int32_t status;
};

bool root_halting;
static struct process *processes;
static struct pool process_pool = POOL(struct process);
static uint64_t next_pid = 2;   /* root is 1 */

#define CONTAINER(p, field) ((struct process *)((char *)(p) - __builtin_offsetof(struct process, field)))

static int add_region(struct process *p, uint64_t start, uint64_t size, uint64_t offset, uint32_t rights,
		      struct ds *ds, bool own)
{
	if (p->nregions == REGIONS_MAX)
		return -MICA_ENOMEM;
	p->regions[p->nregions++] = (struct region){ start, size, offset, rights, 0, ds, own };
	return 0;
}

static int add_ext_region(struct process *p, uint64_t start, uint64_t size, uint64_t offset, uint32_t rights,
			  mica_cap_t ext)
{
	if (p->nregions == REGIONS_MAX)
		return -MICA_ENOMEM;
	p->regions[p->nregions++] = (struct region){ start, size, offset, rights, (uint32_t)ext, 0, false };
	return 0;
}

/* The program's file: a boot file's pages, or its own copy of them. */
struct program_file {
	const char *bytes;   /* in root's window */
	uint64_t size;
	struct ds *text;     /* the dataspace shared regions show */
};

/* A mapped file's plan: its file parts regions of the text and data
 * mappings at their file offsets (the data mapping's mask zeros the
 * tail), the rest anonymous; at most one copy-on-write region. */
static int make_mapped_regions(struct process *p, const struct mapped_file *m, const struct elf_load_plan *plan)
{
	unsigned copies = 0;

	for (unsigned i = 0; i < plan->nregions; i++) {
		const struct elf_region *r = &plan->regions[i];
		struct ds *d;
		int err;
		if (r->kind == ELF_REGION_ZERO) {
			if ((err = ds_create(DS_ANON, r->size, MICA_RWX, p->session, 0, 0, false, &d)) != 0)
				return err;
			if ((err = add_region(p, r->vaddr, r->size, 0, r->rights, d, true)) != 0) {
				ds_destroy(d);
				return err;
			}
			continue;
		}
		if (r->kind == ELF_REGION_COPY && (copies++ || !m->data))
			return -MICA_EINVAL;
		mica_cap_t ext = r->kind == ELF_REGION_COPY ? m->data : m->text;
		if (!ext)
			return -MICA_EINVAL;
		if ((err = add_ext_region(p, r->vaddr, r->size, r->offset, r->rights, ext)) != 0)
			return err;
	}
	return 0;
}

/* The plan's regions as dataspaces. */
static int make_regions(struct process *p, const struct program_file *f, const struct elf_load_plan *plan)
{
	uint64_t file_pa = (uint64_t)f->bytes - MICA_BOOT_PHYS_WINDOW;

	for (unsigned i = 0; i < plan->nregions; i++) {
		const struct elf_region *r = &plan->regions[i];
		struct ds *d = f->text;
		bool own = r->kind != ELF_REGION_SHARED;
		int err = 0;
		uint64_t offset = r->offset;
		if (r->kind == ELF_REGION_COPY) {
			/* The file bytes the region shows, zeros after them. */
			err = ds_create(DS_COW, r->size, MICA_RWX, p->session, file_pa + r->offset,
					r->size - r->zero_tail, false, &d);
			offset = 0;
		} else if (r->kind == ELF_REGION_ZERO) {
			err = ds_create(DS_ANON, r->size, MICA_RWX, p->session, 0, 0, false, &d);
			offset = 0;
		}
		if (err)
			return err;
		if ((err = add_region(p, r->vaddr, r->size, offset, r->rights, d, own)) != 0) {
			if (own)
				ds_destroy(d);
			return err;
		}
	}
	return 0;
}

/* argv, envp (MICA_CAPS, MICA_PID, the configuration's) and auxv at the top
 * of a fresh stack dataspace. */
static int make_stack(struct process *p, const struct elf_image *img, const char *const *argv,
		      const char *const *envp, uint64_t *sp)
{
	static char build[STACK_BUILD_MAX];
	struct ds *d;
	int err = ds_create(DS_ANON, RT_STACK_SIZE, MICA_RWX, p->session, 0, 0, false, &d);

	if (err)
		return err;
	if ((err = add_region(p, RT_STACK_TOP - RT_STACK_SIZE, RT_STACK_SIZE, 0, MICA_R | MICA_W, d, true)) != 0) {
		ds_destroy(d);
		return err;
	}
	err = elf_stack_build(img, argv, envp, RT_STACK_TOP, build, sizeof build, sp);
	if (err)
		return -err;
	uint64_t used = RT_STACK_TOP - *sp;
	return ds_write(d, RT_STACK_SIZE - used, build + sizeof build - used, used);
}

static void free_regions(struct process *p)
{
	for (unsigned i = 0; i < p->nregions; i++)
		if (p->regions[i].own)
			ds_destroy(p->regions[i].ds);
	p->nregions = 0;
}

static void process_free(struct process *p)
{
	struct process **pp = &processes;

	while (*pp != p)
		pp = &(*pp)->next;
	*pp = p->next;
	obj_close(&p->as_process);
	pool_put(&process_pool, p);
}

/* Everything the program is made of goes (but its record). */
static void teardown(struct process *p)
{
	kobject_destroy(p->factory);   /* its task, threads, gates, irqs */
	/* Every capability to the factory and to what it made goes with it,
	 * root's too (the factory's now, the others in the kernel's reaping,
	 * which a slot filled again first sees cleared): only the slot
	 * numbers are left. */
	mica_slot_free(p->factory);
	mica_slot_free(p->task);
	mica_slot_free(p->thread);
	mica_slot_free(p->rm_thread);
	p->rm_thread = 0;
	mica_slot_drop(p->halt_irq);
	p->halt_irq = 0;
	obj_close(&p->as_parent);
	obj_close(&p->as_launcher);
	free_regions(p);   /* before the copy of the file their pages may show */
	if (p->image)
		ds_destroy(p->image);
	p->image = 0;
	mica_slot_drop(p->text);
	mica_slot_drop(p->data);
	p->text = p->data = 0;
	if (p->session)
		session_release(p->session);
	p->session = 0;
}

static void process_end(struct process *p, int32_t status);

/* p ends: a child it forked but never started (it ended in the middle of
 * fork) would stay stopped for ever, so it ends too.  One that a stop
 * signal stopped after it ran (`held`) is not: a SIGCONT goes on with it. */
static void end_unstarted_children(struct process *p)
{
	for (struct process *c = processes; c; c = c->next) {
		uint32_t state;
		uint64_t id;
		if (c->forked_by != p)
			continue;
		c->forked_by = 0;
		if (!c->ended && !c->held && thread_state(c->thread, &state, &id) == 0 && state == 0)
			process_end(c, 137);
	}
}

/* The program ends: everything it made goes. */
static void process_end(struct process *p, int32_t status)
{
	if (p->ended)
		return;
	p->ended = true;
	p->status = status;
	end_unstarted_children(p);
	teardown(p);
	if (p->booted)   /* the others' parents are told (Process.status) */
		mica_printf("root: %s (pid %lu) exited with status %d\n", p->name, (unsigned long)p->pid,
			    (int)status);
	if (p->notify) {
		irq_trigger(p->notify);
		mica_slot_drop(p->notify);
		p->notify = 0;
	}
	if (!p->handed_out)
		process_free(p);
}

/* Copy root's capability `src` into the program's slot `dest`. */
static int give(struct process *p, mica_cap_t src, mica_cap_t dest, bool grant)
{
	return task_cap_map(p->task, src, dest, MICA_RWX, grant);
}

/* A gate of root's own (rom/, the registry, the program's parent,
 * launcher and memory session gates): to be called, never destroyed or
 * watched by the program (no X: docs/root.md, "Rights"). */
static int give_root_gate(struct process *p, mica_cap_t src, mica_cap_t dest)
{
	return task_cap_map(p->task, src, dest, MICA_R | MICA_W, false);
}

static int append(char *buf, size_t room, size_t *at, const char *name, unsigned long slot)
{
	int n = fmt_snprintf(buf + *at, room - *at, "%s%s=%lu", *at > sizeof CAPS_KEY - 1 ? " " : "", name, slot);
	if (n < 0 || (size_t)n >= room - *at)
		return -MICA_E2BIG;
	*at += (size_t)n;
	return 0;
}

/* The rights of the program's Log in MICA_BOOT_LOG: printing (W), and the
 * kernel's accounting and checker (R) only if boot.cfg gave it `cap log`. */
static unsigned log_rights(const struct spawn_args *a)
{
	for (unsigned i = 0; i < a->ncaps; i++)
		if (a->caps[i].slot == MICA_BOOT_LOG)
			return MICA_RWX;
	return MICA_W;
}

/* Its task, main thread, factory and Log at their fixed slots, and its own
 * gates at the slots its environment names for them (none: 0). */
static int give_own_caps(struct process *p)
{
	int err;

	if ((err = give(p, p->task, MICA_BOOT_TASK, false)) || (err = give(p, p->thread, MICA_BOOT_THREAD, false)) ||
	    (err = give(p, p->factory, MICA_BOOT_FACTORY, false)) ||
	    (err = task_cap_map(p->task, MICA_BOOT_LOG, MICA_BOOT_LOG, p->log_rights, false)))
		return err;
	if ((p->slot_parent && (err = give_root_gate(p, p->as_parent.gate, p->slot_parent))) ||
	    (p->slot_launcher && (err = give_root_gate(p, p->as_launcher.gate, p->slot_launcher))) ||
	    (p->slot_mem && (err = give_root_gate(p, session_gate(p->session), p->slot_mem))))
		return err;
	return 0;
}

/* The capabilities of the program's environment, and MICA_CAPS naming them. */
static int give_caps(struct process *p, const struct spawn_args *a, mica_cap_t serve, char *caps, size_t room)
{
	/* root: a gate of root's own, given without X (give_root_gate). */
	struct { const char *name; mica_cap_t src; bool grant, root; } named[16] = {
		{ "parent", p->as_parent.gate, false, true },
		{ "mem", session_gate(p->session), false, true },
		{ "rom", rom_obj.gate, false, true },
		{ "registry", registry_obj.gate, false, true },
		{ "launcher", p->as_launcher.gate, false, true },
		{ "stdout", a->out, true, false },
		{ "stdin", a->in, true, false },
		{ "serve", serve, false, false },
		{ "proc", a->proc, true, false },
	};
	unsigned n = 9;
	size_t at = 0;
	int err;

	for (unsigned i = 0; i < a->ncaps && n < 16; i++)
		named[n++] = (typeof(named[0])){ a->caps[i].name, a->caps[i].slot, false, false };
	at = (size_t)fmt_snprintf(caps, room, "%s", CAPS_KEY);
	p->log_rights = log_rights(a);
	if ((err = give_own_caps(p)) != 0)
		return err;
	mica_cap_t dest = FIRST_NAMED_SLOT;
	for (unsigned i = 0; i < n; i++) {
		if (!named[i].src)
			continue;
		if (named[i].src == p->as_parent.gate)
			p->slot_parent = dest;
		else if (named[i].src == p->as_launcher.gate)
			p->slot_launcher = dest;
		else if (named[i].src == session_gate(p->session))
			p->slot_mem = dest;
		if ((err = named[i].root ? give_root_gate(p, named[i].src, dest) : give(p, named[i].src, dest, named[i].grant)) ||
		    (err = append(caps, room, &at, named[i].name, dest)))
			return err;
		dest++;
	}
	return 0;
}

/* The program's file, parsed, and its load plan: the boot file `a->name`
 * of rom/, the program image `a->image` (shared with every program started
 * from it), or a copy of `a->image`'s first bytes that is the program's own
 * (physically contiguous, so that its data can be copy-on-write of it). */
static int load_image(struct process *p, const struct spawn_args *a, struct program_file *f, struct elf_image *img,
		      struct elf_load_plan *plan)
{
	const char *why;

	uint64_t image_size;
	const void *bytes;
	if (a->mapped) {
		const struct mapped_file *m = a->mapped;
		if (elf_parse_head(m->head, m->head_len, m->size, PROGRAM_LO, PROGRAM_HI, img, &why) != 0) {
			mica_printf("root: %s is not a program: %s\n", a->name, why);
			return -MICA_EINVAL;
		}
		elf_plan_load(img, plan);
		return 0;
	}
	if (a->image && (bytes = ds_image(a->image, &image_size)) != 0) {
		if (a->image_size > image_size)
			return -MICA_EINVAL;
		ds_share(a->image);   /* p's record holds it too */
		p->image = a->image;
		*f = (struct program_file){ bytes, a->image_size, p->image };
	} else if (a->image) {
		int err = ds_copy_contiguous(a->image, a->image_size, p->session, false, &p->image, &bytes);
		if (err)
			return err;
		*f = (struct program_file){ bytes, a->image_size, p->image };
	} else {
		int i = rom_find(a->name);
		if (i < 0)
			return -MICA_ENOENT;
		f->bytes = rom_bytes(i, &f->size);
		f->text = rom_ds(i);
	}
	if (elf_parse(f->bytes, f->size, PROGRAM_LO, PROGRAM_HI, img, &why) != 0) {
		mica_printf("root: %s is not a program: %s\n", a->name, why);
		return -MICA_EINVAL;
	}
	elf_plan_load(img, plan);
	return 0;
}

/* The program's record, its memory session, root's gates for it (parent,
 * launcher), and its factory, task and main thread. */
static int make_objects(struct process *p, const struct spawn_args *a)
{
	int err;

	p->pid = next_pid;
	p->daemon = a->daemon;
	p->booted = !a->charge;
	mica_strlcpy(p->name, a->name, sizeof p->name);
	p->factory = mica_slot_alloc();
	p->task = mica_slot_alloc();
	p->thread = mica_slot_alloc();
	p->session = session_create(a->mem_quota, a->charge);
	err = p->session ? 0 : -MICA_ENOMEM;
	if (!err)
		err = obj_open(&p->as_parent, K_PARENT, false);
	if (!err)
		err = obj_open(&p->as_launcher, K_LAUNCHER, false);
	if (!err)
		err = a->payer ? factory_create_factory_paid(MICA_BOOT_FACTORY, p->factory, a->kmem_quota,
							     a->payer->factory, PROGRAM_KMEM_KEEP(a->kmem_quota))
			       : factory_create_factory(MICA_BOOT_FACTORY, p->factory, a->kmem_quota);
	if (!err)
		err = factory_create_task(p->factory, p->task);
	if (!err)
		err = factory_create_thread(p->factory, p->thread);
	if (!err)
		err = thread_bind(p->thread, p->task, a->utcb ? a->utcb : MICA_BOOT_UTCB);
	p->kmem_quota = a->kmem_quota;
	p->prio = a->prio ? a->prio : a->provide && !a->charge ? SERVICE_PRIO : PROGRAM_PRIO;
	if (!err)
		err = thread_set_mcp(p->thread, p->prio);
	if (!err)
		err = thread_set_sched(p->thread, p->prio, 0);
	return err;
}

/* A service's gate to its main thread (none without `name`): published
 * now, so that programs started after it find it, and given to it as
 * `serve`. */
static int provide_gate(struct process *p, const char *name, mica_cap_t *serve)
{
	*serve = MICA_CAP_NULL;
	if (!name)
		return 0;
	mica_cap_t gate = mica_slot_alloc();
	int err = factory_create_gate(p->factory, gate, p->thread, 0);
	if (!err)
		err = registry_add(name, gate);
	if (err) {
		mica_slot_drop(gate);
		return err;
	}
	*serve = gate;
	return 0;
}

/* Its capabilities, its environment (MICA_CAPS, MICA_PID, the
 * configuration's) and its stack; *sp is its stack pointer. */
static int make_environment(struct process *p, const struct spawn_args *a, const struct elf_image *img,
			    mica_cap_t serve, uint64_t *sp)
{
	static char caps[CAPS_ENV_MAX], pid[32];
	static const char *envp[ENV_MAX];   /* one thread serves: static, as the stack is small */
	unsigned nenv = 0;
	int err = give_caps(p, a, serve, caps, sizeof caps);

	if (err)
		return err;
	fmt_snprintf(pid, sizeof pid, "MICA_PID=%lu", (unsigned long)p->pid);
	envp[nenv++] = caps;
	envp[nenv++] = pid;
	for (unsigned i = 0; a->env && a->env[i] && nenv + 1 < ENV_MAX; i++)
		envp[nenv++] = a->env[i];
	envp[nenv] = 0;
	return make_stack(p, img, a->argv, envp, sp);
}

/* The I/O ports it may use: one I/O flexpage over io_count ports (none: 0). */
static int give_io_ports(struct process *p, const struct spawn_args *a)
{
	unsigned order = 0;

	if (!a->io_count)
		return 0;
	while ((1u << order) < a->io_count)
		order++;
	return task_io_map(p->task, mica_io_fpage(a->io_port, order));
}

/* Its main thread's pager (the parent gate, until its region mapper takes
 * over) and exception handler (until then too): for a program of the
 * process server's (Image.start, Launcher.start_mapped) its `proc`, which
 * maps the pages of a mapped file that root refuses to and ends a program
 * whose start-up faults by the fault's signal (before `proc` is granted
 * into the program: the thread keeps the gate); else, or when `proc` is
 * no gate the thread could call, the parent gate (root ends it:
 * parent_exception). */
static int set_handlers(struct process *p, const struct spawn_args *a)
{
	if (a->proc && thread_set_handlers(p->thread, p->as_parent.gate, a->proc) == 0)
		return 0;   /* else no gate it could call: root's */
	return thread_set_handlers(p->thread, p->as_parent.gate, p->as_parent.gate);
}

/* Its main thread's registers: ready to start. */
static int set_registers(struct process *p, uint64_t entry, uint64_t sp)
{
	uint64_t old_ip, old_sp, old_flags;

	return thread_ex_regs(p->thread, entry, sp, ~0ull, &old_ip, &old_sp, &old_flags);
}

int launcher_spawn_program(const struct spawn_args *a, struct process **out)
{
	struct elf_image img;
	struct elf_load_plan plan;
	struct program_file file;
	mica_cap_t serve;
	uint64_t sp = 0;
	int err;

	if (!a->image && !a->mapped && rom_find(a->name) < 0)
		return -MICA_ENOENT;
	struct process *p = pool_get(&process_pool);
	if (!p)
		return -MICA_ENOMEM;
	if ((err = make_objects(p, a)) != 0 || (err = load_image(p, a, &file, &img, &plan)) != 0 ||
	    (err = a->mapped ? make_mapped_regions(p, a->mapped, &plan) : make_regions(p, &file, &plan)) != 0 ||
	    (err = set_handlers(p, a)) != 0 || (err = provide_gate(p, a->provide, &serve)) != 0 ||
	    (err = make_environment(p, a, &img, serve, &sp)) != 0 || (err = give_io_ports(p, a)) != 0 ||
	    (err = set_registers(p, img.entry, sp)) != 0) {
		teardown(p);
		pool_put(&process_pool, p);
		return err;
	}
	next_pid++;
	p->for_proc = a->proc != 0;
	if (a->mapped) {   /* the record holds the mappings its regions show */
		p->text = a->mapped->text;
		p->data = a->mapped->data;
	}
	p->next = processes;
	processes = p;
	if (!a->mapped)   /* else its starter starts it (Launcher.start_mapped) */
		thread_start(p->thread);
	*out = p;
	return 0;
}

/* ---- fork (docs/processes.md, "fork") --------------------------------- */

_Static_assert(REGIONS_MAX <= MICA_FORK_REGIONS_MAX, "a fork plan names every initial region");

/* A region of p's file mappings in c: of c's own text mapping (the
 * process server's capability for c's record), p's mappings of it mapped
 * into c at once, or of c's own data mapping, nothing of p's mapped. */
static int fork_ext_region(struct process *p, struct process *c, const struct region *r, mica_cap_t slot)
{
	bool data = r->ext == p->data;
	mica_cap_t ext = data ? c->data : c->text;
	int err;

	if (!ext)
		return -MICA_EINVAL;
	if (!data && slot)
		task_mem_map_from(c->task, p->task, r->start, r->size, r->rights & ~MICA_W);
	if ((err = add_ext_region(c, r->start, r->size, r->offset, r->rights, ext)) != 0)
		return err;
	return slot ? give(c, ext, slot, false) : 0;
}

/* The initial regions of p, forked into c (copy-on-write; the boot file's
 * or image's shared), each given to c at the slot p's region mapper holds
 * it in. */
static int fork_regions(struct process *p, struct process *c, const struct mica_fork_plan *plan)
{
	int err;

	if (p->image) {
		ds_share(p->image);   /* c's text shows it too */
		c->image = p->image;
	}
	for (unsigned i = 0; i < p->nregions; i++) {
		struct region *r = &p->regions[i];
		struct ds *d = r->ds;
		if (r->ext) {
			if ((err = fork_ext_region(p, c, r, plan->region_slot[i])) != 0)
				return err;
			continue;
		}
		if (r->own && (err = ds_fork(r->ds, c->session, false, &d)) != 0)
			return err;
		/* What the parent has of it, so that the child's first touches
		 * need no fault: its pages of a private region (ds_map_present),
		 * its mappings of a shared one (its text), unless it detached it. */
		if (r->own)
			ds_map_present(d, c->task, r->start, r->size, r->rights);
		else if (plan->region_slot[i])
			task_mem_map_from(c->task, p->task, r->start, r->size, r->rights & ~MICA_W);
		if ((err = add_region(c, r->start, r->size, r->offset, r->rights, d, r->own)) != 0) {
			if (r->own)
				ds_destroy(d);
			return err;
		}
		if (plan->region_slot[i] && (err = give(c, ds_gate(d), plan->region_slot[i], false)) != 0)
			return err;   /* slot 0: the parent detached it */
	}
	return 0;
}

/* c's region mapper thread, started, and its gate at plan->rm_slot, which
 * is the pager of c's first thread; `exc` its exception handler (0: none;
 * a mapped program's `proc`). */
static int fork_region_mapper(struct process *c, const struct mica_fork_plan *plan, mica_cap_t exc)
{
	uint64_t old_ip, old_sp, old_flags;
	mica_cap_t gate = mica_slot_alloc();
	int err;

	c->rm_thread = mica_slot_alloc();
	if (!gate || !c->rm_thread)
		err = -MICA_ENOMEM;
	else if ((err = factory_create_thread(c->factory, c->rm_thread)) == 0 &&
		 (err = thread_bind(c->rm_thread, c->task, plan->rm_utcb)) == 0 &&
		 (err = thread_set_mcp(c->rm_thread, c->prio)) == 0 &&
		 (err = thread_set_sched(c->rm_thread, c->prio, 0)) == 0 &&
		 (err = thread_set_handlers(c->rm_thread, c->as_parent.gate, exc)) == 0 &&
		 (err = thread_ex_regs(c->rm_thread, plan->rm_ip, plan->rm_sp, ~0ull, &old_ip, &old_sp, &old_flags)) ==
			 0 &&
		 (err = factory_create_gate(c->factory, gate, c->rm_thread, 0)) == 0 &&
		 (err = thread_set_handlers(c->thread, gate, gate)) == 0 &&
		 (err = thread_ex_regs(c->thread, plan->ip, plan->sp, ~0ull, &old_ip, &old_sp, &old_flags)) == 0)
		err = thread_start(c->rm_thread);
	if (!err && (err = give(c, gate, plan->rm_slot, true)) == 0)
		mica_slot_free(gate);   /* granted away: the slot is empty */
	else
		mica_slot_drop(gate);   /* it goes */
	return err;
}

/* A forked program's memory quota: its parent's.  Quotas are limits, not
 * reservations (memory.c): what the child uses counts against its parent's
 * session too, so a parent and all its forks share the parent's quota, and
 * a child may fork in turn as long as the memory is there. */
static uint64_t fork_quota(struct process *p)
{
	return session_quota(p->session);
}

static bool plan_slot_ok(uint32_t slot)
{
	return slot >= FIRST_NAMED_SLOT && slot < MICA_CAP_SLOTS;
}

int parent_fork_request(struct process *p, bool by_handle, mica_cap_t notify, mica_cap_t proc, const void *buf,
			uint32_t len, mica_cap_t text, mica_cap_t data, struct obj **handle, mica_cap_t *task,
			mica_cap_t *thread, uint64_t *pid)
{
	struct mica_fork_plan plan;
	struct spawn_args a = { .name = p->name, .charge = p->session, .payer = p, .kmem_quota = p->kmem_quota,
				.prio = p->prio };
	int err;

	if (by_handle && !p->for_proc)
		return -MICA_EPERM;   /* a program started without a `proc` (Launcher.spawn): not the starter's to fork */
	if (p->ended)
		return -MICA_EGONE;
	if (len != sizeof plan)
		return -MICA_EINVAL;
	memcpy(&plan, buf, sizeof plan);
	bool ok = plan.nregions == p->nregions && plan_slot_ok(plan.rm_slot) && plan_slot_ok(plan.proc_slot);
	for (unsigned i = 0; ok && i < p->nregions; i++)
		ok = !plan.region_slot[i] || plan_slot_ok(plan.region_slot[i]);
	ok = ok && (!plan.mem_slot || plan_slot_ok(plan.mem_slot));
	if (!ok)
		return -MICA_EINVAL;
	a.utcb = plan.utcb;
	a.mem_quota = fork_quota(p);
	if (!a.mem_quota)
		return -MICA_ENOMEM;
	struct process *c = pool_get(&process_pool);
	if (!c)
		return -MICA_ENOMEM;
	c->log_rights = p->log_rights;
	c->slot_parent = p->slot_parent;
	c->slot_mem = p->slot_mem;
	c->slot_launcher = p->slot_launcher;
	if (p->text) {   /* a mapped program's: the child's record holds its mappings */
		c->text = text;
		c->data = p->data ? data : 0;
	}
	if ((err = make_objects(c, &a)) != 0 || (err = give_own_caps(c)) != 0 ||
	    (err = fork_regions(p, c, &plan)) != 0 || (err = fork_region_mapper(c, &plan, p->text ? proc : 0)) != 0 ||
	    (proc && (err = give(c, proc, plan.proc_slot, true)) != 0) ||
	    (plan.mem_slot && (err = give_root_gate(p, session_gate(c->session), plan.mem_slot)) != 0) ||
	    (err = obj_open(&c->as_process, K_PROCESS, true)) != 0) {
		c->text = c->data = 0;   /* the caller's still */
		teardown(c);
		pool_put(&process_pool, c);
		return err;
	}
	if (!p->text) {   /* the caller's to keep: none of a program that is not mapped */
		mica_slot_drop(text);
		mica_slot_drop(data);
	} else if (!p->data)
		mica_slot_drop(data);
	next_pid++;
	c->for_proc = proc != 0;
	c->forked_by = p;
	c->next = processes;
	processes = c;
	c->handed_out = true;
	c->notify = notify;
	*handle = &c->as_process;
	*task = c->task;
	*thread = c->thread;
	*pid = c->pid;
	return 0;
}

/* Nobody holds the program's Process handle any more: its record goes,
 * now if it has ended, else when it ends, or now with it if `kill`. */
static void drop_handle(struct process *p, bool kill)
{
	p->handed_out = false;
	if (p->ended)
		process_free(p);
	else if (kill)
		process_end(p, 137);
}

void launcher_kill_all(void)
{
	while (processes)
		drop_handle(processes, true);
}

int parent_on_halt_request(struct process *p, mica_cap_t irq)
{
	if (!p->booted)
		return -MICA_EPERM;
	mica_slot_drop(p->halt_irq);
	p->halt_irq = irq;
	return 0;
}

unsigned launcher_tell_halt(void)
{
	unsigned n = 0;

	for (struct process *p = processes; p; p = p->next)
		if (!p->ended && p->halt_irq && !p->told_halt) {
			irq_trigger(p->halt_irq);
			p->told_halt = true;
			n++;
		}
	return n;
}

bool launcher_halt_pending(void)
{
	for (struct process *p = processes; p; p = p->next)
		if (!p->ended && p->told_halt)
			return true;
	return false;
}

bool launcher_busy(void)
{
	for (struct process *p = processes; p; p = p->next)
		if (!p->ended && !p->daemon)
			return true;
	return false;
}

bool launcher_alive(uint64_t pid)
{
	for (struct process *p = processes; p; p = p->next)
		if (p->pid == pid)
			return !p->ended;
	return false;
}

int launcher_identify_request(mica_cap_t launcher, uint64_t *pid)
{
	struct obj *o = obj_of_cap(launcher);

	if (!o || o->kind != K_LAUNCHER)
		return -MICA_EINVAL;   /* an ended program's went with it (teardown) */
	*pid = process_of(o)->pid;
	return 0;
}

uint64_t process_pid(struct process *p)
{
	return p->pid;
}

bool process_may_halt(struct process *p)
{
	return p->booted;
}

void process_last_ref(struct obj *o)
{
	drop_handle(CONTAINER(o, as_process), false);
}

void process_abandon(struct obj *o)
{
	drop_handle(CONTAINER(o, as_process), true);
}

/* ---- the protocols -------------------------------------------------- */

struct process *process_of(struct obj *o)
{
	return o->kind == K_PROCESS ? CONTAINER(o, as_process)
	       : o->kind == K_PARENT ? CONTAINER(o, as_parent) : CONTAINER(o, as_launcher);
}

/* Start the program and hand its Process handle out; `notify` is kept
 * only once it runs (a failure leaves it with the request). */
static int spawn_handed_out(const struct spawn_args *a, mica_cap_t notify, struct obj **handle)
{
	struct process *proc;
	int err = launcher_spawn_program(a, &proc);

	if (err)
		return err;
	if ((err = obj_open(&proc->as_process, K_PROCESS, true)) != 0) {
		process_end(proc, 137);
		return err;
	}
	proc->handed_out = true;
	proc->notify = notify;
	*handle = &proc->as_process;
	return 0;
}

int launcher_spawn_request(struct process *spawner, const char *name, const void *args, uint32_t args_len,
			   mica_cap_t out_stream, mica_cap_t in_stream, mica_cap_t notify, uint64_t mem_quota,
			   struct obj **handle)
{
	static const char *argv[ARGS_MAX + 1];
	unsigned argc = 0;
	const char *p = args, *end = p + args_len;
	struct spawn_args a = { .name = name, .argv = argv, .out = out_stream, .in = in_stream,
				.mem_quota = mem_quota, .kmem_quota = spawner->kmem_quota,
				.charge = spawner->session, .payer = spawner };

	if (!a.mem_quota)
		a.mem_quota = session_left(spawner->session) / 2 & ~(PAGE - 1);
	if (!a.mem_quota)
		return -MICA_ENOMEM;
	if (args_len && ((const char *)args)[args_len - 1] != 0)
		return -MICA_EINVAL;
	argv[argc++] = name;
	while (p < end && argc < ARGS_MAX) {
		argv[argc++] = p;
		p += mica_strlen(p) + 1;
	}
	if (p < end)
		return -MICA_E2BIG;
	argv[argc] = 0;
	return spawn_handed_out(&a, notify, handle);
}

/* Split `len` bytes of NUL-terminated strings into at most `max` entries of
 * list[] (then a null): MICA_EINVAL if the last one has no NUL, MICA_E2BIG
 * if there are more. */
static int split(const char *p, uint32_t len, const char **list, unsigned max, unsigned *n)
{
	const char *end = p + len;

	if (len && end[-1] != 0)
		return -MICA_EINVAL;
	while (p < end) {
		if (*n == max)
			return -MICA_E2BIG;
		list[(*n)++] = p;
		p += mica_strlen(p) + 1;
	}
	list[*n] = 0;
	return 0;
}

/* p pays for a program it starts, as for a fork: its session, its
 * factory, within its quotas. */
static void paid_by(struct spawn_args *a, struct process *p)
{
	a->charge = p->session;
	a->payer = p;
	a->kmem_quota = p->kmem_quota;
	if (a->mem_quota > session_quota(p->session))
		a->mem_quota = session_quota(p->session);
}

/* The program `payer` names (a Process handle, or the launcher gate of a
 * program, which goes with its end) as *p, 0 for none or one that has
 * ended (an exec whose parent ended meanwhile): it pays for a program
 * Image.start or Launcher.start_mapped starts as if it had spawned it. */
static int payer_of(mica_cap_t payer, struct process **p)
{
	*p = 0;
	if (!payer)
		return 0;
	struct obj *o = obj_of_cap(payer);
	if (!o || (o->kind != K_PROCESS && o->kind != K_LAUNCHER))
		return -MICA_EINVAL;
	struct process *named = process_of(o);
	if (!named->ended)
		*p = named;
	return 0;
}

int launcher_image_request(struct ds *image, const char *name, uint64_t size, const void *args, uint32_t args_len,
			   const void *env, uint32_t env_len, mica_cap_t out_stream, mica_cap_t in_stream,
			   mica_cap_t notify, mica_cap_t proc, mica_cap_t payer, uint64_t mem_quota,
			   struct obj **handle)
{
	static const char *argv[ARGS_MAX + 1], *envp[IMAGE_ENV_MAX + 1];
	unsigned argc = 0, nenv = 0;
	struct session *own = ds_session(image);
	struct spawn_args a = { .name = name, .argv = argv, .env = envp, .out = out_stream, .in = in_stream,
				.mem_quota = mem_quota, .image = image, .image_size = size, .proc = proc };
	struct process *p;
	int err;

	if (!own || !name[0])
		return -MICA_EINVAL;
	if ((err = payer_of(payer, &p)) != 0)
		return err;
	if (p)
		paid_by(&a, p);
	else {   /* the dataspace's session, a factory of root's own quota */
		a.charge = own;
		a.kmem_quota = PROGRAM_KMEM;
	}
	if ((uint64_t)args_len + env_len > IMAGE_START_ARGS_MAX)
		return -MICA_E2BIG;
	if ((err = split(args, args_len, argv, ARGS_MAX, &argc)) != 0 ||
	    (err = split(env, env_len, envp, IMAGE_ENV_MAX, &nenv)) != 0)
		return err;
	if (!argc)
		return -MICA_EINVAL;
	if (!a.mem_quota)
		a.mem_quota = session_left(a.charge) / 2 & ~(PAGE - 1);
	if (!a.mem_quota)
		return -MICA_ENOMEM;
	return spawn_handed_out(&a, notify, handle);
}

int launcher_mapped_request(struct process *spawner, const char *name, const struct mapped_file *file,
			    const void *strings, uint32_t strings_len, uint32_t argc, mica_cap_t out_stream,
			    mica_cap_t in_stream, mica_cap_t notify, mica_cap_t proc, mica_cap_t payer, uint64_t mem_quota,
			    struct obj **handle, mica_cap_t *task, mica_cap_t *thread)
{
	static const char *list[ARGS_MAX + IMAGE_ENV_MAX + 2];
	unsigned n = 0;
	struct spawn_args a = { .name = name, .argv = list, .out = out_stream, .in = in_stream,
				.mem_quota = mem_quota, .mapped = file, .proc = proc };
	struct process *p;
	int err;

	if (!name[0] || !file->text || !proc)
		return -MICA_EINVAL;
	if ((err = payer_of(payer, &p)) != 0)
		return err;
	paid_by(&a, p ? p : spawner);   /* a spawner that ended has no launcher gate to ask on */
	if (strings_len > IMAGE_START_ARGS_MAX)
		return -MICA_E2BIG;
	if ((err = split(strings, strings_len, list, ARGS_MAX + IMAGE_ENV_MAX, &n)) != 0)
		return err;
	if (!argc || argc > n)
		return -MICA_EINVAL;
	if (argc > ARGS_MAX || n - argc > IMAGE_ENV_MAX)
		return -MICA_E2BIG;
	/* argv ends at argc: the environment's entries follow its null. */
	memmove(list + argc + 1, list + argc, (n - argc + 1) * sizeof list[0]);
	list[argc] = 0;
	a.env = list + argc + 1;
	if (!a.mem_quota)
		a.mem_quota = session_left(a.charge) / 2 & ~(PAGE - 1);
	if (!a.mem_quota)
		return -MICA_ENOMEM;
	if ((err = spawn_handed_out(&a, notify, handle)) != 0)
		return err;
	*task = process_of(*handle)->task;
	*thread = process_of(*handle)->thread;
	return 0;
}

int process_status_request(struct process *p, bool *ended, int32_t *status, uint64_t *pid)
{
	*ended = p->ended;
	*status = p->status;
	*pid = p->pid;
	return 0;
}

int process_kill_request(struct process *p)
{
	process_end(p, 137);
	return 0;
}

int process_stop_request(struct process *p, bool stop)
{
	uint32_t state;
	uint64_t id;

	if (p->ended)
		return -MICA_EGONE;
	if (!stop) {
		p->held = false;
		return task_hold(p->task, false);
	}
	/* A first thread stopped already was never started (a fork's child):
	 * not held, so its parent's end still ends it. */
	if (!p->held && thread_state(p->thread, &state, &id) == 0 && state != 0)
		p->held = true;
	/* A forked program's region mapper, which root made, serves on
	 * (marked now rather than at each fork: a kernel call a fork saved). */
	if (p->rm_thread)
		thread_keep_running(p->rm_thread, true);
	return task_hold(p->task, true);
}

int parent_exit_request(struct process *p, int32_t status)
{
	process_end(p, status);
	return -MICA_EGONE;   /* nobody is left to answer */
}

static struct region *find_region(struct process *p, uint64_t addr)
{
	for (unsigned i = 0; i < p->nregions; i++)
		if (addr >= p->regions[i].start && addr - p->regions[i].start < p->regions[i].size)
			return &p->regions[i];
	return 0;
}

int parent_region_request(struct process *p, uint32_t index, uint64_t *start, uint64_t *size, uint64_t *offset,
			  uint32_t *rights, mica_cap_t *ds)
{
	if (index >= p->nregions)
		return -MICA_ENOENT;
	struct region *r = &p->regions[index];
	*start = r->start;
	*size = r->size;
	*offset = r->offset;
	*rights = r->rights;
	*ds = r->ext ? r->ext : ds_gate(r->ds);
	return 0;
}

/* p ends by the signal of exception `vector`: its status is 128 + the
 * signal, as a shell reports one (a page fault: SIGSEGV, 139). */
static int end_by_exception(struct process *p, uint64_t vector)
{
	process_end(p, 128 + exception_signal(vector));
	return -MICA_EGONE;
}

int parent_stray_fault_request(struct process *p, uint64_t addr, uint64_t ip, uint32_t access)
{
	mica_printf("root: %s (pid %lu) stopped: %s fault at %#lx outside every region, ip %#lx\n", p->name,
		    (unsigned long)p->pid, access & MICA_W ? "write" : access & MICA_X ? "execute" : "read",
		    (unsigned long)addr, (unsigned long)ip);
	return end_by_exception(p, MICA_EXC_PAGE_FAULT);
}

int parent_exception(struct process *p, uint64_t vector, uint64_t ip)
{
	mica_printf("root: %s (pid %lu) stopped: exception %lu at ip %#lx\n", p->name, (unsigned long)p->pid,
		    (unsigned long)vector, (unsigned long)ip);
	return end_by_exception(p, vector);
}

/* A fault of the program's region mapper (or of its main thread before the
 * region mapper runs): served from the initial regions. */
int parent_page_fault(struct process *p, uint64_t addr, uint64_t ip, uint32_t access, struct mica_flexpage *page)
{
	struct region *r = find_region(p, addr);
	int err = -MICA_EFAULT;

	if (r && r->ext && (access & r->rights) == access)
		return -MICA_EFAULT;   /* root never asks another server: an exception for `proc` */
	if (r && (access & r->rights) == access) {
		uint32_t rights = access & MICA_W ? r->rights : r->rights & ~MICA_W;
		/* The fault's reply lands where the block's offset says in the
		 * whole address space: only a block inside the region, placed
		 * alike in the region and the dataspace. */
		unsigned order = fpage_region_window(r->start, r->size, r->offset, addr, DS_AROUND_ORDER);
		err = ds_map(r->ds, r->offset + ((addr & ~(PAGE - 1)) - r->start), rights, order, page);
		if (!err) {
			page->send_base = addr & ~(PAGE - 1);
			return 0;
		}
		mica_printf("root: %s (pid %lu): no page for %#lx: %s\n", p->name, (unsigned long)p->pid,
			    (unsigned long)addr, mica_strerror(err));
	}
	return parent_stray_fault_request(p, addr, ip, access);
}
