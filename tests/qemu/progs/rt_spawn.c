/*
 * rt_spawn.c - starting programs through root's launcher and ending them:
 * exit statuses, a fault outside every region, kill, clients that die
 * while they hold memory or are in the middle of requests; root's memory
 * comes back each time and root keeps serving; program data is
 * copy-on-write.  The cases run in order from the table at the end.
 */
#include "qtest.h"
#include "rt_memory.h"

#include <libsys/slot.h>
#include <mica/proc.h>
#include <mica/syscall.h>
#include <rt/rt.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/rt/dataspace.h>
#include <idl/rt/memory.h>
#include <idl/rt/process.h>
#include <idl/rt/region_map.h>
#include <idl/rt/rom.h>
#include <idl/rt/registry.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>

#define IRQ_LABEL 0x51

static mica_cap_t irq;
static uint64_t free0;   /* root's free pages once its records have grown */
static bool ended;
static int32_t status;
static uint64_t pid;

/* Start rt_child with args ("a\0b\0") and a memory quota of `mib` MiB;
 * its Process capability, or 0. */
static mica_cap_t spawn_quota(const char *args, unsigned len, uint64_t mib)
{
	mica_cap_t proc = mica_slot_alloc();
	int err = launcher_spawn(rt_cap("launcher"), "rt_child", args, len, MICA_CAP_NULL, MICA_CAP_NULL, irq, mib << 20,
				 &proc);
	return err ? 0 : proc;
}

static mica_cap_t spawn(const char *args, unsigned len)
{
	return spawn_quota(args, len, 2);
}

static void wait_end(void)
{
	mica_word_t tag, label;
	do
		mica_ipc_wait(0, &tag, &label);
	while (label != IRQ_LABEL);
}

static void end_notifications_arrive_and_records_grow(void)
{
	irq = mica_slot_alloc();
	expect("an irq to hear of ends", factory_create_irq(MICA_BOOT_FACTORY, irq, IRQ_LABEL), 0);
	expect("... bound to this thread", irq_bind(irq, MICA_BOOT_THREAD), 0);
	/* Root keeps the pages of its record pools for reuse: let them grow to
	 * a few programs' worth first, so that what comes back is comparable. */
	mica_cap_t warm[4];
	for (int i = 0; i < 4; i++)
		warm[i] = spawn("exit\0" "0\0", 7);
	for (int i = 0; i < 4; i++) {
		while (warm[i] && process_status(warm[i], &ended, &status, &pid) == 0 && !ended)
			thread_yield(MICA_BOOT_THREAD);
		mica_slot_drop(warm[i]);
	}
	/* Their end notifications merged into one that is pending: take it. */
	mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, MICA_TIMEOUT_ZERO), 0, 0);
	free0 = rt_pool_free();
}

static void exit_status_reaches_the_parent(void)
{
	mica_cap_t p = spawn("exit\0" "3\0", 7);
	expect("spawn rt_child exit 3", p != 0, 1);
	wait_end();
	expect("Process.status", process_status(p, &ended, &status, &pid), 0);
	expect("... ended", ended, 1);
	expect("... with status 3", status, 3);
	expect("... a pid above root's", pid > 1, 1);
	mica_slot_drop(p);
}

static void launched_program_may_not_halt(void)
{
	mica_cap_t p = spawn("Halt\0", 5);
	expect("spawn rt_child Halt", p != 0, 1);
	wait_end();
	process_status(p, &ended, &status, &pid);
	expect("... a program the launcher started may not halt: EPERM", status, MICA_EPERM);
	mica_slot_drop(p);
}

static void dropped_bss_dataspace_is_freed_once(void)
{
	mica_cap_t p = spawn("drop\0", 5);
	expect("spawn rt_child drop (detaches its bss, drops that dataspace)", p != 0, 1);
	wait_end();
	process_status(p, &ended, &status, &pid);
	expect("... it ended with status 0", status, 0);
	mica_slot_drop(p);
	expect("... root freed that dataspace once, when the program ended", (long)rt_pool_free(), (long)free0);
}

static void quota_too_small_leaves_nothing(void)
{
	mica_cap_t none2 = mica_slot_alloc();
	expect("spawn with a quota too small for the program's regions: ENOMEM",
	       launcher_spawn(rt_cap("launcher"), "rt_child", "exit\0", 5, 0, 0, 0, 4096, &none2), -MICA_ENOMEM);
	expect("... nothing of it is left", (long)rt_pool_free(), (long)free0);
	mica_slot_free(none2);
}

static void fault_outside_every_region_ends_with_139(void)
{
	mica_cap_t p = spawn("fault\0", 6);
	expect("spawn rt_child fault", p != 0, 1);
	wait_end();
	process_status(p, &ended, &status, &pid);
	expect("a fault outside every region ends it with status 139", status, 139);
	mica_slot_drop(p);
}

static void kill_while_holding_memory_gives_it_back(void)
{
	uint64_t used0 = rt_session_used();
	mica_cap_t none = mica_slot_alloc();
	expect("spawn with a quota beyond ours: ENOMEM",
	       launcher_spawn(rt_cap("launcher"), "rt_child", "exit\0", 5, 0, 0, 0, 1ull << 40, &none), -MICA_ENOMEM);
	mica_cap_t p = spawn_quota("hog\0" "1000\0", 9, 8);
	expect("spawn rt_child hog 1000 with 8 MiB", p != 0, 1);
	mica_printf("# rt_spawn: the child's use at its start: %lu KiB\n", (unsigned long)(rt_session_used() - used0) >> 10);
	expect("... its quota is no reservation in our session", rt_session_used() - used0 < (8 << 20), 1);
	for (int i = 0; i < 10000 && rt_pool_free() + 1000 > free0; i++)
		thread_yield(MICA_BOOT_THREAD);
	expect("... it holds 1000 pages", rt_pool_free() + 1000 <= free0, 1);
	expect("... which count against our session too", rt_session_used() - used0 >= 1000 * MICA_PAGE_SIZE, 1);
	expect("Process.kill", process_kill(p), 0);
	process_status(p, &ended, &status, &pid);
	expect("... it ended with status 137", ended * 1000 + status, 1137);
	wait_end();
	mica_slot_drop(p);
	expect("its memory came back", (long)rt_pool_free(), (long)free0);
	expect("... and our session's use is back", (long)rt_session_used(), (long)used0);
}

static void kill_in_the_middle_of_requests(void)
{
	mica_cap_t p = spawn("busy\0", 5);
	expect("spawn rt_child busy (two threads calling the memory server)", p != 0, 1);
	for (int i = 0; i < 50; i++)
		thread_yield(MICA_BOOT_THREAD);
	qtest_spin(3000000);
	expect("kill it in the middle of its requests", process_kill(p), 0);
	wait_end();
	mica_slot_drop(p);
	expect("root still serves, and the memory came back", (long)rt_pool_free(), (long)free0);
}

static void killed_programs_names_leave_the_registry(void)
{
	mica_cap_t found = mica_slot_alloc();
	mica_cap_t p = spawn("publish\0" "ghost\0", 14);
	expect("spawn rt_child publish ghost", p != 0, 1);
	int published = 0;
	for (int i = 0; i < 10000 && !published; i++) {
		published = registry_lookup(rt_cap("registry"), "ghost", &found) == 0;
		if (!published)
			thread_yield(MICA_BOOT_THREAD);
	}
	expect("... the registry has its name", published, 1);
	mica_slot_drop(found);
	process_kill(p);
	mica_slot_drop(p);
	found = mica_slot_alloc();
	expect("... killed: its name is gone", registry_lookup(rt_cap("registry"), "ghost", &found), -MICA_ENOENT);
	expect("... and can be published again", registry_publish(rt_cap("registry"), "ghost", rt_cap("mem")), 0);
}

static void refused_spawns_and_wrong_protocols(void)
{
	mica_cap_t none = mica_slot_alloc();

	expect("spawn of no such file: ENOENT",
	       launcher_spawn(rt_cap("launcher"), "nothing", "", 0, 0, 0, 0, 0, &none), -MICA_ENOENT);
	expect("spawn of a file that is not a program: EINVAL",
	       launcher_spawn(rt_cap("launcher"), "boot.cfg", "", 0, 0, 0, 0, 0, &none), -MICA_EINVAL);
	expect("spawn with arguments not NUL-terminated: EINVAL",
	       launcher_spawn(rt_cap("launcher"), "rt_child", "exit", 4, 0, 0, 0, 0, &none), -MICA_EINVAL);
	expect("Memory.alloc on the launcher's gate: ENOSYS", memory_alloc(rt_cap("launcher"), 4096, &none),
	       -MICA_ENOSYS);
	expect("Process.status on the memory gate: ENOSYS", process_status(rt_cap("mem"), &ended, &status, &pid),
	       -MICA_ENOSYS);
}

/* Whether a `cow hold` instance published `cow-written` (it yields until
 * it has, or gives up after 10,000 rounds). */
static int cow_written(void)
{
	mica_cap_t found = mica_slot_alloc();
	int written = 0;

	for (int i = 0; i < 10000 && !written; i++) {
		written = registry_lookup(rt_cap("registry"), "cow-written", &found) == 0;
		if (!written)
			thread_yield(MICA_BOOT_THREAD);
	}
	mica_slot_drop(found);
	return written;
}

/* rt_child `cow` checks its initialized data and the zeros after it in
 * the page the end of its file data cuts, then writes its data: `cow
 * hold` keeps running with the write, `cow` ends (status 0 if all held). */
static void program_data_is_copy_on_write(void)
{
	mica_cap_t holder = spawn("cow\0" "hold\0", 9);
	expect("an instance that writes its data and keeps running", holder != 0, 1);
	expect("... it did (and published cow-written)", cow_written(), 1);
	for (int round = 0; round < 2; round++) {
		mica_cap_t p = spawn("cow\0", 4);
		expect(round ? "another after it" : "a second instance meanwhile", p != 0, 1);
		wait_end();
		process_status(p, &ended, &status, &pid);
		expect("... saw its data as in the file, zeros after it, and its own write (status 0)", status, 0);
		mica_slot_drop(p);
	}
	expect("the first is still running", process_status(holder, &ended, &status, &pid) == 0 && !ended, 1);
	process_kill(holder);
	wait_end();
	mica_slot_drop(holder);
	expect("their pages came back", (long)rt_pool_free(), (long)free0);
}

/* rt_child `hog 50` started from below the programs' priority: root (above
 * both) starts it and it runs, its faults served by its region mapper and
 * root, until it holds its pages and waits; only then does this thread run
 * again.  So it is killed in the same state every time, whatever the timer
 * did meanwhile.  Its Process capability, or 0. */
static mica_cap_t spawn_holding_quota(uint64_t mib)
{
	uint32_t prio, mcp, slice;

	if (thread_sched(MICA_BOOT_THREAD, &prio, &mcp, &slice) ||
	    thread_set_sched(MICA_BOOT_THREAD, prio - 1, slice))
		return 0;
	mica_cap_t p = spawn_quota("hog\0" "50\0", 7, mib);
	thread_set_sched(MICA_BOOT_THREAD, prio, slice);
	return p;
}

static mica_cap_t spawn_holding(void)
{
	return spawn_holding_quota(2);
}

static void meminfo(struct mica_meminfo *k)
{
	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)k, sizeof *k);
}

/* The kernel's accounting the same in a and b: pages, mappings, objects. */
static int same_kernel(const struct mica_meminfo *a, const struct mica_meminfo *b)
{
	int same = a->kernel_free_pages == b->kernel_free_pages && a->user_free_pages == b->user_free_pages &&
		   a->root_quota_used == b->root_quota_used && a->mapnodes == b->mapnodes;
	for (unsigned t = 0; t < MICA_MEMINFO_TYPES; t++)
		same &= a->objects[t] == b->objects[t];
	return same;
}

/* An irq root triggers later must be one: a gate there (to our own
 * thread, W only: Irq.trigger through it would be a call to us that
 * nobody answers, holding root) is MICA_EINVAL as the notify of
 * Launcher.spawn, Launcher.start_mapped, Image.start and Parent.fork and
 * as on_halt's irq, and nothing is started or kept.  (start_mapped on a
 * Process handle is no Launcher: MICA_ENOSYS.)  Each request is
 * well-formed but for the irq, so that nothing else refuses it, save
 * start_mapped's, which has no text mapping either (a well-formed one
 * needs the file's headers and mappings: start_mapped_takes_nothing_on_trust). */
static uint64_t child_file(mica_cap_t ds);

static void a_gate_given_as_an_irq_is_refused(void)
{
	mica_cap_t gate = mica_slot_alloc(), w = mica_slot_alloc(), p = mica_slot_alloc();
	struct mica_meminfo k1, k2;

	expect("a gate to our thread", factory_create_gate(MICA_BOOT_FACTORY, gate, MICA_BOOT_THREAD, 77), 0);
	expect("... a copy of it with W only", task_cap_map(MICA_BOOT_TASK, gate, w, MICA_W, false), 0);
	meminfo(&k1);
	expect("Launcher.spawn with it as notify: EINVAL",
	       launcher_spawn(rt_cap("launcher"), "rt_child", "exit\0", 5, 0, 0, w, 0, &p), -MICA_EINVAL);
	meminfo(&k2);
	expect("... nothing started", same_kernel(&k1, &k2), 1);
	mica_cap_t ds = mica_slot_alloc(), task = mica_slot_alloc(), thread = mica_slot_alloc();
	uint64_t pid;
	uint64_t size = child_file(ds);
	expect("rt_child's file in a dataspace", size != 0, 1);
	expect("Image.start of it with the gate as notify: EINVAL",
	       image_start(ds, "rt_child", size, "rt_child\0", 9, 0, 0, 0, 0, w, 0, 0, 2 << 20, &p), -MICA_EINVAL);
	expect("Launcher.start_mapped with it as notify: EINVAL",
	       launcher_start_mapped(rt_cap("launcher"), "rt_child", "x", 1, 1, "rt_child\0", 9, 1, 0, 0, w, w, 0, 0, 0,
				     0, &p, &task, &thread),
	       -MICA_EINVAL);
	struct mica_fork_plan plan = { 0 };
	rt_rm_fork_plan(&plan);
	plan.proc_slot = (uint32_t)rt_cap("rm");   /* a slot of the child's; no proc given */
	plan.utcb = (uint64_t)mica_utcb();
	expect("Parent.fork with a well-formed plan and it as notify: EINVAL",
	       parent_fork(rt_cap("parent"), w, 0, &plan, sizeof plan, &p, &task, &thread, &pid), -MICA_EINVAL);
	expect("Parent.on_halt with it: EINVAL", parent_on_halt(rt_cap("parent"), w), -MICA_EINVAL);
	mica_cap_t child = spawn("exit\0" "0\0", 7);
	expect("Launcher.start_mapped on a Process handle: ENOSYS",
	       launcher_start_mapped(child, "rt_child", "x", 1, 1, "rt_child\0", 9, 1, 0, 0, 0, w, 0, 0, 0, 0, &p,
				     &task, &thread),
	       -MICA_ENOSYS);
	wait_end();
	mica_slot_drop(child);
	mica_slot_drop(ds);
	mica_slot_free(task);
	mica_slot_free(thread);
	kobject_destroy(gate);
	mica_slot_drop(gate);
	mica_slot_drop(w);
	mica_slot_free(p);
}

/* Parent.fork on a Process handle: only the process server may fork a
 * program it started (its Process handle is root's handle of the caller
 * it asks for, never a gate the caller names); we started rt_child
 * ourselves, with Launcher.spawn, and may not fork it: a well-formed plan
 * is refused (MICA_EPERM) and nothing is made. */
static void a_starter_may_not_fork_its_program(void)
{
	mica_cap_t p = mica_slot_alloc(), task = mica_slot_alloc(), thread = mica_slot_alloc();
	mica_cap_t child = spawn("hog\0" "1\0", 7);
	struct mica_fork_plan plan = { 0 };
	struct mica_meminfo k1, k2;
	uint64_t pid;

	expect("rt_child started", child != 0, 1);
	rt_rm_fork_plan(&plan);
	plan.proc_slot = (uint32_t)rt_cap("rm");
	plan.utcb = (uint64_t)mica_utcb();
	meminfo(&k1);
	expect("Parent.fork on its Process handle: MICA_EPERM",
	       parent_fork(child, 0, 0, &plan, sizeof plan, &p, &task, &thread, &pid), -MICA_EPERM);
	meminfo(&k2);
	expect("... nothing made", same_kernel(&k1, &k2), 1);
	expect("kill it", process_kill(child), 0);
	wait_end();
	mica_slot_drop(child);
	mica_slot_free(p);
	mica_slot_free(task);
	mica_slot_free(thread);
}

/* Our capability table grown over the next 64 free slots (it grows a page
 * of 64 slots at a time and keeps it): a count of kernel pages that
 * brackets requests which take up to that many new slots then leaves out
 * our own table's growth, which depends on how many slots the program
 * took before. */
static void grow_cap_table(void)
{
	mica_cap_t s[64];

	for (unsigned i = 0; i < 64; i++)
		if ((s[i] = mica_slot_alloc()) != 0)
			task_cap_map(MICA_BOOT_TASK, MICA_BOOT_TASK, s[i], MICA_R, false);
	for (unsigned i = 0; i < 64; i++)
		mica_slot_drop(s[i]);
}

/* A capability's copy (attach takes the one it is given). */
static mica_cap_t copy_of(mica_cap_t cap)
{
	mica_cap_t c = mica_slot_alloc();
	return c && task_cap_map(MICA_BOOT_TASK, cap, c, MICA_RWX, false) == 0 ? c : 0;
}

/* rt_child's file in a dataspace of this program's session; its size. */
static uint64_t rom_file(const char *name, mica_cap_t ds)
{
	mica_cap_t rom = mica_slot_alloc();
	uint64_t size = 0, from, to, start, sz;
	if (rom_open(rt_cap("rom"), name, &rom, &size) != 0 ||
	    memory_alloc(rt_cap("mem"), (size + 4095) & ~4095ull, &ds) != 0 ||
	    region_map_attach(rt_cap("rm"), 0, size, MICA_R, copy_of(rom), 0, &from) != 0 ||
	    region_map_attach(rt_cap("rm"), 0, size, MICA_R | MICA_W, copy_of(ds), 0, &to) != 0)
		return 0;
	for (uint64_t i = 0; i < size; i++)
		((char *)to)[i] = ((const char *)from)[i];
	mica_cap_t back = mica_slot_alloc();
	region_map_detach(rt_cap("rm"), from, &start, &sz, &back);
	mica_slot_drop(back);
	back = mica_slot_alloc();
	region_map_detach(rt_cap("rm"), to, &start, &sz, &back);
	mica_slot_drop(back);
	mica_slot_drop(rom);
	return size;
}

static uint64_t child_file(mica_cap_t ds)
{
	return rom_file("rt_child", ds);
}

/* Start the image with args (argv[0] first); its Process capability, or 0
 * (*err why). */
static mica_cap_t start_image(mica_cap_t image, uint64_t size, const char *args, unsigned len, int *err)
{
	mica_cap_t proc = mica_slot_alloc();
	*err = image_start(image, "rt_child", size, args, len, "", 0, MICA_CAP_NULL, MICA_CAP_NULL, irq,
			   MICA_CAP_NULL, MICA_CAP_NULL, 2 << 20, &proc);
	return *err ? 0 : proc;
}

/* Image.start with a `proc` that is no gate a thread could call (an irq):
 * the program starts with root as its exception handler all the same,
 * and badop, whose first instruction is ud2, ends with 132 (128 +
 * SIGILL) instead of its thread staying stopped (before: the start
 * failed). */
static void a_proc_that_is_no_gate_leaves_exceptions_to_root(void)
{
	mica_cap_t file = mica_slot_alloc(), not_gate = mica_slot_alloc(), p = mica_slot_alloc();
	uint64_t size = rom_file("badop", file);

	expect("badop's file in a dataspace", size != 0, 1);
	expect("an irq, to pass as proc", factory_create_irq(MICA_BOOT_FACTORY, not_gate, 78), 0);
	expect("Image.start with it as proc",
	       image_start(file, "badop", size, "badop\0", 6, "", 0, 0, 0, irq, not_gate, 0, 2 << 20, &p), 0);
	wait_end();
	expect("... its exception ended it: status 128 + SIGILL",
	       process_status(p, &ended, &status, &pid) == 0 ? status : -1, 132);
	mica_slot_drop(p);
	kobject_destroy(not_gate);
	mica_slot_drop(not_gate);
	mica_slot_drop(file);
}

/* Image.copy: a program image that programs are started from without a
 * copy each, that nobody can write, and that stays until its capability
 * and the last program started from it are gone. */
static void program_images_are_shared_and_outlive_their_capability(void)
{
	mica_cap_t file = mica_slot_alloc(), image = mica_slot_alloc(), rom = mica_slot_alloc();
	uint64_t used0 = rt_session_used(), size = child_file(file), rsize, isize;
	uint32_t rights;
	int err;

	expect("rt_child's file in a dataspace", size != 0, 1);
	expect("Image.copy of 0 bytes: EINVAL", image_copy(file, 0, &image), -MICA_EINVAL);
	expect("... past the dataspace: EINVAL", image_copy(file, 1 << 30, &image), -MICA_EINVAL);
	expect("rom/ opens rt_child", rom_open(rt_cap("rom"), "rt_child", &rom, &rsize), 0);
	expect("... of a boot file (no session to pay): EINVAL", image_copy(rom, rsize, &image), -MICA_EINVAL);
	/* A dataspace over half of what the session has left: its copy
	 * would pass the quota. */
	uint64_t quota, used, pool, pool_free;
	mica_cap_t big = mica_slot_alloc();
	expect("stats", memory_stats(rt_cap("mem"), &quota, &used, &pool, &pool_free), 0);
	uint64_t half = ((quota - used) / 2 + 65536) & ~4095ull;
	expect("a dataspace of over half what is left", memory_alloc(rt_cap("mem"), half, &big), 0);
	uint64_t before = rt_session_used();
	expect("... its Image.copy: ENOMEM (beyond the quota)", image_copy(big, half, &image), -MICA_ENOMEM);
	expect("... and nothing charged", (long)rt_session_used(), (long)before);
	mica_slot_drop(big);
	expect("Image.copy", image_copy(file, size, &image), 0);
	expect("... charged to the dataspace's session", rt_session_used() - used0 >= 2 * size, 1);
	expect("... read-only", dataspace_info(image, &isize, &rights) == 0 && rights == (MICA_R | MICA_X), 1);
	expect("... nobody clears it", dataspace_clear(image, 0, 4096), -MICA_EPERM);
	mica_slot_drop(file);
	uint64_t with_image = rt_session_used();
	mica_cap_t p = start_image(image, size + 1, "rt_child\0" "exit\0" "5\0", 16, &err);
	expect("Image.start of more than the image: EINVAL", err, -MICA_EINVAL);
	p = start_image(image, size, "rt_child\0" "cow\0" "hold\0", 18, &err);
	expect("a program from the image, holding on", err, 0);
	expect("... it wrote its data (copy-on-write of the image)", cow_written(), 1);
	mica_cap_t q = start_image(image, size, "rt_child\0" "cow\0", 13, &err);
	expect("a second from the image", err, 0);
	wait_end();
	process_status(q, &ended, &status, &pid);
	expect("... saw the file's data, not the first's write (status 0)", status, 0);
	mica_slot_drop(q);
	mica_slot_drop(image);
	expect("the image's capability dropped: the first runs on", process_status(p, &ended, &status, &pid) == 0 && !ended,
	       1);
	expect("... and the image stays charged", rt_session_used() >= with_image - 4096 * 64, 1);
	process_kill(p);
	wait_end();
	mica_slot_drop(p);
	mica_slot_drop(rom);
	expect("its last program gone: the image went, the session's use is back", (long)rt_session_used(),
	       (long)used0);
	expect("... and root's pages", (long)rt_pool_free(), (long)free0);
}

/* What our factory has charged: ours and, through the factories it pays
 * for, that of every program paid for by us. */
static uint64_t kmem_used(void)
{
	uint64_t limit, used = 0;

	factory_quota(MICA_BOOT_FACTORY, &limit, &used);
	return used;
}

/* Image.start of rt_child `hog 20` for `payer` (0: none), run until it
 * holds its pages (as spawn_holding); its Process capability, or 0. */
static mica_cap_t start_holding(mica_cap_t image, uint64_t size, mica_cap_t payer, int *err)
{
	uint32_t prio, mcp, slice;
	mica_cap_t p = mica_slot_alloc();

	if (thread_sched(MICA_BOOT_THREAD, &prio, &mcp, &slice) ||
	    thread_set_sched(MICA_BOOT_THREAD, prio - 1, slice))
		return 0;
	*err = image_start(image, "rt_child", size, "rt_child\0" "hog\0" "20\0", 16, "", 0, MICA_CAP_NULL,
			   MICA_CAP_NULL, irq, MICA_CAP_NULL, payer, 2 << 20, &p);
	thread_set_sched(MICA_BOOT_THREAD, prio, slice);
	return *err ? 0 : p;
}

/* Whether Image.start of `image` naming `payer` (one that has ended)
 * starts it on root's quota, none of its kernel memory ours; killed. */
static bool started_as_for_none(mica_cap_t image, uint64_t size, mica_cap_t payer)
{
	uint64_t k = kmem_used();
	int err;
	mica_cap_t p = start_holding(image, size, payer, &err);
	bool ours = kmem_used() != k;

	process_kill(p);
	mica_slot_drop(p);
	return err == 0 && !ours;
}

/* Image.start's payer (the process server's programs): the program a
 * Process handle names pays for the new one's kernel memory and memory, as
 * if it had spawned it; without one, root's own factory pays the kernel
 * memory.  What we start with Launcher.spawn is paid for by us. */
static void a_payer_pays_for_what_is_started_for_it(void)
{
	mica_cap_t file = mica_slot_alloc(), none, paid, paid2;
	uint64_t size = child_file(file);
	int err;

	expect("rt_child's file in a dataspace", size != 0, 1);
	uint64_t k0 = kmem_used();
	mica_cap_t payer = spawn_holding_quota(8);   /* room in its quota for another */
	expect("a program we spawned (Launcher.spawn)", payer != 0, 1);
	uint64_t k1 = kmem_used();
	expect("... its kernel memory is charged to us", k1 > k0 + 16384, 1);
	none = start_holding(file, size, 0, &err);
	expect("Image.start for no payer", err, 0);
	expect("... its kernel memory is root's, not ours", (long)kmem_used(), (long)k1);
	paid = start_holding(file, size, payer, &err);
	expect("Image.start for the program we spawned", err, 0);
	uint64_t k2 = kmem_used();
	mica_printf("# our factory: %lu, %lu with the program we spawned, %lu with the one it pays for\n",
		    (unsigned long)k0, (unsigned long)k1, (unsigned long)k2);
	expect("... its kernel memory is charged to that program, so to us", k2 > k1 + 16384, 1);
	uint64_t whose = 0;
	expect("Launcher.identify of our launcher: our pid (2: root's first program)",
	       launcher_identify(rt_cap("launcher"), rt_cap("launcher"), &whose) == 0 && whose == 2, 1);
	expect("... of a Process handle: EINVAL", launcher_identify(rt_cap("launcher"), payer, &whose), -MICA_EINVAL);
	expect("... of our memory session: EINVAL", launcher_identify(rt_cap("launcher"), rt_cap("mem"), &whose),
	       -MICA_EINVAL);
	expect("... of nothing: EINVAL", launcher_identify(rt_cap("launcher"), 0, &whose), -MICA_EINVAL);
	expect("a payer that is no Process handle (our memory session): EINVAL",
	       (start_holding(file, size, rt_cap("mem"), &err), err), -MICA_EINVAL);
	expect("our launcher gate as the payer", (paid2 = start_holding(file, size, rt_cap("launcher"), &err)) != 0, 1);
	uint64_t k3 = kmem_used();
	expect("... its kernel memory is ours", k3 > k2 + 16384, 1);
	process_kill(paid);
	process_kill(none);
	process_kill(payer);
	expect("a payer that has ended: started as for none, on root's quota", started_as_for_none(file, size, payer),
	       1);
	process_kill(paid2);
	mica_slot_drop(paid2);
	mica_slot_drop(paid);
	mica_slot_drop(none);
	mica_slot_drop(payer);
	mica_slot_drop(file);
	expect("every byte came back to our factory", (long)kmem_used(), (long)k0);
}

/* Launcher.identify of another program's launcher gate (one it
 * published): its pid while it runs; once it has ended the gate is gone
 * with it, so the capability names nothing (EINVAL), and so does a
 * request naming it as a payer (Image.start: as none). */
static void launcher_of_an_ended_program_names_nothing(void)
{
	mica_cap_t found = mica_slot_alloc(), file = mica_slot_alloc();
	mica_cap_t p = spawn("launcher\0" "its-launcher\0", 22);
	uint64_t whose = 0, pid = 0;
	bool ended;
	int32_t st;
	int published = 0;

	expect("spawn rt_child launcher its-launcher", p != 0, 1);
	for (int i = 0; i < 10000 && !published; i++) {
		published = registry_lookup(rt_cap("registry"), "its-launcher", &found) == 0;
		if (!published)
			thread_yield(MICA_BOOT_THREAD);
	}
	expect("... it published its launcher gate", published, 1);
	expect("Launcher.identify of it: its pid",
	       process_status(p, &ended, &st, &pid) == 0 &&
		       launcher_identify(rt_cap("launcher"), found, &whose) == 0 && whose == pid,
	       1);
	process_kill(p);
	expect("... once it has ended: EINVAL (the gate went with it)",
	       launcher_identify(rt_cap("launcher"), found, &whose), -MICA_EINVAL);
	expect("... as Image.start's payer: as none, on root's quota",
	       started_as_for_none(file, child_file(file), found), 1);
	mica_slot_drop(found);
	mica_slot_drop(file);
	mica_slot_drop(p);
}

static void twenty_at_once_twice_give_everything_back(void)
{
	/* Twenty programs at once, each holding its pages, then all gone,
	 * twice: root's record pools grow to hold twenty (they keep their
	 * pages for reuse), and so does root's reach into the user pool (the
	 * kernel maps a pool page into root's window when root first touches
	 * it, and that mapping stays: docs/root.md, "Memory").  The second
	 * round, the same as the first, must give back every page it took. */
	uint64_t free1 = 0, start = rt_pool_free(), taken[2];
	struct mica_meminfo k1, k2;
	for (int round = 0; round < 2; round++) {
		mica_cap_t many[20];
		int all = 1, dead = 1;
		uint64_t before = rt_pool_free();
		for (int i = 0; i < 20; i++)
			all &= (many[i] = spawn_holding()) != 0;
		expect("20 programs at once", all, 1);
		taken[round] = before - rt_pool_free();
		expect("... each holding its 50 pages", taken[round] >= 20 * 50, 1);
		for (int i = 0; i < 20; i++)
			if (many[i])
				process_kill(many[i]);
		for (int i = 0; i < 20; i++) {
			if (!many[i])
				continue;
			process_status(many[i], &ended, &status, &pid);
			dead &= ended && status == 137;
			mica_slot_drop(many[i]);
		}
		expect("... killed: each ended with status 137 (their notifications merge)", dead, 1);
		if (round == 0) {
			free1 = rt_pool_free();
			meminfo(&k1);
		}
	}
	expect("... the second twenty gave back every page", (long)rt_pool_free(), (long)free1);
	expect("... they held what the first did, but root's records grown then", (long)taken[1],
	       (long)(taken[0] - (start - free1)));
	meminfo(&k2);
	mica_printf("# kernel: %lu/%lu free pages, %lu/%lu mapping nodes, %lu/%lu objects of type 1, "
		    "%lu/%lu user pool pages root never touched (before/after)\n",
		    (unsigned long)k1.kernel_free_pages, (unsigned long)k2.kernel_free_pages, (unsigned long)k1.mapnodes,
		    (unsigned long)k2.mapnodes, (unsigned long)k1.objects[1], (unsigned long)k2.objects[1],
		    (unsigned long)k1.user_free_pages, (unsigned long)k2.user_free_pages);
	expect("... root touched no pool page the first twenty had not", (long)k2.user_free_pages,
	       (long)k1.user_free_pages);
	expect("... and every kernel object, page and mapping they took", same_kernel(&k1, &k2), 1);
	expect("... and root's records of twenty take a few pages at most", free0 - free1 < 32, 1);
}

/* docs/root.md, "Programs": once Process.kill has returned, everything the
 * program held is gone, in root and in the kernel.  Measured against the
 * same moment of the same program before it: killed, its Process handle
 * (a gate of root's, watched) still held. */
static void killed_program_is_gone_when_kill_returns(void)
{
	struct mica_meminfo k1, k2;
	uint64_t pool = rt_pool_free(), used = rt_session_used();
	mica_cap_t first = spawn_holding();
	expect("a program holding its pages", first != 0 && pool - rt_pool_free() >= 50, 1);
	expect("... killed", process_kill(first), 0);
	meminfo(&k1);
	mica_slot_drop(first);
	mica_cap_t p = spawn_holding();
	expect("another", p != 0 && pool - rt_pool_free() >= 50, 1);
	expect("... killed", process_kill(p), 0);
	meminfo(&k2);
	mica_printf("# kernel: %lu/%lu mapping nodes, %lu/%lu objects of type 1 (the first/the second killed)\n",
		    (unsigned long)k1.mapnodes, (unsigned long)k2.mapnodes, (unsigned long)k1.objects[1],
		    (unsigned long)k2.objects[1]);
	expect("... when the kill returned, nothing of it was left in the kernel", same_kernel(&k1, &k2), 1);
	expect("... nor in root's pool", (long)rt_pool_free(), (long)pool);
	expect("... nor in our session", (long)rt_session_used(), (long)used);
	mica_slot_drop(p);
}

/* Launcher.start_mapped, asked by a program that is not the process
 * server, with what it likes as the file's mappings: root checks what it
 * can (the headers, the segments against the file's size, the mappings
 * the plan needs), builds the program on capabilities it never asks for a
 * page, and leaves it stopped; killed, nothing of it is left. */
static void start_mapped_takes_nothing_on_trust(void)
{
	static char head[1024];
	mica_cap_t file = mica_slot_alloc(), process = mica_slot_alloc(), task = mica_slot_alloc(),
		   thread = mica_slot_alloc(), gate = mica_slot_alloc(), zeros = mica_slot_alloc();
	uint64_t size = child_file(file), start, sz, used;
	const char strings[] = "rt_child\0" "exit\0" "3\0";
	struct mica_meminfo k1, k2;
	int err;

	expect("rt_child's file in a dataspace", size != 0, 1);
	expect("its first KiB", region_map_attach(rt_cap("rm"), 0, sizeof head, MICA_R, copy_of(file), 0, &start), 0);
	for (unsigned i = 0; i < sizeof head; i++)
		head[i] = ((const char *)start)[i];
	mica_cap_t back = mica_slot_alloc();
	region_map_detach(rt_cap("rm"), start, &start, &sz, &back);
	mica_slot_drop(back);
	expect("a gate of ours as the program's `proc`", factory_create_gate(MICA_BOOT_FACTORY, gate, MICA_BOOT_THREAD, 77), 0);
	expect("a dataspace of zeros", memory_alloc(rt_cap("mem"), 65536, &zeros), 0);
	grow_cap_table();   /* copy_of takes a new slot each time */
	meminfo(&k1);
	used = rt_session_used();
#define START_PAID(payer, h, hl, fsize, argc, proc, text, data) \
	launcher_start_mapped(rt_cap("launcher"), "rt_child", h, hl, fsize, strings, sizeof strings - 1, argc, 0, 0, \
			      0, proc, text, data, payer, 2 << 20, &process, &task, &thread)
#define START(...) START_PAID(0, __VA_ARGS__)
	expect("no text mapping: EINVAL", START(head, sizeof head, size, 3, gate, 0, copy_of(file)), -MICA_EINVAL);
	expect("no proc: EINVAL", START(head, sizeof head, size, 3, 0, copy_of(file), copy_of(file)), -MICA_EINVAL);
	static const char junk[1024];
	expect("headers of zeros: EINVAL", START(junk, sizeof junk, size, 3, gate, copy_of(zeros), copy_of(zeros)),
	       -MICA_EINVAL);
	expect("headers cut short: EINVAL", START(head, 32, size, 3, gate, copy_of(file), copy_of(file)), -MICA_EINVAL);
	expect("segments past the file's size: EINVAL",
	       START(head, sizeof head, 4096, 3, gate, copy_of(file), copy_of(file)), -MICA_EINVAL);
	expect("no data mapping for its copy-on-write segment: EINVAL",
	       START(head, sizeof head, size, 3, gate, copy_of(file), 0), -MICA_EINVAL);
	expect("argc 0: EINVAL", START(head, sizeof head, size, 0, gate, copy_of(file), copy_of(file)), -MICA_EINVAL);
	expect("argc past the strings: EINVAL", START(head, sizeof head, size, 9, gate, copy_of(file), copy_of(file)),
	       -MICA_EINVAL);
	/* Any capabilities as the mappings: root makes regions of them and asks
	 * nothing of them (a zero dataspace of ours as the text). */
	uint64_t k0 = kmem_used();
	err = START(head, sizeof head, size, 3, gate, copy_of(zeros), copy_of(zeros));
	expect("a program on a dataspace of zeros as its file: made, left stopped", err, 0);
	expect("... paid for by us, on whose launcher it was asked", kmem_used() > k0 + 16384, 1);
	expect("killed", process_kill(process), 0);
	expect("a payer that is no Process handle or launcher (our memory session): EINVAL",
	       START_PAID(rt_cap("mem"), head, sizeof head, size, 3, gate, copy_of(zeros), copy_of(zeros)),
	       -MICA_EINVAL);
	mica_slot_drop(process), mica_slot_drop(task), mica_slot_drop(thread);
	meminfo(&k2);
	expect("nothing of the refused starts or the killed program is left in the kernel", same_kernel(&k1, &k2), 1);
	expect("nor in our session", (long)rt_session_used(), (long)used);
	/* The process server names a parent that may end meanwhile: the
	 * program is started all the same (before, the process server's retry
	 * lost the streams the refused request had moved), paid for by whoever
	 * asked.  Twice: the second leaves what the first did
	 * (root's records of two programs at once grew the first time). */
	process = mica_slot_alloc(), task = mica_slot_alloc(), thread = mica_slot_alloc();
	expect("a program started and killed: an ended payer",
	       START(head, sizeof head, size, 3, gate, copy_of(zeros), copy_of(zeros)) == 0 &&
		       process_kill(process) == 0, 1);
	mica_cap_t ended = process;
	mica_slot_drop(task), mica_slot_drop(thread);
	for (int round = 0; round < 2; round++) {
		process = mica_slot_alloc(), task = mica_slot_alloc(), thread = mica_slot_alloc();
		uint64_t k = kmem_used();
		err = START_PAID(ended, head, sizeof head, size, 3, gate, copy_of(zeros), copy_of(zeros));
		expect("naming that payer: made all the same", err, 0);
		expect("... paid for by us, on whose launcher it was asked", kmem_used() > k + 16384, 1);
		expect("killed", process_kill(process), 0);
		mica_slot_drop(process), mica_slot_drop(task), mica_slot_drop(thread);
		meminfo(round ? &k2 : &k1);
	}
	expect("... the second start left nothing in the kernel", same_kernel(&k1, &k2), 1);
	mica_slot_drop(ended);
#undef START
#undef START_PAID
	kobject_destroy(gate);
	mica_slot_drop(zeros);
	mica_slot_drop(file);
}

static const struct qtest_case cases[] = {
	{ "end_notifications_arrive_and_records_grow", end_notifications_arrive_and_records_grow },
	{ "exit_status_reaches_the_parent", exit_status_reaches_the_parent },
	{ "launched_program_may_not_halt", launched_program_may_not_halt },
	{ "dropped_bss_dataspace_is_freed_once", dropped_bss_dataspace_is_freed_once },
	{ "quota_too_small_leaves_nothing", quota_too_small_leaves_nothing },
	{ "fault_outside_every_region_ends_with_139", fault_outside_every_region_ends_with_139 },
	{ "kill_while_holding_memory_gives_it_back", kill_while_holding_memory_gives_it_back },
	{ "kill_in_the_middle_of_requests", kill_in_the_middle_of_requests },
	{ "killed_programs_names_leave_the_registry", killed_programs_names_leave_the_registry },
	{ "refused_spawns_and_wrong_protocols", refused_spawns_and_wrong_protocols },
	{ "program_data_is_copy_on_write", program_data_is_copy_on_write },
	{ "program_images_are_shared_and_outlive_their_capability",
	  program_images_are_shared_and_outlive_their_capability },
	{ "a_payer_pays_for_what_is_started_for_it", a_payer_pays_for_what_is_started_for_it },
	{ "launcher_of_an_ended_program_names_nothing", launcher_of_an_ended_program_names_nothing },
	{ "start_mapped_takes_nothing_on_trust", start_mapped_takes_nothing_on_trust },
	{ "twenty_at_once_twice_give_everything_back", twenty_at_once_twice_give_everything_back },
	{ "killed_program_is_gone_when_kill_returns", killed_program_is_gone_when_kill_returns },
	/* Last: run before start_mapped_takes_nothing_on_trust, they made
	 * the kernel's free pages it compares come out one less (their slots
	 * moved, it seems, this task's capability table's growth into it). */
	{ "a_gate_given_as_an_irq_is_refused", a_gate_given_as_an_irq_is_refused },
	{ "a_starter_may_not_fork_its_program", a_starter_may_not_fork_its_program },
	{ "a_proc_that_is_no_gate_leaves_exceptions_to_root", a_proc_that_is_no_gate_leaves_exceptions_to_root },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
