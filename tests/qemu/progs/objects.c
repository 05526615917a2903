/*
 * objects.c - kernel objects and capabilities: each object's operations
 * and error codes, revocation three levels deep, capability equality, the
 * last-reference notification, quota exhaustion and its recovery,
 * partners that die in the middle of a call, and holding threads.
 */
#include "qtest.h"

#include <idl/kernel/factory.h>
#include <idl/kernel/gate.h>
#include <idl/kernel/icu.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/log.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>
#include <mica/object.h>
#include <mica/syscall.h>

enum {
	S_A = 10, S_B, S_C, S_IRQ, S_GATE, S_SUB, S_CHILD, S_CHILD_THREAD, S_SERVER, S_SERVER_GATE, S_CLIENT,
	S_RO_LOG, S_ANCESTOR, S_DERIVED, S_HOLD_IRQ, S_FAST_GATE, S_PAYER, S_PAID, S_PAID2, S_T0 = 100, S_HELD = 120,
};

enum { TYPE_TASK = 1, TYPE_THREAD, TYPE_GATE, TYPE_IRQ, TYPE_FACTORY, TYPE_ICU, TYPE_LOG };

static void nothing(void *arg)
{
	(void)arg;
}

static uint32_t type_of(mica_cap_t task, mica_cap_t slot)
{
	uint32_t type = 99, rights;

	task_cap_info(task, slot, &type, &rights);
	return type;
}

static uint32_t rights_of(mica_cap_t task, mica_cap_t slot)
{
	uint32_t type, rights = 99;

	task_cap_info(task, slot, &type, &rights);
	return rights;
}

static void boot_capabilities_are_installed(void)
{
	uint32_t type, rights;
	uint64_t limit, used;

	expect("slot 1 is the task", type_of(MICA_BOOT_TASK, MICA_BOOT_TASK), TYPE_TASK);
	expect("slot 2 is the thread", type_of(MICA_BOOT_TASK, MICA_BOOT_THREAD), TYPE_THREAD);
	expect("slot 3 is the factory", type_of(MICA_BOOT_TASK, MICA_BOOT_FACTORY), TYPE_FACTORY);
	expect("slot 4 is the Icu", type_of(MICA_BOOT_TASK, MICA_BOOT_ICU), TYPE_ICU);
	expect("slot 5 is the Log", type_of(MICA_BOOT_TASK, MICA_BOOT_LOG), TYPE_LOG);
	expect("Kobject.info on the Log", kobject_info(MICA_BOOT_LOG, &type, &rights), 0);
	expect("... names its type and rights", type * 10 + rights, TYPE_LOG * 10 + MICA_RWX);
	expect("Log.print", log_print(MICA_BOOT_LOG, "objects: hello from the Log\n", 28), 0);
	expect("Factory.quota", factory_quota(MICA_BOOT_FACTORY, &limit, &used), 0);
	expect("... is the boot quota", (long)limit, (long)MICA_BOOT_QUOTA);
	uint32_t lines;
	expect("Icu.lines", icu_lines(MICA_BOOT_ICU, &lines), 0);
	expect("... the IO-APIC has lines", lines >= 16, 1);
}

static void bad_invocations_are_error_codes(void)
{
	uint32_t type, rights;
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag;

	expect("empty slot: EBADCAP", kobject_info(77, &type, &rights), -MICA_EBADCAP);
	expect("slot 0: EBADCAP", kobject_info(0, &type, &rights), -MICA_EBADCAP);
	expect("slot beyond the table: EBADCAP", kobject_info(1u << 20, &type, &rights), -MICA_EBADCAP);
	expect("Thread protocol on the Log: ENOSYS", thread_start(MICA_BOOT_LOG), -MICA_ENOSYS);
	expect("gate to a non-thread: ETYPE", factory_create_gate(MICA_BOOT_FACTORY, S_GATE, MICA_BOOT_LOG, 1),
	       -MICA_ETYPE);
	expect("read-only copy of the Log", task_cap_map(MICA_BOOT_TASK, MICA_BOOT_LOG, S_RO_LOG, MICA_R, false), 0);
	expect("printing through it: EPERM", log_print(S_RO_LOG, "x", 1), -MICA_EPERM);
	expect("destroying the Log: EPERM", kobject_destroy(MICA_BOOT_LOG), -MICA_EPERM);
	u->mr[0] = 6;   /* Factory.quota with a stray word */
	u->mr[1] = 0;
	mica_ipc_call(MICA_BOOT_FACTORY, mica_tag(0xF001, 2, 0, 0), &tag);
	expect("malformed request: EMSG", mica_tag_label(tag), -MICA_EMSG);
	u->mr[0] = 99;
	mica_ipc_call(MICA_BOOT_FACTORY, mica_tag(0xF001, 1, 0, 0), &tag);
	expect("unknown opcode: ENOSYS", mica_tag_label(tag), -MICA_ENOSYS);
	mica_ipc_call(MICA_BOOT_FACTORY, mica_tag(0x1234, 1, 0, 0), &tag);
	expect("unknown protocol: ENOSYS", mica_tag_label(tag), -MICA_ENOSYS);
	expect("priority 300: EINVAL", thread_set_sched(MICA_BOOT_THREAD, 300, 0), -MICA_EINVAL);
	expect("thread", factory_create_thread(MICA_BOOT_FACTORY, S_T0), 0);
	expect("bound at a used address: EEXIST", thread_bind(S_T0, MICA_BOOT_TASK, MICA_BOOT_UTCB), -MICA_EEXIST);
	expect("bound at an unaligned address: EINVAL", thread_bind(S_T0, MICA_BOOT_TASK, 0x7fff00000123), -MICA_EINVAL);
	expect("unbound thread cannot start: EBUSY", thread_start(S_T0), -MICA_EBUSY);
	expect("bound", thread_bind(S_T0, MICA_BOOT_TASK, 0x7fff00100000), 0);
	expect("bound twice: EBUSY", thread_bind(S_T0, MICA_BOOT_TASK, 0x7fff00200000), -MICA_EBUSY);
	expect("destroyed", kobject_destroy(S_T0), 0);
	expect("its slot is empty afterwards", type_of(MICA_BOOT_TASK, S_T0), 0);
	expect("Thread.yield on a factory: ENOSYS", thread_yield(MICA_BOOT_FACTORY), -MICA_ENOSYS);
	expect("sub-factory above the quota: ENOMEM",
	       factory_create_factory(MICA_BOOT_FACTORY, S_SUB, MICA_BOOT_QUOTA * 2), -MICA_ENOMEM);
}

static void unmap_revokes_derived_capabilities(void)
{
	bool same;

	expect("an irq", factory_create_irq(MICA_BOOT_FACTORY, S_A, 5), 0);
	expect("level 1 copy", task_cap_map(MICA_BOOT_TASK, S_A, S_B, MICA_RWX, false), 0);
	expect("level 2 copy", task_cap_map(MICA_BOOT_TASK, S_B, S_C, MICA_R | MICA_W, false), 0);
	expect("child task", qtask_create(S_CHILD), 0);
	expect("level 3 copy, in another task", task_cap_map(S_CHILD, S_C, 40, MICA_R, false), 0);
	expect("it is there", type_of(S_CHILD, 40), TYPE_IRQ);
	expect("copies name the same object", task_cap_same(MICA_BOOT_TASK, S_A, S_C, &same), 0);
	expect("... same", same, 1);
	task_cap_same(MICA_BOOT_TASK, S_A, MICA_BOOT_LOG, &same);
	expect("different objects are not the same", same, 0);
	expect("equality with an empty slot: EBADCAP", task_cap_same(MICA_BOOT_TASK, S_A, 77, &same), -MICA_EBADCAP);
	uint32_t type, rights;
	kobject_info(S_C, &type, &rights);
	expect("rights were reduced on the way", rights, MICA_R | MICA_W);
	expect("unmap what was derived from the first", task_cap_unmap(MICA_BOOT_TASK, S_A, false), 0);
	expect("level 1 gone", type_of(MICA_BOOT_TASK, S_B), 0);
	expect("level 2 gone", type_of(MICA_BOOT_TASK, S_C), 0);
	expect("level 3 in the other task gone", type_of(S_CHILD, 40), 0);
	expect("the original stays", type_of(MICA_BOOT_TASK, S_A), TYPE_IRQ);
	expect("grant moves it", task_cap_map(MICA_BOOT_TASK, S_A, S_B, MICA_RWX, true), 0);
	expect("... the source slot is empty", type_of(MICA_BOOT_TASK, S_A), 0);
	expect("... the target holds it", type_of(MICA_BOOT_TASK, S_B), TYPE_IRQ);
	expect("destroying it", kobject_destroy(S_B), 0);
	expect("... empties its slot", type_of(MICA_BOOT_TASK, S_B), 0);
	kobject_destroy(S_CHILD);
}

/* Task.cap_copy: the invoker's capabilities into another task's empty
 * slots of a range, with the rights asked, each as cap_sibling copies it
 * (a root's copy derived from it, a derived one's beside it); what the
 * task holds stays; its bounds and refusals. */
static void cap_copy_fills_only_empty_slots(void)
{
	uint32_t copied = 99, type, rights;

	expect("child task", qtask_create(S_CHILD), 0);
	expect("an irq at 200", factory_create_irq(MICA_BOOT_FACTORY, 200, 1), 0);
	expect("another at 201", factory_create_irq(MICA_BOOT_FACTORY, 201, 2), 0);
	expect("a gate at 203 (202 empty)", factory_create_gate(MICA_BOOT_FACTORY, 203, MICA_BOOT_THREAD, 3), 0);
	expect("the child's own log at 201", task_cap_map(S_CHILD, MICA_BOOT_LOG, 201, MICA_RWX, false), 0);
	expect("a copy of the irq at 204", task_cap_map(MICA_BOOT_TASK, 200, 204, MICA_RWX, false), 0);
	expect("cap_copy 200..263 with R|W", task_cap_copy(S_CHILD, 200, 64, MICA_R | MICA_W, &copied), 0);
	expect("... copied the three the child lacked", copied, 3);
	expect("200 is the irq", type_of(S_CHILD, 200), TYPE_IRQ);
	expect("201 is still the child's log", type_of(S_CHILD, 201), TYPE_LOG);
	expect("202 stays empty", type_of(S_CHILD, 202), 0);
	expect("203 is the gate", type_of(S_CHILD, 203), TYPE_GATE);
	task_cap_info(S_CHILD, 203, &type, &rights);
	expect("... with the rights asked", rights, MICA_R | MICA_W);
	expect("again: nothing left to copy", task_cap_copy(S_CHILD, 200, 64, MICA_RWX, &copied) == 0 && copied == 0, 1);
	expect("a derived one's copy is its sibling: removing the source leaves it",
	       task_cap_unmap(MICA_BOOT_TASK, 204, true) == 0 && type_of(S_CHILD, 204) == TYPE_IRQ, 1);
	expect("a root's copy is derived from it: unmapping the source takes both",
	       task_cap_unmap(MICA_BOOT_TASK, 200, false) == 0 && type_of(S_CHILD, 200) == 0 && type_of(S_CHILD, 204) == 0,
	       1);
	expect("more than MICA_CAP_COPY_MAX: EINVAL", task_cap_copy(S_CHILD, 200, MICA_CAP_COPY_MAX + 1, MICA_RWX, &copied),
	       -MICA_EINVAL);
	expect("unknown rights: EINVAL", task_cap_copy(S_CHILD, 200, 4, 0x80, &copied), -MICA_EINVAL);
	expect("past the table: EBADCAP", task_cap_copy(S_CHILD, MICA_CAP_SLOTS - 2, 4, MICA_RWX, &copied),
	       -MICA_EBADCAP);
	expect("a count of 0: nothing", task_cap_copy(S_CHILD, 200, 0, MICA_RWX, &copied) == 0 && copied == 0, 1);
	expect("on a read-only task capability: EPERM",
	       task_cap_map(MICA_BOOT_TASK, S_CHILD, S_DERIVED, MICA_R, false) == 0 &&
		       task_cap_copy(S_DERIVED, 200, 4, MICA_RWX, &copied) == -MICA_EPERM, 1);
	kobject_destroy(200);
	kobject_destroy(201);
	kobject_destroy(203);
	task_cap_unmap(MICA_BOOT_TASK, S_DERIVED, true);
	kobject_destroy(S_CHILD);
}

/* Task.cap_sibling: a copy beside the source in the derivation tree.
 * Removing the source (its task's end) leaves the copy; revoking what
 * the source was derived from takes it; a root's copy is derived from the
 * root; the gate's last-client watch counts the copy.  Its refusals. */
static void cap_sibling_outlives_its_source(void)
{
	mica_word_t tag, label;

	expect("child task", qtask_create(S_CHILD), 0);
	expect("an irq (a root)", factory_create_irq(MICA_BOOT_FACTORY, S_A, 6), 0);
	expect("derived from it", task_cap_map(MICA_BOOT_TASK, S_A, S_B, MICA_R | MICA_W, false), 0);
	expect("cap_sibling of the derived one into the child, R", task_cap_sibling(S_CHILD, S_B, 40, MICA_R), 0);
	expect("... it is there", type_of(S_CHILD, 40), TYPE_IRQ);
	expect("... with the rights asked", rights_of(S_CHILD, 40), MICA_R);
	expect("within the source's: R|W of an R|W source asked RWX",
	       task_cap_sibling(S_CHILD, S_B, 41, MICA_RWX) == 0 && rights_of(S_CHILD, 41) == (MICA_R | MICA_W), 1);
	expect("the source removed", task_cap_unmap(MICA_BOOT_TASK, S_B, true), 0);
	expect("... the copies stay", type_of(S_CHILD, 40) == TYPE_IRQ && type_of(S_CHILD, 41) == TYPE_IRQ, 1);
	expect("revoking what the source was derived from", task_cap_unmap(MICA_BOOT_TASK, S_A, false), 0);
	expect("... takes the copies", type_of(S_CHILD, 40) == 0 && type_of(S_CHILD, 41) == 0, 1);
	expect("a root's copy", task_cap_sibling(S_CHILD, S_A, 42, MICA_RWX), 0);
	expect("... is derived from it", task_cap_unmap(MICA_BOOT_TASK, S_A, false) == 0 && type_of(S_CHILD, 42) == 0, 1);

	/* Refusals. */
	expect("derived again", task_cap_map(MICA_BOOT_TASK, S_A, S_B, MICA_RWX, false), 0);
	expect("an empty source: EBADCAP", task_cap_sibling(S_CHILD, 77, 40, MICA_RWX), -MICA_EBADCAP);
	expect("source slot 0: EBADCAP", task_cap_sibling(S_CHILD, 0, 40, MICA_RWX), -MICA_EBADCAP);
	expect("a source past the table: EBADCAP", task_cap_sibling(S_CHILD, MICA_CAP_SLOTS, 40, MICA_RWX),
	       -MICA_EBADCAP);
	expect("a destination past the table: EBADCAP", task_cap_sibling(S_CHILD, S_B, MICA_CAP_SLOTS, MICA_RWX),
	       -MICA_EBADCAP);
	expect("destination slot 0: EBADCAP", task_cap_sibling(S_CHILD, S_B, 0, MICA_RWX), -MICA_EBADCAP);
	expect("unknown rights: EINVAL", task_cap_sibling(S_CHILD, S_B, 40, 0x80), -MICA_EINVAL);
	expect("onto itself: EINVAL", task_cap_sibling(MICA_BOOT_TASK, S_B, S_B, MICA_RWX), -MICA_EINVAL);
	expect("onto what it was derived from: EBADCAP", task_cap_sibling(MICA_BOOT_TASK, S_B, S_A, MICA_RWX),
	       -MICA_EBADCAP);
	expect("... which stays", type_of(MICA_BOOT_TASK, S_A) == TYPE_IRQ && type_of(MICA_BOOT_TASK, S_B) == TYPE_IRQ, 1);
	expect("on a read-only task capability: EPERM",
	       task_cap_map(MICA_BOOT_TASK, S_CHILD, S_DERIVED, MICA_R, false) == 0 &&
		       task_cap_sibling(S_DERIVED, S_B, 40, MICA_RWX) == -MICA_EPERM, 1);
	expect("an occupied destination is cleared first",
	       task_cap_map(S_CHILD, MICA_BOOT_LOG, 40, MICA_RWX, false) == 0 &&
		       task_cap_sibling(S_CHILD, S_B, 40, MICA_RWX) == 0 && type_of(S_CHILD, 40) == TYPE_IRQ, 1);
	task_cap_unmap(MICA_BOOT_TASK, S_DERIVED, true);
	kobject_destroy(S_A);
	expect("nothing left of it in the child", type_of(S_CHILD, 40), 0);

	/* The watch: the client's copy beside ours is a client too. */
	expect("a watched gate", factory_create_gate(MICA_BOOT_FACTORY, S_GATE, MICA_BOOT_THREAD, 0x51b), 0);
	expect("an irq for the notification", factory_create_irq(MICA_BOOT_FACTORY, S_IRQ, 0x78), 0);
	expect("bound and watching", irq_bind(S_IRQ, MICA_BOOT_THREAD) == 0 && gate_watch(S_GATE, S_IRQ) == 0, 1);
	expect("our client copy", task_cap_map(MICA_BOOT_TASK, S_GATE, S_C, MICA_W, false), 0);
	expect("its sibling in the child", task_cap_sibling(S_CHILD, S_C, 43, MICA_W), 0);
	expect("ours removed", task_cap_unmap(MICA_BOOT_TASK, S_C, true), 0);
	expect("no notification: the child's copy is a client",
	       mica_ipc_wait(mica_timeouts(0, MICA_TIMEOUT_ZERO), &tag, &label), MICA_ETIMEOUT);
	expect("the child task dies", kobject_destroy(S_CHILD), 0);
	expect("now the notification", mica_ipc_wait(mica_timeouts(0, MICA_TIMEOUT_ZERO), &tag, &label) == 0 &&
	       label == 0x78, 1);
	kobject_destroy(S_GATE);
	kobject_destroy(S_IRQ);
}

static void last_reference_notifies_the_watcher(void)
{
	mica_word_t tag, label;

	expect("a gate for one client", factory_create_gate(MICA_BOOT_FACTORY, S_GATE, MICA_BOOT_THREAD, 0x600d), 0);
	expect("an irq for the notification", factory_create_irq(MICA_BOOT_FACTORY, S_IRQ, 0x77), 0);
	expect("bound to this thread", irq_bind(S_IRQ, MICA_BOOT_THREAD), 0);
	expect("the gate watches", gate_watch(S_GATE, S_IRQ), 0);
	expect("client task", qtask_create(S_CHILD), 0);
	expect("the client gets the gate", task_cap_map(S_CHILD, S_GATE, 40, MICA_W, false), 0);
	expect("nothing pending yet", mica_ipc_wait(mica_timeouts(0, MICA_TIMEOUT_ZERO), &tag, &label), MICA_ETIMEOUT);
	expect("the client task dies", kobject_destroy(S_CHILD), 0);
	expect("a notification is there", mica_ipc_wait(mica_timeouts(0, MICA_TIMEOUT_ZERO), &tag, &label), 0);
	expect("with the irq's label", (long)label, 0x77);
	expect("marked as an irq", (mica_tag_flags(tag) & MICA_TAG_F_IRQ) != 0, 1);
	expect("software trigger", irq_trigger(S_IRQ), 0);
	expect("twice", irq_trigger(S_IRQ), 0);
	expect("one notification", mica_ipc_wait(mica_timeouts(0, MICA_TIMEOUT_ZERO), &tag, &label), 0);
	expect("merged: no second", mica_ipc_wait(mica_timeouts(0, MICA_TIMEOUT_ZERO), &tag, &label), MICA_ETIMEOUT);
	kobject_destroy(S_GATE);
	kobject_destroy(S_IRQ);
}

static void factory_quotas_bound_kernel_memory(void)
{
	uint64_t limit, used0, used;
	int made = 0, err = 0;

	factory_quota(MICA_BOOT_FACTORY, &limit, &used0);
	expect("a sub-factory of 256 KiB", factory_create_factory(MICA_BOOT_FACTORY, S_SUB, 256 << 10), 0);
	while (made < 1000 && !(err = factory_create_thread(S_SUB, S_T0 + made)))
		made++;
	expect("creating threads ends in ENOMEM", err, -MICA_ENOMEM);
	mica_printf("# %d threads fit in 256 KiB\n", made);
	expect("some fitted", made > 5 && made < 1000, 1);
	expect("destroying one", kobject_destroy(S_T0), 0);
	expect("makes room for one more", factory_create_thread(S_SUB, S_T0), 0);
	expect("destroying the sub-factory", kobject_destroy(S_SUB), 0);
	expect("destroyed its threads too", type_of(MICA_BOOT_TASK, S_T0 + 1), 0);
	factory_quota(MICA_BOOT_FACTORY, &limit, &used);
	expect("the quota is back where it was", (long)(used - used0), 0);
}

static uint64_t used_of(mica_cap_t f)
{
	uint64_t limit, used = ~0ull;

	factory_quota(f, &limit, &used);
	return used;
}

/* A paid factory: made by one factory (destroyed with it), charged to
 * another too, within both limits; its payer stays, destroyed, until it
 * has gone. */
static void paid_factories_charge_their_payer(void)
{
	uint64_t limit, used0, payer0, paid0;
	int made = 0, err = 0;

	/* The capability table's leaf for the slots the chain below uses is
	 * charged once, and stays: before the count. */
	task_cap_map(MICA_BOOT_TASK, MICA_BOOT_LOG, S_T0 + 80, MICA_R, false);
	task_cap_unmap(MICA_BOOT_TASK, S_T0 + 80, true);
	factory_quota(MICA_BOOT_FACTORY, &limit, &used0);
	expect("a payer of 256 KiB", factory_create_factory(MICA_BOOT_FACTORY, S_PAYER, 256 << 10), 0);
	payer0 = used_of(S_PAYER);
	expect("a paid factory that would leave the payer less than `keep`: ENOMEM",
	       factory_create_factory_paid(MICA_BOOT_FACTORY, S_PAID, 1 << 20, S_PAYER, (256 << 10) - payer0), -MICA_ENOMEM);
	expect("a keep of ~0: ENOMEM", factory_create_factory_paid(MICA_BOOT_FACTORY, S_PAID, 1 << 20, S_PAYER, ~0ull),
	       -MICA_ENOMEM);
	expect("... nothing charged", (long)used_of(S_PAYER), (long)payer0);
	expect("a factory paid by it, a limit of 1 MiB", factory_create_factory_paid(MICA_BOOT_FACTORY, S_PAID, 1 << 20, S_PAYER, 0), 0);
	expect("the payer is charged its record", used_of(S_PAYER) > payer0, 1);
	paid0 = used_of(S_PAYER);
	expect("a thread of the paid factory", factory_create_thread(S_PAID, S_T0), 0);
	expect("is charged to both", (long)(used_of(S_PAYER) - paid0), (long)used_of(S_PAID));
	while (made < 1000 && !(err = factory_create_thread(S_PAID, S_T0 + 1 + made)))
		made++;
	expect("the payer's 256 KiB end it before its own 1 MiB: ENOMEM", err, -MICA_ENOMEM);
	expect("the paid factory used less than its limit", used_of(S_PAID) < (1 << 20), 1);
	mica_printf("# %d more threads fit in the payer's 256 KiB\n", made);
	expect("the payer is full", used_of(S_PAYER) > (256 << 10) - 8 * MICA_PAGE_SIZE, 1);
	expect("destroying the paid factory", kobject_destroy(S_PAID), 0);
	expect("destroyed its threads", type_of(MICA_BOOT_TASK, S_T0), 0);
	expect("the payer's use is back, its record's too", (long)used_of(S_PAYER), (long)payer0);

	/* Its own limit binds too, and a payer's payer pays. */
	expect("a paid factory of 1 MiB", factory_create_factory_paid(MICA_BOOT_FACTORY, S_PAID, 1 << 20, S_PAYER, 0), 0);
	expect("a factory paid by the paid one, 16 KiB",
	       factory_create_factory_paid(MICA_BOOT_FACTORY, S_PAID2, 16 << 10, S_PAID, 0), 0);
	made = 0;
	while (made < 100 && !(err = factory_create_thread(S_PAID2, S_T0 + made)))
		made++;
	expect("its own 16 KiB bind first: ENOMEM", err, -MICA_ENOMEM);
	expect("what it used is its payer's and its payer's payer's",
	       used_of(S_PAID) > used_of(S_PAID2) && used_of(S_PAYER) > used_of(S_PAID) && used_of(S_PAID2) > 0, 1);

	/* The payer destroyed: the paid ones go on, and it stays until they go. */
	uint64_t factories0, factories;
	struct mica_meminfo m;
	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&m, sizeof m);
	factories0 = m.objects[MICA_KOBJ_FACTORY];
	expect("destroying the payer", kobject_destroy(S_PAYER), 0);
	expect("the paid factory still makes things", factory_create_irq(S_PAID, S_T0 + 50, 1), 0);
	expect("a factory paid by a destroyed payer: EBADCAP (its capability went)", factory_create_factory_paid(MICA_BOOT_FACTORY, S_T0 + 51, 4096, S_PAYER, 0), -MICA_EBADCAP);
	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&m, sizeof m);
	expect("the destroyed payer is still counted", m.objects[MICA_KOBJ_FACTORY], factories0);
	expect("the kernel's invariants hold with a destroyed payer", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), 0);
	expect("destroying the paid ones", kobject_destroy(S_PAID) | kobject_destroy(S_PAID2), 0);
	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&m, sizeof m);
	factories = m.objects[MICA_KOBJ_FACTORY];
	expect("the payer went with them", (long)factories, (long)factories0 - 3);

	/* Errors. */
	expect("a payer that is no factory: ETYPE", factory_create_factory_paid(MICA_BOOT_FACTORY, S_PAID, 4096, MICA_BOOT_LOG, 0), -MICA_ETYPE);
	expect("no payer: EBADCAP", factory_create_factory_paid(MICA_BOOT_FACTORY, S_PAID, 4096, 77, 0), -MICA_EBADCAP);
	expect("a read-only payer", task_cap_map(MICA_BOOT_TASK, MICA_BOOT_FACTORY, S_PAYER, MICA_R, false), 0);
	expect("... EPERM", factory_create_factory_paid(MICA_BOOT_FACTORY, S_PAID, 4096, S_PAYER, 0), -MICA_EPERM);
	task_cap_unmap(MICA_BOOT_TASK, S_PAYER, true);
	/* 64 payers deep at most. */
	mica_cap_t prev = MICA_BOOT_FACTORY;
	made = 0;
	while (made < 80 && !(err = factory_create_factory_paid(MICA_BOOT_FACTORY, S_T0 + made, 1 << 20, prev, 0)))
		prev = S_T0 + made++;
	expect("a chain of paid factories ends at 63 payers: ENOMEM", made * 100 + -err, 63 * 100 + MICA_ENOMEM);
	expect("the kernel's invariants hold with the chain", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), 0);
	while (made--)
		kobject_destroy(S_T0 + made);
	expect("the quota is back where it was", (long)(used_of(MICA_BOOT_FACTORY) - used0), 0);
}

/* Task.cap_label: the label of a gate of our own threads, none else's. */
static void cap_label_names_only_our_own_gates(void)
{
	uint64_t label = 0;

	expect("a gate labelled 0x5ca1ab1e", factory_create_gate(MICA_BOOT_FACTORY, S_GATE, MICA_BOOT_THREAD, 0x5ca1ab1e), 0);
	expect("a copy of it without X", task_cap_map(MICA_BOOT_TASK, S_GATE, S_A, MICA_W, false), 0);
	expect("Task.cap_label of the copy", task_cap_label(MICA_BOOT_TASK, S_A, &label), 0);
	expect("... is the gate's label", (long)label, 0x5ca1ab1e);
	expect("of the Log: ETYPE", task_cap_label(MICA_BOOT_TASK, MICA_BOOT_LOG, &label), -MICA_ETYPE);
	expect("of an empty slot: EBADCAP", task_cap_label(MICA_BOOT_TASK, 77, &label), -MICA_EBADCAP);
	expect("of slot 0: EBADCAP", task_cap_label(MICA_BOOT_TASK, 0, &label), -MICA_EBADCAP);
	expect("a read-only copy of our task", task_cap_map(MICA_BOOT_TASK, MICA_BOOT_TASK, S_B, MICA_R, false), 0);
	expect("Task.cap_label needs only R", task_cap_label(S_B, S_A, &label), 0);
	expect("a write-only copy of our task", task_cap_map(MICA_BOOT_TASK, MICA_BOOT_TASK, S_C, MICA_W, false), 0);
	expect("... EPERM", task_cap_label(S_C, S_A, &label), -MICA_EPERM);
	task_cap_unmap(MICA_BOOT_TASK, S_B, true);
	task_cap_unmap(MICA_BOOT_TASK, S_C, true);
	/* A gate to a thread of another task. */
	expect("a task", factory_create_task(MICA_BOOT_FACTORY, S_CHILD), 0);
	expect("a thread", factory_create_thread(MICA_BOOT_FACTORY, S_CHILD_THREAD), 0);
	expect("bound to it", thread_bind(S_CHILD_THREAD, S_CHILD, 0x7fff0000), 0);
	expect("a gate to that thread", factory_create_gate(MICA_BOOT_FACTORY, S_B, S_CHILD_THREAD, 7), 0);
	expect("its label is not ours to read: EPERM", task_cap_label(MICA_BOOT_TASK, S_B, &label), -MICA_EPERM);
	expect("copied into the task", task_cap_map(S_CHILD, S_B, 20, MICA_W, false) | task_cap_map(S_CHILD, S_GATE, 21, MICA_W, false), 0);
	expect("the task's own gate, in its table", task_cap_label(S_CHILD, 20, &label), 0);
	expect("... its label", (long)label, 7);
	expect("ours, in its table: EPERM", task_cap_label(S_CHILD, 21, &label), -MICA_EPERM);
	expect("the thread destroyed", kobject_destroy(S_CHILD_THREAD), 0);
	expect("a gate of no thread: EPERM", task_cap_label(S_CHILD, 20, &label), -MICA_EPERM);
	kobject_destroy(S_CHILD);
	kobject_destroy(S_B);
	kobject_destroy(S_GATE);
	task_cap_unmap(MICA_BOOT_TASK, S_A, true);
}

/* ---- partners that die mid-call ------------------------------------------- */

static struct qthread server = { .slot = S_SERVER };
static struct qthread client_thread = { .slot = S_CLIENT };
static volatile int client_result = 1, held, served_after;

/* Receives a call and keeps it (never replies) until told, then serves. */
static void holding_server(void *arg)
{
	mica_word_t tag, label;

	(void)arg;
	mica_ipc_wait(0, &tag, &label);
	held = 1;
	while (held == 1)
		mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
	/* The caller is gone by now. */
	served_after = mica_ipc_reply(mica_tag(0, 0, 0, 0));
	for (;;) {
		if (mica_ipc_wait(0, &tag, &label) == 0) {
			mica_utcb()->mr[0] = 77;
			mica_ipc_reply(mica_tag(0, 1, 0, 0));
		}
	}
}

static void calling_client(void *arg)
{
	mica_word_t tag;

	(void)arg;
	client_result = mica_ipc_call(40, mica_tag(1, 0, 0, 0), &tag);
}

static void sleep_ms(unsigned ms)
{
	mica_ipc_wait(mica_timeouts(0, ms * 1000), 0, 0);
}

static void partners_dying_mid_call_end_it_with_egone(void)
{
	mica_word_t tag;

	/* A server in another task dies while a client waits in call. */
	expect("server task", qtask_create(S_CHILD), 0);
	expect("server thread", qthread_start(&server, S_CHILD, 1, holding_server, 0), 0);
	expect("gate", factory_create_gate(MICA_BOOT_FACTORY, S_SERVER_GATE, S_SERVER, 1), 0);
	expect("the client gets it", task_cap_map(MICA_BOOT_TASK, S_SERVER_GATE, 40, MICA_W, false), 0);
	expect("client thread", qthread_start(&client_thread, MICA_BOOT_TASK, 2, calling_client, 0), 0);
	while (!held)
		sleep_ms(1);
	expect("the server holds the call", client_result, 1);
	expect("the server task is destroyed", kobject_destroy(S_CHILD), 0);
	while (client_result == 1)
		sleep_ms(1);
	expect("the waiting client gets EGONE", client_result, MICA_EGONE);
	kobject_destroy(S_CLIENT);
	kobject_destroy(S_SERVER_GATE);
	kobject_destroy(40);

	/* A client in another task dies while the server holds its reply capability. */
	held = 0;
	client_result = 1;
	expect("server thread here", qthread_start(&server, MICA_BOOT_TASK, 3, holding_server, 0), 0);
	expect("gate", factory_create_gate(MICA_BOOT_FACTORY, S_SERVER_GATE, S_SERVER, 1), 0);
	expect("client task", qtask_create(S_CHILD), 0);
	expect("the client task gets the gate", task_cap_map(S_CHILD, S_SERVER_GATE, 40, MICA_W, false), 0);
	expect("client thread there", qthread_start(&client_thread, S_CHILD, 2, calling_client, 0), 0);
	while (!held)
		sleep_ms(1);
	expect("the client task is destroyed", kobject_destroy(S_CHILD), 0);
	held = 2;
	while (!served_after)
		sleep_ms(1);
	expect("the server's reply gets EGONE", served_after, MICA_EGONE);
	mica_utcb()->mr[0] = 0;
	expect("the server goes on serving", mica_ipc_call(S_SERVER_GATE, mica_tag(1, 0, 0, 0), &tag), 0);
	expect("... with the right answer", (long)mica_utcb()->mr[0], 77);
	kobject_destroy(S_SERVER);
	expect("the server is gone: EGONE", mica_ipc_call(S_SERVER_GATE, mica_tag(1, 0, 0, 0), &tag), MICA_EGONE);
	kobject_destroy(S_SERVER_GATE);
}

/* ---- holds: Task.hold, Thread.hold, Thread.keep_running ----------------------
 * Threads of a child task count (each its own counter, in this program's
 * memory, which the child task maps too); one waits for an irq first. */
enum { H_COUNTER, H_KEEPER, H_WAITER, H_LATE, H_THREADS };
static struct qthread held_threads[H_THREADS] = {
	{ .slot = S_HELD }, { .slot = S_HELD + 1 }, { .slot = S_HELD + 2 }, { .slot = S_HELD + 3 },
};
static volatile uint64_t counts[H_THREADS];
static volatile int waiter_err = 99;
static volatile mica_word_t waiter_label;
static volatile int waiter_ready;   /* its pages are in: its next step is the wait */

static void count_on(void *arg)
{
	for (volatile uint64_t *c = &counts[(uintptr_t)arg];;)
		(*c)++;
}

static void wait_then_count(void *arg)
{
	mica_word_t tag, label;

	/* A wait that ends at once first, so that no fault of its own is
	 * left for the hold to find it in (a fault's IPC is a wait too). */
	mica_ipc_wait(mica_timeouts(0, MICA_TIMEOUT_ZERO), &tag, &label);
	waiter_ready = 1;
	waiter_err = mica_ipc_wait(0, &tag, &label);
	waiter_label = label;
	count_on(arg);
}

/* Whether counts[i] moves past `from` within 1,000 sleeps of 1 ms (a
 * bound on a failure, not a time checked). */
static int count_moves(int i, uint64_t from)
{
	for (int n = 0; n < 1000 && counts[i] == from; n++)
		sleep_ms(1);
	return counts[i] != from;
}

/* Whether counts[i] stays at its value across 20 sleeps of 1 ms, in which
 * any thread that may run does. */
static int count_stays(int i)
{
	uint64_t was = counts[i];

	sleep_ms(20);
	return counts[i] == was;
}

static uint32_t state_of(mica_cap_t thread)
{
	uint32_t state = 9;
	uint64_t id;

	thread_state(thread, &state, &id);
	return state;
}

/* A hold stops a task's threads but those that keep running, leaves their
 * IPC alone (a wait that ends while held is taken up at the release), and
 * its release resumes exactly what it stopped: a thread stopped meanwhile
 * stays stopped, one started meanwhile (or bound while held) runs. */
static void hold_resumes_only_what_it_stopped(void)
{
	struct qthread *t = held_threads;
	mica_cap_t counter = t[H_COUNTER].slot, waiter = t[H_WAITER].slot;

	expect("a child task", qtask_create(S_CHILD), 0);
	expect("a counting thread", qthread_start(&t[H_COUNTER], S_CHILD, 1, count_on, (void *)H_COUNTER), 0);
	expect("one that keeps running", qthread_create(&t[H_KEEPER], S_CHILD, 2, count_on, (void *)H_KEEPER) == 0 &&
						thread_keep_running(t[H_KEEPER].slot, true) == 0 &&
						thread_start(t[H_KEEPER].slot) == 0, 1);
	expect("one waiting for an irq", qthread_start(&t[H_WAITER], S_CHILD, 3, wait_then_count, (void *)H_WAITER),
	       0);
	expect("its irq", factory_create_irq(MICA_BOOT_FACTORY, S_HOLD_IRQ, 0x401d) == 0 &&
				  irq_bind(S_HOLD_IRQ, waiter) == 0, 1);
	expect("they count", count_moves(H_COUNTER, 0) && count_moves(H_KEEPER, 0), 1);
	for (int n = 0; n < 1000 && !(waiter_ready && state_of(waiter) == 2); n++)
		sleep_ms(1);   /* a bound on a failure, not a time checked */

	expect("Task.hold", task_hold(S_CHILD, true), 0);
	expect("the counting thread stands still", count_stays(H_COUNTER), 1);
	expect("Thread.state says stopped", state_of(counter), 0);
	expect("the one that keeps running counts on", count_moves(H_KEEPER, counts[H_KEEPER]), 1);
	expect("the waiter is still in its wait (blocked)", state_of(waiter), 2);
	expect("its irq triggered", irq_trigger(S_HOLD_IRQ), 0);
	expect("its wait ended, but it does not run", count_stays(H_WAITER) && waiter_err == 99, 1);
	expect("a thread bound to the held task and started", qthread_start(&t[H_LATE], S_CHILD, 4, count_on,
									    (void *)H_LATE), 0);
	expect("does not run", count_stays(H_LATE) && counts[H_LATE] == 0, 1);
	expect("the counting thread stopped (Thread.stop) while held", thread_stop(counter), 0);
	expect("a second Task.hold does nothing", task_hold(S_CHILD, true), 0);

	expect("the release", task_hold(S_CHILD, false), 0);
	expect("the waiter runs: its wait came back with the irq", count_moves(H_WAITER, 0) && waiter_err == 0 &&
									     waiter_label == 0x401d, 1);
	expect("the thread started while held runs", count_moves(H_LATE, 0), 1);
	expect("the thread stopped meanwhile stays stopped", count_stays(H_COUNTER) && state_of(counter) == 0, 1);

	expect("started again, it counts", thread_start(counter) == 0 && count_moves(H_COUNTER, counts[H_COUNTER]), 1);
	expect("Thread.hold", thread_hold(counter, true), 0);
	expect("it stands still", count_stays(H_COUNTER), 1);
	expect("Task.hold and its release", task_hold(S_CHILD, true) == 0 && task_hold(S_CHILD, false) == 0, 1);
	expect("its own hold still holds it", count_stays(H_COUNTER), 1);
	expect("Thread.hold released", thread_hold(counter, false), 0);
	expect("it counts again", count_moves(H_COUNTER, counts[H_COUNTER]), 1);
	expect("a release without a hold does nothing", thread_hold(counter, false) == 0 &&
								count_moves(H_COUNTER, counts[H_COUNTER]), 1);

	expect("the child task is destroyed", kobject_destroy(S_CHILD), 0);
	for (int i = 0; i < H_THREADS; i++)
		kobject_destroy(t[i].slot);
	kobject_destroy(S_HOLD_IRQ);
}

/* ---- holds and the IPC fast path --------------------------------------------
 * A call with words only to a server waiting open without a timeout, and
 * a reply-and-wait to such a caller, go straight to the partner (the fast
 * path, docs/ipc.md): a held partner must be parked all the same. */
static struct qthread fast_server = { .slot = S_HELD + 4 }, fast_client = { .slot = S_HELD + 5 };
static volatile int fast_got, fast_go, fast_err = 99, fast_done;
static volatile mica_word_t fast_answer;

/* Answers each call with its word plus one; with `arg`, only once
 * fast_go is set. */
static void adding_server(void *arg)
{
	mica_word_t tag, label;
	int err = mica_ipc_wait(0, &tag, &label);

	for (;;) {
		if (err) {
			err = mica_ipc_wait(0, &tag, &label);
			continue;
		}
		fast_got = 1;
		while (arg && !fast_go)
			mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
		mica_utcb()->mr[0]++;
		err = mica_ipc_reply_wait(mica_tag(0, 1, 0, 0), 0, &tag, &label);
	}
}

/* Calls the gate in slot (uintptr_t)arg with 41. */
static void fast_caller(void *arg)
{
	mica_word_t tag;

	mica_utcb()->mr[0] = 41;
	fast_err = mica_ipc_call((mica_cap_t)(uintptr_t)arg, mica_tag(1, 1, 0, 0), &tag);
	fast_answer = mica_utcb()->mr[0];
	fast_done = 1;
	for (;;)
		sleep_ms(1000);
}

static int invariants_hold(void)
{
	return mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0) == MICA_OK;
}

static void fast_path_partners_held_are_parked(void)
{
	mica_word_t tag;
	mica_cap_t server_thread = fast_server.slot, client = fast_client.slot;

	/* A held server: the call reaches it, it runs at the release. */
	expect("a server task", qtask_create(S_CHILD), 0);
	expect("its server", qthread_start(&fast_server, S_CHILD, 1, adding_server, 0), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_FAST_GATE, server_thread, 1), 0);
	mica_utcb()->mr[0] = 1;
	expect("it serves", mica_ipc_call(S_FAST_GATE, mica_tag(1, 1, 0, 0), &tag) == 0 && mica_utcb()->mr[0] == 2,
	       1);
	expect("Task.hold", task_hold(S_CHILD, true), 0);
	expect("the server, held, still waits (blocked)", state_of(server_thread), 2);
	expect("the invariants hold", invariants_hold(), 1);
	expect("a client calls it", qthread_start(&fast_client, MICA_BOOT_TASK, 5, fast_caller,
						  (void *)(uintptr_t)S_FAST_GATE), 0);
	sleep_ms(20);
	expect("the server took the call, but does not run", state_of(server_thread) == 0 && fast_err == 99, 1);
	expect("the client waits for the reply", state_of(client), 2);
	expect("the invariants hold", invariants_hold(), 1);
	expect("the release", task_hold(S_CHILD, false), 0);
	expect("the server runs and answers", qtest_wait(&fast_done) && fast_err == 0 && fast_answer == 42, 1);
	kobject_destroy(client);
	kobject_destroy(S_CHILD);
	kobject_destroy(server_thread);
	kobject_destroy(S_FAST_GATE);

	/* A held caller: the reply reaches it, it runs at the release. */
	fast_err = 99;
	fast_done = fast_got = 0;
	expect("a server here", qthread_start(&fast_server, MICA_BOOT_TASK, 6, adding_server, (void *)1), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_FAST_GATE, server_thread, 1), 0);
	expect("a client task", qtask_create(S_CHILD), 0);
	expect("... with the gate", task_cap_map(S_CHILD, S_FAST_GATE, 40, MICA_W, false), 0);
	expect("its client calls", qthread_start(&fast_client, S_CHILD, 1, fast_caller, (void *)40), 0);
	expect("the server has the call", qtest_wait(&fast_got), 1);
	expect("Task.hold", task_hold(S_CHILD, true), 0);
	expect("the client, held, still waits for the reply", state_of(client), 2);
	expect("the invariants hold", invariants_hold(), 1);
	fast_go = 1;
	sleep_ms(20);
	expect("the reply came, but the client does not run", state_of(client) == 0 && fast_err == 99, 1);
	expect("the server waits again", state_of(server_thread), 2);
	expect("the invariants hold", invariants_hold(), 1);
	expect("the release", task_hold(S_CHILD, false), 0);
	expect("the client runs with the answer", qtest_wait(&fast_done) && fast_err == 0 && fast_answer == 42, 1);
	kobject_destroy(S_CHILD);
	kobject_destroy(client);
	kobject_destroy(server_thread);
	kobject_destroy(S_FAST_GATE);
}

/* A request the kernel refuses leaves everything as it was: the checks
 * come before the first change. */
static void refused_invocations_change_nothing(void)
{
	uint64_t limit, used, used_after;

	expect("an irq to copy", factory_create_irq(MICA_BOOT_FACTORY, S_ANCESTOR, 1), 0);
	expect("a copy derived from it", task_cap_map(MICA_BOOT_TASK, S_ANCESTOR, S_DERIVED, MICA_RWX, false), 0);
	expect("mapping the copy over its ancestor: EBADCAP",
	       task_cap_map(MICA_BOOT_TASK, S_DERIVED, S_ANCESTOR, MICA_RWX, false), -MICA_EBADCAP);
	expect("... the ancestor is still there", type_of(MICA_BOOT_TASK, S_ANCESTOR), TYPE_IRQ);
	expect("... and so is the copy", type_of(MICA_BOOT_TASK, S_DERIVED), TYPE_IRQ);
	expect("granting the copy over its ancestor: EBADCAP",
	       task_cap_map(MICA_BOOT_TASK, S_DERIVED, S_ANCESTOR, MICA_RWX, true), -MICA_EBADCAP);
	expect("... the ancestor is still there", type_of(MICA_BOOT_TASK, S_ANCESTOR), TYPE_IRQ);
	expect("... and so is the copy", type_of(MICA_BOOT_TASK, S_DERIVED), TYPE_IRQ);
	expect("mapping a capability onto itself: EINVAL",
	       task_cap_map(MICA_BOOT_TASK, S_DERIVED, S_DERIVED, MICA_R, false), -MICA_EINVAL);
	expect("... it keeps its rights", (long)rights_of(MICA_BOOT_TASK, S_DERIVED), MICA_RWX);
	kobject_destroy(S_ANCESTOR);

	expect("Factory.quota before", factory_quota(MICA_BOOT_FACTORY, &limit, &used), 0);
	expect("creating into slot 0: EBADCAP", factory_create_irq(MICA_BOOT_FACTORY, 0, 1), -MICA_EBADCAP);
	expect("creating beyond the table: EBADCAP", factory_create_task(MICA_BOOT_FACTORY, 1u << 20),
	       -MICA_EBADCAP);
	expect("a gate for a thread of a slot beyond the table: EBADCAP",
	       factory_create_gate(MICA_BOOT_FACTORY, 1u << 20, MICA_BOOT_THREAD, 1), -MICA_EBADCAP);
	expect("Factory.quota after", factory_quota(MICA_BOOT_FACTORY, &limit, &used_after), 0);
	expect("... nothing was charged", (long)used_after, (long)used);
}

static const struct qtest_case cases[] = {
	{ "boot_capabilities_are_installed", boot_capabilities_are_installed },
	{ "bad_invocations_are_error_codes", bad_invocations_are_error_codes },
	{ "unmap_revokes_derived_capabilities", unmap_revokes_derived_capabilities },
	{ "cap_copy_fills_only_empty_slots", cap_copy_fills_only_empty_slots },
	{ "cap_sibling_outlives_its_source", cap_sibling_outlives_its_source },
	{ "last_reference_notifies_the_watcher", last_reference_notifies_the_watcher },
	{ "factory_quotas_bound_kernel_memory", factory_quotas_bound_kernel_memory },
	{ "paid_factories_charge_their_payer", paid_factories_charge_their_payer },
	{ "cap_label_names_only_our_own_gates", cap_label_names_only_our_own_gates },
	{ "partners_dying_mid_call_end_it_with_egone", partners_dying_mid_call_end_it_with_egone },
	{ "refused_invocations_change_nothing", refused_invocations_change_nothing },
	{ "hold_resumes_only_what_it_stopped", hold_resumes_only_what_it_stopped },
	{ "fast_path_partners_held_are_parked", fast_path_partners_held_are_parked },
};

int main(int argc, char **argv)
{
	(void)argc;
	(void)nothing;
	return QTEST_RUN(argv[0], cases);
}
