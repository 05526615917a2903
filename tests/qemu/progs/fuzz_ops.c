/*
 * fuzz_ops.c - the drivers of the kernel fuzzer: threads of the fuzz task
 * T that perform a seeded sequence of operations drawn from a weighted
 * table.  Each operation is one or a few invocations with arguments from
 * fuzz_gen.c: creating objects from the round's factory and starting
 * actors on them, destroying, mapping and unmapping capabilities, memory
 * and I/O ports, every Thread, Gate, Irq and Icu method, calls through
 * gates with random messages, raw system calls, the generated protocol
 * fuzzers of idlc, and the debug calls.  Operations that need an object of
 * one type look one up in T's table first (Task.cap_info), so most of them
 * reach the object's code rather than a type error; the rest use any slot.
 *
 * Drivers never wait without a timeout, and every kernel invocation is
 * made with timeouts, so a driver whose slot turned out to be a gate is
 * never stuck for long.  Results feed a hash that a replay must reproduce.
 */
#include "fuzz.h"

#include <common/fmt.h>
#include <mica/kip.h>
#include <mica/sched.h>
#include <mica/syscall.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/gate.h>
#include <idl/kernel/icu.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/log.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>

enum { TY_TASK = 1, TY_THREAD, TY_GATE, TY_IRQ, TY_FACTORY, TY_ICU, TY_LOG };

struct fz_drv {
	unsigned idx, n;
	uint64_t s;                 /* the random state */
	uint64_t hash;
	struct mica_utcb *u;
	char what[160];             /* the operation, in verbose runs */
};

#define DESCRIBE(d, ...) \
	do { \
		if (fz.verbose) \
			fmt_snprintf((d)->what, sizeof (d)->what, __VA_ARGS__); \
	} while (0)

void fz_note_err(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case MICA_ENOMEM: fz_count(C_ENOMEM, 1); break;
	case MICA_ETIMEOUT: fz_count(C_ETIMEOUT, 1); break;
	case MICA_ECANCELED: fz_count(C_ECANCELED, 1); break;
	case MICA_EGONE: fz_count(C_EGONE, 1); break;
	case MICA_EFAULT: fz_count(C_EFAULT, 1); break;
	case MICA_EOVERFLOW: fz_count(C_EOVERFLOW, 1); break;
	case MICA_ENOBUF: fz_count(C_ENOBUF, 1); break;
	case 0: fz_count(C_IPC_OK, 1); break;
	}
}

/* Record one result: the hash, the counters, and in verbose runs a line. */
static void result(struct fz_drv *d, int err)
{
	d->hash = (d->hash ^ (uint32_t)err) * 0x100000001b3ull;
	fz_note_err(err);
	if (fz.verbose)
		mica_printf("# d%u.%u %s -> %d\n", d->idx, d->n, d->what, err);
}

/* An invocation of a kernel protocol with `n` argument words after the
 * opcode; the reply's words go to out.  Returns the transport error
 * (negated) or the reply's label, as the generated stubs do, but with
 * timeouts: the slot may hold a gate to a thread that never answers. */
static int kcall(struct fz_drv *d, uint64_t slot, unsigned proto, unsigned opcode, unsigned n, const mica_word_t *args,
		 mica_word_t *out, unsigned nout)
{
	struct mica_utcb *u = d->u;
	mica_word_t tag;

	u->mr[0] = opcode;
	for (unsigned i = 0; i < n; i++)
		u->mr[1 + i] = args[i];
	u->br[MICA_BR_WINDOW] = 0;
	u->br[MICA_BR_DESC] = 0;
	int err = fz_ipc(fz_op(slot, MICA_IPC_SEND | MICA_IPC_RECV), mica_tag(proto, 1 + n, 0, 0),
			 mica_timeouts(1000, 2000), &tag, 0);
	if (err)
		return -err;
	for (unsigned i = 0; i < nout; i++)
		out[i] = i < mica_tag_words(tag) ? u->mr[i] : 0;
	return (int)mica_tag_label(tag);
}

#define ARGS(...) (const mica_word_t[]){ __VA_ARGS__ }
#define NARGS(...) (sizeof((const mica_word_t[]){ __VA_ARGS__ }) / sizeof(mica_word_t))
#define KCALL(d, slot, proto, op, ...) kcall(d, slot, proto, op, NARGS(__VA_ARGS__), ARGS(__VA_ARGS__), 0, 0)
#define KCALL0(d, slot, proto, op) kcall(d, slot, proto, op, 0, 0, 0, 0)

/* The type of T's slot (0: empty or unknown). */
static unsigned type_of(struct fz_drv *d, uint64_t slot)
{
	mica_word_t out[2];

	if (kcall(d, T_SELF2, TASK_PROTOCOL, TASK_CAP_INFO_OPCODE, 1, ARGS(slot), out, 2) == 0 ||
	    kcall(d, T_SELF, TASK_PROTOCOL, TASK_CAP_INFO_OPCODE, 1, ARGS(slot), out, 2) == 0)
		return (unsigned)out[0];
	return 0;
}

/* Remember that slot got an object of this type. */
static void known(unsigned type, uint64_t slot)
{
	if (type < 8 && slot < T_OBJ_END) {
		unsigned n = __atomic_fetch_add(&fz.nknown[type], 1, __ATOMIC_RELAXED);
		fz.known[type][n % 16] = (uint8_t)slot;
	}
}

/* A slot of T holding an object of this type, most of the time. */
static uint64_t pick(struct fz_drv *d, unsigned type)
{
	if (type == TY_FACTORY && fz_chance(&d->s, 60))
		return T_FACTORY;
	if (type == TY_TASK && fz_chance(&d->s, 50))
		return fz_chance(&d->s, 60) ? T_U : T_SELF;
	if (fz_chance(&d->s, 8))
		return fz_slot(&d->s);
	unsigned n = type < 8 ? fz.nknown[type] : 0;
	for (int i = 0; i < 3 && n; i++) {
		uint64_t slot = fz.known[type][fz_below(&d->s, n < 16 ? n : 16)];
		if (type_of(d, slot) == type)
			return slot;
	}
	for (int i = 0; i < 4; i++) {
		uint64_t slot = fz_chance(&d->s, 92) ? T_OBJ + fz_below(&d->s, T_OBJ_END - T_OBJ) : 1 + fz_below(&d->s, 15);
		if (type_of(d, slot) == type)
			return slot;
	}
	return fz_slot(&d->s);
}

/* A thread that receives: irqs bound to it get somewhere. */
static uint64_t receiver(struct fz_drv *d)
{
	for (int i = 0; i < 8; i++) {
		uint64_t slot = T_OBJ + fz_below(&d->s, T_OBJ_END - T_OBJ);
		unsigned k = fz.actor_at[slot];
		if ((k == 1 + A_WAITER || k == 1 + A_SERVER) && type_of(d, slot) == TY_THREAD)
			return slot;
	}
	return pick(d, TY_THREAD);
}

static uint64_t new_slot(struct fz_drv *d)
{
	return fz_chance(&d->s, 90) ? T_OBJ + fz_below(&d->s, T_OBJ_END - T_OBJ) : fz_slot(&d->s);
}

/* ---- creating ------------------------------------------------------------------------ */

static void op_create_task(struct fz_drv *d)
{
	uint64_t f = pick(d, TY_FACTORY), dest = new_slot(d);

	DESCRIBE(d, "Factory[%lu].create_task(%lu)", f, dest);
	int err = KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_TASK_OPCODE, dest);
	if (!err) {
		fz_count(C_CREATED + TY_TASK, 1);
		known(TY_TASK, dest);
	}
	result(d, err);
}

static void op_create_thread(struct fz_drv *d)
{
	uint64_t f = pick(d, TY_FACTORY), dest = new_slot(d);

	DESCRIBE(d, "Factory[%lu].create_thread(%lu)", f, dest);
	int err = KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_THREAD_OPCODE, dest);
	if (!err) {
		fz_count(C_CREATED + TY_THREAD, 1);
		known(TY_THREAD, dest);
	}
	result(d, err);
	if (!err && fz_chance(&d->s, 60)) {
		uint64_t task = pick(d, TY_TASK), utcb = fz_actor_utcb(&d->s);
		DESCRIBE(d, "Thread[%lu].bind(%lu, %#lx)", dest, task, utcb);
		result(d, KCALL(d, dest, THREAD_PROTOCOL, THREAD_BIND_OPCODE, task, utcb));
	}
}

static void op_create_gate(struct fz_drv *d)
{
	uint64_t f = pick(d, TY_FACTORY), dest = new_slot(d), th = pick(d, TY_THREAD);
	uint64_t label = fz_chance(&d->s, 80) ? fz_below(&d->s, 1000) : fz_rand(&d->s);

	DESCRIBE(d, "Factory[%lu].create_gate(%lu, %lu, %#lx)", f, dest, th, label);
	int err = KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_GATE_OPCODE, dest, th, label);
	if (!err) {
		fz_count(C_CREATED + TY_GATE, 1);
		known(TY_GATE, dest);
	}
	result(d, err);
}

static void op_create_irq(struct fz_drv *d)
{
	uint64_t f = pick(d, TY_FACTORY), dest = new_slot(d), label = fz_below(&d->s, 1000);

	DESCRIBE(d, "Factory[%lu].create_irq(%lu, %lu)", f, dest, label);
	int err = KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_IRQ_OPCODE, dest, label);
	if (!err) {
		fz_count(C_CREATED + TY_IRQ, 1);
		known(TY_IRQ, dest);
	}
	result(d, err);
	if (!err && fz_chance(&d->s, 60)) {
		uint64_t th = fz_chance(&d->s, 60) ? receiver(d) : pick(d, TY_THREAD);
		DESCRIBE(d, "Irq[%lu].bind(%lu)", dest, th);
		result(d, KCALL(d, dest, IRQ_PROTOCOL, IRQ_BIND_OPCODE, th));
	}
}

static void op_create_factory(struct fz_drv *d)
{
	static const uint64_t quotas[] = { 0, 1, 4096, 8192, 65536, 200000, 1 << 20, 1ull << 40, ~0ull };
	uint64_t f = pick(d, TY_FACTORY), dest = new_slot(d);
	uint64_t q = fz_chance(&d->s, 70) ? quotas[fz_below(&d->s, 9)] : fz_below(&d->s, 1 << 18);

	int err;
	if (fz_chance(&d->s, 40)) {   /* paid by another (or the same) factory */
		uint64_t payer = pick(d, TY_FACTORY);
		uint64_t keep = fz_chance(&d->s, 70) ? 0 : quotas[fz_below(&d->s, 9)];
		DESCRIBE(d, "Factory[%lu].create_factory_paid(%lu, %lu, %lu, %lu)", f, dest, q, payer, keep);
		err = KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_FACTORY_PAID_OPCODE, dest, q, payer, keep);
	} else {
		DESCRIBE(d, "Factory[%lu].create_factory(%lu, %lu)", f, dest, q);
		err = KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_FACTORY_OPCODE, dest, q);
	}
	if (!err) {
		fz_count(C_CREATED + TY_FACTORY, 1);
		known(TY_FACTORY, dest);
	}
	result(d, err);
}

/* A new thread running an actor: create, bind, ex_regs, handlers, start. */
static void op_spawn(struct fz_drv *d)
{
	uint64_t f = fz_chance(&d->s, 85) ? T_FACTORY : pick(d, TY_FACTORY), slot = new_slot(d);
	uint64_t task = fz_chance(&d->s, 50) ? T_SELF : fz_chance(&d->s, 70) ? T_U : pick(d, TY_TASK);
	uint64_t utcb = fz_actor_utcb(&d->s);
	/* Servers twice as often: most messages need a receiver to get far. */
	unsigned kind = fz_below(&d->s, A_KINDS + 2);
	int err;

	if (kind >= A_KINDS)
		kind = A_SERVER;
	DESCRIBE(d, "spawn %s: Factory[%lu].create_thread(%lu)", fz_actor_name[kind], f, slot);
	err = KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_THREAD_OPCODE, slot);
	result(d, err);
	if (err)
		return;
	fz_count(C_CREATED + TY_THREAD, 1);
	known(TY_THREAD, slot);
	if (slot < T_OBJ_END)
		fz.actor_at[slot] = (uint8_t)(1 + kind);
	DESCRIBE(d, "Thread[%lu].bind(%lu, %#lx)", slot, task, utcb);
	result(d, KCALL(d, slot, THREAD_PROTOCOL, THREAD_BIND_OPCODE, task, utcb));
	uint64_t sp = fz_stack_for(fz_actor_fn[kind], fz_rand(&d->s));
	uint64_t ip = sp ? (uint64_t)mica_thread_entry : (uint64_t)fz_land_wait;   /* out of stacks: code that needs none */
	DESCRIBE(d, "Thread[%lu].ex_regs(%#lx, %#lx, ~0)", slot, ip, sp);
	result(d, KCALL(d, slot, THREAD_PROTOCOL, THREAD_EX_REGS_OPCODE, ip, sp ? sp : ~0ull, ~0ull));
	uint64_t pager = T_PAGER_GATE, handler = T_EXC_GATE;
	if (fz_chance(&d->s, 15)) {
		pager = fz_chance(&d->s, 50) ? 0 : pick(d, TY_GATE);
		handler = fz_chance(&d->s, 50) ? 0 : pick(d, TY_GATE);
	}
	DESCRIBE(d, "Thread[%lu].set_handlers(%lu, %lu)", slot, pager, handler);
	result(d, KCALL(d, slot, THREAD_PROTOCOL, THREAD_SET_HANDLERS_OPCODE, pager, handler));
	/* Actors that may spin or fault for ever run below the others, and
	 * all with short time slices, so that every actor gets its turn in
	 * the short moments the drivers leave them. */
	int busy = kind == A_FAULTER || kind == A_SPINNER || kind == A_EXCEPTIONS;
	{
		uint64_t prio = busy ? 10 + fz_below(&d->s, 50)
			      : kind == A_WAITER || kind == A_PAGER_LIKE ? 105 + fz_below(&d->s, 6)   /* mostly blocked */
			      : fz_chance(&d->s, 70) ? 100 : 1 + fz_below(&d->s, 110);
		uint64_t slice = fz_chance(&d->s, 80) ? 1000 : fz_below(&d->s, 20000);
		DESCRIBE(d, "Thread[%lu].set_sched(%lu, %lu)", slot, prio, slice);
		result(d, KCALL(d, slot, THREAD_PROTOCOL, THREAD_SET_SCHED_OPCODE, prio, slice));
	}
	DESCRIBE(d, "Thread[%lu].start()", slot);
	err = KCALL0(d, slot, THREAD_PROTOCOL, THREAD_START_OPCODE);
	if (!err)
		fz_count(C_ACTOR + kind, 1);
	result(d, err);
}

/* ---- huge operations: preempted and restarted by the kernel --------------------------------- */

/* T's scratch pages mapped many times into a task, then downgraded or
 * unmapped from T (self = 0) in one call, or left to the task's
 * destruction: thousands of nodes, many kernel preemption points (the
 * supervisor's watchdog measures the stretches on the measuring kernel). */
static void op_huge_tree(struct fz_drv *d)
{
	uint64_t task = fz_chance(&d->s, 70) ? T_U : pick(d, TY_TASK);
	mica_word_t src = mica_fpage((uint64_t)fz_scratch, 15, MICA_RWX), out[1];
	unsigned copies = 16 + fz_below(&d->s, 112), made = 0;

	DESCRIBE(d, "Task[%lu].mem_map(scratch) x %u, then a huge unmap", task, copies);
	for (; made < copies && !fz.stop; made++)
		if (KCALL(d, task, TASK_PROTOCOL, TASK_MEM_MAP_OPCODE, src, FZ_RX + made * 32768ull, 0))
			break;
	if (fz_chance(&d->s, 25)) {
		/* Onto themselves without X: the copies' rights change with
		 * them, at once or refused (MICA_E2BIG) past the kernel's
		 * budget. */
		result(d, KCALL(d, T_SELF, TASK_PROTOCOL, TASK_MEM_MAP_OPCODE,
				mica_fpage((uint64_t)fz_scratch, 15, MICA_R | MICA_W), (uint64_t)fz_scratch, 0));
		return;
	}
	unsigned rights = fz_chance(&d->s, 50) ? MICA_RWX : fz_chance(&d->s, 50) ? MICA_W : MICA_W | MICA_X;
	result(d, kcall(d, T_SELF, TASK_PROTOCOL, TASK_MEM_UNMAP_OPCODE, 2,
			ARGS(mica_fpage((uint64_t)fz_scratch, 15, rights), 0), out, 1));
}

/* A factory of many gates and threads destroyed in one call. */
static void op_huge_destroy(struct fz_drv *d)
{
	uint64_t f = new_slot(d), first = 3000 + fz_below(&d->s, 800);   /* slots no other operation tracks */
	unsigned count = 32 + fz_below(&d->s, 200), made = 0;

	DESCRIBE(d, "Factory[%lu] of %u objects at %lu.., destroyed", f, count, first);
	if (KCALL(d, T_FACTORY, FACTORY_PROTOCOL, FACTORY_CREATE_FACTORY_OPCODE, f, 1u << 20))
		return;
	for (; made < count; made++)
		if (made % 8 ? KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_GATE_OPCODE, first + made, pick(d, TY_THREAD),
				     made)
			     : KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_THREAD_OPCODE, first + made))
			break;
	result(d, KCALL0(d, f, KOBJECT_PROTOCOL, KOBJECT_DESTROY_OPCODE));
}

/* A fresh gate copied into many slots of a task, then revoked in one
 * call: its copies only (Task.cap_unmap), or with the gate
 * (Kobject.destroy revokes every copy). */
static void op_huge_copies(struct fz_drv *d)
{
	uint64_t g = new_slot(d), task = fz_chance(&d->s, 50) ? T_U : pick(d, TY_TASK);
	uint64_t first = 3000 + fz_below(&d->s, 800);   /* slots no other operation tracks */
	unsigned count = 32 + fz_below(&d->s, 400), made = 0;

	DESCRIBE(d, "Gate[%lu] copied %u times into Task[%lu] at %lu.., revoked", g, count, task, first);
	if (KCALL(d, T_FACTORY, FACTORY_PROTOCOL, FACTORY_CREATE_GATE_OPCODE, g, pick(d, TY_THREAD), 1))
		return;
	for (; made < count && first + made < MICA_CAP_SLOTS; made++)
		if (KCALL(d, T_SELF, TASK_PROTOCOL, TASK_CAP_MAP_OPCODE, g, first + made, MICA_RWX, 0))
			break;
	if (fz_chance(&d->s, 50))
		result(d, KCALL(d, T_SELF, TASK_PROTOCOL, TASK_CAP_UNMAP_OPCODE, g, 0));
	else
		result(d, KCALL0(d, g, KOBJECT_PROTOCOL, KOBJECT_DESTROY_OPCODE));
}

/* A fresh gate copied into many slots, then its slot overwritten by
 * another capability or a new object (the copies revoked in restarted
 * steps), or granted onto itself with fewer rights (every copy clipped,
 * or MICA_E2BIG past the kernel's budget). */
static void op_huge_overwrite(struct fz_drv *d)
{
	static const char *const hows[] = { "overwritten", "created over", "granted R onto itself" };
	uint64_t g = new_slot(d), task = fz_chance(&d->s, 50) ? T_U : pick(d, TY_TASK);
	uint64_t first = 3000 + fz_below(&d->s, 800);   /* slots no other operation tracks */
	unsigned count = 16 + fz_below(&d->s, 400), made = 0, how = fz_below(&d->s, 3);

	DESCRIBE(d, "Gate[%lu] copied %u times into Task[%lu] at %lu.., %s", g, count, task, first, hows[how]);
	if (KCALL(d, T_FACTORY, FACTORY_PROTOCOL, FACTORY_CREATE_GATE_OPCODE, g, pick(d, TY_THREAD), 1))
		return;
	for (; made < count && first + made < MICA_CAP_SLOTS; made++)
		if (KCALL(d, T_SELF, TASK_PROTOCOL, TASK_CAP_MAP_OPCODE, g, first + made, MICA_RWX, 0))
			break;
	if (how == 0)
		result(d, KCALL(d, T_SELF, TASK_PROTOCOL, TASK_CAP_MAP_OPCODE, pick(d, TY_GATE), g, MICA_RWX, 0));
	else if (how == 1)
		result(d, KCALL(d, T_FACTORY, FACTORY_PROTOCOL, FACTORY_CREATE_GATE_OPCODE, g, pick(d, TY_THREAD), 2));
	else
		result(d, KCALL(d, T_SELF, TASK_PROTOCOL, TASK_CAP_MAP_OPCODE, g, g, MICA_R, 1));
}

/* A thread with many gates bound to it destroyed in one call (the gates
 * stay, leading nowhere), then their factory. */
static void op_huge_thread_gates(struct fz_drv *d)
{
	uint64_t f = new_slot(d), th = 3000 + fz_below(&d->s, 800);   /* slots no other operation tracks */
	unsigned count = 32 + fz_below(&d->s, 200), made = 1;

	DESCRIBE(d, "Thread[%lu] with %u gates of Factory[%lu], destroyed", th, count, f);
	if (KCALL(d, T_FACTORY, FACTORY_PROTOCOL, FACTORY_CREATE_FACTORY_OPCODE, f, 1u << 20) ||
	    KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_THREAD_OPCODE, th))
		return;
	for (; made < count && th + made < MICA_CAP_SLOTS; made++)
		if (KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_GATE_OPCODE, th + made, th, made))
			break;
	result(d, KCALL0(d, th, KOBJECT_PROTOCOL, KOBJECT_DESTROY_OPCODE));
	result(d, KCALL0(d, f, KOBJECT_PROTOCOL, KOBJECT_DESTROY_OPCODE));
}

/* Let the threads below the drivers run for `us` (a wait may end early,
 * on a message or an irq for this thread). */
static void wait_us(uint32_t us)
{
	const volatile struct mica_kip *kip = (const volatile struct mica_kip *)MICA_KIP_ADDR;
	uint64_t until = kip->clock_us + us;

	for (int i = 0; i < 8; i++) {
		uint64_t now = kip->clock_us;
		if (now >= until)
			break;
		fz_ipc(fz_op(0, MICA_IPC_OPEN), 0, mica_timeouts(0, (uint32_t)(until - now)), 0, 0);   /* never 0: for ever */
	}
}

/* A gate with many senders queued -- threads of a sub-factory that call
 * or send through it without a timeout, on code that needs no stack
 * (fz_land_call), in T or U -- then the gate, its receiver (a thread that
 * never receives) or their whole factory destroyed: every queued sender
 * cancelled, in restarted steps. */
static void op_huge_senders(struct fz_drv *d)
{
	static const char *const whats[] = { "the gate", "the receiver", "the factory" };
	static const uint64_t quotas[] = { 256 << 10, 512 << 10, 1 << 20 };
	uint64_t f = new_slot(d), recv = 3000 + fz_below(&d->s, 800), gate = recv + 1;   /* slots no other operation tracks */
	uint64_t task = fz_chance(&d->s, 50) ? T_SELF : T_U, q = quotas[fz_below(&d->s, 3)];
	uint64_t word = fz_op(gate, fz_chance(&d->s, 70) ? MICA_IPC_SEND | MICA_IPC_RECV : MICA_IPC_SEND);
	unsigned count = 16 + fz_below(&d->s, 200), made = 0, what = fz_below(&d->s, 3);

	DESCRIBE(d, "Gate[%lu] with %u senders in Task[%lu] (quota %lu), %s destroyed", gate, count, task, q, whats[what]);
	if (KCALL(d, T_FACTORY, FACTORY_PROTOCOL, FACTORY_CREATE_FACTORY_OPCODE, f, q))
		return;
	if (!KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_THREAD_OPCODE, recv) &&
	    !KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_GATE_OPCODE, gate, recv, 1) &&
	    (task == T_SELF || !KCALL(d, T_U, TASK_PROTOCOL, TASK_CAP_MAP_OPCODE, gate, gate, MICA_W, 0))) {
		for (; made < count && gate + 1 + made < MICA_CAP_SLOTS; made++) {
			uint64_t th = gate + 1 + made, utcb = FZ_SENDER_UTCB + d->idx * FZ_SENDER_SPAN + made * 4096ull;
			if (KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_THREAD_OPCODE, th) ||
			    KCALL(d, th, THREAD_PROTOCOL, THREAD_BIND_OPCODE, task, utcb) ||
			    KCALL(d, th, THREAD_PROTOCOL, THREAD_EX_REGS_OPCODE, (uint64_t)fz_land_call, word, ~0ull) ||
			    KCALL(d, th, THREAD_PROTOCOL, THREAD_SET_SCHED_OPCODE, 100, 1000) ||
			    KCALL0(d, th, THREAD_PROTOCOL, THREAD_START_OPCODE))
				break;
		}
		DESCRIBE(d, "Gate[%lu] with %u senders in Task[%lu] (quota %lu), %s destroyed", gate, made, task, q,
			 whats[what]);
		/* Below the drivers: they queue up while this one waits, and
		 * get their errors while it waits again. */
		wait_us(1000 + fz_below(&d->s, 2000));
		if (what < 2) {
			result(d, KCALL0(d, what ? recv : gate, KOBJECT_PROTOCOL, KOBJECT_DESTROY_OPCODE));
			wait_us(fz_below(&d->s, 2000));
		}
	}
	result(d, KCALL0(d, f, KOBJECT_PROTOCOL, KOBJECT_DESTROY_OPCODE));
}

/* ---- destroying and capabilities ----------------------------------------------------------- */

static void op_destroy(struct fz_drv *d)
{
	static const unsigned types[] = { TY_THREAD, TY_THREAD, TY_GATE, TY_GATE, TY_IRQ, TY_TASK, TY_FACTORY };
	unsigned type = types[fz_below(&d->s, 7)];
	uint64_t slot = pick(d, type);

	/* T itself and the round's factory only now and then: they end the round. */
	if ((slot == T_SELF || slot == T_FACTORY || slot == T_SELF2) && fz_chance(&d->s, 97))
		slot = T_U;
	unsigned actual = type_of(d, slot);
	DESCRIBE(d, "Kobject[%lu].destroy() (type %u)", slot, actual);
	int err = KCALL0(d, slot, KOBJECT_PROTOCOL, KOBJECT_DESTROY_OPCODE);
	if (!err && actual < 8)
		fz_count(C_DESTROYED + actual, 1);
	result(d, err);
}

static void op_info(struct fz_drv *d)
{
	uint64_t slot = fz_slot(&d->s);
	mica_word_t out[2];

	DESCRIBE(d, "Kobject[%lu].info()", slot);
	result(d, kcall(d, slot, KOBJECT_PROTOCOL, KOBJECT_INFO_OPCODE, 0, 0, out, 2));
}

static void op_cap_map(struct fz_drv *d)
{
	uint64_t task = pick(d, TY_TASK), src = fz_chance(&d->s, 80) ? pick(d, fz_below(&d->s, 5) + 1) : fz_slot(&d->s);
	uint64_t dest = fz_slot(&d->s), rights = fz_rights(&d->s), grant = fz_chance(&d->s, 25);

	if (fz_chance(&d->s, 3))
		grant = fz_rand(&d->s);   /* not a bool */
	DESCRIBE(d, "Task[%lu].cap_map(%lu, %lu, %#lx, %lu)", task, src, dest, rights, grant);
	result(d, KCALL(d, task, TASK_PROTOCOL, TASK_CAP_MAP_OPCODE, src, dest, rights, grant));
}

static void op_cap_unmap(struct fz_drv *d)
{
	uint64_t task = pick(d, TY_TASK), slot = fz_slot(&d->s), self = fz_chance(&d->s, 50);

	if ((slot == T_SELF || slot == T_FACTORY || slot == T_SELF2) && self && fz_chance(&d->s, 95))
		self = 0;
	DESCRIBE(d, "Task[%lu].cap_unmap(%lu, %lu)", task, slot, self);
	result(d, KCALL(d, task, TASK_PROTOCOL, TASK_CAP_UNMAP_OPCODE, slot, self));
}

static void op_cap_query(struct fz_drv *d)
{
	uint64_t task = pick(d, TY_TASK), a = fz_slot(&d->s), b = fz_slot(&d->s);
	mica_word_t out[2];

	if (fz_chance(&d->s, 20)) {
		DESCRIBE(d, "Task[%lu].cpu_time()", task);
		result(d, kcall(d, task, TASK_PROTOCOL, TASK_CPU_TIME_OPCODE, 0, 0, out, 1));
	} else if (fz_chance(&d->s, 25)) {
		DESCRIBE(d, "Task[%lu].cap_label(%lu)", task, a);
		result(d, kcall(d, task, TASK_PROTOCOL, TASK_CAP_LABEL_OPCODE, 1, ARGS(a), out, 1));
	} else if (fz_chance(&d->s, 50)) {
		DESCRIBE(d, "Task[%lu].cap_same(%lu, %lu)", task, a, b);
		result(d, kcall(d, task, TASK_PROTOCOL, TASK_CAP_SAME_OPCODE, 2, ARGS(a, b), out, 1));
	} else {
		DESCRIBE(d, "Task[%lu].cap_info(%lu)", task, a);
		result(d, kcall(d, task, TASK_PROTOCOL, TASK_CAP_INFO_OPCODE, 1, ARGS(a), out, 2));
	}
}

/* ---- memory and I/O ports ------------------------------------------------------------------ */

static void op_mem_map(struct fz_drv *d)
{
	uint64_t task = pick(d, TY_TASK);
	mica_word_t f = fz_fpage_src(&d->s);
	uint64_t dest = fz_map_dest(&d->s, f), grant = fz_chance(&d->s, 20);

	DESCRIBE(d, "Task[%lu].mem_map(%#lx, %#lx, %lu)", task, f, dest, grant);
	result(d, KCALL(d, task, TASK_PROTOCOL, TASK_MEM_MAP_OPCODE, f, dest, grant));
}

/* Task.mem_map_from: one task's mappings of a range into another at the
 * same addresses (into itself: a change of rights at most), over a
 * flexpage's range most of the time, else any words. */
static void op_mem_map_from(struct fz_drv *d)
{
	uint64_t task = pick(d, TY_TASK), src = pick(d, TY_TASK);
	mica_word_t f = fz_fpage_src(&d->s);
	unsigned order = mica_fpage_order(f);
	uint64_t addr = mica_fpage_base(f), size = order < 64 ? 1ull << order : 0;
	uint64_t rights = fz_chance(&d->s, 90) ? fz_below(&d->s, 8) : fz_rand(&d->s);

	if (fz_chance(&d->s, 10)) {
		addr = fz_rand(&d->s);
		size = fz_chance(&d->s, 50) ? fz_rand(&d->s) : 4096ull * fz_below(&d->s, 64);
	}
	/* T's own image replaced or its rights taken would end the run, as
	 * op_mem_unmap avoids it. */
	if (task == T_SELF && addr < fz.image_hi && addr + size > fz.image_lo && fz_chance(&d->s, 90))
		task = T_U;
	DESCRIBE(d, "Task[%lu].mem_map_from(%lu, %#lx, %#lx, %#lx)", task, src, addr, size, rights);
	result(d, KCALL(d, task, TASK_PROTOCOL, TASK_MEM_MAP_FROM_OPCODE, src, addr, size, rights));
}

static void op_mem_unmap(struct fz_drv *d)
{
	uint64_t task = pick(d, TY_TASK), self = fz_chance(&d->s, 50);
	mica_word_t f = fz_fpage_src(&d->s), out[1];

	/* Taking pages from T itself is op_unmap_image's business. */
	if (task == T_SELF && mica_fpage_base(f) < fz.image_hi && fz_chance(&d->s, 90))
		self = 0;
	DESCRIBE(d, "Task[%lu].mem_unmap(%#lx, %lu)", task, f, self);
	int err = kcall(d, task, TASK_PROTOCOL, TASK_MEM_UNMAP_OPCODE, 2, ARGS(f, self), out, 1);
	if (!err && out[0])
		fz_count(C_UNMAP_MAPPED, 1);
	result(d, err);
}

/* Pages of the zero-fill region, where the string actors copy from. */
static void op_unmap_zero(struct fz_drv *d)
{
	uint64_t task = fz_chance(&d->s, 50) ? T_SELF : fz_chance(&d->s, 80) ? T_U : pick(d, TY_TASK);
	unsigned order = 12 + (fz_chance(&d->s, 70) ? 0 : fz_below(&d->s, 7));
	uint64_t base = (FZ_ZERO + 4096ull * fz_below(&d->s, 64)) & ~((1ull << order) - 1);
	unsigned rights = fz_chance(&d->s, 70) ? MICA_RWX : fz_below(&d->s, 8);
	mica_word_t f = mica_fpage(base, order, rights), out[1];

	DESCRIBE(d, "Task[%lu].mem_unmap(zero %#lx, 1)", task, f);
	int err = kcall(d, task, TASK_PROTOCOL, TASK_MEM_UNMAP_OPCODE, 2, ARGS(f, 1), out, 1);
	if (!err && out[0])
		fz_count(C_UNMAP_MAPPED, 1);
	result(d, err);
}

/* T's own pages: every thread of T that touches one faults to the pager. */
static void op_unmap_image(struct fz_drv *d)
{
	uint64_t va = fz.image_lo + 4096ull * fz_below(&d->s, (unsigned)((fz.image_hi - fz.image_lo) >> 12));
	mica_word_t f = mica_fpage(va, 12, fz_chance(&d->s, 70) ? MICA_RWX : MICA_W), out[1];

	DESCRIBE(d, "Task[T].mem_unmap(image %#lx, 1)", f);
	result(d, kcall(d, T_SELF, TASK_PROTOCOL, TASK_MEM_UNMAP_OPCODE, 2, ARGS(f, 1), out, 1));
}

static void op_mem_lookup(struct fz_drv *d)
{
	uint64_t task = pick(d, TY_TASK), a = fz_addr_read(&d->s);
	mica_word_t out[1];

	DESCRIBE(d, "Task[%lu].mem_lookup(%#lx)", task, a);
	result(d, kcall(d, task, TASK_PROTOCOL, TASK_MEM_LOOKUP_OPCODE, 1, ARGS(a), out, 1));
}

static void op_io(struct fz_drv *d)
{
	uint64_t task = pick(d, TY_TASK);
	mica_word_t f = fz_iofpage(&d->s);
	int unmap = fz_chance(&d->s, 30);

	DESCRIBE(d, "Task[%lu].io_%s(%#lx)", task, unmap ? "unmap" : "map", f);
	result(d, KCALL(d, task, TASK_PROTOCOL, unmap ? TASK_IO_UNMAP_OPCODE : TASK_IO_MAP_OPCODE, f));
}

/* Takes T's port back from T itself, the running task, and asks the
 * supervisor to take it back too (see actor_ports).  Only the supervisor's
 * revocation counts: slot T_SELF may by now hold another Task capability
 * (a cap_map onto it), whose io_unmap succeeds and leaves T its port. */
static void op_port_revoke(struct fz_drv *d)
{
	DESCRIBE(d, "Task[%u].io_unmap(port 0x80)", T_SELF);
	result(d, KCALL(d, T_SELF, TASK_PROTOCOL, TASK_IO_UNMAP_OPCODE, mica_io_fpage(0x80, 0)));
	fz.port_revoke_asked = 1;
}

/* ---- threads ------------------------------------------------------------------------------ */

static uint64_t land_ip(struct fz_drv *d)
{
	static void (*const lands[])(void) = { fz_land_wait, fz_land_spin, fz_land_ud2, fz_land_kfault };
	unsigned c = fz_below(&d->s, 100);

	if (c < 40)
		return ~0ull;
	if (c < 75)
		return (uint64_t)lands[fz_below(&d->s, 4)];
	if (c < 80)
		return 0x10000000ull + 4096ull * fz_below(&d->s, 1000);
	if (c < 85)
		return 0xffffffff80100000ull;
	if (c < 90)
		return 0x0000800000000000ull;
	if (c < 95)
		return 0;
	return fz_rand(&d->s) | 0x0000800000000000ull;
}

static void op_ex_regs(struct fz_drv *d)
{
	uint64_t slot = pick(d, TY_THREAD), ip = land_ip(d), sp = ~0ull, flags = ~0ull;
	unsigned c = fz_below(&d->s, 100);
	mica_word_t out[3];

	/* Only code that needs no stack gets a stack nobody else trusts. */
	if (ip != ~0ull && c < 30)
		sp = FZ_ZERO + 4096ull * fz_below(&d->s, 64) + 2048;
	else if (c < 40)
		sp = 0xffff800000001000ull;
	else if (c < 50)
		sp = 0x0000800000000000ull;
	else if (c < 55)
		sp = 0x10000000ull;
	/* Any flags, but DF only for the landing code: compiled code takes
	 * DF clear, and string instructions run backwards would write below
	 * their buffers, into memory the fuzzer shares with its tasks. */
	if (fz_chance(&d->s, 30)) {
		flags = fz_chance(&d->s, 50) ? fz_rand(&d->s) : 0;
		if (ip == ~0ull || ip >= FZ_USER_END)
			flags &= ~0x400ull;
	}
	if (fz_chance(&d->s, 20)) {
		mica_word_t st[2];
		if (kcall(d, slot, THREAD_PROTOCOL, THREAD_STATE_OPCODE, 0, 0, st, 2) == 0 && st[0] == 2)
			fz_count(C_EXREGS_BLOCKED, 1);
	}
	DESCRIBE(d, "Thread[%lu].ex_regs(%#lx, %#lx, %#lx)", slot, ip, sp, flags);
	result(d, kcall(d, slot, THREAD_PROTOCOL, THREAD_EX_REGS_OPCODE, 3, ARGS(ip, sp, flags), out, 3));
}

static void op_start_stop(struct fz_drv *d)
{
	uint64_t slot = pick(d, TY_THREAD);
	int stop = fz_chance(&d->s, 50);

	DESCRIBE(d, "Thread[%lu].%s()", slot, stop ? "stop" : "start");
	result(d, KCALL0(d, slot, THREAD_PROTOCOL, stop ? THREAD_STOP_OPCODE : THREAD_START_OPCODE));
}

static void op_bind(struct fz_drv *d)
{
	uint64_t slot = pick(d, TY_THREAD), task = pick(d, TY_TASK), utcb = fz_actor_utcb(&d->s);

	DESCRIBE(d, "Thread[%lu].bind(%lu, %#lx)", slot, task, utcb);
	result(d, KCALL(d, slot, THREAD_PROTOCOL, THREAD_BIND_OPCODE, task, utcb));
}

/* Priorities, MCPs and slices of any size: the drivers' MCP keeps what
 * they set below them (a spinning actor above them would stall the
 * round), and an acceptance above it is a kernel bug. */
static void op_set_sched(struct fz_drv *d)
{
	static const uint64_t slices[] = { 0, 1, 999, 1000, MICA_TIMESLICE_MAX_US, MICA_TIMESLICE_MAX_US + 1, 10000000,
					   ~0ull };
	uint64_t slot = pick(d, TY_THREAD);
	uint64_t prio = fz_chance(&d->s, 60) ? fz_below(&d->s, FZ_DRIVER_MCP + 1)
		      : fz_chance(&d->s, 80) ? fz_below(&d->s, 256) : fz_chance(&d->s, 50) ? 256 + fz_below(&d->s, 100)
		      : fz_rand(&d->s) | (1ull << 40);
	uint64_t slice = fz_chance(&d->s, 50) ? slices[fz_below(&d->s, 8)] : fz_below(&d->s, 200000);
	unsigned c = fz_below(&d->s, 100);
	mica_word_t out[3];
	int err;

	if (c < 10) {
		DESCRIBE(d, "Thread[%lu].sched()", slot);
		result(d, kcall(d, slot, THREAD_PROTOCOL, THREAD_SCHED_OPCODE, 0, 0, out, 3));
		return;
	}
	if (c < 15) {
		DESCRIBE(d, "Thread[%lu].cpu_time()", slot);
		result(d, kcall(d, slot, THREAD_PROTOCOL, THREAD_CPU_TIME_OPCODE, 0, 0, out, 1));
		return;
	}
	if (c < 45) {
		DESCRIBE(d, "Thread[%lu].set_mcp(%lu)", slot, prio);
		err = KCALL(d, slot, THREAD_PROTOCOL, THREAD_SET_MCP_OPCODE, prio);
		slice = 0;
	} else {
		DESCRIBE(d, "Thread[%lu].set_sched(%lu, %lu)", slot, prio, slice);
		err = KCALL(d, slot, THREAD_PROTOCOL, THREAD_SET_SCHED_OPCODE, prio, slice);
	}
	if (!err && (prio > FZ_DRIVER_MCP || slice > MICA_TIMESLICE_MAX_US)) {
		fz_count(C_MCP_BAD, 1);
		mica_printf("# fuzz: d%u.%u: %s accepted\n", d->idx, d->n, d->what);
	}
	if (err == -MICA_EPERM && prio > FZ_DRIVER_MCP && prio < 256)
		fz_count(C_MCP_EPERM, 1);
	result(d, err);
}

static uint64_t any_gate(struct fz_drv *d)
{
	unsigned c = fz_below(&d->s, 100);

	return c < 20 ? 0 : c < 45 ? T_PAGER_GATE : c < 60 ? T_EXC_GATE : c < 90 ? pick(d, TY_GATE) : fz_slot(&d->s);
}

static void op_set_handlers(struct fz_drv *d)
{
	uint64_t slot = pick(d, TY_THREAD), pager = any_gate(d), handler = any_gate(d);

	DESCRIBE(d, "Thread[%lu].set_handlers(%lu, %lu)", slot, pager, handler);
	result(d, KCALL(d, slot, THREAD_PROTOCOL, THREAD_SET_HANDLERS_OPCODE, pager, handler));
}

static void op_thread_misc(struct fz_drv *d)
{
	uint64_t slot = pick(d, TY_THREAD);
	mica_word_t out[2];

	if (fz_chance(&d->s, 50)) {
		DESCRIBE(d, "Thread[%lu].yield()", slot);
		result(d, KCALL0(d, slot, THREAD_PROTOCOL, THREAD_YIELD_OPCODE));
	} else {
		DESCRIBE(d, "Thread[%lu].state()", slot);
		result(d, kcall(d, slot, THREAD_PROTOCOL, THREAD_STATE_OPCODE, 0, 0, out, 2));
	}
}

/* A thread blocked in IPC (a call, a send, a fault): cancel, stop or
 * destroy it, or a gate it may wait on. */
static void op_hit_blocked(struct fz_drv *d)
{
	for (int i = 0; i < 4; i++) {
		uint64_t slot = pick(d, TY_THREAD);
		mica_word_t st[2], out[3];
		if (kcall(d, slot, THREAD_PROTOCOL, THREAD_STATE_OPCODE, 0, 0, st, 2) != 0 || st[0] != 2)
			continue;
		unsigned c = fz_below(&d->s, 100);
		if (c < 40) {
			fz_count(C_EXREGS_BLOCKED, 1);
			DESCRIBE(d, "Thread[%lu].ex_regs(~0, ~0, ~0) while blocked", slot);
			result(d, kcall(d, slot, THREAD_PROTOCOL, THREAD_EX_REGS_OPCODE, 3, ARGS(~0ull, ~0ull, ~0ull), out, 3));
		} else if (c < 60) {
			DESCRIBE(d, "Thread[%lu].stop() while blocked", slot);
			result(d, KCALL0(d, slot, THREAD_PROTOCOL, THREAD_STOP_OPCODE));
		} else {
			uint64_t victim = c < 80 ? slot : pick(d, c < 90 ? TY_GATE : TY_TASK);
			if (victim == T_SELF || victim == T_SELF2)
				victim = T_U;
			fz_count(C_DESTROY_BLOCKED, 1);
			DESCRIBE(d, "Kobject[%lu].destroy() while a thread blocks", victim);
			result(d, KCALL0(d, victim, KOBJECT_PROTOCOL, KOBJECT_DESTROY_OPCODE));
		}
		return;
	}
	DESCRIBE(d, "no blocked thread found");
	result(d, 0);
}

/* ---- gates, irqs, the Icu, factories ----------------------------------------------------------- */

static void op_gate(struct fz_drv *d)
{
	uint64_t slot = pick(d, TY_GATE);
	mica_word_t out[1];

	if (fz_chance(&d->s, 60)) {
		uint64_t irq = fz_chance(&d->s, 20) ? 0 : pick(d, TY_IRQ);
		DESCRIBE(d, "Gate[%lu].watch(%lu)", slot, irq);
		result(d, KCALL(d, slot, GATE_PROTOCOL, GATE_WATCH_OPCODE, irq));
	} else {
		DESCRIBE(d, "Gate[%lu].label()", slot);
		result(d, kcall(d, slot, GATE_PROTOCOL, GATE_LABEL_OPCODE, 0, 0, out, 1));
	}
}

static void op_irq(struct fz_drv *d)
{
	uint64_t slot = pick(d, TY_IRQ);
	unsigned c = fz_below(&d->s, 100);

	if (c < 30) {
		uint64_t th = fz_chance(&d->s, 15) ? 0 : fz_chance(&d->s, 50) ? receiver(d) : pick(d, TY_THREAD);
		DESCRIBE(d, "Irq[%lu].bind(%lu)", slot, th);
		result(d, KCALL(d, slot, IRQ_PROTOCOL, IRQ_BIND_OPCODE, th));
	} else if (c < 85) {
		DESCRIBE(d, "Irq[%lu].trigger()", slot);
		result(d, KCALL0(d, slot, IRQ_PROTOCOL, IRQ_TRIGGER_OPCODE));
	} else {
		DESCRIBE(d, "Irq[%lu].unmask()", slot);
		result(d, KCALL0(d, slot, IRQ_PROTOCOL, IRQ_UNMASK_OPCODE));
	}
}

static void op_icu(struct fz_drv *d)
{
	uint64_t line = fz_chance(&d->s, 80) ? fz_below(&d->s, 30) : fz_rand(&d->s) >> fz_below(&d->s, 64);
	unsigned c = fz_below(&d->s, 100);
	mica_word_t out[1];

	if (c < 45) {
		uint64_t irq = pick(d, TY_IRQ);
		DESCRIBE(d, "Icu.bind(%lu, %lu)", line, irq);
		result(d, KCALL(d, T_ICU, ICU_PROTOCOL, ICU_BIND_OPCODE, line, irq));
	} else if (c < 80) {
		DESCRIBE(d, "Icu.unbind(%lu)", line);
		result(d, KCALL(d, T_ICU, ICU_PROTOCOL, ICU_UNBIND_OPCODE, line));
	} else {
		DESCRIBE(d, "Icu.lines()");
		result(d, kcall(d, T_ICU, ICU_PROTOCOL, ICU_LINES_OPCODE, 0, 0, out, 1));
	}
}

static void op_quota(struct fz_drv *d)
{
	uint64_t f = pick(d, TY_FACTORY);
	mica_word_t out[2];

	DESCRIBE(d, "Factory[%lu].quota()", f);
	result(d, kcall(d, f, FACTORY_PROTOCOL, FACTORY_QUOTA_OPCODE, 0, 0, out, 2));
}

/* ---- IPC ----------------------------------------------------------------------------------- */

static void op_call_gate(struct fz_drv *d)
{
	struct mica_utcb *u = d->u;
	uint64_t slot = fz_chance(&d->s, 85) ? pick(d, TY_GATE) : fz_slot(&d->s);
	unsigned c = fz_below(&d->s, 100);
	unsigned flags = c < 75 ? MICA_IPC_SEND | MICA_IPC_RECV : c < 90 ? MICA_IPC_SEND : fz_below(&d->s, 16);
	mica_word_t rtag, rlabel;

	if (fz_chance(&d->s, 40))
		fz_buffers(&d->s, u);
	else
		u->br[MICA_BR_WINDOW] = u->br[MICA_BR_DESC] = 0;
	mica_word_t tag = fz_message(&d->s, u, 64), to = fz_timeouts(&d->s, 0);
	if (fz_chance(&d->s, 30)) {
		/* Strings only, from readable memory, of lengths around the
		 * receivers' buffers: they get as far as the copy. */
		unsigned words = fz_below(&d->s, 3), items = 1 + fz_below(&d->s, 2);
		for (unsigned i = 0; i < items; i++) {
			u->mr[words + 2 * i] = mica_item_string((uint32_t)(fz_chance(&d->s, 50) ? fz_below(&d->s, 300) : fz_len(&d->s)));
			u->mr[words + 2 * i + 1] = fz_chance(&d->s, 80) ? (uint64_t)fz_scratch + fz_below(&d->s, 4096) : fz_addr_read(&d->s);
			fz_count(C_ITEM + MICA_ITEM_STRING, 1);
		}
		tag = mica_tag(fz_below(&d->s, 100), words, items, 0);
		to = mica_timeouts(1 + fz_below(&d->s, 3000), 1 + fz_below(&d->s, 3000));
	}
	DESCRIBE(d, "ipc(slot %lu, flags %#x, tag %#lx, timeouts %#lx)", slot, flags, tag, to);
	int err = fz_ipc(fz_op(slot, flags), tag, to, &rtag, &rlabel);
	if (!err && mica_tag_items(tag))
		fz_count(C_ITEM_OK, 1);
	result(d, err);
}

static void op_ipc_raw(struct fz_drv *d)
{
	struct mica_utcb *u = d->u;
	mica_word_t op = (fz_slot(&d->s) << 12) | fz_below(&d->s, 16) | (fz_chance(&d->s, 10) ? fz_rand(&d->s) & 0xff0 : 0);
	mica_word_t tag = fz_chance(&d->s, 80) ? fz_message(&d->s, u, 64) : fz_rand(&d->s);
	mica_word_t to = fz_timeouts(&d->s, 0);

	if (fz_chance(&d->s, 50))
		fz_buffers(&d->s, u);
	DESCRIBE(d, "ipc raw(op %#lx, tag %#lx, timeouts %#lx)", op, tag, to);
	result(d, fz_ipc(op, tag, to, 0, 0));
}

/* A kernel protocol with an opcode and words of any kind, to any object. */
static void op_kproto(struct fz_drv *d)
{
	static const unsigned types[] = { TY_TASK, TY_THREAD, TY_GATE, TY_IRQ, TY_FACTORY };
	struct mica_utcb *u = d->u;
	uint64_t slot = fz_chance(&d->s, 80) ? pick(d, types[fz_below(&d->s, 5)]) : fz_slot(&d->s);
	unsigned proto = 0xf000 + (fz_chance(&d->s, 85) ? fz_below(&d->s, 8) : fz_below(&d->s, 256));
	unsigned words = fz_below(&d->s, 8);
	mica_word_t rtag;

	u->mr[0] = fz_chance(&d->s, 80) ? fz_below(&d->s, 11) : fz_rand(&d->s);
	for (unsigned i = 1; i < words; i++)
		u->mr[i] = fz_chance(&d->s, 60) ? fz_slot(&d->s) : fz_chance(&d->s, 50) ? fz_addr_read(&d->s) : fz_rand(&d->s);
	/* Destroying T or the round's factory ends the round: rarely. */
	if ((slot == T_SELF || slot == T_SELF2 || slot == T_FACTORY) && u->mr[0] == KOBJECT_DESTROY_OPCODE &&
	    fz_chance(&d->s, 97))
		u->mr[0] = KOBJECT_INFO_OPCODE;
	u->br[MICA_BR_WINDOW] = u->br[MICA_BR_DESC] = 0;
	mica_word_t tag = mica_tag(proto, words, 0, 0);
	DESCRIBE(d, "kernel protocol %#x op %lu, %u words to %lu", proto, u->mr[0], words, slot);
	int err = fz_ipc(fz_op(slot, MICA_IPC_SEND | MICA_IPC_RECV), tag, mica_timeouts(1000, 2000), &rtag, 0);
	result(d, err ? -err : (int)mica_tag_label(rtag));
}

/* One method of idlc's fuzz driver on a read-write copy of an object (no
 * X: Kobject.destroy must fail, and the object outlives the call). */
static void op_gen_fuzz(struct fz_drv *d)
{
	static const unsigned types[] = { TY_TASK, TY_THREAD, TY_FACTORY, TY_IRQ, TY_ICU, TY_LOG };
	unsigned type = types[fz_below(&d->s, 6)];
	uint64_t src = type == TY_ICU ? T_ICU : type == TY_LOG ? T_LOG : pick(d, type);
	uint64_t tmp = T_TMP + d->idx, seed = fz_rand(&d->s);
	int bad;

	DESCRIBE(d, "Task[T].cap_map(%lu, %lu, RW, 0)", src, tmp);
	int err = KCALL(d, T_SELF, TASK_PROTOCOL, TASK_CAP_MAP_OPCODE, src, tmp, MICA_R | MICA_W, 0);
	result(d, err);
	if (err || type_of(d, tmp) != type)
		return;
	/* The drivers unmap T's pages: the stubs' buffers must be there, or
	 * the kernel rightly answers EFAULT.  Reading them has the pager map
	 * them back. */
	for (uint64_t va = fz.image_lo; va < fz.image_hi; va += 4096)
		(void)*(volatile uint8_t *)va;
	switch (type) {
	case TY_TASK: bad = task_fuzz(tmp, seed, 1) + kobject_fuzz(tmp, seed, 1); break;
	case TY_THREAD: bad = thread_fuzz(tmp, seed, 1) + kobject_fuzz(tmp, seed, 1); break;
	case TY_FACTORY: bad = factory_fuzz(tmp, seed, 1) + kobject_fuzz(tmp, seed, 1); break;
	case TY_IRQ: bad = irq_fuzz(tmp, seed, 1) + kobject_fuzz(tmp, seed, 1); break;
	case TY_ICU: bad = icu_fuzz(tmp, seed, 1); break;
	default: bad = log_fuzz(tmp, seed, 1); break;
	}
	__atomic_fetch_add(&fz.calls, 12, __ATOMIC_RELAXED);
	fz_count(C_GEN_FUZZ, 1);
	/* Wrong answers count only if the object was there all along: another
	 * driver may have destroyed it or replaced the slot meanwhile. */
	if (bad && type_of(d, tmp) == type) {
		fz_count(C_GEN_BAD, (uint64_t)bad);
		mica_printf("# fuzz: d%u.%u: %d wrong answer(s) from idlc's %s fuzz driver (seed %#lx)\n", d->idx, d->n,
			    bad, type == TY_TASK ? "task" : type == TY_THREAD ? "thread" : type == TY_FACTORY ? "factory"
				    : type == TY_IRQ ? "irq" : type == TY_ICU ? "icu" : "log", seed);
	}
	DESCRIBE(d, "idlc fuzz type %u seed %#lx: %d wrong", type, seed, bad);
	result(d, bad);
	DESCRIBE(d, "Task[T].cap_unmap(%lu, 1)", tmp);
	result(d, KCALL(d, T_SELF, TASK_PROTOCOL, TASK_CAP_UNMAP_OPCODE, tmp, 1));
}

/* ---- the debug call and unknown system calls ------------------------------------------------------ */

static long raw_syscall(uint64_t nr, uint64_t a, uint64_t b, uint64_t c)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret), "+D"(a), "+S"(b), "+d"(c) : "a"(nr) : "rcx", "r11", "r8", "r9", "r10", "memory");
	return ret;
}

static void op_debug(struct fz_drv *d)
{
	unsigned c = fz_below(&d->s, 100);
	uint64_t len, a;
	long r;

	/* T's Log capability has R only (MEMINFO, CHECK; a print is refused),
	 * any other slot is the wrong type or empty. */
	uint64_t log = (fz_chance(&d->s, 80) ? T_LOG : fz_slot(&d->s)) << MICA_IPC_SLOT_SHIFT;

	__atomic_fetch_add(&fz.calls, 1, __ATOMIC_RELAXED);
	fz_count(C_DEBUG, 1);
	if (c < 30) {
		len = fz_chance(&d->s, 50) ? sizeof(struct mica_meminfo) : fz_len(&d->s);
		a = fz_addr_write(&d->s, &len);
		DESCRIBE(d, "debug meminfo(%#lx, %lu)", a, len);
		r = raw_syscall(MICA_SYS_DEBUG, log | MICA_DEBUG_MEMINFO, a, len);
	} else if (c < 50) {
		/* Nothing may reach the console: T's Log has no W, and the
		 * ranges start outside user memory, wrap around, or are too
		 * long to be accepted, should a slot ever hold one with W. */
		static const uint64_t bad[] = { 0xffff800000000000ull, 0xffffffff80100000ull, 0x0000800000000000ull,
						~0ull - 100 };
		a = bad[fz_below(&d->s, 4)];
		len = fz_chance(&d->s, 80) ? 4097 + fz_below(&d->s, 5000) : (1u << 20) + 1 + fz_rand(&d->s) % 1000;
		if (fz_chance(&d->s, 20)) {
			a = (uint64_t)fz_scratch;
			len = (1u << 20) + 1;
		}
		DESCRIBE(d, "debug print(%#lx, %lu)", a, len);
		r = raw_syscall(MICA_SYS_DEBUG, log | MICA_DEBUG_PRINT, a, len);
	} else if (c < 70) {
		DESCRIBE(d, "debug check()");
		r = raw_syscall(MICA_SYS_DEBUG, log | MICA_DEBUG_CHECK, fz_rand(&d->s), fz_rand(&d->s));
		if (r != MICA_OK && r != MICA_EBADCAP && r != MICA_ETYPE && r != MICA_EPERM) {
			fz_count(C_CHECK_BAD, 1);
			mica_printf("# fuzz: d%u.%u: the invariant checker complained mid-round (%ld)\n", d->idx, d->n, r);
		}
	} else if (c < 71) {
		/* Ends T: its threads stop, the round's drivers with them. */
		DESCRIBE(d, "debug exit()");
		r = raw_syscall(MICA_SYS_DEBUG, MICA_DEBUG_EXIT, fz_rand(&d->s), 0);
	} else if (c < 80) {
		DESCRIBE(d, "debug panic()");
		r = raw_syscall(MICA_SYS_DEBUG, MICA_DEBUG_PANIC, 0, 0);
	} else if (c < 90) {
		uint64_t op = 5 + fz_below(&d->s, 100) + (fz_chance(&d->s, 30) ? fz_rand(&d->s) : 0);
		DESCRIBE(d, "debug op %lu", op);
		r = raw_syscall(MICA_SYS_DEBUG, op, fz_rand(&d->s), fz_rand(&d->s));
	} else {
		uint64_t nr = 2 + fz_below(&d->s, 10) + (fz_chance(&d->s, 30) ? fz_rand(&d->s) : 0);
		DESCRIBE(d, "syscall %#lx", nr);
		r = raw_syscall(nr, fz_rand(&d->s), fz_rand(&d->s), fz_rand(&d->s));
	}
	result(d, (int)r);
}

static void op_sleep(struct fz_drv *d)
{
	mica_word_t to = mica_timeouts(0, 1 + fz_below(&d->s, 1000));

	DESCRIBE(d, "wait(%#lx)", to);
	result(d, fz_ipc(fz_op(0, MICA_IPC_OPEN), 0, to, 0, 0));
}

/* ---- the IPC transfer path's classes of bugs ------------------------------------------------------
 * Copies of gates with reduced rights used to send, call and identify;
 * the last client copy of a watched gate overwritten by a capability item
 * (the watch's irq bound to the receiver); strings of odd sizes that end
 * at or cross page ends, and messages whose strings pass MICA_STRING_MAX.
 * (Receive buffers over the receiver's own UTCB come from fz_buffers.) */

/* A copy of a gate in the driver's scratch slot with random rights, used
 * to call (words only: the fast path; or with items), to send, or carried
 * as a capability item to its own gate (MICA_BR_LOCAL_ID).  Without W a
 * message through it must not go anywhere. */
static void op_ipc_reduced_rights(struct fz_drv *d)
{
	struct mica_utcb *u = d->u;
	uint64_t gate = pick(d, TY_GATE), tmp = T_TMP + d->idx;
	unsigned rights = fz_below(&d->s, 8), c = fz_below(&d->s, 100);
	mica_word_t tag, rtag;

	DESCRIBE(d, "Task[T].cap_map(%lu, %lu, %#x, 0)", gate, tmp, rights);
	int err = KCALL(d, T_SELF, TASK_PROTOCOL, TASK_CAP_MAP_OPCODE, gate, tmp, rights, 0);
	result(d, err);
	if (err || type_of(d, tmp) != TY_GATE)
		return;
	u->br[MICA_BR_WINDOW] = u->br[MICA_BR_DESC] = 0;
	if (c < 40) {
		tag = mica_tag(fz_below(&d->s, 100), fz_below(&d->s, 9), 0, 0);
	} else if (c < 70) {
		tag = fz_message(&d->s, u, 16);
		tag = mica_tag(fz_below(&d->s, 100), mica_tag_words(tag), mica_tag_items(tag), 0);
	} else {
		u->mr[0] = mica_item_cap(fz_rights(&d->s), 0);
		u->mr[1] = tmp;
		fz_count(C_ITEM + MICA_ITEM_CAP, 1);
		DESCRIBE(d, "ipc(slot %lu, call, its copy %lu as an item)", gate, tmp);
		result(d, fz_ipc(fz_op(gate, MICA_IPC_SEND | MICA_IPC_RECV), mica_tag(1, 0, 1, 0), mica_timeouts(1000, 2000),
				 &rtag, 0));
		return;
	}
	unsigned flags = fz_chance(&d->s, 80) ? MICA_IPC_SEND | MICA_IPC_RECV : MICA_IPC_SEND;
	DESCRIBE(d, "ipc(slot %lu (rights %#x), flags %#x, tag %#lx)", tmp, rights, flags, tag);
	err = fz_ipc(fz_op(tmp, flags), tag, mica_timeouts(1000, 2000), &rtag, 0);
	result(d, err);
	/* (Another driver may have replaced the scratch slot meanwhile: only a
	 * message that went through counts.) */
	if (!(rights & MICA_W) && err == MICA_OK) {
		mica_printf("# d%u.%u: a gate copy without W carried a message\n", d->idx, d->n);
		fz_count(C_RIGHTS_BAD, 1);
	}
}

/* A gate watched through an irq bound to a receiving thread, its one
 * client copy in an object slot the receivers' buffer registers name, and
 * a message with capability items to that thread: an item landing on the
 * copy fires the watch while the receiver receives. */
static void op_ipc_watch_overwrite(struct fz_drv *d)
{
	struct mica_utcb *u = d->u;
	uint64_t th = receiver(d), f = pick(d, TY_FACTORY);
	uint64_t g = new_slot(d), q = new_slot(d), copy = new_slot(d);
	mica_word_t rtag;

	DESCRIBE(d, "watched gate %lu (irq %lu) to thread %lu, copy in %lu", g, q, th, copy);
	int err = KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_GATE_OPCODE, g, th, fz_below(&d->s, 1000));
	if (!err) {
		known(TY_GATE, g);
		err = KCALL(d, f, FACTORY_PROTOCOL, FACTORY_CREATE_IRQ_OPCODE, q, fz_below(&d->s, 1000));
	}
	if (!err) {
		known(TY_IRQ, q);
		KCALL(d, q, IRQ_PROTOCOL, IRQ_BIND_OPCODE, th);
		KCALL(d, g, GATE_PROTOCOL, GATE_WATCH_OPCODE, q);
		err = KCALL(d, T_SELF, TASK_PROTOCOL, TASK_CAP_MAP_OPCODE, g, copy, MICA_W, 0);
	}
	result(d, err);
	if (err)
		return;
	unsigned items = 1 + fz_below(&d->s, 4);
	for (unsigned i = 0; i < items; i++) {
		u->mr[2 * i] = mica_item_cap(fz_rights(&d->s), fz_chance(&d->s, 20));
		u->mr[2 * i + 1] = fz_chance(&d->s, 50) ? copy : fz_slot(&d->s);
		fz_count(C_ITEM + MICA_ITEM_CAP, 1);
	}
	u->br[MICA_BR_WINDOW] = u->br[MICA_BR_DESC] = 0;
	unsigned flags = fz_chance(&d->s, 70) ? MICA_IPC_SEND | MICA_IPC_RECV : MICA_IPC_SEND;
	err = fz_ipc(fz_op(g, flags), mica_tag(1, 0, items, 0), mica_timeouts(1000, 2000), &rtag, 0);
	if (!err)
		fz_count(C_ITEM_OK, 1);
	result(d, err);
}

/* String items of odd sizes from the scratch pages' ends (crossing into
 * the next page, or the end of the scratch area), and several strings
 * whose lengths add up to around MICA_STRING_MAX. */
static void op_ipc_string_edges(struct fz_drv *d)
{
	static const uint32_t sizes[] = { 0, 1, 7, 8, 9, 4095, 4096, 4097, 8191, 8193, MICA_STRING_MAX - 1,
					  MICA_STRING_MAX, MICA_STRING_MAX + 1, MICA_STRING_MAX / 2, MICA_STRING_MAX / 3 };
	struct mica_utcb *u = d->u;
	uint64_t slot = fz_chance(&d->s, 90) ? pick(d, TY_GATE) : fz_slot(&d->s);
	unsigned items = 1 + fz_below(&d->s, fz_chance(&d->s, 70) ? 3 : MICA_ITEMS_MAX);
	mica_word_t rtag;

	for (unsigned i = 0; i < items; i++) {
		uint32_t len = sizes[fz_below(&d->s, sizeof sizes / sizeof sizes[0])] + (fz_chance(&d->s, 20) ? fz_below(&d->s, 16) : 0);
		uint64_t page_end = (uint64_t)fz_scratch + 4096 * (1 + fz_below(&d->s, FZ_SCRATCH_PAGES));
		uint64_t back = fz_chance(&d->s, 50) ? fz_below(&d->s, 17) : fz_below(&d->s, 4097);
		u->mr[2 * i] = mica_item_string(len);
		u->mr[2 * i + 1] = page_end - back;
		fz_count(C_ITEM + MICA_ITEM_STRING, 1);
	}
	if (fz_chance(&d->s, 30))
		fz_buffers(&d->s, u);
	else
		u->br[MICA_BR_WINDOW] = u->br[MICA_BR_DESC] = 0;
	DESCRIBE(d, "ipc(slot %lu, %u strings at page ends)", slot, items);
	int err = fz_ipc(fz_op(slot, MICA_IPC_SEND | MICA_IPC_RECV), mica_tag(fz_below(&d->s, 100), 0, items, 0),
			 mica_timeouts(1 + fz_below(&d->s, 3000), 1 + fz_below(&d->s, 3000)), &rtag, 0);
	if (!err)
		fz_count(C_ITEM_OK, 1);
	result(d, err);
}

const struct fz_opdesc fz_ops[] = {
	{ "spawn", 10, op_spawn },
	{ "create_task", 3, op_create_task },
	{ "create_thread", 3, op_create_thread },
	{ "create_gate", 8, op_create_gate },
	{ "create_irq", 4, op_create_irq },
	{ "create_factory", 2, op_create_factory },
	{ "destroy", 7, op_destroy },
	{ "info", 2, op_info },
	{ "cap_map", 5, op_cap_map },
	{ "cap_unmap", 3, op_cap_unmap },
	{ "cap_query", 2, op_cap_query },
	{ "mem_map", 5, op_mem_map },
	{ "mem_map_from", 3, op_mem_map_from },
	{ "mem_unmap", 4, op_mem_unmap },
	{ "unmap_zero", 3, op_unmap_zero },
	{ "unmap_image", 1, op_unmap_image },
	{ "mem_lookup", 1, op_mem_lookup },
	{ "io", 2, op_io },
	{ "port_revoke", 1, op_port_revoke },
	{ "ex_regs", 5, op_ex_regs },
	{ "start_stop", 4, op_start_stop },
	{ "bind", 2, op_bind },
	{ "set_sched", 2, op_set_sched },
	{ "set_handlers", 2, op_set_handlers },
	{ "thread_misc", 2, op_thread_misc },
	{ "hit_blocked", 4, op_hit_blocked },
	{ "gate", 3, op_gate },
	{ "irq", 4, op_irq },
	{ "icu", 2, op_icu },
	{ "quota", 1, op_quota },
	{ "call_gate", 12, op_call_gate },
	{ "ipc_raw", 6, op_ipc_raw },
	{ "kproto", 5, op_kproto },
	{ "gen_fuzz", 3, op_gen_fuzz },
	{ "debug", 2, op_debug },
	{ "sleep", 1, op_sleep },
	{ "ipc_reduced_rights", 4, op_ipc_reduced_rights },
	{ "ipc_watch_overwrite", 3, op_ipc_watch_overwrite },
	{ "ipc_string_edges", 3, op_ipc_string_edges },
	{ "huge_tree", 1, op_huge_tree },
	{ "huge_destroy", 1, op_huge_destroy },
	{ "huge_copies", 1, op_huge_copies },
	{ "huge_thread_gates", 1, op_huge_thread_gates },
	{ "huge_overwrite", 1, op_huge_overwrite },
	{ "huge_senders", 1, op_huge_senders },
};
const unsigned fz_nops = sizeof fz_ops / sizeof fz_ops[0];

void fz_driver(void *arg)
{
	struct fz_drv d = { .idx = (unsigned)(uintptr_t)arg, .u = mica_utcb() };
	unsigned total = 0;

	d.s = fz_seed(fz.round_seed, 100 + d.idx);
	d.hash = 0xcbf29ce484222325ull;
	for (unsigned i = 0; i < fz_nops; i++)
		total += fz_ops[i].weight;
	for (d.n = 0; d.n < fz.ops_per_driver && !fz.stop; d.n++) {
		unsigned w = fz_below(&d.s, total), k = 0;
		while (w >= fz_ops[k].weight)
			w -= fz_ops[k++].weight;
		fz_count(C_OP + k, 1);
		if (mica_utcb() != d.u)
			fz_count(C_SEG_BAD, 1);   /* gs no longer leads to this driver's UTCB */
		fz_ops[k].fn(&d);
		fz.done[d.idx] = d.n + 1;
		fz.hash[d.idx] = d.hash;
	}
	fz.finished[d.idx] = 1;
	for (;;)
		fz_ipc(fz_op(0, MICA_IPC_OPEN), 0, mica_timeouts(0, 50000), 0, 0);
}
