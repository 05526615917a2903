/*
 * fuzz.c - the kernel fuzzer: `fuzz SEED ROUNDS [FIRST [OPS [v|vv]]]`
 * (v: every driver operation printed; vv: the waiting actors' too).
 *
 * Each round (numbered FIRST.. , each with its own seed derived from SEED
 * and its number, so that one round can be replayed alone) runs in a
 * sub-factory F of limited quota: the supervisor -- this boot thread --
 * builds from F a fuzz task T, a second task U and a pager task P (fuzz.h),
 * starts 1 to 3 driver threads in T that perform OPS seeded random
 * operations between them (fuzz_ops.c, on the actors of fuzz_actors.c),
 * waits for them (kicking a driver stuck in IPC with ex_regs, giving up on
 * one stuck in a fault loop), then destroys F, which destroys everything
 * the round made, and checks with MICA_DEBUG_MEMINFO that the kernel's
 * pools, the root factory's use, the mapping nodes and the objects of
 * every type are back where they were, and with MICA_DEBUG_CHECK that the
 * kernel's invariants hold (which it also checks every 2 ms while the
 * round runs).  One TAP line per round; the differences are
 * printed when a round fails.  After the rounds, TAP lines check that the
 * run covered every operation, object type, item kind and actor.
 *
 * The supervisor keeps everything it relies on in its own frame: the
 * fuzzed tasks share the image's data with it and may write anywhere in it.
 */
#include "fuzz.h"

#include <common/fmt.h>
#include <libsys/thread.h>
#include <mica/kip.h>
#include <mica/syscall.h>
#include <stdarg.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>

struct fz_shared fz;

extern char __executable_start[], _end[];

enum {
	S_F = 10, S_T, S_U, S_P, S_PAGER, S_EXC, S_PAGER_GATE, S_EXC_GATE, S_DRIVER0 = 20,
	S_LAST = S_DRIVER0 + FZ_DRIVERS_MAX,
};

#define SUPERVISOR_PRIO 255
#define PAGER_PRIO 130
#define DRIVER_PRIO 120
#define DRIVER_STACK 16384
#define STUCK_US 20000        /* no progress this long: ex_regs the driver */
#define GIVE_UP_US 50000      /* still none: a fault loop; stop waiting for it */

static uint8_t driver_stacks[FZ_DRIVERS_MAX][DRIVER_STACK] __attribute__((aligned(16)));
static uint8_t pager_stacks[2][DRIVER_STACK] __attribute__((aligned(16)));

struct tally {
	int tests, failures;
};

/* The watchdog of the kernel's stretches with interrupts off: on the
 * measuring kernel (make fuzz boots it; kern/irqoff.h) every stretch since
 * the last look is noted, after each round, with where it happened.  (The
 * kernel leaves out the invariant checker's over a big kernel, which only
 * test boots run, docs/abi.md.) */
#define FZ_IRQOFF_MAX 100000
static struct mica_irqoff irqoff_longest;
static unsigned irqoff_longest_round;
static int irqoff_measured;

static void irqoff_describe(const char *what, const struct mica_irqoff *w)
{
	static const char *const entries[] = { "?", "syscall", "trap", "window", "idle" };

	mica_printf("#   %s: %lu instructions, began by %s", what, (unsigned long)w->longest,
		    entries[w->entry < 5 ? w->entry : 0]);
	if (w->entry == MICA_IRQOFF_SYSCALL)
		mica_printf(" %u (rdi %#lx, rsi %#lx)", w->syscall, (unsigned long)w->arg, (unsigned long)w->tag);
	else if (w->entry == MICA_IRQOFF_TRAP)
		mica_printf(" vector %lu", (unsigned long)w->arg);
	if (w->obj_type)
		mica_printf("; invocation: object type %u, label %#x", w->obj_type, w->obj_label);
	mica_printf("; destruction steps by type:");
	for (unsigned t = 1; t < MICA_IRQOFF_TYPES; t++)
		mica_printf(" %u", w->reaped[t]);
	mica_printf("; ended by %s, %u switch(es)\n", entries[w->ended < 5 ? w->ended : 0], w->switches);
}

/* round: the one that just ended, or -1u for the boot. */
static void irqoff_look(unsigned round)
{
	struct mica_irqoff worst = { 0 };

	if (mica_debug(MICA_BOOT_LOG, MICA_DEBUG_IRQOFF, (unsigned long)&worst, sizeof worst) != MICA_OK)
		return;
	irqoff_measured = 1;
	if (round == -1u)
		return;
	if (worst.longest > FZ_IRQOFF_MAX)
		irqoff_describe("the round's longest stretch with interrupts off", &worst);
	if (worst.longest > irqoff_longest.longest) {
		irqoff_longest = worst;
		irqoff_longest_round = round;
	}
}

static void tap(struct tally *t, int ok, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	t->tests++;
	t->failures += !ok;
	mica_printf("%s %d - %s\n", ok ? "ok" : "not ok", t->tests, line);
}

static uint64_t now_us(void)
{
	return ((const volatile struct mica_kip *)MICA_KIP_ADDR)->clock_us;
}

static void sleep_us(uint32_t us)
{
	mica_ipc_wait(mica_timeouts(0, us), 0, 0);
}

static uint64_t parse(const char *s, uint64_t dflt)
{
	uint64_t v = 0;
	unsigned base = 10;

	if (!s || !*s)
		return dflt;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		unsigned d = *s >= '0' && *s <= '9' ? (unsigned)(*s - '0') : *s >= 'a' && *s <= 'f' ? (unsigned)(*s - 'a' + 10)
			   : *s >= 'A' && *s <= 'F' ? (unsigned)(*s - 'A' + 10) : 99;
		if (d >= base)
			return dflt;
		v = v * base + d;
	}
	return v;
}

/* ---- building a round ------------------------------------------------------------ */

static int image_order(void)
{
	int o = 12;

	while ((fz.image_lo >> o) != ((fz.image_hi - 1) >> o))
		o++;
	return o;
}

static int task_with_image(mica_cap_t slot)
{
	int o = image_order();
	uint64_t base = fz.image_lo & ~((1ull << o) - 1);
	int err = factory_create_task(S_F, slot);

	return err ? err : task_mem_map(slot, mica_fpage(base, (unsigned)o, MICA_RWX), base, false);
}

struct round {
	unsigned number, ndrivers, ops, quota;
	uint64_t seed;
	const char *failed_step;   /* where building ran out, if it did */
	int setup_err;
};

#define STEP(r, what, call) \
	do { \
		int e_ = (call); \
		if (e_) { \
			(r)->failed_step = what; \
			(r)->setup_err = e_; \
			return e_; \
		} \
	} while (0)

static int build(struct round *r, uint64_t *rng)
{
	unsigned t_rights = fz_chance(rng, 10) ? MICA_RWX : MICA_R | MICA_W;
	unsigned f_rights = fz_chance(rng, 10) ? MICA_RWX : MICA_R | MICA_W;
	unsigned icu_rights = fz_chance(rng, 30) ? MICA_R | MICA_W : MICA_R;

	STEP(r, "sub-factory", factory_create_factory(MICA_BOOT_FACTORY, S_F, r->quota));
	STEP(r, "task T", task_with_image(S_T));
	STEP(r, "task U", task_with_image(S_U));
	STEP(r, "pager task", task_with_image(S_P));
	STEP(r, "pager thread", mica_thread_spawn(S_F, S_P, S_PAGER, FZ_PAGER_UTCB, fz_pager, 0, pager_stacks[0],
						   DRIVER_STACK, 0));
	STEP(r, "handler thread", mica_thread_spawn(S_F, S_P, S_EXC, FZ_PAGER_UTCB + 4096, fz_exc_handler, 0,
						     pager_stacks[1], DRIVER_STACK, 0));
	STEP(r, "pager priority", thread_set_sched(S_PAGER, PAGER_PRIO, 0));
	STEP(r, "handler priority", thread_set_sched(S_EXC, PAGER_PRIO, 0));
	STEP(r, "pager gate", factory_create_gate(S_F, S_PAGER_GATE, S_PAGER, 0xfa));
	STEP(r, "handler gate", factory_create_gate(S_F, S_EXC_GATE, S_EXC, 0xfe));
	STEP(r, "T's capabilities", task_cap_map(S_T, S_T, T_SELF, t_rights, false));
	STEP(r, "T's capabilities", task_cap_map(S_T, S_F, T_FACTORY, f_rights, false));
	STEP(r, "T's capabilities", task_cap_map(S_T, S_U, T_U, MICA_RWX, false));
	/* Read-only (printing needs W), but in verbose runs, which print
	 * every operation from T. */
	STEP(r, "T's capabilities", task_cap_map(S_T, MICA_BOOT_LOG, T_LOG, fz.verbose ? MICA_R | MICA_W : MICA_R, false));
	STEP(r, "T's capabilities", task_cap_map(S_T, MICA_BOOT_ICU, T_ICU, icu_rights, false));
	STEP(r, "T's capabilities", task_cap_map(S_T, S_PAGER_GATE, T_PAGER_GATE, MICA_W, false));
	STEP(r, "T's capabilities", task_cap_map(S_T, S_EXC_GATE, T_EXC_GATE, MICA_W, false));
	STEP(r, "T's capabilities", task_cap_map(S_T, S_T, T_SELF2, MICA_R | MICA_W, false));
	STEP(r, "T's port", task_io_map(S_T, mica_io_fpage(0x80, 0)));
	for (unsigned d = 0; d < r->ndrivers; d++) {
		mica_cap_t slot = S_DRIVER0 + d;
		STEP(r, "driver", mica_thread_spawn(S_F, S_T, slot, FZ_DRIVER_UTCB + 4096ull * d, fz_driver, (void *)(uintptr_t)d,
						    driver_stacks[d], DRIVER_STACK, 0));
		STEP(r, "driver's handlers", thread_set_handlers(slot, S_PAGER_GATE, S_EXC_GATE));
		STEP(r, "driver's priority", thread_set_sched(slot, DRIVER_PRIO, 0));
		STEP(r, "driver's MCP", thread_set_mcp(slot, FZ_DRIVER_MCP));
	}
	return 0;
}

/* The drivers may overwrite or unmap T's fixed capabilities (slots are
 * random): put back those that went, so that the round goes on fuzzing. */
static void repair(const struct round *r)
{
	static const struct { mica_cap_t slot, src; unsigned type, rights; } fixed[] = {
		{ T_FACTORY, S_F, 5, MICA_R | MICA_W }, { T_U, S_U, 1, MICA_RWX }, { T_PAGER_GATE, S_PAGER_GATE, 3, MICA_W },
		{ T_EXC_GATE, S_EXC_GATE, 3, MICA_W }, { T_SELF2, S_T, 1, MICA_R | MICA_W }, { T_SELF, S_T, 1, MICA_R | MICA_W },
	};

	(void)r;
	for (unsigned i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		uint32_t type = 0, rights;
		if (task_cap_info(S_T, fixed[i].slot, &type, &rights) == 0 && type != fixed[i].type)
			task_cap_map(S_T, fixed[i].src, fixed[i].slot, fixed[i].rights, false);
	}
}

/* A driver asked for T's port to be taken back (op_port_revoke): through
 * the supervisor's own capability to T, the one whose revocation is sure to
 * be T's, so that a port working after fz.port_gone is the kernel's fault. */
static void revoke_port(void)
{
	if (fz.port_revoke_asked && !fz.port_gone && task_io_unmap(S_T, mica_io_fpage(0x80, 0)) == 0)
		fz.port_gone = 1;
}

/* Wait for the drivers, running the kernel's invariant checker on the
 * way (what a round breaks may be gone by its end), and taking T's port
 * back when asked; returns how many were kicked out of a wait. */
static unsigned wait_drivers(const struct round *r, uint64_t deadline, int *broken)
{
	uint64_t last[FZ_DRIVERS_MAX] = { 0 }, since[FZ_DRIVERS_MAX];
	int given_up[FZ_DRIVERS_MAX] = { 0 };
	unsigned kicks = 0;

	for (unsigned d = 0; d < r->ndrivers; d++)
		since[d] = now_us();
	while (now_us() < deadline) {
		int all = 1;
		sleep_us(2000);
		repair(r);
		revoke_port();
		long check = mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0);
		if (check != MICA_OK && check != MICA_EINVAL && !(*broken)++)
			mica_printf("# round %u: the invariant checker complained during the round (%ld)\n", r->number, check);
		for (unsigned d = 0; d < r->ndrivers; d++) {
			uint64_t done = fz.done[d], t = now_us();
			uint32_t state = 3;
			uint64_t id;
			if (fz.finished[d] || given_up[d])
				continue;
			if (done != last[d]) {
				last[d] = done;
				since[d] = t;
				all = 0;
				continue;
			}
			if (thread_state(S_DRIVER0 + d, &state, &id) || state == 3 || state == 0) {
				given_up[d] = 1;   /* gone with T, or stopped */
				continue;
			}
			all = 0;
			if (t - since[d] > GIVE_UP_US) {
				uint64_t ip = 0, sp = 0, fl;
				given_up[d] = 1;
				thread_ex_regs(S_DRIVER0 + d, ~0ull, ~0ull, ~0ull, &ip, &sp, &fl);
				mica_printf("# round %u: driver %u stuck at operation %lu (state %u, ip %#lx, sp %#lx)\n", r->number, d,
					    done, state, ip, sp);
			} else if (t - since[d] > STUCK_US && state == 2) {
				uint64_t ip, sp, fl;
				thread_ex_regs(S_DRIVER0 + d, ~0ull, ~0ull, ~0ull, &ip, &sp, &fl);
				kicks++;
			}
		}
		if (all)
			break;
	}
	return kicks;
}

/* How the round ends: F's destruction, sometimes after something else. */
static const char *finish(uint64_t *rng, unsigned verbose)
{
	unsigned c = fz_below(rng, 100);

	if (verbose)
		mica_printf("# supervisor: ending the round (%u)\n", c);
	if (c < 60)
		return "the factory";
	if (c < 72) {
		kobject_destroy(S_T);
		return "T, then the factory";
	}
	if (c < 82) {
		kobject_destroy(S_P);
		return "the pager task, then the factory";
	}
	if (c < 92) {
		for (unsigned d = 0; d < FZ_DRIVERS_MAX; d++)
			kobject_destroy(S_DRIVER0 + d);
		kobject_destroy(S_PAGER_GATE);
		return "the drivers and the pager gate, then the factory";
	}
	task_cap_unmap(MICA_BOOT_TASK, S_F, false);
	return "every copy of the factory's capability, then the factory";
}

struct accounts {
	struct mica_meminfo m;
	uint64_t boot_used;
};

static void take(struct accounts *a)
{
	uint64_t limit;

	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&a->m, sizeof a->m);
	factory_quota(MICA_BOOT_FACTORY, &limit, &a->boot_used);
}

/* Print what differs; returns the number of differences. */
static int compare(const struct accounts *b, const struct accounts *a)
{
	static const char *const types[MICA_MEMINFO_TYPES] = { "?", "tasks", "threads", "gates", "irqs", "factories",
							       "icus", "logs" };
	int diff = 0;

#define CMP(name, field) \
	do { \
		if (b->field != a->field) { \
			diff++; \
			mica_printf("#   %s: %lu before, %lu after (%+ld)\n", name, (unsigned long)b->field, \
				    (unsigned long)a->field, (long)(a->field - b->field)); \
		} \
	} while (0)
	CMP("kernel pool free pages", m.kernel_free_pages);
	CMP("user pool free pages", m.user_free_pages);
	CMP("root factory's use (bytes)", m.root_quota_used);
	CMP("mapping nodes", m.mapnodes);
	CMP("object cache pages", m.slab_pages);
	CMP("boot factory's use (bytes)", boot_used);
	for (unsigned t = 1; t < MICA_MEMINFO_TYPES; t++)
		CMP(types[t], m.objects[t]);
#undef CMP
	return diff;
}

/* The counters of what must never happen, checked after the run; the
 * round where one moves says so under its line, to be replayed alone. */
static const struct {
	unsigned what;
	const char *name;
} class_counters[] = {
	{ C_RIGHTS_BAD, "a message went through a gate capability without W" },
	{ C_SEG_BAD, "a thread's fs or gs was not its own" },
	{ C_PORT_BAD, "a port worked after it was taken back" },
	{ C_MCP_BAD, "a priority or MCP above the driver's MCP, or a slice too long, was accepted" },
	{ C_GEN_BAD, "idlc's protocol fuzz driver got a malformed answer" },
};
#define CLASSES (sizeof class_counters / sizeof class_counters[0])

static void run_round(struct tally *tally, uint64_t seed, unsigned number, unsigned ops, unsigned deadline_ms,
		      unsigned verbose)
{
	static const unsigned quotas[] = { 160, 256, 384, 512, 512, 768, 768, 1024, 1024, 2048 };
	struct round r = { .number = number, .seed = fz_seed(seed, number) };
	uint64_t rng = r.seed, t0 = now_us();
	struct accounts before, after;

	r.ndrivers = 1 + fz_below(&rng, 3);
	r.ops = ops;
	r.quota = quotas[fz_below(&rng, sizeof quotas / sizeof quotas[0])] << 10;
	mica_printf("# round %u: seed %#lx, quota %u KiB, %u driver(s), %u operations\n", number, r.seed, r.quota >> 10,
		    r.ndrivers, ops);

	fz.round_seed = r.seed;
	fz.ndrivers = r.ndrivers;
	fz.ops_per_driver = (ops + r.ndrivers - 1) / r.ndrivers;
	fz.verbose = verbose;
	fz.stop = 0;
	fz.next_stack = 0;
	fz.port_revoke_asked = 0;
	fz.port_gone = 0;
	for (unsigned t = 0; t < 8; t++)
		fz.nknown[t] = 0;
	for (unsigned k = 0; k < T_OBJ_END; k++)
		fz.actor_at[k] = 0;
	for (unsigned d = 0; d < FZ_DRIVERS_MAX; d++) {
		fz.done[d] = 0;
		fz.finished[d] = 0;
		fz.hash[d] = 0;
	}
	take(&before);
	uint64_t calls0 = fz.calls, classes0[CLASSES];
	for (unsigned k = 0; k < CLASSES; k++)
		classes0[k] = fz.cover[class_counters[k].what];
	unsigned kicks = 0;
	int broken = 0;
	if (build(&r, &rng) == 0)
		kicks = wait_drivers(&r, t0 + deadline_ms * 1000ull, &broken);
	else
		mica_printf("# round %u: building stopped at the %s: %s\n", number, r.failed_step,
			    r.setup_err == -MICA_ENOMEM ? "out of quota" : "error");
	fz.stop = 1;
	fz_count(C_WATCHDOG, kicks);
	const char *how = finish(&rng, verbose);
	if (verbose)
		mica_printf("# supervisor: destroying the factory\n");
	int err = kobject_destroy(S_F);
	uint64_t done = 0, hash = 0;
	for (unsigned d = 0; d < r.ndrivers; d++) {
		done += fz.done[d];
		hash ^= fz.hash[d] * (d + 1);
	}

	/* Whatever the round made went with F, every capability to it too. */
	int stale = 0;
	for (mica_cap_t s = S_F; s < S_LAST; s++) {
		uint32_t type = 0, rights;
		task_cap_info(MICA_BOOT_TASK, s, &type, &rights);
		stale += type != 0;
	}
	take(&after);
	irqoff_look(number);
	mica_printf("# round %u: %lu operations, %lu calls, %u kick(s), hash %#lx, ended by destroying %s (%d), %lu ms\n",
		    number, done, fz.calls - calls0, kicks, hash, how, err, (now_us() - t0) / 1000);
	int diff = compare(&before, &after);
	long check = mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0);
	if (check == MICA_EINVAL)
		check = 0;   /* a kernel without the invariant checker */
	if (stale)
		mica_printf("#   %d capabilities of the boot task outlived the factory\n", stale);
	if (check)
		mica_printf("#   the kernel's invariant checker complained (%ld): see the kcheck lines above\n", check);
	for (unsigned k = 0; k < CLASSES; k++)
		if (fz.cover[class_counters[k].what] != classes0[k])
			mica_printf("#   %s (%lu times): replay this round alone\n", class_counters[k].name,
				    (unsigned long)(fz.cover[class_counters[k].what] - classes0[k]));
	tap(tally, diff == 0 && check == 0 && stale == 0 && !broken,
	    "round %u (seed %#lx): nothing left behind and the invariants hold", number, r.seed);
}

/* ---- what the whole run covered ------------------------------------------------------------- */

static void coverage(struct tally *t, int check)
{
	static const char *const types[] = { "", "task", "thread", "gate", "irq", "factory" };
	static const char *const items[] = { "bad", "capability", "memory", "I/O", "string" };
	int ok = 1;

	mica_printf("# operations:");
	for (unsigned k = 0; k < fz_nops; k++) {
		mica_printf(" %s %lu", fz_ops[k].name, (unsigned long)fz.cover[C_OP + k]);
		ok &= fz.cover[C_OP + k] > 0;
	}
	mica_printf("\n");
	if (check)
		tap(t, ok, "every driver operation ran");

	ok = 1;
	mica_printf("# objects created/destroyed by the drivers:");
	for (unsigned k = 1; k <= 5; k++) {
		mica_printf(" %s %lu/%lu", types[k], (unsigned long)fz.cover[C_CREATED + k], (unsigned long)fz.cover[C_DESTROYED + k]);
		ok &= fz.cover[C_CREATED + k] > 0 && fz.cover[C_DESTROYED + k] > 0;
	}
	mica_printf("\n");
	if (check)
		tap(t, ok, "every object type was created and destroyed");

	ok = fz.cover[C_ITEM_OK] > 0;
	mica_printf("# items sent:");
	for (unsigned k = 0; k <= 4; k++) {
		mica_printf(" %s %lu", items[k], (unsigned long)fz.cover[C_ITEM + k]);
		ok &= fz.cover[C_ITEM + k] > 0;
	}
	mica_printf("; messages with items that went through %lu\n", (unsigned long)fz.cover[C_ITEM_OK]);
	if (check)
		tap(t, ok, "every item kind was sent");

	ok = 1;
	mica_printf("# actors started:");
	for (unsigned k = 0; k < A_KINDS; k++) {
		mica_printf(" %s %lu", fz_actor_name[k], (unsigned long)fz.cover[C_ACTOR + k]);
		ok &= fz.cover[C_ACTOR + k] > 0;
	}
	mica_printf("\n");
	if (check)
		tap(t, ok, "every kind of actor ran");

	mica_printf("# faults served %lu, hopeless %lu; exceptions resumed %lu, refused %lu; irqs received %lu\n",
		    fz.cover[C_FAULT_SERVED], fz.cover[C_FAULT_HOPELESS], fz.cover[C_EXC_RESUMED], fz.cover[C_EXC_REFUSED],
		    fz.cover[C_IRQ_RECV]);
	mica_printf("# ex_regs of blocked threads %lu, destroys while blocked %lu, unmaps of mapped pages %lu, "
		    "watchdog kicks %lu, queued senders released by an error %lu\n",
		    fz.cover[C_EXREGS_BLOCKED], fz.cover[C_DESTROY_BLOCKED], fz.cover[C_UNMAP_MAPPED], fz.cover[C_WATCHDOG],
		    (unsigned long)fz_senders_released);
	mica_printf("# results: ok %lu, ENOMEM %lu, ETIMEOUT %lu, ECANCELED %lu, EGONE %lu, EFAULT %lu, EOVERFLOW %lu, "
		    "ENOBUF %lu; kernel protocol messages %lu, debug calls %lu\n",
		    fz.cover[C_IPC_OK], fz.cover[C_ENOMEM], fz.cover[C_ETIMEOUT], fz.cover[C_ECANCELED], fz.cover[C_EGONE],
		    fz.cover[C_EFAULT], fz.cover[C_EOVERFLOW], fz.cover[C_ENOBUF], fz.cover[C_KPROTO], fz.cover[C_DEBUG]);
	if (check) {
		tap(t, fz.cover[C_FAULT_SERVED] > 0 && fz.cover[C_FAULT_HOPELESS] > 0 && fz.cover[C_EXC_RESUMED] > 0,
		    "faults were served, faults looped, exceptions were handled");
		tap(t, fz_senders_released > 0, "queued senders were released when their gate, receiver or factory went");
		tap(t, fz.cover[C_ENOMEM] > 0 && fz.cover[C_ETIMEOUT] > 0 && fz.cover[C_ECANCELED] > 0 &&
			       fz.cover[C_EGONE] > 0 && fz.cover[C_EFAULT] > 0 && fz.cover[C_EOVERFLOW] > 0,
		    "quotas ran out, and IPC timed out, was cancelled, lost its partner, faulted and overflowed");
	}
	tap(t, fz.cover[C_GEN_BAD] == 0, "idlc's protocol fuzz drivers got well-formed answers (%lu runs)",
	    (unsigned long)fz.cover[C_GEN_FUZZ]);
	tap(t, fz.cover[C_CHECK_BAD] == 0, "the invariant checker never complained in the middle of a round");
	tap(t, fz.cover[C_RIGHTS_BAD] == 0, "no message went through a gate capability without W");
	tap(t, fz.cover[C_SEG_BAD] == 0, "every thread's fs and gs stayed its own");
	tap(t, fz.cover[C_PORT_BAD] == 0, "no port worked after it was taken back");
	tap(t, fz.cover[C_MCP_BAD] == 0, "no priority or MCP above a driver's MCP was accepted (%lu refused)",
	    (unsigned long)fz.cover[C_MCP_EPERM]);
	if (irqoff_measured) {
		irqoff_describe("the run's longest stretch with interrupts off", &irqoff_longest);
		tap(t, irqoff_longest.longest <= FZ_IRQOFF_MAX,
		    "no stretch with interrupts off above %u instructions (longest %lu, round %u)", FZ_IRQOFF_MAX,
		    (unsigned long)irqoff_longest.longest, irqoff_longest_round);
	} else
		mica_printf("# not the measuring kernel: interrupts-off stretches not watched\n");
}

int main(int argc, char **argv)
{
	uint64_t seed = parse(argc > 1 ? argv[1] : 0, 1);
	unsigned rounds = (unsigned)parse(argc > 2 ? argv[2] : 0, 10);
	unsigned first = (unsigned)parse(argc > 3 ? argv[3] : 0, 0);
	unsigned ops = (unsigned)parse(argc > 4 ? argv[4] : 0, 300);
	unsigned verbose = argc > 5 && argv[5][0] == 'v' ? (argv[5][1] == 'v' ? 2 : 1) : 0;
	unsigned deadline_ms = 2000;
	struct tally tally = { 0, 0 };
	uint64_t t0 = now_us();

	mica_printf("# fuzz: seed %lu, rounds %u..%u, %u operations a round; replay: make fuzz SEED=%lu ROUNDS=%u "
		    "(one round: FIRST=n ROUNDS=1, with every operation printed: VERBOSE=1)\n",
		    seed, first, first + rounds - 1, ops, seed, rounds);
	fz.image_lo = (uint64_t)__executable_start & ~0xfffull;
	fz.image_hi = ((uint64_t)_end + 0xfff) & ~0xfffull;
	thread_set_sched(MICA_BOOT_THREAD, SUPERVISOR_PRIO, 0);
	struct accounts start, end;
	irqoff_look(-1u);   /* the boot's stretches are not the fuzzer's */
	take(&start);
	for (unsigned r = first; r < first + rounds; r++)
		run_round(&tally, seed, r, ops, deadline_ms, verbose);
	take(&end);
	for (int i = 0; i < 2; i++) {
		const struct accounts *a = i ? &end : &start;
		mica_printf("# %s: kernel pool %lu free pages, user pool %lu, root factory %lu bytes, mapping nodes %lu, "
			    "cache pages %lu, objects %lu/%lu/%lu/%lu/%lu (tasks/threads/gates/irqs/factories)\n",
			    i ? "after the rounds" : "before the rounds", a->m.kernel_free_pages, a->m.user_free_pages,
			    a->m.root_quota_used, a->m.mapnodes, a->m.slab_pages, a->m.objects[1], a->m.objects[2],
			    a->m.objects[3], a->m.objects[4], a->m.objects[5]);
	}
	mica_printf("# %u rounds, %lu invocations by the fuzzed threads, %lu ms\n", rounds, (unsigned long)fz.calls,
		    (unsigned long)((now_us() - t0) / 1000));
	coverage(&tally, rounds >= 10);
	mica_printf("1..%d\n", tally.tests);
	return tally.failures;
}
