/*
 * rt/rt.h - the runtime of a program that root's launcher started
 * (docs/runtime.md): its named capabilities, its region mapper, and the
 * layout of its address space.
 *
 * A launched program starts at _start (lib/rt/start.S) with the System V
 * stack (argc, argv, envp, auxv).  Before main, the runtime
 *   - reads its capabilities from the environment variable MICA_CAPS
 *     ("name=slot name=slot ..."), e.g. parent, mem, rom, registry,
 *     launcher, stdout, stdin, and whatever the boot configuration adds;
 *   - starts the task's region mapper thread (lib/rt/rm.c), fills its table
 *     with the regions the parent set up (Parent.region), publishes it as
 *     `rm`, and makes it the pager of the main thread;
 *   - marks the slots in use for the slot allocator (libsys/slot.h).
 * exit() ends the program through Parent.exit with the status.
 *
 * Slots 1..3 are as for boot programs (mica/boot.h): the task, the main
 * thread, a factory with the program's kernel-memory quota.
 */
#ifndef RT_RT_H
#define RT_RT_H

#include <mica/boot.h>
#include <mica/types.h>

/* The capability named `name` in the program's environment, or
 * MICA_CAP_NULL when it has none. */
mica_cap_t rt_cap(const char *name);

/* End the program with `status` (Parent.exit); no atexit handlers, no
 * stdio flushing (that is exit()'s job). */
__attribute__((noreturn)) void rt_exit(int status);

/* The address-space layout of a launched program. */
#define RT_STACK_TOP 0x00007fff00000000ull    /* the main thread's stack, growing down */
#define RT_STACK_SIZE (1ull << 20)
#define RT_UTCB_AREA 0x00007fff80000000ull    /* UTCBs of threads the program makes, a page each */
#define RT_UTCB_AREA_SIZE (1ull << 28)
#define RT_HEAP_BASE 0x0000100000000000ull    /* sbrk's heap, 16 TiB up */
#define RT_HEAP_MAX (1ull << 36)
/* The region mapper places attach(addr 0) regions in [RT_MAP_BASE, RT_MAP_END). */
#define RT_MAP_BASE 0x0000200000000000ull
#define RT_MAP_END 0x0000600000000000ull

/* A fault of one of the program's threads that its region mapper cannot
 * resolve (docs/processes.md "Signals from faults"): the exception the
 * kernel sent the region mapper (mica/exception.h), with what the region
 * mapper knows of a page fault's address. */
enum rt_fault_kind {
	RT_FAULT_EXCEPTION,   /* not a page fault */
	RT_FAULT_UNMAPPED,    /* outside every region */
	RT_FAULT_RIGHTS,      /* in a region that does not allow the access */
	RT_FAULT_NO_PAGE,     /* allowed, but the region's dataspace has no page there */
};
struct rt_fault {
	uint64_t vector, error, addr;
	mica_addr_t utcb;     /* the faulting thread's UTCB */
	enum rt_fault_kind kind;
};
struct user_regs;
/* The C library's (lib/libc/sigfault.c), called on the region mapper
 * thread: 0 when it changed regs so that the thread runs a signal handler;
 * otherwise the region mapper ends the program as before (the C library
 * ends it by the signal itself when a process server can). */
int rt_fault_signal(const struct rt_fault *f, struct user_regs *regs) __attribute__((weak));

/* A UTCB address for a new thread of this program (0: none left). */
mica_addr_t rt_utcb_alloc(void);

/* RegionMap.attach's rights | RT_ATTACH_PRIVATE: a fork gives the child a
 * copy-on-write copy of the region (the heap) instead of sharing it. */
#define RT_ATTACH_PRIVATE 0x100u

/* fork (lib/rt/fork.c, docs/processes.md "fork"). */
struct mica_fork_plan;
/* The saved registers a forked child resumes with. */
struct rt_fork_regs {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};
/* Save the calling thread's registers: 0 now, 1 when a forked child
 * resumes from them (rt_fork_child_entry with the stack at `regs`). */
int rt_fork_save(struct rt_fork_regs *regs) __attribute__((returns_twice));
void rt_fork_child_entry(void);
/* How many times the region mapper's tables began or finished changing:
 * odd while a change is under way.  A fork copies them while the region
 * mapper thread runs on (it serves the fork's faults): it starts when
 * the count is even and starts again if the count moved meanwhile. */
uint32_t rt_rm_changes(void);
/* The region mapper's part of the plan: its thread, gate, initial regions. */
void rt_rm_fork_plan(struct mica_fork_plan *plan);
/* The child's copies of the regions attached since the start: private ones
 * copy-on-write (paid for by the child's memory session, which root put at
 * the plan's mem_slot), the others shared, at the slots ours are in. */
int rt_rm_fork_regions(mica_cap_t task);
/* Every other capability of ours into the child's same slot (a copy derived
 * from ours), where the child has none yet; `skip` and `skip2` not. */
int rt_fork_caps(mica_cap_t task, mica_cap_t skip, mica_cap_t skip2);

#endif
