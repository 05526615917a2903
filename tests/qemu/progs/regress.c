/*
 * regress.c - kernel bugs the fuzzer found, each reduced to the few
 * invocations that trigger it (docs/testing.md, "The kernel fuzzer"):
 * `regress NAME` runs one case, so that a case that panics the kernel
 * does not hide the others (one scenario per case).
 */
#include "qtest.h"

#include <common/string.h>
#include <libsys/thread.h>
#include <mica/object.h>
#include <mica/sched.h>
#include <mica/syscall.h>


#include <idl/kernel/factory.h>
#include <idl/kernel/gate.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>

enum { S_TASK = 10, S_SUB, S_THREAD, S_SUB2, S_CHILD_THREAD = 20 };

/* A sub-factory and the last object it made lose their last capabilities
 * in one operation, the factory's first (here: the task holding both
 * dies, and its table is emptied slot by slot).  The object is destroyed
 * first, gives the factory's last bytes back, and the factory is freed --
 * while it is still queued for destruction. */
static void factory_freed_while_queued(void)
{
	expect("a task", factory_create_task(MICA_BOOT_FACTORY, S_TASK), 0);
	expect("a sub-factory", factory_create_factory(MICA_BOOT_FACTORY, S_SUB, 64 << 10), 0);
	expect("a thread from it", factory_create_thread(S_SUB, S_THREAD), 0);
	expect("the factory's capability moves to the task's slot 1",
	       task_cap_map(S_TASK, S_SUB, 1, MICA_RWX, true), 0);
	expect("the thread's to its slot 2", task_cap_map(S_TASK, S_THREAD, 2, MICA_RWX, true), 0);
	expect("the task is destroyed", kobject_destroy(S_TASK), 0);
}

/* A factory with a quota of 0 gives its parent back 0 bytes when it goes.
 * When that parent is being destroyed and this was its last object, the
 * parent is freed by the object's bytes and then once more by the 0 bytes
 * of quota: its own parent gets its quota back twice. */
static void zero_quota_factory_frees_parent_twice(void)
{
	uint64_t limit, before, after;

	factory_quota(MICA_BOOT_FACTORY, &limit, &before);
	expect("a sub-factory", factory_create_factory(MICA_BOOT_FACTORY, S_SUB, 64 << 10), 0);
	expect("a sub-factory of it with a quota of 0", factory_create_factory(S_SUB, S_SUB2, 0), 0);
	expect("the first is destroyed", kobject_destroy(S_SUB), 0);
	factory_quota(MICA_BOOT_FACTORY, &limit, &after);
	expect("the boot factory's use is back where it was", (long)(after - before), 0);
}

/* A page mapped where a thread's UTCB is: Task.mem_map puts a mapping
 * node there over the UTCB's page-table entry, and the thread's end then
 * clears the entry under the node. */
static uint8_t page[4096] __attribute__((aligned(4096)));

static void mem_map_over_utcb(void)
{
	const uint64_t utcb = 0x7fff00100000ull;
	struct mica_meminfo before, after;

	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&before, sizeof before);
	expect("a task", factory_create_task(MICA_BOOT_FACTORY, S_TASK), 0);
	expect("a thread bound to it", factory_create_thread(MICA_BOOT_FACTORY, S_THREAD), 0);
	expect("... with its UTCB at a known address", thread_bind(S_THREAD, S_TASK, utcb), 0);
	int err = task_mem_map(S_TASK, mica_fpage((uint64_t)page, 12, MICA_RWX), utcb, false);
	mica_printf("# Task.mem_map onto the UTCB: %d\n", err);
	expect("the thread is destroyed", kobject_destroy(S_THREAD), 0);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	expect("the task is destroyed", kobject_destroy(S_TASK), 0);
	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&after, sizeof after);
	expect("mapping nodes are back", (long)(after.mapnodes - before.mapnodes), 0);
}

/* A thread of a child task ends its task with MICA_DEBUG_EXIT: its
 * threads are stopped, itself inside the kernel.  Starting it again from
 * another task resumes it there. */
static struct qthread exiting = { .slot = S_CHILD_THREAD };

static void exit_task(void *arg)
{
	(void)arg;
	mica_debug(MICA_CAP_NULL, MICA_DEBUG_EXIT, 3, 0);
}

static void debug_exit_then_start(void)
{
	uint32_t state = 9;
	uint64_t id;

	expect("a child task", qtask_create(S_TASK), 0);
	expect("a thread there that ends its task", qthread_start(&exiting, S_TASK, 1, exit_task, 0), 0);
	for (int i = 0; i < 100 && state != 0; i++) {
		mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
		thread_state(S_CHILD_THREAD, &state, &id);
	}
	expect("it is stopped", state, 0);
	expect("started again: the kernel must not resume it inside the exit", thread_start(S_CHILD_THREAD), 0);
	mica_ipc_wait(mica_timeouts(0, 2000), 0, 0);
	expect("the task is destroyed", kobject_destroy(S_TASK), 0);
	kobject_destroy(S_CHILD_THREAD);
}

/* ---- the IPC transfer path ---------------------------------------------------
 * A receiving thread (ipc_receiver) behind gate S_RGATE takes one message
 * with the buffer registers the case gives it, records what came, and
 * answers (with a string item when the case asks for one). */

enum { S_RTHREAD = 30, S_RGATE, S_WGATE, S_WCOPY, S_WIRQ, S_COPY0, S_COPY_R, S_COPY_W, S_RSLOT = 40 };
#define RGATE_LABEL 0x5150
#define WIRQ_LABEL 0x1719
#define BUF_OVER_MR2 1   /* rcpt.br[i] == this: the receiver's own &MR[2] */

struct ipc_receipt {
	mica_word_t br[8];
	mica_word_t reply_string, reply_len;   /* answer with this string item (0: words only) */
	int waits;                             /* 2: one more open wait (timeout zero) after the message */
	int err, err2;
	mica_word_t tag, label, label2, error, mr[8];
	volatile int done;
};

static struct qthread ipc_receiver_thread = { .slot = S_RTHREAD };
static struct ipc_receipt rcpt;

static void ipc_receiver(void *arg)
{
	struct ipc_receipt *r = arg;
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag;

	for (int i = 0; i < 8; i++)
		u->br[i] = r->br[i] == BUF_OVER_MR2 && i >= MICA_BR_FIRST ? (mica_word_t)&u->mr[2] : r->br[i];
	r->err = mica_ipc_wait(0, &r->tag, &r->label);
	r->error = u->error;
	for (int i = 0; i < 8; i++)
		r->mr[i] = u->mr[i];
	if (r->waits > 1)
		r->err2 = mica_ipc_wait(mica_timeouts(0, MICA_TIMEOUT_ZERO), &tag, &r->label2);
	r->done = 1;
	if (!r->err) {
		u->mr[0] = mica_item_string((uint32_t)r->reply_len);
		u->mr[1] = r->reply_string;
		mica_ipc_reply(mica_tag(0, 0, r->reply_len ? 1 : 0, 0));
	}
	for (;;)
		mica_ipc_wait(0, 0, 0);   /* out of the way until destroyed */
}

/* Start the receiver in `task` (ours or a child's) with `br`. */
static void start_ipc_receiver(mica_cap_t task, const mica_word_t *br)
{
	for (int i = 0; i < 8; i++)
		rcpt.br[i] = br[i];
	rcpt.done = 0;
	expect("a receiving thread", qthread_start(&ipc_receiver_thread, task, 3, ipc_receiver, &rcpt), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_RGATE, S_RTHREAD, RGATE_LABEL), 0);
	for (int i = 0; i < 20; i++)
		thread_yield(MICA_BOOT_THREAD);   /* let it reach its wait */
}

static void wait_ipc_receipt(void)
{
	for (int i = 0; i < 1000 && !rcpt.done; i++)
		thread_yield(MICA_BOOT_THREAD);
}

static void stop_ipc_receiver(void)
{
	kobject_destroy(S_RGATE);
	kobject_destroy(S_RTHREAD);
}

/* A capability item lands in the receive slot holding the last client copy
 * of a watched gate: removing that copy fires the watch irq, bound to the
 * receiver -- which is still in the middle of receiving.  The notification
 * must come after the message, not inside its transfer. */
static void watch_fired_inside_send(void)
{
	mica_word_t br[8] = { 0, mica_br_desc(1, 0, 0), S_WCOPY };
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag;

	rcpt.waits = 2;
	start_ipc_receiver(MICA_BOOT_TASK, br);
	expect("a watched gate", factory_create_gate(MICA_BOOT_FACTORY, S_WGATE, S_RTHREAD, 7), 0);
	expect("an irq", factory_create_irq(MICA_BOOT_FACTORY, S_WIRQ, WIRQ_LABEL), 0);
	expect("bound to the receiver", irq_bind(S_WIRQ, S_RTHREAD), 0);
	expect("the gate watches through it", gate_watch(S_WGATE, S_WIRQ), 0);
	expect("its one client copy sits in the receiver's slot",
	       task_cap_map(MICA_BOOT_TASK, S_WGATE, S_WCOPY, MICA_W, false), 0);
	u->mr[0] = mica_item_cap(MICA_R, 0);
	u->mr[1] = MICA_BOOT_LOG;
	expect("a call whose capability item replaces that copy", mica_ipc_call(S_RGATE, mica_tag(1, 0, 1, 0), &tag), 0);
	wait_ipc_receipt();
	expect("the receiver got the message", rcpt.err, 0);
	expect("... through its gate", (long)rcpt.label, RGATE_LABEL);
	expect("then the watch's notification", rcpt.err2, 0);
	expect("... with the irq's label", (long)rcpt.label2, WIRQ_LABEL);
	stop_ipc_receiver();
	kobject_destroy(S_WGATE);
	kobject_destroy(S_WIRQ);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
}

/* A receiver in another task declares a string buffer over its own
 * message registers MR[2..]: the string's bytes land where the next item
 * is, and a kernel reading items back from there would transfer what they
 * say -- here a capability item naming the sender's own Task. */
static void receive_buffer_over_utcb(void)
{
	static mica_word_t forged[2];
	mica_word_t br[8] = { 0, mica_br_desc(1, 1, 0), S_RSLOT, BUF_OVER_MR2, 2 * sizeof(mica_word_t) };
	struct mica_utcb *u = mica_utcb();
	uint32_t type = 9, rights;
	mica_word_t tag;

	forged[0] = mica_item_cap(MICA_RWX, 0);
	forged[1] = MICA_BOOT_TASK;
	expect("a child task", qtask_create(S_TASK), 0);
	start_ipc_receiver(S_TASK, br);
	u->mr[0] = mica_item_string(sizeof forged);
	u->mr[1] = (mica_word_t)forged;
	u->mr[2] = mica_item_cap(MICA_R, 0);
	u->mr[3] = MICA_BOOT_LOG;
	expect("a buffer over the receiver's UTCB is refused: ENOBUF",
	       mica_ipc_call(S_RGATE, mica_tag(1, 0, 2, 0), &tag), MICA_ENOBUF);
	task_cap_info(S_TASK, S_RSLOT, &type, &rights);
	expect("the receiver did not get the sender's Task", type != 1, 1);
	expect("its slot is empty", type, 0);
	stop_ipc_receiver();
	expect("the task is destroyed", kobject_destroy(S_TASK), 0);
}

/* Device memory (not in the kernel's direct map) as a string's source or
 * receive buffer: refused with EFAULT, no kernel fault. */
static void string_from_device_memory(void)
{
	const uint64_t device = MICA_BOOT_PHYS_WINDOW + 0xfd000000ull;
	static char text[16] = "device memory";
	mica_word_t br[8] = { 0, mica_br_desc(0, 1, 0), device, 64 };
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag;

	mica_printf("# device page reads %#lx\n", (unsigned long)*(volatile uint8_t *)device);
	start_ipc_receiver(MICA_BOOT_TASK, br);
	u->mr[0] = mica_item_string(16);
	u->mr[1] = (mica_word_t)text;
	expect("a receive buffer in device memory: EFAULT", mica_ipc_call(S_RGATE, mica_tag(1, 0, 1, 0), &tag),
	       MICA_EFAULT);
	stop_ipc_receiver();
	static char area[64];
	mica_word_t br2[8] = { 0, mica_br_desc(0, 1, 0), (mica_word_t)area, sizeof area };
	start_ipc_receiver(MICA_BOOT_TASK, br2);
	u->mr[0] = mica_item_string(16);
	u->mr[1] = device;
	expect("a string from device memory: EFAULT", mica_ipc_call(S_RGATE, mica_tag(1, 0, 1, 0), &tag), MICA_EFAULT);
	stop_ipc_receiver();
}

/* Gate rights: sending and calling need W; a gate arrives as its label
 * (MICA_BR_LOCAL_ID) only with W too. */
static void gate_rights_checked(void)
{
	mica_word_t br[8] = { 0, mica_br_desc(1, 0, MICA_BR_LOCAL_ID), S_RSLOT };
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag;
	uint32_t type = 0, rights = 9;

	start_ipc_receiver(MICA_BOOT_TASK, br);
	expect("a rights-0 copy of the gate", task_cap_map(MICA_BOOT_TASK, S_RGATE, S_COPY0, 0, false), 0);
	expect("an R copy", task_cap_map(MICA_BOOT_TASK, S_RGATE, S_COPY_R, MICA_R | MICA_X, false), 0);
	expect("a W copy", task_cap_map(MICA_BOOT_TASK, S_RGATE, S_COPY_W, MICA_W, false), 0);
	expect("a words-only call through the rights-0 copy: EPERM (fast path)",
	       mica_ipc_call(S_COPY0, mica_tag(1, 1, 0, 0), &tag), MICA_EPERM);
	expect("a send through it: EPERM", mica_ipc_send(S_COPY0, mica_tag(1, 1, 0, 0)), MICA_EPERM);
	u->mr[0] = mica_item_cap(MICA_R, 0);
	u->mr[1] = MICA_BOOT_LOG;
	expect("a call with an item through the R|X copy: EPERM (general path)",
	       mica_ipc_call(S_COPY_R, mica_tag(1, 0, 1, 0), &tag), MICA_EPERM);
	expect("the receiver still waits", rcpt.done, 0);
	/* The receiver's own gate, sent without W: not identified. */
	u->mr[0] = mica_item_cap(MICA_RWX, 0);
	u->mr[1] = S_COPY0;
	expect("a call through the W copy carrying the rights-0 copy", mica_ipc_call(S_COPY_W, mica_tag(1, 0, 1, 0), &tag),
	       0);
	wait_ipc_receipt();
	expect("the receiver got it", rcpt.err, 0);
	expect("not as its gate's label", (rcpt.mr[0] & MICA_ITEM_F_LOCAL) != 0, 0);
	expect("but as a capability in its slot", (long)rcpt.mr[1], S_RSLOT);
	task_cap_info(MICA_BOOT_TASK, S_RSLOT, &type, &rights);
	expect("a gate with no rights", (long)(type * 10 + rights), 30);
	stop_ipc_receiver();
	kobject_destroy(S_RSLOT);
}

/* String copies set Accessed/Dirty in the receiver's page tables (and
 * Accessed in the sender's), so that Task.mem_unmap's status sees them.
 * The receiver runs in a child task, where our pages are derived mappings
 * nobody touched. */
static uint8_t rx_page[4096] __attribute__((aligned(4096)));
static uint8_t tx_page[4096] __attribute__((aligned(4096)));

static void string_sets_accessed_dirty(void)
{
	mica_word_t br[8] = { 0, mica_br_desc(0, 1, 0), (mica_word_t)rx_page, 64 };
	static char text[16] = "lands in rx_page", answer[64];
	struct mica_utcb *u = mica_utcb();
	uint32_t rx_status = 0, tx_status = 0;
	mica_word_t tag;

	tx_page[0] = 'a';
	rx_page[0] = 0;
	expect("a child task", qtask_create(S_TASK), 0);
	rcpt.reply_string = (mica_word_t)tx_page;
	rcpt.reply_len = 16;
	start_ipc_receiver(S_TASK, br);
	u->br[MICA_BR_DESC] = mica_br_desc(0, 1, 0);
	u->br[MICA_BR_FIRST] = (mica_word_t)answer;
	u->br[MICA_BR_FIRST + 1] = sizeof answer;
	u->mr[0] = mica_item_string(16);
	u->mr[1] = (mica_word_t)text;
	expect("a string into the child's copy of rx_page, one back from tx_page",
	       mica_ipc_call(S_RGATE, mica_tag(1, 0, 1, 0), &tag), 0);
	u->br[MICA_BR_DESC] = 0;
	expect("it landed", rx_page[0], 'l');
	expect("the answer came", answer[0], 'a');
	expect("Task.mem_unmap of rx_page's copies", task_mem_unmap(MICA_BOOT_TASK, mica_fpage((mica_word_t)rx_page, 12, MICA_W),
									 false, &rx_status), 0);
	expect("says written", rx_status & 2, 2);
	expect("Task.mem_unmap of tx_page's copies", task_mem_unmap(MICA_BOOT_TASK, mica_fpage((mica_word_t)tx_page, 12, MICA_W),
									 false, &tx_status), 0);
	expect("says read", tx_status & 1, 1);
	stop_ipc_receiver();
	expect("the task is destroyed", kobject_destroy(S_TASK), 0);
}

/* An item error: both sides' error word names the failed item, the items
 * before it arrived (the receiver's tag counts them, so that it finds them
 * and can drop them), the ones after it were not looked at. */
static void item_error_reports_arrivals(void)
{
	mica_word_t br[8] = { 0, mica_br_desc(3, 0, 0), S_RSLOT, S_RSLOT + 1, S_RSLOT + 2 };
	static char text[8] = "nowhere";
	struct mica_utcb *u = mica_utcb();
	uint32_t type = 9, rights;
	mica_word_t tag;

	start_ipc_receiver(MICA_BOOT_TASK, br);
	u->mr[0] = 0x77;
	u->mr[1] = mica_item_cap(MICA_R, 0);
	u->mr[2] = MICA_BOOT_LOG;
	u->mr[3] = mica_item_cap(MICA_R, 0);
	u->mr[4] = MICA_BOOT_ICU;
	u->mr[5] = mica_item_string(8);   /* the receiver has no string buffer */
	u->mr[6] = (mica_word_t)text;
	u->mr[7] = mica_item_cap(MICA_R, 0);
	u->mr[8] = MICA_BOOT_LOG;
	u->error = 99;
	expect("the third item fails: ENOBUF", mica_ipc_call(S_RGATE, mica_tag(1, 1, 4, 0), &tag), MICA_ENOBUF);
	expect("the sender's error word names it", (long)u->error, 2);
	wait_ipc_receipt();
	expect("the receiver sees ENOBUF", rcpt.err, MICA_ENOBUF);
	expect("its error word names the item", (long)rcpt.error, 2);
	expect("its tag counts the words", mica_tag_words(rcpt.tag), 1);
	expect("and the two items that arrived", mica_tag_items(rcpt.tag), 2);
	expect("the words arrived", (long)rcpt.mr[0], 0x77);
	expect("the first item names its slot", (long)rcpt.mr[2], S_RSLOT);
	expect("the second too", (long)rcpt.mr[4], S_RSLOT + 1);
	task_cap_info(MICA_BOOT_TASK, S_RSLOT + 1, &type, &rights);
	expect("the second slot holds the Icu", type, 6);
	task_cap_info(MICA_BOOT_TASK, S_RSLOT + 2, &type, &rights);
	expect("the item after the failed one did not arrive", type, 0);
	stop_ipc_receiver();
	kobject_destroy(S_RSLOT);
	kobject_destroy(S_RSLOT + 1);
}

/* A message's strings together carry at most MICA_STRING_MAX bytes (the
 * copy runs with interrupts off). */
static uint8_t big_src[80 << 10], big_dst[80 << 10];

static void string_length_bounded(void)
{
	mica_word_t br[8] = { 0, mica_br_desc(0, 2, 0), (mica_word_t)big_dst, 40 << 10, (mica_word_t)big_dst + (40 << 10),
			      40 << 10 };
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag;

	mica_ipc_touch(big_src, sizeof big_src, 0);
	mica_ipc_touch(big_dst, sizeof big_dst, 1);
	start_ipc_receiver(MICA_BOOT_TASK, br);
	u->mr[0] = mica_item_string(36 << 10);
	u->mr[1] = (mica_word_t)big_src;
	u->mr[2] = mica_item_string(36 << 10);
	u->mr[3] = (mica_word_t)big_src;
	expect("two strings of 36 KiB (72 KiB together): E2BIG", mica_ipc_call(S_RGATE, mica_tag(1, 0, 2, 0), &tag),
	       MICA_E2BIG);
	wait_ipc_receipt();
	expect("the receiver sees E2BIG", rcpt.err, MICA_E2BIG);
	stop_ipc_receiver();
	start_ipc_receiver(MICA_BOOT_TASK, br);
	big_src[(32 << 10) - 1] = 0x5a;
	u->mr[0] = mica_item_string(32 << 10);
	u->mr[1] = (mica_word_t)big_src;
	u->mr[2] = mica_item_string(32 << 10);
	u->mr[3] = (mica_word_t)big_src;
	expect("two of 32 KiB (64 KiB together) travel", mica_ipc_call(S_RGATE, mica_tag(1, 0, 2, 0), &tag), 0);
	expect("to their last byte", big_dst[(40 << 10) + (32 << 10) - 1], 0x5a);
	stop_ipc_receiver();
}

/* ---- the architecture layer ------------------------------------------------
 * Segment registers, I/O ports and the kernel's calls to fault handlers.
 * The main thread waits for reports on two gates of its own: one its
 * helpers send to when done (label A_DONE), one that is their exception
 * handler (label A_EXC), so that a fault is an answer, not a hang. */

#include <libsys/port.h>

enum { A_TASK1 = 40, A_TASK2, A_TH1, A_TH2, A_DONE_GATE, A_EXC_GATE, A_GATE1, A_GATE2 };
enum { A_DONE = 0xd0, A_EXC = 0xe0 };
/* Slots in the helper tasks' tables. */
enum { A_IN_DONE = 1, A_IN_GATE, A_IN_TASK };

static struct qthread a_th1 = { .slot = A_TH1 }, a_th2 = { .slot = A_TH2 };

/* The main thread's two gates, and the second's slot in each helper task. */
static void a_report_gates(void)
{
	expect("a gate for reports", factory_create_gate(MICA_BOOT_FACTORY, A_DONE_GATE, MICA_BOOT_THREAD, A_DONE), 0);
	expect("a gate for exceptions", factory_create_gate(MICA_BOOT_FACTORY, A_EXC_GATE, MICA_BOOT_THREAD, A_EXC), 0);
}

/* The next report: its gate's label, and the exception's vector (mr[1]). */
static mica_word_t a_next_report(uint64_t *vector)
{
	mica_word_t tag, label = 0;
	int err = mica_ipc_wait(mica_timeouts(0, 2000000), &tag, &label);

	if (err)
		return 0;
	*vector = label == A_EXC ? mica_utcb()->mr[1] : ~0ull;
	return label;
}

/* A thread loads gs and fs (gs base 0: no UTCB through gs any more) and
 * calls a thread of another task whose UTCB is at the same address: that
 * thread must find its own UTCB through gs, and its own selectors.  The
 * first gets its selectors and base back after the round trip. */
static volatile uint64_t a_utcb_seen, a_segs_seen = ~0ull, a_segs_kept, a_base_kept;
static volatile uint64_t a_marker = 0x5eed;

static void gs_loader(void *arg)
{
	uint16_t sel = 0x23;
	uint64_t fs, gs, marker;

	(void)arg;
	__asm__ volatile("mov %0, %%gs; mov %0, %%fs" : : "r"(sel));
	/* No UTCB from here on: a call without words needs none. */
	mica_ipc_call(A_IN_GATE, mica_tag(0, 0, 0, 0), 0);
	__asm__ volatile("mov %%fs, %0; mov %%gs, %1" : "=r"(fs), "=r"(gs));
	a_segs_kept = fs << 16 | gs;
	/* gs base 0: %gs:addr is addr. */
	__asm__ volatile("mov %%gs:(%1), %0" : "=r"(marker) : "r"(&a_marker));
	a_base_kept = marker;
	mica_ipc_send(A_IN_DONE, mica_tag(0, 0, 0, 0));
	for (;;)
		mica_ipc_wait(0, 0, 0);
}

static void gs_reader(void *arg)
{
	mica_word_t tag, label;
	uint64_t fs, gs;

	(void)arg;
	mica_ipc_wait(0, &tag, &label);
	__asm__ volatile("mov %%fs, %0; mov %%gs, %1" : "=r"(fs), "=r"(gs));
	a_segs_seen = fs << 16 | gs;
	a_utcb_seen = mica_utcb()->self;   /* through gs */
	mica_ipc_reply(mica_tag(0, 0, 0, 0));
	mica_ipc_send(A_IN_DONE, mica_tag(0, 0, 0, 0));
}

static void gs_base_per_thread(void)
{
	const uint64_t utcb = 0x00007fff80000000ull + 4096;   /* qthread_start's index 1 */
	uint64_t vector;
	int done = 0, fault = 0;

	a_report_gates();
	expect("a task for the loader", qtask_create(A_TASK1), 0);
	expect("a task for the reader", qtask_create(A_TASK2), 0);
	expect("the reader, its UTCB at index 1", mica_thread_create(MICA_BOOT_FACTORY, A_TASK2, A_TH2, utcb,
								     gs_reader, 0, a_th2.stack, sizeof a_th2.stack, 0), 0);
	expect("the loader, its UTCB at the same address", mica_thread_create(MICA_BOOT_FACTORY, A_TASK1, A_TH1, utcb,
									     gs_loader, 0, a_th1.stack, sizeof a_th1.stack, 0), 0);
	expect("a gate to the reader", factory_create_gate(MICA_BOOT_FACTORY, A_GATE2, A_TH2, 1), 0);
	expect("... in the loader's table", task_cap_map(A_TASK1, A_GATE2, A_IN_GATE, MICA_RWX, false), 0);
	expect("the report gate in both", task_cap_map(A_TASK1, A_DONE_GATE, A_IN_DONE, MICA_RWX, false) ||
		       task_cap_map(A_TASK2, A_DONE_GATE, A_IN_DONE, MICA_RWX, false), 0);
	expect("their exceptions come here", thread_set_handlers(A_TH1, 0, A_EXC_GATE) ||
		       thread_set_handlers(A_TH2, 0, A_EXC_GATE), 0);
	/* The reader first, so that it waits when the loader calls. */
	expect("the reader starts", thread_start(A_TH2), 0);
	expect("the loader starts", thread_start(A_TH1), 0);
	while (done < 2 && !fault) {
		mica_word_t label = a_next_report(&vector);
		if (label == A_DONE)
			done++;
		else
			fault = 1;
	}
	expect("no fault (the reader's gs base is its UTCB)", fault, 0);
	expect("the reader found its UTCB through gs", (long)a_utcb_seen, (long)utcb);
	expect("... and its own fs and gs selectors (0)", (long)a_segs_seen, 0);
	expect("the loader kept its selectors", (long)a_segs_kept, 0x23 << 16 | 0x23);
	expect("... and its gs base (0)", (long)a_base_kept, 0x5eed);
	kobject_destroy(A_TASK1);
	kobject_destroy(A_TASK2);
	kobject_destroy(A_TH1);
	kobject_destroy(A_TH2);
}

/* I/O ports taken back while their task is not running must be gone when
 * it runs again.  The revoker is a task without ports, so that the CPU's
 * copy of the first task's bitmap is not replaced in between. */
#define A_PORT 0x80   /* the POST port: harmless */

static volatile int a_first_out;

static void port_user(void *arg)
{
	(void)arg;
	mica_outb(A_PORT, 1);
	a_first_out = 1;
	mica_ipc_call(A_IN_GATE, mica_tag(0, 0, 0, 0), 0);   /* the revoker takes the port */
	mica_outb(A_PORT, 2);   /* a general-protection fault */
	mica_ipc_send(A_IN_DONE, mica_tag(0, 0, 0, 0));
}

static volatile int a_revoke_err = 1;

static void port_revoker(void *arg)
{
	mica_word_t tag, label;

	(void)arg;
	mica_ipc_wait(0, &tag, &label);
	a_revoke_err = task_io_unmap(A_IN_TASK, mica_io_fpage(A_PORT, 0));
	mica_ipc_reply(mica_tag(0, 0, 0, 0));
	for (;;)
		mica_ipc_wait(0, 0, 0);
}

static void io_unmap_while_cached(void)
{
	uint64_t vector = ~0ull;

	a_report_gates();
	expect("a task given the port", qtask_create(A_TASK1), 0);
	expect("... the port", task_io_map(A_TASK1, mica_io_fpage(A_PORT, 0)), 0);
	expect("a task without ports", qtask_create(A_TASK2), 0);
	expect("... holding the first's capability", task_cap_map(A_TASK2, A_TASK1, A_IN_TASK, MICA_RWX, false), 0);
	expect("the revoker", qthread_start(&a_th2, A_TASK2, 1, port_revoker, 0), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, A_GATE2, A_TH2, 1), 0);
	expect("... in the first task's table", task_cap_map(A_TASK1, A_GATE2, A_IN_GATE, MICA_RWX, false), 0);
	expect("the report gate there", task_cap_map(A_TASK1, A_DONE_GATE, A_IN_DONE, MICA_RWX, false), 0);
	expect("the port user", mica_thread_create(MICA_BOOT_FACTORY, A_TASK1, A_TH1, 0x00007fff80000000ull + 4096,
						    port_user, 0, a_th1.stack, sizeof a_th1.stack, 0), 0);
	expect("its exceptions come here", thread_set_handlers(A_TH1, 0, A_EXC_GATE), 0);
	expect("it starts", thread_start(A_TH1), 0);
	mica_word_t label = a_next_report(&vector);
	expect("the port worked before", a_first_out, 1);
	expect("Task.io_unmap", a_revoke_err, 0);
	expect("after it, the port is a general-protection fault", (long)label, A_EXC);
	expect("... vector 13", (long)vector, 13);
	kobject_destroy(A_TASK1);
	kobject_destroy(A_TASK2);
	kobject_destroy(A_TH1);
	kobject_destroy(A_TH2);
}

/* Ports given to a task do not go further, neither by Task.io_map nor in
 * an I/O item: so that io_unmap from that task takes them from everyone
 * who got them through it (I/O ports have no derivation tree). */
static volatile long a_map_err, a_item_err;

static void port_passer(void *arg)
{
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag;

	(void)arg;
	a_map_err = task_io_map(A_IN_TASK, mica_io_fpage(A_PORT, 0));
	u->mr[0] = mica_item_io();
	u->mr[1] = mica_io_fpage(A_PORT, 0);
	a_item_err = mica_ipc_call(A_IN_GATE, mica_tag(1, 0, 1, 0), &tag);
	mica_ipc_send(A_IN_DONE, mica_tag(0, 0, 0, 0));
}

static void port_taker(void *arg)
{
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag, label;

	(void)arg;
	u->br[MICA_BR_WINDOW] = 0;
	u->br[MICA_BR_DESC] = mica_br_desc(0, 0, MICA_BR_ACCEPT_IO);
	for (;;)
		if (mica_ipc_wait(0, &tag, &label) == 0)
			mica_ipc_reply(mica_tag(0, 0, 0, 0));
}

static void io_ports_not_passed_on(void)
{
	uint64_t vector = ~0ull;

	a_report_gates();
	expect("a task given the port", qtask_create(A_TASK1), 0);
	expect("... the port", task_io_map(A_TASK1, mica_io_fpage(A_PORT, 0)), 0);
	expect("a second task", qtask_create(A_TASK2), 0);
	expect("the first holds its capability", task_cap_map(A_TASK1, A_TASK2, A_IN_TASK, MICA_RWX, false), 0);
	expect("a thread of the second that accepts ports", qthread_start(&a_th2, A_TASK2, 1, port_taker, 0), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, A_GATE2, A_TH2, 1), 0);
	expect("... in the first task's table", task_cap_map(A_TASK1, A_GATE2, A_IN_GATE, MICA_RWX, false), 0);
	expect("the report gate there", task_cap_map(A_TASK1, A_DONE_GATE, A_IN_DONE, MICA_RWX, false), 0);
	expect("the first task's thread", qthread_start(&a_th1, A_TASK1, 1, port_passer, 0), 0);
	expect("it reports", (long)a_next_report(&vector), A_DONE);
	expect("Task.io_map of a port it was given: EPERM", a_map_err, -MICA_EPERM);
	expect("an I/O item of a port it was given: EPERM", a_item_err, MICA_EPERM);
	expect("the boot program itself still gives the port on", task_io_map(A_TASK2, mica_io_fpage(A_PORT, 0)), 0);
	kobject_destroy(A_TASK1);
	kobject_destroy(A_TASK2);
	kobject_destroy(A_TH1);
	kobject_destroy(A_TH2);
}

/* A page fault is a call to the pager in the faulting thread's own UTCB;
 * the thread must find all its message registers as it left them.  A reply
 * may fill the fault message's 4 registers and one item's 2; a longer one
 * (here 40 words) is refused and the thread faults again. */
#define A_FAULT_ADDR 0x10000000ull

static uint8_t a_page[4096] __attribute__((aligned(4096)));
static volatile long a_mr_changed = -1;

static void mr_faulter(void *arg)
{
	volatile mica_word_t *mr = mica_utcb()->mr;
	long changed = 0;

	(void)arg;
	for (unsigned i = 0; i < MICA_MR_COUNT; i++)
		mr[i] = 0xa5a5000000000000ull + i;
	*(volatile uint64_t *)A_FAULT_ADDR = 1;
	for (unsigned i = 0; i < MICA_MR_COUNT; i++)
		changed += mr[i] != 0xa5a5000000000000ull + i;
	a_mr_changed = changed;
	mica_ipc_send(A_IN_DONE, mica_tag(0, 0, 0, 0));
}

static void fault_ipc_keeps_mrs(void)
{
	struct mica_utcb *u = mica_utcb();
	uint64_t vector;

	a_report_gates();
	expect("a task", qtask_create(A_TASK1), 0);
	expect("the report gate there", task_cap_map(A_TASK1, A_DONE_GATE, A_IN_DONE, MICA_RWX, false), 0);
	expect("a thread", mica_thread_create(MICA_BOOT_FACTORY, A_TASK1, A_TH1, 0x00007fff80000000ull + 4096,
					      mr_faulter, 0, a_th1.stack, sizeof a_th1.stack, 0), 0);
	expect("its pager is this thread", thread_set_handlers(A_TH1, A_EXC_GATE, 0), 0);
	expect("it starts", thread_start(A_TH1), 0);
	expect("its page fault arrives", (long)a_next_report(&vector), A_EXC);
	expect("... at the address", (long)u->mr[1], (long)A_FAULT_ADDR);
	for (unsigned i = 0; i < 40; i++)
		u->mr[i] = 0xbad;
	expect("a reply of 40 words is refused", mica_ipc_reply(mica_tag(0, 40, 0, 0)), MICA_E2BIG);
	expect("the thread faults again", (long)a_next_report(&vector), A_EXC);
	expect("the page is mapped", task_mem_map(A_TASK1, mica_fpage((uint64_t)a_page, 12, MICA_R | MICA_W), A_FAULT_ADDR,
						  false), 0);
	for (unsigned i = 0; i < 6; i++)
		u->mr[i] = 0xbad;
	expect("a reply of 6 words, the most it may have, goes through", mica_ipc_reply(mica_tag(0, 6, 0, 0)), 0);
	expect("the thread reports", (long)a_next_report(&vector), A_DONE);
	expect("its message registers are as it left them", a_mr_changed, 0);
	expect("the store landed", a_page[0], 1);
	kobject_destroy(A_TASK1);
	kobject_destroy(A_TH1);
}


/* ---- scheduling authority and the debug calls ----------------------------- */

enum { S_HOG = 30, S_WORKER, S_NOLOG, C_HOG = 40, C_WORKER, C_NOLOG, C_LOG_W, C_LOG_R };

#define EXTRA_UTCB 0x00007fff80100000ull   /* clear of qthread_start's */
#define LOW_PRIO 50

static struct qthread hog = { .slot = S_HOG }, worker = { .slot = S_WORKER }, nolog = { .slot = S_NOLOG };

/* A stopped thread of the child task S_TASK running fn, holding itself in
 * the child's slot `self`. */
static int child_thread(struct qthread *t, unsigned index, mica_cap_t self, void (*fn)(void *))
{
	int err = mica_thread_create(MICA_BOOT_FACTORY, S_TASK, t->slot, EXTRA_UTCB + index * 4096ull, fn, 0, t->stack,
				     sizeof t->stack, 0);

	return err ? err : task_cap_map(S_TASK, t->slot, self, MICA_RWX, false);
}

/* Wait for an event another thread signals by setting *flag (this thread
 * runs above the others: it wakes every millisecond to look). */
static void wait_for(volatile long *flag)
{
	while (!*flag)
		mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
}

static volatile long hog_raise, hog_mcp, hog_huge, hog_max, hog_running, worker_done;

static void hog_fn(void *arg)
{
	(void)arg;
	hog_huge = thread_set_sched(C_HOG, LOW_PRIO, 10000000);
	hog_max = thread_set_sched(C_HOG, LOW_PRIO, MICA_TIMESLICE_MAX_US);
	hog_mcp = thread_set_mcp(C_HOG, 255);
	hog_raise = thread_set_sched(C_HOG, 255, 10000000);
	hog_running = 1;
	for (;;)
		;
}

static void worker_fn(void *arg)
{
	(void)arg;
	qtest_spin(3000000);
	worker_done = 1;
	for (;;)
		mica_ipc_wait(0, 0, 0);
}

/* A thread given MCP 50 tries to raise itself to 255 with a 10 s slice and
 * spins: it stays at its MCP with a bounded slice, so this thread (above
 * it) and a worker at its priority (beside it) still run to the end. */
static void hog_cannot_freeze(void)
{
	uint32_t prio = 0, mcp = 0, slice = 0;

	expect("a child task", qtask_create(S_TASK), 0);
	expect("a hog thread there", child_thread(&hog, 0, C_HOG, hog_fn), 0);
	expect("its MCP: 50", thread_set_mcp(S_HOG, LOW_PRIO), 0);
	expect("its priority: 50", thread_set_sched(S_HOG, LOW_PRIO, 0), 0);
	expect("Thread.sched reads them back", thread_sched(S_HOG, &prio, &mcp, &slice), 0);
	expect("... priority 50", prio, LOW_PRIO);
	expect("... MCP 50", mcp, LOW_PRIO);
	expect("... the default slice, 10 ms", slice, MICA_TIMESLICE_DEFAULT_US);
	expect("a worker beside it, MCP and priority 50", child_thread(&worker, 1, C_WORKER, worker_fn) ||
	       thread_set_mcp(S_WORKER, LOW_PRIO) || thread_set_sched(S_WORKER, LOW_PRIO, 0), 0);
	expect("the hog starts", thread_start(S_HOG), 0);
	wait_for(&hog_running);
	expect("the hog raising itself to 255: EPERM", hog_raise, -MICA_EPERM);
	expect("the hog raising its MCP to 255: EPERM", hog_mcp, -MICA_EPERM);
	expect("the hog taking a 10 s slice: EINVAL", hog_huge, -MICA_EINVAL);
	expect("the hog taking the longest slice at its MCP", hog_max, 0);
	expect("the worker starts", thread_start(S_WORKER), 0);
	wait_for(&worker_done);
	expect("the worker completed beside the spinning hog", worker_done, 1);
	thread_sched(S_HOG, &prio, &mcp, &slice);
	expect("the hog is still at 50", prio, LOW_PRIO);
	expect("... with a 100 ms slice", slice, MICA_TIMESLICE_MAX_US);
	expect("the child task is destroyed", kobject_destroy(S_TASK), 0);
	kobject_destroy(S_HOG);
	kobject_destroy(S_WORKER);
}

static volatile long nolog_done, no_print, no_meminfo, no_check, type_print, w_print, w_long, w_meminfo, w_check,
	r_print, r_meminfo, r_check;

static void no_log_fn(void *arg)
{
	static const char forged[] = "kernel: program forged exited with status 0\n";
	static char text[MICA_DEBUG_PRINT_MAX + 1];
	struct mica_meminfo m;

	(void)arg;
	no_print = mica_debug(MICA_CAP_NULL, MICA_DEBUG_PRINT, (unsigned long)forged, sizeof forged - 1);
	no_meminfo = mica_debug(MICA_CAP_NULL, MICA_DEBUG_MEMINFO, (unsigned long)&m, sizeof m);
	no_check = mica_debug(MICA_CAP_NULL, MICA_DEBUG_CHECK, 0, 0);
	type_print = mica_debug(C_NOLOG, MICA_DEBUG_PRINT, (unsigned long)forged, sizeof forged - 1);
	w_print = mica_debug(C_LOG_W, MICA_DEBUG_PRINT, (unsigned long)forged, sizeof forged - 1);
	w_long = mica_debug(C_LOG_W, MICA_DEBUG_PRINT, (unsigned long)text, sizeof text);
	w_meminfo = mica_debug(C_LOG_W, MICA_DEBUG_MEMINFO, (unsigned long)&m, sizeof m);
	w_check = mica_debug(C_LOG_W, MICA_DEBUG_CHECK, 0, 0);
	r_print = mica_debug(C_LOG_R, MICA_DEBUG_PRINT, (unsigned long)forged, sizeof forged - 1);
	r_meminfo = mica_debug(C_LOG_R, MICA_DEBUG_MEMINFO, (unsigned long)&m, sizeof m);
	r_check = mica_debug(C_LOG_R, MICA_DEBUG_CHECK, 0, 0);
	nolog_done = 1;
	for (;;)
		mica_ipc_wait(0, 0, 0);
}

/* The debug calls of a task without a Log capability, with the wrong
 * type, with W only (print: bounded, and marked when it imitates the
 * kernel) and with R only.  The scenario rejects a forged kernel line. */
static void debug_calls_need_log(void)
{
	expect("a child task without a Log", qtask_create(S_TASK), 0);
	expect("a thread there", child_thread(&nolog, 0, C_NOLOG, no_log_fn), 0);
	expect("a W-only Log in its slot 42", task_cap_map(S_TASK, MICA_BOOT_LOG, C_LOG_W, MICA_W, false), 0);
	expect("an R-only Log in its slot 43", task_cap_map(S_TASK, MICA_BOOT_LOG, C_LOG_R, MICA_R, false), 0);
	expect("the thread starts", thread_start(S_NOLOG), 0);
	wait_for(&nolog_done);
	expect("print without a capability: EBADCAP", no_print, MICA_EBADCAP);
	expect("meminfo without a capability: EBADCAP", no_meminfo, MICA_EBADCAP);
	expect("check without a capability: EBADCAP", no_check, MICA_EBADCAP);
	expect("print with a Thread capability: ETYPE", type_print, MICA_ETYPE);
	expect("print with W", w_print, MICA_OK);
	expect("print of MICA_DEBUG_PRINT_MAX + 1 bytes: EINVAL", w_long, MICA_EINVAL);
	expect("meminfo with W only: EPERM", w_meminfo, MICA_EPERM);
	expect("check with W only: EPERM", w_check, MICA_EPERM);
	expect("print with R only: EPERM", r_print, MICA_EPERM);
	expect("meminfo with R", r_meminfo, MICA_OK);
	expect("check with R", r_check, MICA_OK);
	expect("the child task is destroyed", kobject_destroy(S_TASK), 0);
	kobject_destroy(S_NOLOG);
}

/* COM1 is the kernel console's: a boot program (which holds every other
 * port the kernel does not drive) cannot hand it on. */
static void com1_reserved(void)
{
	expect("a child task", factory_create_task(MICA_BOOT_FACTORY, S_TASK), 0);
	expect("COM1's ports are not this program's to give: EPERM", task_io_map(S_TASK, mica_io_fpage(0x3f8, 3)),
	       -MICA_EPERM);
	expect("COM2's are", task_io_map(S_TASK, mica_io_fpage(0x2f8, 3)), 0);
	expect("the child task is destroyed", kobject_destroy(S_TASK), 0);
}


/* ---- the mapping databases: a grant's rights bound the granted subtree -- */

/* A capability granted with fewer rights takes its children along: they
 * must not keep rights their new parent lost. */
static void cap_grant_clips_children(void)
{
	uint32_t type, parent, child;

	expect("a sub-factory", factory_create_factory(MICA_BOOT_FACTORY, S_SUB, 64 << 10), 0);
	expect("a copy derived from it, all rights", task_cap_map(MICA_BOOT_TASK, S_SUB, 30, MICA_RWX, false), 0);
	expect("the original granted with R only", task_cap_map(MICA_BOOT_TASK, S_SUB, 31, MICA_R, true), 0);
	task_cap_info(MICA_BOOT_TASK, 31, &type, &parent);
	task_cap_info(MICA_BOOT_TASK, 30, &type, &child);
	expect("the granted capability has R", parent, MICA_R);
	expect("its child has no right the parent lacks", child & ~parent, 0);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	expect("the granted capability and its child go", task_cap_unmap(MICA_BOOT_TASK, 31, true), 0);
}

/* The same for memory: a page mapped on read-write, then the original
 * granted read-only: the mapping derived from it loses W too. */
static uint8_t granted[2][4096] __attribute__((aligned(4096)));

static void mem_grant_clips_children(void)
{
	const uint64_t child = 0x500000000ull, moved = 0x500001000ull;
	uint32_t rights = 0;

	granted[0][0] = 1;   /* present and writable */
	expect("the page mapped on read-write",
	       task_mem_map(MICA_BOOT_TASK, mica_fpage((uint64_t)granted[0], 12, MICA_R | MICA_W), child, false), 0);
	expect("the original granted read-only",
	       task_mem_map(MICA_BOOT_TASK, mica_fpage((uint64_t)granted[0], 12, MICA_R), moved, true), 0);
	task_mem_lookup(MICA_BOOT_TASK, moved, &rights);
	expect("the granted page is read-only", rights, MICA_R);
	task_mem_lookup(MICA_BOOT_TASK, child, &rights);
	expect("the page derived from it lost W", rights, MICA_R);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	uint32_t status;
	expect("both go", task_mem_unmap(MICA_BOOT_TASK, mica_fpage(moved, 12, MICA_RWX), true, &status), 0);
}

/* ---- kernel-memory quota: what a factory pins is what it is charged -- */

/* A sub-factory's objects each on a page of their own, the rest of every
 * page filled by another factory's objects, which then go: each page
 * stays pinned by one small object charged only its own size. */
enum { PIN_ROUNDS = 16, PIN_FILL = 64, S_PIN_FIRST = 1024 };

static void quota_pins_cache_pages(void)
{
	struct mica_meminfo before, after;
	uint64_t limit, used;
	unsigned slot = S_PIN_FIRST;

	expect("a sub-factory of 16 KiB", factory_create_factory(MICA_BOOT_FACTORY, S_SUB, 16 << 10), 0);
	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&before, sizeof before);
	int err = 0;
	for (unsigned r = 0; r < PIN_ROUNDS && !err; r++) {
		err = factory_create_irq(S_SUB, 60 + r, 0);
		for (unsigned i = 0; i < PIN_FILL && !err; i++)
			err = factory_create_irq(MICA_BOOT_FACTORY, slot++, 0);
	}
	expect("the objects are made", err, 0);
	for (unsigned s = S_PIN_FIRST; s < slot; s++)
		kobject_destroy(s);
	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&after, sizeof after);
	factory_quota(S_SUB, &limit, &used);
	long pinned = (long)(after.slab_pages - before.slab_pages) * 4096;
	mica_printf("# the sub-factory pins %ld bytes of object caches, is charged %lu\n", pinned, (unsigned long)used);
	expect("what it pins is within what it is charged (one other partial page aside)", pinned <= (long)used + 4096, 1);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	expect("the sub-factory is destroyed", kobject_destroy(S_SUB), 0);
}

/* ---- bounded kernel work ------------------------------------------------ */

/* Under -icount the TSC counts guest instructions: a cost, not a time. */
static uint64_t instructions(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

enum { WALK_GATES = 1000, WALK_THREADS = 500, S_WALK_GATE = 2000, S_WALK_THREAD = 3100 };

static uint64_t destroy_gates_cost(void)
{
	int err = factory_create_factory(MICA_BOOT_FACTORY, S_SUB, 1 << 20);

	for (unsigned i = 0; i < WALK_GATES && !err; i++)
		err = factory_create_gate(S_SUB, S_WALK_GATE + i, S_THREAD, i);
	expect("a factory of gates", err, 0);
	uint64_t t0 = instructions();
	expect("the factory is destroyed", kobject_destroy(S_SUB), 0);
	return instructions() - t0;
}

/* A gate going looked at every thread in the system (was it the
 * thread's pager or exception handler?): destroying many gates while many
 * threads live was quadratic.  Its cost must not grow with the threads. */
static void gate_destroy_walks_threads(void)
{
	expect("a thread for the gates", factory_create_thread(MICA_BOOT_FACTORY, S_THREAD), 0);
	uint64_t few = destroy_gates_cost();
	int err = 0;
	for (unsigned i = 0; i < WALK_THREADS && !err; i++)
		err = factory_create_thread(MICA_BOOT_FACTORY, S_WALK_THREAD + i);
	expect("many threads", err, 0);
	uint64_t many = destroy_gates_cost();
	mica_printf("# %u gates destroyed: %lu instructions, with %u more threads: %lu\n", WALK_GATES,
		    (unsigned long)few, WALK_THREADS, (unsigned long)many);
	expect("the threads do not make it dearer (within 1.5x)", many * 2 < few * 3, 1);
	for (unsigned i = 0; i < WALK_THREADS; i++)
		kobject_destroy(S_WALK_THREAD + i);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	kobject_destroy(S_THREAD);
}

/* ---- interrupts stay possible during huge operations -------------------- */

/* A ticker above the main thread wakes every millisecond (a timer event)
 * and notes the longest wait between two wakeups; the main thread meanwhile
 * unmaps, downgrades or destroys a big mapping tree.  When the kernel kept
 * interrupts off for the whole operation, the ticker waited that long. */
enum { S_TICKER = 60, S_TREE_TASK, TREE_COPIES = 512, TICK_SLACK = 500000 };
#define TREE_SPAN (1ul << 20)
#define TREE_DEST 0x0000100000000000ull

static uint8_t tree_pages[TREE_SPAN] __attribute__((aligned(1 << 20)));
static struct qthread ticker = { .slot = S_TICKER };
static volatile uint64_t ticks, longest_wait, usual_wait;
static volatile int ticking;

static void ticker_fn(void *arg)
{
	uint64_t last = instructions();

	(void)arg;
	for (;;) {
		mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
		uint64_t now = instructions();
		if (ticking && now - last > longest_wait)
			longest_wait = now - last;
		ticks++;
		last = now;
	}
}

/* TREE_COPIES mappings of each of tree_pages' 256 pages in a child task. */
static void tree_build(void)
{
	int err = 0;

	for (unsigned long i = 0; i < TREE_SPAN; i += MICA_PAGE_SIZE)
		tree_pages[i] = 1;
	for (unsigned i = 0; i < TREE_COPIES && !err; i++)
		err = task_mem_map(S_TREE_TASK, mica_fpage((uint64_t)tree_pages, 20, MICA_RWX), TREE_DEST + i * TREE_SPAN,
				   false);
	expect("the tree is built", err, 0);
}

/* Let the ticker wake once more, so that the wait the operation caused is
 * noted (an event: its count changes). */
static void ticker_noted(void)
{
	uint64_t seen = ticks;

	while (ticks == seen)
		qtest_spin(10000);
	ticking = 0;
}

static uint64_t mapnodes(void)
{
	struct mica_meminfo m;

	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&m, sizeof m);
	return m.mapnodes;
}

static void ticked(const char *what, uint64_t before)
{
	mica_printf("# %s: the ticker woke %lu times, its longest wait %lu instructions\n", what,
		    (unsigned long)(ticks - before), (unsigned long)longest_wait);
	expect(what, longest_wait < usual_wait + TICK_SLACK, 1);
}

/* The ticker above the main thread, and its usual longest wait while
 * the main thread only spins. */
static void ticker_begin(void)
{
	uint32_t prio = 0, mcp = 0, slice = 0;

	expect("the main thread's priority", thread_sched(MICA_BOOT_THREAD, &prio, &mcp, &slice), 0);
	expect("the ticker", qthread_start(&ticker, MICA_BOOT_TASK, 1, ticker_fn, 0), 0);
	expect("the main thread goes below it", thread_set_sched(MICA_BOOT_THREAD, prio - 10, 0), 0);
	ticking = 1;
	qtest_spin(20000000);
	ticking = 0;
	usual_wait = longest_wait;
	longest_wait = 0;
	mica_printf("# the ticker's longest wait while the main thread spins: %lu instructions\n",
		    (unsigned long)usual_wait);
}

static void huge_operations_let_interrupts_in(void)
{
	uint64_t before;
	uint32_t status = 0;

	ticker_begin();
	expect("a child task", factory_create_task(MICA_BOOT_FACTORY, S_TREE_TASK), 0);

	uint64_t nodes = mapnodes();
	tree_build();
	mica_printf("# %lu mapping nodes more\n", (unsigned long)(mapnodes() - nodes));
	longest_wait = 0;
	before = ticks;
	ticking = 1;
	expect("the tree loses W", task_mem_unmap(MICA_BOOT_TASK, mica_fpage((uint64_t)tree_pages, 20, MICA_W), false,
						  &status), 0);
	ticker_noted();
	ticked("the ticker ran on time during the downgrade", before);
	uint32_t rights = 0;
	expect("a copy lost W", task_mem_lookup(S_TREE_TASK, TREE_DEST + 5 * TREE_SPAN, &rights), 0);
	expect("... and kept R", rights & (MICA_R | MICA_W), MICA_R);

	longest_wait = 0;
	before = ticks;
	ticking = 1;
	expect("the tree is unmapped", task_mem_unmap(MICA_BOOT_TASK, mica_fpage((uint64_t)tree_pages, 20, MICA_RWX),
						       false, &status), 0);
	ticker_noted();
	ticked("the ticker ran on time during the unmap", before);
	expect("every copy is gone", (long)(mapnodes() - nodes), 0);
	expect("the copies are gone", task_mem_lookup(S_TREE_TASK, TREE_DEST + 7 * TREE_SPAN, &rights), 0);
	expect("... no rights", rights, 0);
	expect("our own pages stay", task_mem_lookup(MICA_BOOT_TASK, (uint64_t)tree_pages, &rights), 0);
	expect("... with RW", (rights & (MICA_R | MICA_W)) == (MICA_R | MICA_W), 1);

	tree_build();
	longest_wait = 0;
	before = ticks;
	ticking = 1;
	uint64_t t0 = instructions();
	expect("the task holding the tree is destroyed", kobject_destroy(S_TREE_TASK), 0);
	mica_printf("# destroyed in %lu instructions\n", (unsigned long)(instructions() - t0));
	ticker_noted();
	ticked("the ticker ran on time during the destruction", before);
	expect("every node is gone with the task", (long)(mapnodes() - nodes), 0);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	kobject_destroy(S_TICKER);
}

/* Revoking a capability copied into many slots was one walk with
 * interrupts off: COPY_TASKS x COPIES_EACH copies of a gate in child
 * tasks, revoked (Task.cap_unmap of its children), then copied again and
 * the gate destroyed (Kobject.destroy revokes every copy). */
enum { S_COPIED_GATE = 70, S_COPY_TASK, COPY_TASKS = 8, COPIES_EACH = 4000 };

static void copies_build(void)
{
	int err = 0;

	for (unsigned k = 0; k < COPY_TASKS && !err; k++)
		for (unsigned i = 0; i < COPIES_EACH && !err; i++)
			err = task_cap_map(S_COPY_TASK + k, S_COPIED_GATE, 1 + i, MICA_W, false);
	expect("the copies are made", err, 0);
}

static int copies_left(void)
{
	uint32_t type = 0, rights = 0;
	int left = 0;

	for (unsigned k = 0; k < COPY_TASKS; k++)
		for (unsigned i = 0; i < COPIES_EACH; i += 499) {
			task_cap_info(S_COPY_TASK + k, 1 + i, &type, &rights);
			left += type != 0;
		}
	return left;
}

static void revoke_many_copies(void)
{
	uint64_t before;

	ticker_begin();
	for (unsigned k = 0; k < COPY_TASKS; k++)
		expect("a child task", factory_create_task(MICA_BOOT_FACTORY, S_COPY_TASK + k), 0);
	expect("a gate", factory_create_gate(MICA_BOOT_FACTORY, S_COPIED_GATE, MICA_BOOT_THREAD, 1), 0);
	copies_build();
	before = ticks;
	ticking = 1;
	expect("its copies are revoked", task_cap_unmap(MICA_BOOT_TASK, S_COPIED_GATE, false), 0);
	ticker_noted();
	ticked("the ticker ran on time during the revocation", before);
	expect("no copy is left", copies_left(), 0);
	uint32_t type = 0, rights = 0;
	expect("the gate itself stays", task_cap_info(MICA_BOOT_TASK, S_COPIED_GATE, &type, &rights), 0);
	expect("... a gate", type, MICA_KOBJ_GATE);

	copies_build();
	longest_wait = 0;
	before = ticks;
	ticking = 1;
	expect("the gate is destroyed", kobject_destroy(S_COPIED_GATE), 0);
	ticker_noted();
	ticked("the ticker ran on time during the destruction", before);
	expect("no copy is left", copies_left(), 0);
	for (unsigned k = 0; k < COPY_TASKS; k++)
		expect("the child task is destroyed", kobject_destroy(S_COPY_TASK + k), 0);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	kobject_destroy(S_TICKER);
}

/* Destroying a thread unbound each of its gates with interrupts off:
 * GATE_TASKS x GATES_EACH gates bound to one thread (moved into child
 * tasks, for the slots), the thread destroyed; then the tasks, whose
 * tables hold the gates' only capabilities. */
enum { S_GATE_THREAD = 80, S_NEW_GATE, S_GATE_TASK, GATE_TASKS = 8, GATES_EACH = 4000 };

static void thread_with_many_gates(void)
{
	uint64_t before;
	mica_word_t tag;
	int err = 0;

	ticker_begin();
	expect("a thread", factory_create_thread(MICA_BOOT_FACTORY, S_GATE_THREAD), 0);
	for (unsigned k = 0; k < GATE_TASKS; k++)
		expect("a child task", factory_create_task(MICA_BOOT_FACTORY, S_GATE_TASK + k), 0);
	for (unsigned k = 0; k < GATE_TASKS && !err; k++)
		for (unsigned i = 0; i < GATES_EACH && !err; i++)
			if (!(err = factory_create_gate(MICA_BOOT_FACTORY, S_NEW_GATE, S_GATE_THREAD, i)))
				err = task_cap_map(S_GATE_TASK + k, S_NEW_GATE, 1 + i, MICA_RWX, true);
	expect("the gates are made", err, 0);
	expect("one more in our table", factory_create_gate(MICA_BOOT_FACTORY, S_NEW_GATE, S_GATE_THREAD, 7), 0);
	before = ticks;
	ticking = 1;
	expect("the thread is destroyed", kobject_destroy(S_GATE_THREAD), 0);
	ticker_noted();
	ticked("the ticker ran on time during the destruction", before);
	mica_utcb()->mr[0] = 0;
	expect("its gate leads nowhere: EGONE",
	       mica_ipc_call_timeout(S_NEW_GATE, mica_tag(0, 1, 0, 0), mica_timeouts(MICA_TIMEOUT_ZERO, 0), &tag),
	       MICA_EGONE);
	kobject_destroy(S_NEW_GATE);

	longest_wait = 0;
	before = ticks;
	ticking = 1;
	for (unsigned k = 0; k < GATE_TASKS; k++)
		expect("the child task is destroyed", kobject_destroy(S_GATE_TASK + k), 0);
	ticker_noted();
	ticked("the ticker ran on time while the tasks holding the gates went", before);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	kobject_destroy(S_TICKER);
}

/* A memory item of a huge flexpage was mapped in one go with interrupts
 * off (124,007 instructions in the fuzzer): a message maps at most
 * MICA_MEM_ITEMS_MAX bytes, the part the send base points at; an item
 * past that is MICA_E2BIG. */
#define MEM_WINDOW 0x0000080000000000ull
static void mem_items_bounded(void)
{
	mica_word_t br[8] = { mica_fpage(MEM_WINDOW, 21, MICA_RWX), mica_br_desc(0, 0, 0) };
	const uint64_t part = 0x30000;   /* the send base's 64 KiB block */
	struct mica_utcb *u = mica_utcb();
	uint32_t rights = 9;
	mica_word_t tag;

	for (unsigned long i = 0; i < TREE_SPAN; i += MICA_PAGE_SIZE)
		tree_pages[i] = 1;
	expect("a child task", qtask_create(S_TASK), 0);
	start_ipc_receiver(S_TASK, br);
	u->mr[0] = mica_item_mem(part, 0);
	u->mr[1] = mica_fpage((uint64_t)tree_pages, 20, MICA_R | MICA_W);
	u->mr[2] = mica_item_mem(0, 0);
	u->mr[3] = mica_fpage((uint64_t)tree_pages, 12, MICA_R);
	expect("a second item past the message's 64 KiB: E2BIG", mica_ipc_call(S_RGATE, mica_tag(0, 0, 2, 0), &tag),
	       MICA_E2BIG);
	wait_ipc_receipt();
	expect("... the receiver saw it too", rcpt.err, MICA_E2BIG);
	expect("... at item 1", rcpt.error, 1);
	expect("the first arrived cut to 64 KiB", mica_fpage_order(rcpt.mr[1]), 16);
	expect("... where the send base points", mica_fpage_base(rcpt.mr[1]), MEM_WINDOW + part);
	expect("its first page is mapped", task_mem_lookup(S_TASK, MEM_WINDOW + part, &rights), 0);
	expect("... RW", rights & (MICA_R | MICA_W), MICA_R | MICA_W);
	expect("its last page is mapped", task_mem_lookup(S_TASK, MEM_WINDOW + part + 0xf000, &rights), 0);
	expect("... RW", rights & (MICA_R | MICA_W), MICA_R | MICA_W);
	expect("the page after it is not", task_mem_lookup(S_TASK, MEM_WINDOW + part + 0x10000, &rights), 0);
	expect("... no rights", rights, 0);
	expect("the page before it is not", task_mem_lookup(S_TASK, MEM_WINDOW + part - MICA_PAGE_SIZE, &rights), 0);
	expect("... no rights", rights, 0);
	stop_ipc_receiver();
	expect("the task is destroyed", kobject_destroy(S_TASK), 0);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
}

/* Cancelling a gate's or a thread's queued senders was one walk with
 * interrupts off, and so was detaching a dying task's threads:
 * SENDER_TASKS x SENDERS_EACH threads of child tasks (each holding its
 * own capability at S_FIRST_SENDER.., and copies of the gates) call a
 * gate of a thread that never receives; the gate is destroyed, then
 * (after they called a second gate of it) the thread, then the tasks. */
enum { S_SEND_RECV = 90, S_SEND_GATE, S_SEND_GATE2, S_NEW_SENDER, S_SENDER_TASK, S_FIRST_SENDER = 150 };
enum { SENDER_TASKS = 2, SENDERS_EACH = 3900, SENDERS = SENDER_TASKS * SENDERS_EACH, SENDER_STACK = 512 };
#define SENDER_UTCB 0x0000090000000000ull
static uint8_t sender_stacks[SENDERS][SENDER_STACK] __attribute__((aligned(16)));
static volatile long senders_calling[2], senders_gone[2];

static void sender_fn(void *arg)
{
	static const mica_cap_t gates[2] = { S_SEND_GATE, S_SEND_GATE2 };
	mica_word_t tag;

	(void)arg;
	for (unsigned k = 0; k < 2; k++) {
		__atomic_fetch_add(&senders_calling[k], 1, __ATOMIC_SEQ_CST);
		if (mica_ipc_call(gates[k], mica_tag(0, 0, 0, 0), &tag) == MICA_EGONE)
			__atomic_fetch_add(&senders_gone[k], 1, __ATOMIC_SEQ_CST);
	}
}

/* On the measuring kernel (kern/irqoff.h; TESTRUN_KERNEL), the longest
 * stretch with interrupts off since the last look; -1 elsewhere.  The
 * ticker sees a stretch only when it covers the ticker's deadline. */
static long irqoff_longest(void)
{
	uint64_t worst = 0;

	return mica_debug(MICA_BOOT_LOG, MICA_DEBUG_IRQOFF, (unsigned long)&worst, 0) == MICA_OK ? (long)worst : -1;
}

/* Wait (1 ms steps, the senders below this thread run) until *count
 * reaches SENDERS and then a little more, so that the last caller blocks. */
static long wait_count(volatile long *count)
{
	for (unsigned ms = 0; ms < 2000 && *count < SENDERS; ms++)
		mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
	mica_ipc_wait(mica_timeouts(0, 5000), 0, 0);
	return *count;
}

static void many_senders_cancelled(void)
{
	uint64_t before;
	int err = 0;

	ticker_begin();
	expect("a thread that never receives", factory_create_thread(MICA_BOOT_FACTORY, S_SEND_RECV), 0);
	expect("a gate of it", factory_create_gate(MICA_BOOT_FACTORY, S_SEND_GATE, S_SEND_RECV, 1), 0);
	expect("a second gate of it", factory_create_gate(MICA_BOOT_FACTORY, S_SEND_GATE2, S_SEND_RECV, 2), 0);
	for (unsigned k = 0; k < SENDER_TASKS; k++) {
		expect("a sender task", qtask_create(S_SENDER_TASK + k), 0);
		expect("... with the gate", task_cap_map(S_SENDER_TASK + k, S_SEND_GATE, S_SEND_GATE, MICA_W, false), 0);
		expect("... and the second", task_cap_map(S_SENDER_TASK + k, S_SEND_GATE2, S_SEND_GATE2, MICA_W, false), 0);
	}
	unsigned n;
	for (n = 0; n < SENDERS && !err; n++) {
		mica_cap_t task = S_SENDER_TASK + n / SENDERS_EACH;
		if (!(err = mica_thread_create(MICA_BOOT_FACTORY, task, S_NEW_SENDER, SENDER_UTCB + n * 4096ull, sender_fn,
					       0, sender_stacks[n], SENDER_STACK, 0)) &&
		    !(err = thread_set_sched(S_NEW_SENDER, LOW_PRIO, 0)) &&   /* below the ticker and this thread */
		    !(err = thread_start(S_NEW_SENDER)))
			err = task_cap_map(task, S_NEW_SENDER, S_FIRST_SENDER + n % SENDERS_EACH, MICA_RWX, true);
	}
	uint64_t limit = 0, used = 0;
	factory_quota(MICA_BOOT_FACTORY, &limit, &used);
	mica_printf("# %u senders made; the factory's quota %lu, used %lu\n", n, (unsigned long)limit, (unsigned long)used);
	expect("the senders are made", err, 0);
	expect("they all call the gate", wait_count(&senders_calling[0]), SENDERS);
	irqoff_longest();

	longest_wait = 0;
	before = ticks;
	ticking = 1;
	expect("the gate is destroyed", kobject_destroy(S_SEND_GATE), 0);
	ticker_noted();
	ticked("the ticker ran on time while the gate's senders were cancelled", before);
	expect("each sender got EGONE and calls the second gate", wait_count(&senders_calling[1]), SENDERS);
	expect("... EGONE", senders_gone[0], SENDERS);

	longest_wait = 0;
	before = ticks;
	ticking = 1;
	expect("the thread is destroyed", kobject_destroy(S_SEND_RECV), 0);
	ticker_noted();
	ticked("the ticker ran on time while the thread's senders were cancelled", before);
	wait_count(&senders_gone[1]);
	expect("each sender got EGONE", senders_gone[1], SENDERS);

	longest_wait = 0;
	before = ticks;
	ticking = 1;
	for (unsigned k = 0; k < SENDER_TASKS; k++)
		expect("the sender task is destroyed", kobject_destroy(S_SENDER_TASK + k), 0);
	ticker_noted();
	ticked("the ticker ran on time while the senders' tasks went", before);
	long longest = irqoff_longest();
	if (longest >= 0) {
		mica_printf("# the longest stretch with interrupts off: %ld instructions\n", longest);
		expect("no stretch with interrupts off above 100,000 instructions", longest <= 100000, 1);
	}
	expect("the second gate is destroyed", kobject_destroy(S_SEND_GATE2), 0);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	kobject_destroy(S_TICKER);
}

/* Overwriting a slot revoked the old capability's copies in one walk,
 * and a grant with fewer rights clipped every copy in one walk: a gate
 * copied as in revoke_many_copies, then the slot overwritten by
 * Task.cap_map and by Factory.create (revoked in restarted steps); then a
 * grant onto itself with fewer rights (refused, MICA_E2BIG: too many
 * copies to clip at once, nothing changed). */
enum { S_OTHER_GATE = 95 };

static void cap_changes_bounded(void)
{
	uint64_t before;
	uint32_t type = 0, rights = 0;

	ticker_begin();
	for (unsigned k = 0; k < COPY_TASKS; k++)
		expect("a child task", factory_create_task(MICA_BOOT_FACTORY, S_COPY_TASK + k), 0);
	expect("a gate", factory_create_gate(MICA_BOOT_FACTORY, S_COPIED_GATE, MICA_BOOT_THREAD, 1), 0);
	expect("another gate", factory_create_gate(MICA_BOOT_FACTORY, S_OTHER_GATE, MICA_BOOT_THREAD, 2), 0);
	copies_build();

	longest_wait = 0;
	before = ticks;
	ticking = 1;
	expect("a grant onto itself without W: E2BIG",
	       task_cap_map(MICA_BOOT_TASK, S_COPIED_GATE, S_COPIED_GATE, MICA_R, true), -MICA_E2BIG);
	ticker_noted();
	ticked("the ticker ran on time during the refused grant", before);
	expect("a copy kept W", task_cap_info(S_COPY_TASK + 3, 1 + 77, &type, &rights), 0);
	expect("... W", rights & MICA_W, MICA_W);
	expect("the gate kept its rights", task_cap_info(MICA_BOOT_TASK, S_COPIED_GATE, &type, &rights), 0);
	expect("... RWX", rights & MICA_RWX, MICA_RWX);

	longest_wait = 0;
	before = ticks;
	ticking = 1;
	expect("another gate mapped over the copied one",
	       task_cap_map(MICA_BOOT_TASK, S_OTHER_GATE, S_COPIED_GATE, MICA_RWX, false), 0);
	ticker_noted();
	ticked("the ticker ran on time while the slot was overwritten", before);
	expect("no copy is left", copies_left(), 0);
	expect("the slot holds the other gate's copy", task_cap_info(MICA_BOOT_TASK, S_COPIED_GATE, &type, &rights), 0);
	expect("... a gate", type, MICA_KOBJ_GATE);

	expect("a fresh gate there", factory_create_gate(MICA_BOOT_FACTORY, S_COPIED_GATE, MICA_BOOT_THREAD, 3), 0);
	copies_build();
	longest_wait = 0;
	before = ticks;
	ticking = 1;
	expect("a new gate made into its slot", factory_create_gate(MICA_BOOT_FACTORY, S_COPIED_GATE, MICA_BOOT_THREAD, 4),
	       0);
	ticker_noted();
	ticked("the ticker ran on time while the new object's slot was cleared", before);
	expect("no copy is left", copies_left(), 0);

	kobject_destroy(S_COPIED_GATE);
	kobject_destroy(S_OTHER_GATE);
	for (unsigned k = 0; k < COPY_TASKS; k++)
		expect("the child task is destroyed", kobject_destroy(S_COPY_TASK + k), 0);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	kobject_destroy(S_TICKER);
}

/* Task.mem_map changed rights over a whole subtree, and removed a
 * mapping it replaced with its subtree, in one walk: the tree of
 * huge_operations_let_interrupts_in, then our pages mapped onto
 * themselves with fewer rights and granted with fewer rights (refused,
 * MICA_E2BIG), then other pages mapped over them (removed in restarted
 * steps). */
static uint8_t other_pages[TREE_SPAN] __attribute__((aligned(1 << 20)));

static void mem_map_changes_bounded(void)
{
	uint64_t before;
	uint32_t rights = 0;

	ticker_begin();
	expect("a child task", factory_create_task(MICA_BOOT_FACTORY, S_TREE_TASK), 0);
	uint64_t nodes = mapnodes();
	tree_build();

	longest_wait = 0;
	before = ticks;
	ticking = 1;
	expect("our pages onto themselves without W: E2BIG",
	       task_mem_map(MICA_BOOT_TASK, mica_fpage((uint64_t)tree_pages, 20, MICA_R), (uint64_t)tree_pages, false),
	       -MICA_E2BIG);
	expect("granted without W: E2BIG",
	       task_mem_map(S_TREE_TASK, mica_fpage((uint64_t)tree_pages, 20, MICA_R), TREE_DEST - TREE_SPAN, true),
	       -MICA_E2BIG);
	ticker_noted();
	ticked("the ticker ran on time during the refused changes", before);
	expect("a copy kept W", task_mem_lookup(S_TREE_TASK, TREE_DEST + 5 * TREE_SPAN, &rights), 0);
	expect("... RW", rights & (MICA_R | MICA_W), MICA_R | MICA_W);
	expect("our page kept W", task_mem_lookup(MICA_BOOT_TASK, (uint64_t)tree_pages, &rights), 0);
	expect("... RW", rights & (MICA_R | MICA_W), MICA_R | MICA_W);

	for (unsigned long i = 0; i < TREE_SPAN; i += MICA_PAGE_SIZE)
		other_pages[i] = 2;
	longest_wait = 0;
	before = ticks;
	ticking = 1;
	expect("other pages mapped over them",
	       task_mem_map(MICA_BOOT_TASK, mica_fpage((uint64_t)other_pages, 20, MICA_RWX), (uint64_t)tree_pages, false),
	       0);
	ticker_noted();
	ticked("the ticker ran on time while the replaced mappings went", before);
	expect("the copies went with them", task_mem_lookup(S_TREE_TASK, TREE_DEST + 7 * TREE_SPAN, &rights), 0);
	expect("... no rights", rights, 0);
	expect("our address shows the other pages", tree_pages[5 * MICA_PAGE_SIZE], 2);
	expect("the task is destroyed", kobject_destroy(S_TREE_TASK), 0);
	mica_printf("# mapping nodes: %lu more than before the tree\n", (unsigned long)(mapnodes() - nodes));
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	kobject_destroy(S_TICKER);
}

/* Task.io_map and io_unmap changed the port bitmap a port at a time with
 * interrupts off (853,439 instructions in the fuzzer for 65,536 ports):
 * 32,768 of this task's ports given to a child and all 65,536 taken
 * back.  The stretches are seen on the measuring kernel
 * (TESTRUN_KERNEL=build/kern/mica-measure.elf32), too short for the
 * ticker. */
static void io_ranges_bounded(void)
{
	expect("a child task", qtask_create(S_TASK), 0);
	irqoff_longest();
	expect("32,768 ports given", task_io_map(S_TASK, mica_io_fpage(0x8000, 15)), 0);
	expect("every port taken back", task_io_unmap(S_TASK, mica_io_fpage(0, 16)), 0);
	expect("all 65,536 of ours are not ours to give: EPERM", task_io_map(S_TASK, mica_io_fpage(0, 16)), -MICA_EPERM);
	long longest = irqoff_longest();
	if (longest >= 0) {
		mica_printf("# the longest stretch with interrupts off: %ld instructions\n", longest);
		expect("no stretch with interrupts off above 100,000 instructions", longest <= 100000, 1);
	}
	expect("the task is destroyed", kobject_destroy(S_TASK), 0);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
}

/* The first pager replaced a mapping at a window address, with every
 * copy made from it, in one walk: our device page (which the first pager
 * maps R and W), mapped FAULT_COPIES times into a child task, loses W in
 * our task; a write to it faults, and the first pager maps the device
 * again after removing the old mapping and its copies -- in bounded
 * steps, the thread faulting again until the old mapping has gone. */
enum { FAULT_COPIES = 16384 };
#define FAULT_DEVICE (MICA_BOOT_PHYS_WINDOW + 0xfd000000ull)
#define FAULT_DEST 0x0000200000000000ull

static void first_pager_fault_bounded(void)
{
	volatile uint8_t *device = (volatile uint8_t *)FAULT_DEVICE;
	uint64_t before;
	uint32_t rights = 0, status = 0;
	int err = 0;

	ticker_begin();
	expect("a child task", factory_create_task(MICA_BOOT_FACTORY, S_TREE_TASK), 0);
	uint64_t nodes = mapnodes();
	(void)*device;   /* the first pager maps it */
	for (unsigned i = 0; i < FAULT_COPIES && !err; i++)
		err = task_mem_map(S_TREE_TASK, mica_fpage(FAULT_DEVICE, 12, MICA_RWX), FAULT_DEST + i * 4096ull, false);
	expect("the device page is mapped into the child many times", err, 0);
	expect("our mapping loses W, and its copies",
	       task_mem_unmap(MICA_BOOT_TASK, mica_fpage(FAULT_DEVICE, 12, MICA_W), true, &status), 0);
	expect("... ours is R only", task_mem_lookup(MICA_BOOT_TASK, FAULT_DEVICE, &rights), 0);
	expect("... R", rights & (MICA_R | MICA_W), MICA_R);
	mica_printf("# mapping nodes: %lu more\n", (unsigned long)(mapnodes() - nodes));
	irqoff_longest();

	longest_wait = 0;
	before = ticks;
	ticking = 1;
	*device = 0;   /* faults: the first pager replaces the mapping */
	ticker_noted();
	ticked("the ticker ran on time while the first pager replaced the mapping", before);
	long longest = irqoff_longest();
	if (longest >= 0) {
		mica_printf("# the longest stretch with interrupts off: %ld instructions\n", longest);
		expect("no stretch with interrupts off above 100,000 instructions", longest <= 100000, 1);
	}
	expect("ours is R and W again", task_mem_lookup(MICA_BOOT_TASK, FAULT_DEVICE, &rights), 0);
	expect("... RW", rights & (MICA_R | MICA_W), MICA_R | MICA_W);
	expect("the copies went with the old mapping",
	       task_mem_lookup(S_TREE_TASK, FAULT_DEST + (FAULT_COPIES - 1) * 4096ull, &rights), 0);
	expect("... no rights", rights, 0);
	expect("only our new mapping is left", (long)(mapnodes() - nodes), 1);
	expect("the task is destroyed", kobject_destroy(S_TREE_TASK), 0);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	kobject_destroy(S_TICKER);
}

/* A UTCB the kernel put at an address of the first pager's window: a
 * fault there (an instruction fetch: the UTCB is not executable) had the
 * first pager map the window's page over the UTCB's page-table entry, with
 * a mapping node the thread's end then left without its entry.  The
 * runner's pager is a gate nobody serves: the fault, refused by the first
 * pager, blocks there. */
enum { S_UTCB_THREAD = 100, S_RUNNER, S_NOBODY, S_NOBODY_GATE };

static void first_pager_keeps_utcb(void)
{
	const uint64_t utcb = MICA_BOOT_PHYS_WINDOW + (48ull << 20);   /* a user-pool page nobody has */
	const volatile struct mica_utcb *u = (const volatile struct mica_utcb *)utcb;
	uint64_t ip, sp, fl;
	uint32_t rights = 9;

	expect("a thread", factory_create_thread(MICA_BOOT_FACTORY, S_UTCB_THREAD), 0);
	expect("... with its UTCB in our window", thread_bind(S_UTCB_THREAD, MICA_BOOT_TASK, utcb), 0);
	expect("the UTCB names itself", u->self, utcb);
	expect("a thread that never receives", factory_create_thread(MICA_BOOT_FACTORY, S_NOBODY), 0);
	expect("... a gate of it", factory_create_gate(MICA_BOOT_FACTORY, S_NOBODY_GATE, S_NOBODY, 1), 0);
	expect("a thread to run the UTCB", factory_create_thread(MICA_BOOT_FACTORY, S_RUNNER), 0);
	expect("... bound", thread_bind(S_RUNNER, MICA_BOOT_TASK, 0x7fff00300000ull), 0);
	expect("... its pager the gate", thread_set_handlers(S_RUNNER, S_NOBODY_GATE, 0), 0);
	expect("... at the UTCB", thread_ex_regs(S_RUNNER, utcb, 0, ~0ull, &ip, &sp, &fl), 0);
	expect("... started", thread_start(S_RUNNER), 0);
	mica_ipc_wait(mica_timeouts(0, 5000), 0, 0);
	expect("no mapping was made over the UTCB", task_mem_lookup(MICA_BOOT_TASK, utcb, &rights), 0);
	expect("... no rights", rights, 0);
	expect("the UTCB still names itself", u->self, utcb);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	expect("the runner is destroyed", kobject_destroy(S_RUNNER), 0);
	expect("the thread is destroyed", kobject_destroy(S_UTCB_THREAD), 0);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), MICA_OK);
	kobject_destroy(S_NOBODY_GATE);
	kobject_destroy(S_NOBODY);
}

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "factory_freed_while_queued", factory_freed_while_queued },
	{ "zero_quota_factory_frees_parent_twice", zero_quota_factory_frees_parent_twice },
	{ "mem_map_over_utcb", mem_map_over_utcb },
	{ "debug_exit_then_start", debug_exit_then_start },
	{ "watch_fired_inside_send", watch_fired_inside_send },
	{ "receive_buffer_over_utcb", receive_buffer_over_utcb },
	{ "string_from_device_memory", string_from_device_memory },
	{ "gate_rights_checked", gate_rights_checked },
	{ "string_sets_accessed_dirty", string_sets_accessed_dirty },
	{ "item_error_reports_arrivals", item_error_reports_arrivals },
	{ "string_length_bounded", string_length_bounded },
	{ "gs_base_per_thread", gs_base_per_thread },
	{ "io_unmap_while_cached", io_unmap_while_cached },
	{ "io_ports_not_passed_on", io_ports_not_passed_on },
	{ "fault_ipc_keeps_mrs", fault_ipc_keeps_mrs },
	{ "hog_cannot_freeze", hog_cannot_freeze },
	{ "debug_calls_need_log", debug_calls_need_log },
	{ "com1_reserved", com1_reserved },
	{ "cap_grant_clips_children", cap_grant_clips_children },
	{ "mem_grant_clips_children", mem_grant_clips_children },
	{ "quota_pins_cache_pages", quota_pins_cache_pages },
	{ "gate_destroy_walks_threads", gate_destroy_walks_threads },
	{ "huge_operations_let_interrupts_in", huge_operations_let_interrupts_in },
	{ "mem_items_bounded", mem_items_bounded },
	{ "revoke_many_copies", revoke_many_copies },
	{ "thread_with_many_gates", thread_with_many_gates },
	{ "many_senders_cancelled", many_senders_cancelled },
	{ "cap_changes_bounded", cap_changes_bounded },
	{ "mem_map_changes_bounded", mem_map_changes_bounded },
	{ "io_ranges_bounded", io_ranges_bounded },
	{ "first_pager_fault_bounded", first_pager_fault_bounded },
	{ "first_pager_keeps_utcb", first_pager_keeps_utcb },
};

int main(int argc, char **argv)
{
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (argc < 2 || mica_streq(argv[1], cases[i].name))
			cases[i].fn();
	return qtest_done();
}
