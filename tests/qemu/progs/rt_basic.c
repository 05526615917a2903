/*
 * rt_basic.c - the runtime without a C library, under root: named
 * capabilities, the memory server, the region mapper (attach, find,
 * detach, faults served through dataspaces), rom/, the registry.  The
 * cases run in order from the table at the end.
 */
#include "qtest.h"

#include <libsys/slot.h>
#include <rt/rt.h>

#include <idl/rt/dataspace.h>
#include <idl/rt/memory.h>
#include <idl/rt/region_map.h>
#include <idl/rt/registry.h>
#include <idl/rt/rom.h>
#include <idl/kernel/factory.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>

/* A fresh copy of `from` in `to`, to be moved away by an attach. */
static void expect_copy(mica_cap_t from, mica_cap_t to)
{
	expect("(a copy to attach)", task_cap_map(MICA_BOOT_TASK, from, to, MICA_RWX, false), 0);
}

static int args;
static char **arg;
static mica_cap_t back;   /* the 1 MiB dataspace, back from its region */

static void arguments_and_named_capabilities_arrive(void)
{
	expect("argv[0] is the program's name", args >= 1 && arg[0][0] == 'r', 1);
	expect("argv[1] from boot.cfg", args >= 2 && arg[1][0] == 'o' && arg[1][1] == 'n', 1);
	expect("named capabilities: parent, mem, rom, registry, launcher, rm",
	       rt_cap("parent") && rt_cap("mem") && rt_cap("rom") && rt_cap("registry") && rt_cap("launcher") &&
		       rt_cap("rm"), 1);
}

static void memory_server_pages_through_the_region_mapper(void)
{
	mica_cap_t ds = mica_slot_alloc();
	uint64_t start, size, offset, quota, used, pages, free;
	uint32_t rights;

	expect("Memory.stats", memory_stats(rt_cap("mem"), &quota, &used, &pages, &free), 0);
	expect("... the quota of boot.cfg", (long)(quota >> 20), 8);
	expect("Memory.alloc 1 MiB", memory_alloc(rt_cap("mem"), 1 << 20, &ds), 0);
	expect("Dataspace.info", dataspace_info(ds, &size, &rights), 0);
	expect("... its size", (long)size, 1 << 20);
	expect("RegionMap.attach anywhere", region_map_attach(rt_cap("rm"), 0, 1 << 20, MICA_R | MICA_W, ds, 0, &start), 0);
	expect("... in the attach area", start >= RT_MAP_BASE && start < RT_MAP_END, 1);
	volatile uint64_t *p = (volatile uint64_t *)start;
	expect("a fresh page reads as zero", (long)p[1000], 0);
	for (int i = 0; i < 256; i++)
		p[i * 512] = 0x1234567800ull + (unsigned)i;
	int good = 1;
	for (int i = 0; i < 256; i++)
		good &= p[i * 512] == 0x1234567800ull + (unsigned)i;
	expect("256 pages written and read back through the region mapper", good, 1);
	expect("Memory.stats counts the dataspace", memory_stats(rt_cap("mem"), &quota, &used, &pages, &free), 0);
	expect("... 1 MiB more in use", used >= (1 << 20), 1);
	expect("RegionMap.find", region_map_find(rt_cap("rm"), start + 5000, &start, &size, &offset, &rights), 0);
	expect("... the region", (long)size, 1 << 20);
	back = mica_slot_alloc();
	expect("RegionMap.detach", region_map_detach(rt_cap("rm"), start, &start, &size, &back), 0);
	expect("... the dataspace came back", back != MICA_CAP_NULL, 1);
	expect("... find says there is none", region_map_find(rt_cap("rm"), start, &start, &size, &offset, &rights),
	       -MICA_ENOENT);
	expect("Memory.alloc beyond the quota: ENOMEM", memory_alloc(rt_cap("mem"), 64 << 20, &ds), -MICA_ENOMEM);
	expect("Memory.alloc of 2^64 - 1 bytes: ENOMEM", memory_alloc(rt_cap("mem"), ~0ull, &ds), -MICA_ENOMEM);
}

static void dataspace_clear_and_region_mapper_refusals(void)
{
	uint64_t start, size, offset;

	mica_cap_t rm = rt_cap("rm"), two = mica_slot_alloc(), keep = mica_slot_alloc(), spare = mica_slot_alloc();
	expect("a dataspace of two pages", memory_alloc(rt_cap("mem"), 8192, &two), 0);
	expect("Dataspace.clear of a range past its end: EINVAL", dataspace_clear(two, 4096, ~0xfffull), -MICA_EINVAL);
	expect("Dataspace.clear of part of a page: EINVAL", dataspace_clear(two, 0, 100), -MICA_EINVAL);
	/* Attaching moves a capability: `keep` stays, copies of it go. */
	expect("a copy of it", task_cap_map(MICA_BOOT_TASK, two, keep, MICA_RWX, false), 0);
	expect_copy(keep, spare);
	expect("attach it", region_map_attach(rm, 0, 8192, MICA_R | MICA_W, two, 0, &start), 0);
	volatile uint64_t *q = (volatile uint64_t *)start;
	q[0] = 0x5eed;
	q[512] = 0xbeef;
	expect("Dataspace.clear of its first page", dataspace_clear(keep, 0, 4096), 0);
	expect("... reads as zero again", (long)q[0], 0);
	expect("... the second page kept its word", (long)q[512], 0xbeef);
	expect("attach over a region: EEXIST", region_map_attach(rm, start, 4096, MICA_R, spare, 0, &offset), -MICA_EEXIST);
	expect_copy(keep, spare);
	expect("attach of size 0: EINVAL", region_map_attach(rm, 0, 0, MICA_R, spare, 0, &offset), -MICA_EINVAL);
	expect_copy(keep, spare);
	expect("attach at a misaligned address: EINVAL", region_map_attach(rm, RT_MAP_BASE + 100, 4096, MICA_R, spare, 0,
									 &offset), -MICA_EINVAL);
	expect_copy(keep, spare);
	expect("attach past the dataspace's end: EINVAL", region_map_attach(rm, 0, 8192, MICA_R, spare, 4096, &offset),
	       -MICA_EINVAL);
	expect("attach with no capability: EINVAL", region_map_attach(rm, 0, 4096, MICA_R, MICA_CAP_NULL, 0, &offset),
	       -MICA_EINVAL);
	expect("detach where there is no region: ENOENT", region_map_detach(rm, RT_MAP_END - 4096, &offset, &size, &back),
	       -MICA_ENOENT);
	uint64_t area;
	expect("reserve an area", region_map_reserve(rm, 0, 1 << 20, &area), 0);
	expect("... reserve it again: EEXIST", region_map_reserve(rm, area, 4096, &offset), -MICA_EEXIST);
	expect_copy(keep, spare);
	uint64_t placed;
	expect("attach anywhere skips the reserved area",
	       region_map_attach(rm, 0, 4096, MICA_R, spare, 0, &placed) == 0 && (placed < area || placed >= area + (1 << 20)),
	       1);
	expect_copy(keep, spare);
	expect("attach inside it when asked", region_map_attach(rm, area, 4096, MICA_R, spare, 0, &placed), 0);
}

static void rom_files_are_read_only(void)
{
	mica_cap_t rm = rt_cap("rm"), spare = mica_slot_alloc(), ds = mica_slot_alloc();
	uint64_t start, offset;

	mica_cap_t rom = mica_slot_alloc();
	uint64_t rom_size;
	expect("Rom.open boot.cfg", rom_open(rt_cap("rom"), "boot.cfg", &rom, &rom_size), 0);
	expect("Rom.open of no such file: ENOENT", rom_open(rt_cap("rom"), "nothing", &ds, &rom_size), -MICA_ENOENT);
	struct mica_flexpage fp = { .fpage = mica_fpage(RT_MAP_END - 4096, 12, MICA_RWX) };
	expect("Dataspace.map of a rom file with W: EPERM", dataspace_map(rom, 0, MICA_R | MICA_W, &fp), -MICA_EPERM);
	expect("Dataspace.clear of a rom file: EPERM", dataspace_clear(rom, 0, 4096), -MICA_EPERM);
	expect("Dataspace.map past the end: EINVAL", dataspace_map(back, 1 << 20, MICA_R, &fp), -MICA_EINVAL);
	expect_copy(rom, spare);
	expect("attach a rom file writable: EPERM", region_map_attach(rm, 0, 4096, MICA_R | MICA_W, spare, 0, &offset),
	       -MICA_EPERM);
	expect("attach it read-only (the capability moves to the region mapper)", region_map_attach(rt_cap("rm"), 0, rom_size, MICA_R, rom, 0, &start), 0);
	expect("... it holds the configuration", ((const char *)start)[0] == '#', 1);
}

static void registry_publishes_and_looks_up(void)
{
	char name[64];
	expect("Registry.entry 0: the console is not there", registry_entry(rt_cap("registry"), 0, name), -MICA_ENOENT);
	expect("Registry.publish", registry_publish(rt_cap("registry"), "rt_basic", rt_cap("mem")), 0);
	mica_cap_t found = mica_slot_alloc();
	expect("Registry.lookup", registry_lookup(rt_cap("registry"), "rt_basic", &found), 0);
	expect("Registry.lookup of no such name: ENOENT", registry_lookup(rt_cap("registry"), "x", &found), -MICA_ENOENT);
	expect("Registry.publish of a name taken: EEXIST", registry_publish(rt_cap("registry"), "rt_basic", rt_cap("mem")),
	       -MICA_EEXIST);
}

/* Root's gates reach a program without X: it can call them, not destroy
 * them (the kernel passes a destroy without X to root as a message, which
 * root refuses), and root goes on serving everyone. */
static void root_gates_cannot_be_destroyed(void)
{
	const char *names[] = { "parent", "mem", "rom", "registry", "launcher" };
	uint32_t type, rights;
	char name[64];

	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
		expect(names[i], task_cap_info(MICA_BOOT_TASK, rt_cap(names[i]), &type, &rights), 0);
		expect("... is held without X", rights & MICA_X, 0);
		expect("... and is not destroyed", kobject_destroy(rt_cap(names[i])) != 0, 1);
	}
	expect("the registry still answers", registry_entry(rt_cap("registry"), 0, name), 0);
	uint64_t quota, used, pool, pool_free;
	expect("the memory session still answers", memory_stats(rt_cap("mem"), &quota, &used, &pool, &pool_free), 0);
}

/* A looked-up copy cannot destroy the service or withdraw its name: only
 * a capability with X to the same object (the publisher's own) can. */
static void registry_copies_are_call_only(void)
{
	mica_cap_t gate = mica_slot_alloc(), other = mica_slot_alloc(), found = mica_slot_alloc();
	uint32_t type, rights;

	expect("a gate of our own", factory_create_gate(MICA_BOOT_FACTORY, gate, MICA_BOOT_THREAD, 7), 0);
	expect("another", factory_create_gate(MICA_BOOT_FACTORY, other, MICA_BOOT_THREAD, 8), 0);
	expect("published", registry_publish(rt_cap("registry"), "owned", gate), 0);
	expect("looked up", registry_lookup(rt_cap("registry"), "owned", &found), 0);
	expect("... the copy's rights", task_cap_info(MICA_BOOT_TASK, found, &type, &rights), 0);
	expect("... it can be called (W)", rights & MICA_W, MICA_W);
	expect("... but has no X", rights & MICA_X, 0);
	expect("Kobject.destroy through the copy fails", kobject_destroy(found) == 0, 0);
	expect("withdraw with the copy: EPERM", registry_withdraw(rt_cap("registry"), "owned", found), -MICA_EPERM);
	expect("withdraw with another object's X: EPERM", registry_withdraw(rt_cap("registry"), "owned", other), -MICA_EPERM);
	expect("withdraw with nothing: EPERM", registry_withdraw(rt_cap("registry"), "owned", 0), -MICA_EPERM);
	expect("still there", registry_lookup(rt_cap("registry"), "owned", &found), 0);
	expect("withdraw with the publisher's own", registry_withdraw(rt_cap("registry"), "owned", gate), 0);
	expect("gone", registry_lookup(rt_cap("registry"), "owned", &found), -MICA_ENOENT);
	expect("withdraw again: ENOENT", registry_withdraw(rt_cap("registry"), "owned", gate), -MICA_ENOENT);
	mica_slot_drop(gate);
	mica_slot_drop(other);
	mica_slot_drop(found);
}

static const struct qtest_case cases[] = {
	{ "arguments_and_named_capabilities_arrive", arguments_and_named_capabilities_arrive },
	{ "memory_server_pages_through_the_region_mapper", memory_server_pages_through_the_region_mapper },
	{ "dataspace_clear_and_region_mapper_refusals", dataspace_clear_and_region_mapper_refusals },
	{ "rom_files_are_read_only", rom_files_are_read_only },
	{ "registry_publishes_and_looks_up", registry_publishes_and_looks_up },
	{ "root_gates_cannot_be_destroyed", root_gates_cannot_be_destroyed },
	{ "registry_copies_are_call_only", registry_copies_are_call_only },
};

int main(int argc, char **argv)
{
	args = argc;
	arg = argv;
	return QTEST_RUN(argv[0], cases);
}
