/*
 * rt_fuzz.c - root's servers under idlc's protocol fuzz drivers: every
 * method of every protocol root speaks, well-formed with random values and
 * broken in every way, sent to each kind of object root serves (a memory
 * session, rom/, the registry, a dataspace, a process).  Every answer must
 * have the right shape, root must go on serving, and its memory must come
 * back.  The launcher's protocol goes to a program's own launcher gate from
 * that program (rt_child zfuzz), where a well-formed halt is refused; not
 * the parent's gates: a well-formed exit there would do what it says.
 *
 *   rt_fuzz SEED ROUNDS
 */
#include "qtest.h"
#include "rt_memory.h"

#include <common/fmt.h>
#include <libsys/slot.h>
#include <rt/rt.h>

#include <idl/rt/memory.h>
#include <idl/rt/process.h>
#include <idl/rt/region_map.h>
#include <idl/rt/registry.h>
#include <idl/rt/root.h>

#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>

static uint64_t number(const char *s)
{
	uint64_t v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint64_t)(*s++ - '0');
	return v;
}

/* The kernel copies string items only between mapped pages (docs/ipc.md):
 * fault in the fuzz drivers' buffers, which live in bss, first. */
static void touch_bss(void)
{
	extern char __bss_start[], _end[];

	for (volatile char *p = (char *)((uintptr_t)__bss_start & ~0xfffull); p < _end; p += 4096)
		*p = *p;
}

static uint64_t seed = 1;
static unsigned rounds = 20;
static mica_cap_t ds, proc;
static uint64_t free0, used0;   /* root's pool and this session, before */

static void fuzz_targets_are_made(void)
{
	ds = mica_slot_alloc();
	proc = mica_slot_alloc();
	touch_bss();
	mica_printf("# rt_fuzz: seed %lu, %u rounds per method and object\n", (unsigned long)seed, rounds);
	free0 = rt_pool_free();
	used0 = rt_session_used();
	expect("a dataspace to fuzz", memory_alloc(rt_cap("mem"), 64 << 10, &ds), 0);
	expect("a process to fuzz", launcher_spawn(rt_cap("launcher"), "rt_child", "hog\0" "1\0", 6, 0, 0, 0, 0, &proc), 0);
}

static void root_answers_fuzzed_requests_to_every_object(void)
{
	const struct { const char *what; mica_cap_t cap; } targets[] = {
		{ "a memory session", rt_cap("mem") }, { "rom/", rt_cap("rom") },
		{ "the registry", rt_cap("registry") }, { "a dataspace", ds }, { "a process", proc },
	};
	for (unsigned i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		char what[96];
		int n = 0;
		for (const char *p = "Root's protocols on "; *p; p++)
			what[n++] = *p;
		for (const char *p = targets[i].what; *p; p++)
			what[n++] = *p;
		what[n] = 0;
		expect(what, root_fuzz(targets[i].cap, seed + i, rounds), 0);
	}
}

/* Replies whose new capability cannot be delivered: no receive slot. */
static void undeliverable_reply_leaves_nothing_kept(void)
{
	uint64_t used1 = rt_session_used();
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag;

	u->mr[0] = MEMORY_ALLOC_OPCODE;
	u->mr[1] = 1 << 20;
	u->br[MICA_BR_DESC] = mica_br_desc(0, 0, 0);
	expect("Memory.alloc with no slot for the dataspace: ENOBUF",
	       mica_ipc_call(rt_cap("mem"), mica_tag(MEMORY_PROTOCOL, 2, 0, 0), &tag), MICA_ENOBUF);
	expect("... and root did not keep it", (long)rt_session_used(), (long)used1);
	expect("root still serves", rt_session_used() >= used0, 1);
}

/* This task's own region mapper, which shares the task's slot allocator:
 * whatever capabilities the fuzzer sends it, no slot may stay taken. */
static void region_mapper_keeps_no_slot_for_refusals(void)
{
	mica_cap_t lowest = mica_slot_alloc();

	mica_slot_free(lowest);
	expect("the region mapper's protocol", region_map_fuzz(rt_cap("rm"), seed, rounds), 0);
	mica_cap_t after = mica_slot_alloc();
	mica_slot_free(after);
	expect("... it keeps no slot for what it refused", (long)after, (long)lowest);
}

/* rt_child zfuzz: a program sends its own launcher gate the Launcher
 * fuzz driver; its status says whether every answer had its shape.  The
 * process fuzzed before ends first: root keeps the pages of its records
 * for reuse, and the fuzzer's child takes its record's place. */
static void a_programs_launcher_answers_fuzzed_requests(void)
{
	char args[64];
	int len = fmt_snprintf(args, sizeof args, "zfuzz%c%lu%c%u", 0, (unsigned long)seed, 0, rounds) + 1;
	mica_cap_t child = mica_slot_alloc();
	bool ended = false;
	int32_t status = -1;
	uint64_t pid;

	process_kill(proc);
	while (process_status(proc, &ended, &status, &pid) == 0 && !ended)
		thread_yield(MICA_BOOT_THREAD);
	mica_slot_drop(proc);
	ended = false;
	expect("rt_child zfuzz started", launcher_spawn(rt_cap("launcher"), "rt_child", args, (uint32_t)len, 0, 0, 0, 0,
							&child), 0);
	while (process_status(child, &ended, &status, &pid) == 0 && !ended)
		thread_yield(MICA_BOOT_THREAD);
	expect("every answer of its launcher had its shape (status 0)", status, 0);
	mica_slot_drop(child);
	expect("root still serves", rt_session_used() >= used0, 1);
}

static void root_gets_its_memory_back(void)
{
	char name[64];

	mica_slot_drop(ds);
	/* Names the fuzzer published hold copies of our capabilities, which
	 * we hold without X (no withdraw): revoke the copies, and the
	 * registry forgets the names. */
	const char *published[] = { "mem", "rom", "registry" };
	for (unsigned i = 0; i < sizeof published / sizeof published[0]; i++)
		task_cap_unmap(MICA_BOOT_TASK, rt_cap(published[i]), false);
	expect("the registry is empty again", registry_entry(rt_cap("registry"), 0, name), -MICA_ENOENT);
	expect("the session's use is back", (long)rt_session_used(), (long)used0);
	expect("the memory server's free pages are back", (long)rt_pool_free(), (long)free0);
}

static const struct qtest_case cases[] = {
	{ "fuzz_targets_are_made", fuzz_targets_are_made },
	{ "root_answers_fuzzed_requests_to_every_object", root_answers_fuzzed_requests_to_every_object },
	{ "undeliverable_reply_leaves_nothing_kept", undeliverable_reply_leaves_nothing_kept },
	{ "region_mapper_keeps_no_slot_for_refusals", region_mapper_keeps_no_slot_for_refusals },
	{ "a_programs_launcher_answers_fuzzed_requests", a_programs_launcher_answers_fuzzed_requests },
	{ "root_gets_its_memory_back", root_gets_its_memory_back },
};

int main(int argc, char **argv)
{
	if (argc > 1)
		seed = number(argv[1]);
	if (argc > 2)
		rounds = (unsigned)number(argv[2]);
	return QTEST_RUN(argv[0], cases);
}
