/*
 * ipc.c - IPC between threads of one task and of two tasks: call and
 * reply-and-wait with words, many clients, string items (and their
 * overflow), capability items (the void-item rule, local
 * identification), timeouts, and the errors of each phase; the order
 * of a receiver's queue (notifications first, then senders first come
 * first served), a new call cancelling an unanswered one, cancellation by
 * stop and by a gate's destruction, the item-error word, and when a call's
 * receive timeout starts.  The cases run in order from the table at the end.
 */
#include "qtest.h"

#include <mica/kip.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/gate.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>

enum {
	S_SERVER = 10, S_GATE, S_CLIENT0, S_CHILD = 30, S_CHILD_SERVER, S_CHILD_GATE, S_IRQ,
	S_IDLE, S_IDLE_GATE, S_RECV_A = 50, S_RECV_B, S_RECV_C, S_TMP = 60,
	S_HOLDER = 70, S_HOLDER_GATE, S_QSERVER, S_QSERVER_GATE, S_QIRQ, S_QCLIENT0, S_WAITER = 80, S_WAITER_CLIENT,
	S_DEAF, S_DEAF_GATE, S_LATE, S_LATE_GATE,
};

#define GATE_LABEL 0x1234
#define NCLIENTS 6
#define CALLS 50

static struct qthread server = { .slot = S_SERVER };
static struct qthread clients[NCLIENTS];
static struct qthread child_server = { .slot = S_CHILD_SERVER };
static struct qthread idle = { .slot = S_IDLE };

static volatile unsigned served;
static volatile int bad_label;

/* Adds MR1 and MR2 and answers with the sum and the count so far;
 * opcode 2 answers with what the string items carried. */
static void adder(void *arg)
{
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag, label, reply = 0;
	int err = mica_ipc_wait(0, &tag, &label);

	(void)arg;
	for (;;) {
		if (err) {
			err = mica_ipc_wait(0, &tag, &label);
			continue;
		}
		if (label != GATE_LABEL)
			bad_label = 1;
		served++;
		u->mr[0] = u->mr[1] + u->mr[2];
		u->mr[1] = served;
		reply = mica_tag(0, 2, 0, 0);
		err = mica_ipc_reply_wait(reply, 0, &tag, &label);
	}
}

static void client(void *arg)
{
	volatile int *result = arg;
	struct mica_utcb *u = mica_utcb();
	int ok = 1;

	for (unsigned i = 0; i < CALLS; i++) {
		mica_word_t tag;
		u->mr[0] = i;
		u->mr[1] = 1000;
		u->mr[2] = (mica_word_t)result;
		if (mica_ipc_call(S_GATE, mica_tag(7, 3, 0, 0), &tag) || mica_tag_words(tag) != 2 ||
		    u->mr[0] != 1000 + (mica_word_t)result)
			ok = 0;
	}
	*result = ok ? 1 : -1;
}

static void call_within_one_task_carries_words(void)
{
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag;

	expect("server thread starts", qthread_start(&server, MICA_BOOT_TASK, 1, adder, 0), 0);
	expect("gate to the server thread", factory_create_gate(MICA_BOOT_FACTORY, S_GATE, S_SERVER, GATE_LABEL), 0);
	u->mr[0] = 5;
	u->mr[1] = 40;
	u->mr[2] = 2;
	expect("call within one task", mica_ipc_call(S_GATE, mica_tag(7, 3, 0, 0), &tag), 0);
	expect("reply has 2 words", mica_tag_words(tag), 2);
	expect("reply word 0 is the sum", (long)u->mr[0], 42);
	expect("server saw the gate label", bad_label, 0);

	/* 64 words travel; 65 do not. */
	for (int i = 0; i < 64; i++)
		u->mr[i] = i;
	expect("call with 64 words", mica_ipc_call(S_GATE, mica_tag(7, 64, 0, 0), &tag), 0);
	expect("64 words arrived (sum of MR1, MR2)", (long)u->mr[0], 3);
}

static void many_clients_each_get_their_own_replies(void)
{
	static volatile int results[NCLIENTS];
	unsigned before = served;
	int all = 1;

	for (int i = 0; i < NCLIENTS; i++) {
		clients[i].slot = S_CLIENT0 + i;
		if (qthread_start(&clients[i], MICA_BOOT_TASK, 10 + i, client, (void *)&results[i]))
			all = 0;
	}
	expect("clients start", all, 1);
	for (int spins = 0; spins < 2000; spins++) {
		int done = 1;
		for (int i = 0; i < NCLIENTS; i++)
			done &= results[i] != 0;
		if (done)
			break;
		thread_yield(MICA_BOOT_THREAD);
		mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
	}
	for (int i = 0; i < NCLIENTS; i++)
		all &= results[i] == 1;
	expect("every client got every right reply", all, 1);
	expect("the server served every call", (long)(served - before), NCLIENTS * CALLS);
	for (int i = 0; i < NCLIENTS; i++)
		kobject_destroy(clients[i].slot);
}

static void call_into_another_task(void)
{
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag;

	expect("child task with the program's image", qtask_create(S_CHILD), 0);
	expect("server thread in the child", qthread_start(&child_server, S_CHILD, 1, adder, 0), 0);
	expect("gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_CHILD_GATE, S_CHILD_SERVER, GATE_LABEL), 0);
	u->mr[0] = 0;
	u->mr[1] = 100;
	u->mr[2] = 23;
	expect("call into another task", mica_ipc_call(S_CHILD_GATE, mica_tag(7, 3, 0, 0), &tag), 0);
	expect("reply from another task", (long)u->mr[0], 123);
}

/* Receives once with the buffers `arg` describes, records what came. */
struct receipt {
	mica_word_t br[8];
	int err;
	mica_word_t tag, label, mr[8], error;
	int done;
};

static void receiver(void *arg)
{
	struct receipt *r = arg;
	struct mica_utcb *u = mica_utcb();

	for (int i = 0; i < 8; i++)
		u->br[i] = r->br[i];
	r->err = mica_ipc_wait(0, &r->tag, &r->label);
	for (int i = 0; i < 8; i++)
		r->mr[i] = u->mr[i];
	r->error = u->error;
	r->done = 1;
	if (!r->err)
		mica_ipc_reply(mica_tag(0, 0, 0, 0));
}

static struct qthread recv_thread = { .slot = 20 };
static struct receipt receipt;

/* Start a receiver with these buffers behind gate S_TMP+1. */
static void start_receiver(const mica_word_t *br, unsigned utcb_index)
{
	for (int i = 0; i < 8; i++)
		receipt.br[i] = br[i];
	receipt.done = 0;
	kobject_destroy(recv_thread.slot);
	qthread_start(&recv_thread, MICA_BOOT_TASK, utcb_index, receiver, &receipt);
	factory_create_gate(MICA_BOOT_FACTORY, S_TMP + 1, recv_thread.slot, 0x99);
	thread_yield(MICA_BOOT_THREAD);   /* let it reach its wait */
}

/* After a failed send the receiver is ready but has not run yet. */
static void wait_receipt(void)
{
	for (int i = 0; i < 100 && !receipt.done; i++)
		thread_yield(MICA_BOOT_THREAD);
}

static void string_items_and_their_errors(void)
{
	static char text[32] = "0123456789abcdefghijklmnopqrstu";
	static char area[64];   /* the receive buffer is its first 16 bytes */
	char *small = area;
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag;
	mica_word_t br[8] = { 0, mica_br_desc(0, 1, 0), (mica_word_t)area, 16 };

	start_receiver(br, 30);
	u->mr[0] = mica_item_string(10);
	u->mr[1] = (mica_word_t)text;
	expect("string item within the buffer", mica_ipc_call(S_TMP + 1, mica_tag(1, 0, 1, 0), &tag), 0);
	expect("receiver got it", receipt.err, 0);
	expect("receiver's item names its buffer", receipt.mr[1] == (mica_word_t)small, 1);
	expect("receiver's item has the length", mica_item_len(receipt.mr[0]), 10);
	expect("bytes arrived", small[9] == '9' && small[0] == '0', 1);

	start_receiver(br, 31);
	u->mr[0] = mica_item_string(32);
	u->mr[1] = (mica_word_t)text;
	expect("string longer than the buffer: sender sees EOVERFLOW",
	       mica_ipc_call(S_TMP + 1, mica_tag(1, 0, 1, 0), &tag), MICA_EOVERFLOW);
	wait_receipt();
	expect("receiver sees EOVERFLOW too", receipt.err, MICA_EOVERFLOW);
	int clean = 1;
	for (int i = 16; i < 64; i++)
		clean &= area[i] == 0;
	expect("nothing was written past the buffer", clean, 1);

	start_receiver(br, 32);
	u->mr[0] = mica_item_string(8);
	u->mr[1] = 0x10000000;   /* unmapped */
	expect("string from unmapped memory is EFAULT", mica_ipc_call(S_TMP + 1, mica_tag(1, 0, 1, 0), &tag),
	       MICA_EFAULT);

	mica_word_t none[8] = { 0, 0 };
	start_receiver(none, 33);
	u->mr[0] = mica_item_string(8);
	u->mr[1] = (mica_word_t)text;
	expect("string to a receiver without buffers is ENOBUF", mica_ipc_call(S_TMP + 1, mica_tag(1, 0, 1, 0), &tag),
	       MICA_ENOBUF);
	wait_receipt();
	expect("the receiver sees ENOBUF", receipt.err, MICA_ENOBUF);
}

static void capability_items_keep_slots_in_order(void)
{
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag;
	uint32_t type, rights;
	mica_word_t br[8] = { 0, mica_br_desc(3, 0, 0), S_RECV_A, S_RECV_B, S_RECV_C };

	start_receiver(br, 34);
	u->mr[0] = mica_item_cap(MICA_R, 0);
	u->mr[1] = MICA_BOOT_LOG;
	u->mr[2] = mica_item_cap(MICA_RWX, 0);
	u->mr[3] = 99;    /* empty slot: void */
	u->mr[4] = mica_item_cap(MICA_RWX, 0);
	u->mr[5] = MICA_BOOT_ICU;
	expect("three capability items, the middle one void",
	       mica_ipc_call(S_TMP + 1, mica_tag(1, 0, 3, 0), &tag), 0);
	expect("first lands in the first slot", receipt.mr[1], S_RECV_A);
	expect("first keeps only the rights sent", mica_item_rights(receipt.mr[0]), MICA_R);
	expect("second arrives void", (receipt.mr[2] & MICA_ITEM_F_VOID) != 0, 1);
	expect("third lands in the third slot, not the second", receipt.mr[5], S_RECV_C);
	task_cap_info(MICA_BOOT_TASK, S_RECV_B, &type, &rights);
	expect("the void item's slot stays empty", type, 0);
	task_cap_info(MICA_BOOT_TASK, S_RECV_C, &type, &rights);
	expect("the third slot holds the Icu", type, 6);

	/* A capability to a gate the receiver serves comes back as its label. */
	mica_word_t local[8] = { 0, mica_br_desc(1, 0, MICA_BR_LOCAL_ID), S_RECV_A };
	start_receiver(local, 35);
	factory_create_gate(MICA_BOOT_FACTORY, S_TMP + 2, recv_thread.slot, 0x4242);
	u->mr[0] = mica_item_cap(MICA_RWX, 0);
	u->mr[1] = S_TMP + 2;
	expect("sending the receiver's own gate", mica_ipc_call(S_TMP + 1, mica_tag(1, 0, 1, 0), &tag), 0);
	expect("arrives marked local", (receipt.mr[0] & MICA_ITEM_F_LOCAL) != 0, 1);
	expect("as the gate's label", (long)receipt.mr[1], 0x4242);

	start_receiver(br, 36);
	u->mr[0] = mica_item_cap(MICA_RWX, 0);
	u->mr[1] = MICA_BOOT_LOG;
	u->mr[2] = mica_item_cap(MICA_RWX, 0);
	u->mr[3] = MICA_BOOT_LOG;
	u->mr[4] = mica_item_cap(MICA_RWX, 0);
	u->mr[5] = MICA_BOOT_LOG;
	u->mr[6] = mica_item_cap(MICA_RWX, 0);
	u->mr[7] = MICA_BOOT_LOG;
	expect("a fourth capability with three slots is ENOBUF", mica_ipc_call(S_TMP + 1, mica_tag(1, 0, 4, 0), &tag),
	       MICA_ENOBUF);
}

static void nothing(void *arg)
{
	(void)arg;
}

static void send_timeouts_and_a_destroyed_receiver(void)
{
	uint64_t t0 = ((const struct mica_kip *)MICA_KIP_ADDR)->clock_us;
	mica_word_t tag;

	expect("open wait with a 5 ms timeout", mica_ipc_wait(mica_timeouts(0, 5000), 0, 0), MICA_ETIMEOUT);
	expect("at least 5 ms went by", ((const struct mica_kip *)MICA_KIP_ADDR)->clock_us - t0 >= 5000, 1);

	/* A thread that never receives: sends to it time out. */
	expect("idle thread", qthread_start(&idle, MICA_BOOT_TASK, 40, nothing, 0), 0);
	thread_stop(S_IDLE);
	factory_create_gate(MICA_BOOT_FACTORY, S_IDLE_GATE, S_IDLE, 1);
	expect("send with zero timeout to a thread not waiting",
	       mica_ipc_call_timeout(S_IDLE_GATE, mica_tag(1, 0, 0, 0), mica_timeouts(MICA_TIMEOUT_ZERO, 0), &tag),
	       MICA_ETIMEOUT);
	expect("send with a 2 ms timeout", mica_ipc_call_timeout(S_IDLE_GATE, mica_tag(1, 0, 0, 0), mica_timeouts(2000, 0), &tag),
	       MICA_ETIMEOUT);
	/* A call whose reply never comes: the receive timeout ends it. */
	mica_word_t br[8] = { 0, 0 };
	start_receiver(br, 41);
	kobject_destroy(recv_thread.slot);
	expect("call to a destroyed thread's gate is EGONE", mica_ipc_call(S_TMP + 1, mica_tag(1, 0, 0, 0), &tag),
	       MICA_EGONE);
}

/* ---- the order of a receiver's queue, and cancellation ------------------------ */

static uint32_t state_of(mica_cap_t slot)
{
	uint32_t state = 99;
	uint64_t id;

	thread_state(slot, &state, &id);
	return state;
}

/* Wait (in 1 ms steps, for at most 2 s) until thread `slot` is in `state`
 * (0 stopped, 2 blocked in IPC). */
static uint32_t wait_state(mica_cap_t slot, uint32_t state)
{
	for (int i = 0; i < 2000 && state_of(slot) != state; i++)
		mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
	return state_of(slot);
}

static struct qthread holder = { .slot = S_HOLDER }, first_caller = { .slot = S_CLIENT0 + NCLIENTS };
static volatile int held, first_err = 1, first_done;

/* Takes a call, does not answer it, takes the next and answers that. */
static void hold_then_answer(void *arg)
{
	mica_word_t tag, label;

	(void)arg;
	while (mica_ipc_wait(0, &tag, &label))
		;
	held = 1;
	while (mica_ipc_wait(0, &tag, &label))
		;
	mica_ipc_reply(mica_tag(0, 0, 0, 0));
}

static void call_holder(void *arg)
{
	mica_word_t tag;

	(void)arg;
	first_err = mica_ipc_call(S_HOLDER_GATE, mica_tag(1, 0, 0, 0), &tag);
	first_done = 1;
}

static void new_call_cancels_the_unanswered_caller(void)
{
	mica_word_t tag;

	expect("a server that holds its first call", qthread_start(&holder, MICA_BOOT_TASK, 50, hold_then_answer, 0), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_HOLDER_GATE, S_HOLDER, 0x50), 0);
	expect("the first caller", qthread_start(&first_caller, MICA_BOOT_TASK, 51, call_holder, 0), 0);
	expect("the server took its call", qtest_wait(&held), 1);
	expect("a second call is answered", mica_ipc_call(S_HOLDER_GATE, mica_tag(1, 0, 0, 0), &tag), 0);
	expect("the first caller's wait ended", qtest_wait(&first_done), 1);
	expect("... with ECANCELED", first_err, MICA_ECANCELED);
	kobject_destroy(S_HOLDER);
	kobject_destroy(first_caller.slot);
}

#define QUEUED 3
#define QIRQ_LABEL 0x77

static struct qthread qserver = { .slot = S_QSERVER }, qclients[QUEUED];
static volatile mica_word_t order[QUEUED + 1];
static volatile int order_n;

/* Stops itself; once started again, takes QUEUED + 1 messages in order. */
static void queue_server(void *arg)
{
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag, label;

	(void)arg;
	thread_stop(S_QSERVER);
	while (order_n <= QUEUED) {
		if (mica_ipc_wait(0, &tag, &label))
			continue;
		if (mica_tag_flags(tag) & MICA_TAG_F_IRQ) {
			order[order_n++] = label;
			continue;
		}
		order[order_n++] = u->mr[0];
		mica_ipc_reply(mica_tag(0, 0, 0, 0));
	}
}

static void queued_client(void *arg)
{
	mica_word_t tag;

	mica_utcb()->mr[0] = (mica_word_t)arg;
	mica_ipc_call(S_QSERVER_GATE, mica_tag(1, 1, 0, 0), &tag);
}

static void queue_is_fifo_with_notifications_first(void)
{
	int queued = 1;

	expect("a server", qthread_start(&qserver, MICA_BOOT_TASK, 52, queue_server, 0), 0);
	expect("... that stopped before receiving", wait_state(S_QSERVER, 0), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_QSERVER_GATE, S_QSERVER, 0x51), 0);
	for (int i = 0; i < QUEUED; i++) {
		qclients[i].slot = S_QCLIENT0 + i;
		queued &= qthread_start(&qclients[i], MICA_BOOT_TASK, 53 + i, queued_client, (void *)(uintptr_t)(i + 1)) == 0;
		queued &= wait_state(S_QCLIENT0 + i, 2) == 2;   /* queued before the next one starts */
	}
	expect("three callers queued one after the other", queued, 1);
	expect("an irq", factory_create_irq(MICA_BOOT_FACTORY, S_QIRQ, QIRQ_LABEL), 0);
	expect("bound to the server", irq_bind(S_QIRQ, S_QSERVER), 0);
	expect("triggered after the callers queued", irq_trigger(S_QIRQ), 0);
	expect("the server starts receiving", thread_start(S_QSERVER), 0);
	wait_state(S_QSERVER, 0);   /* it stops when done */
	expect("it took four messages", order_n, QUEUED + 1);
	expect("the notification first", (long)order[0], QIRQ_LABEL);
	expect("then the callers, first come first served", order[1] == 1 && order[2] == 2 && order[3] == 3, 1);
	for (int i = 0; i < QUEUED; i++)
		kobject_destroy(S_QCLIENT0 + i);
	kobject_destroy(S_QIRQ);
	kobject_destroy(S_QSERVER);
}

static struct qthread waiter = { .slot = S_WAITER }, waiter_client = { .slot = S_WAITER_CLIENT };
static struct qthread deaf = { .slot = S_DEAF };
static volatile int waiter_err = 1, waiter_done, sender_err = 1, sender_done;

static void wait_once(void *arg)
{
	(void)arg;
	waiter_err = mica_ipc_wait(0, 0, 0);
	waiter_done = 1;
}

static void send_to_deaf(void *arg)
{
	mica_word_t tag;

	(void)arg;
	sender_err = mica_ipc_call(S_DEAF_GATE, mica_tag(1, 0, 0, 0), &tag);
	sender_done = 1;
}

static void stop_self(void *arg)
{
	(void)arg;
	thread_stop(S_DEAF);
}

static void stop_cancels_waits(void)
{
	expect("a thread in an open wait", qthread_start(&waiter, MICA_BOOT_TASK, 60, wait_once, 0), 0);
	expect("... blocked", wait_state(S_WAITER, 2), 2);
	expect("stopped", thread_stop(S_WAITER), 0);
	expect("... its state is stopped", state_of(S_WAITER), 0);
	expect("started again", thread_start(S_WAITER), 0);
	expect("its wait ended", qtest_wait(&waiter_done), 1);
	expect("... with ECANCELED", waiter_err, MICA_ECANCELED);

	expect("a receiver that never receives", qthread_start(&deaf, MICA_BOOT_TASK, 61, stop_self, 0), 0);
	expect("... stopped", wait_state(S_DEAF, 0), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_DEAF_GATE, S_DEAF, 0x52), 0);
	expect("a caller queued on it", qthread_start(&waiter_client, MICA_BOOT_TASK, 62, send_to_deaf, 0), 0);
	expect("... blocked", wait_state(S_WAITER_CLIENT, 2), 2);
	expect("stopped", thread_stop(S_WAITER_CLIENT), 0);
	expect("started again", thread_start(S_WAITER_CLIENT), 0);
	expect("its call ended", qtest_wait(&sender_done), 1);
	expect("... with ECANCELED", sender_err, MICA_ECANCELED);
	kobject_destroy(S_WAITER);
	kobject_destroy(S_WAITER_CLIENT);
}

static void destroying_a_gate_ends_its_queued_calls(void)
{
	sender_done = 0;
	sender_err = 1;
	waiter_client.slot = S_WAITER_CLIENT;
	expect("a caller queued on the deaf receiver's gate",
	       qthread_start(&waiter_client, MICA_BOOT_TASK, 63, send_to_deaf, 0), 0);
	expect("... blocked", wait_state(S_WAITER_CLIENT, 2), 2);
	expect("the gate is destroyed", kobject_destroy(S_DEAF_GATE), 0);
	expect("the call ended", qtest_wait(&sender_done), 1);
	expect("... with EGONE", sender_err, MICA_EGONE);
	kobject_destroy(S_WAITER_CLIENT);
	kobject_destroy(S_DEAF);
}

static struct qthread late = { .slot = S_LATE };
static volatile int late_err = 1, late_done;

/* Stops itself; started again, answers one call at once. */
static void answer_late(void *arg)
{
	mica_word_t tag, label;

	(void)arg;
	thread_stop(S_LATE);
	while (mica_ipc_wait(0, &tag, &label))
		;
	mica_ipc_reply(mica_tag(0, 0, 0, 0));
	/* the next call is taken and never answered */
	while (mica_ipc_wait(0, &tag, &label))
		;
	for (;;)
		mica_ipc_wait(mica_timeouts(0, 1000000), 0, 0);
}

static void call_late(void *arg)
{
	mica_word_t tag;

	(void)arg;
	late_err = mica_ipc_call_timeout(S_LATE_GATE, mica_tag(1, 0, 0, 0), mica_timeouts(0, 50000), &tag);
	late_done = 1;
}

static void receive_timeout_starts_when_the_call_is_taken(void)
{
	mica_word_t tag;

	expect("a receiver", qthread_start(&late, MICA_BOOT_TASK, 64, answer_late, 0), 0);
	expect("... stopped", wait_state(S_LATE, 0), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_LATE_GATE, S_LATE, 0x53), 0);
	waiter_client.slot = S_WAITER_CLIENT;
	expect("a call with a 50 ms receive timeout queues",
	       qthread_start(&waiter_client, MICA_BOOT_TASK, 65, call_late, 0), 0);
	expect("... blocked", wait_state(S_WAITER_CLIENT, 2), 2);
	mica_ipc_wait(mica_timeouts(0, 100000), 0, 0);   /* 100 ms queued: longer than the timeout */
	expect("the receiver starts", thread_start(S_LATE), 0);
	expect("the call ended", qtest_wait(&late_done), 1);
	expect("... answered: its time in the queue did not count", late_err, 0);
	expect("a call taken and never answered ends by its receive timeout",
	       mica_ipc_call_timeout(S_LATE_GATE, mica_tag(1, 0, 0, 0), mica_timeouts(0, 5000), &tag), MICA_ETIMEOUT);
	kobject_destroy(S_WAITER_CLIENT);
	kobject_destroy(S_LATE);
}

static void item_error_word_names_the_failed_item(void)
{
	static char text[32] = "0123456789abcdefghijklmnopqrstu";
	static char first[16], second[8];
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag;
	mica_word_t br[8] = { 0, mica_br_desc(0, 2, 0), (mica_word_t)first, sizeof first, (mica_word_t)second,
			      sizeof second };

	start_receiver(br, 66);
	u->mr[0] = mica_item_string(4);
	u->mr[1] = (mica_word_t)text;
	u->mr[2] = mica_item_string(20);   /* too long for the second buffer */
	u->mr[3] = (mica_word_t)text;
	u->error = ~0ull;
	expect("two strings, the second too long: EOVERFLOW", mica_ipc_call(S_TMP + 1, mica_tag(1, 0, 2, 0), &tag),
	       MICA_EOVERFLOW);
	expect("the sender's error word names item 1", (long)u->error, 1);
	wait_receipt();
	expect("the receiver sees EOVERFLOW", receipt.err, MICA_EOVERFLOW);
	expect("... and item 1 in its error word", (long)receipt.error, 1);
}

static void destroy_the_child_task(void)
{
	expect("the child task is destroyed", kobject_destroy(S_CHILD), 0);
}

/* Timed waits are kept sorted by deadline: three threads that start
 * waiting with timeouts in another order wake in deadline order. */
static struct qthread sleepers[3];
static volatile unsigned woken, wake_order[3];

static void sleeper(void *arg)
{
	unsigned us = (unsigned)(uintptr_t)arg;

	mica_ipc_wait(mica_timeouts(0, us), 0, 0);
	wake_order[__atomic_fetch_add(&woken, 1, __ATOMIC_RELAXED)] = us;
}

static void timed_waits_wake_in_deadline_order(void)
{
	static const unsigned us[3] = { 6000, 2000, 4000 };
	int all = 1;

	for (int i = 0; i < 3; i++) {
		sleepers[i].slot = S_TMP + 5 + i;
		all &= qthread_start(&sleepers[i], MICA_BOOT_TASK, 50 + i, sleeper, (void *)(uintptr_t)us[i]) == 0;
	}
	expect("three sleepers start", all, 1);
	for (int i = 0; i < 100 && woken < 3; i++)
		mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
	expect("all three woke", woken, 3);
	expect("in deadline order", wake_order[0] == 2000 && wake_order[1] == 4000 && wake_order[2] == 6000, 1);
	for (int i = 0; i < 3; i++)
		kobject_destroy(sleepers[i].slot);
}

static const struct qtest_case cases[] = {
	{ "call_within_one_task_carries_words", call_within_one_task_carries_words },
	{ "many_clients_each_get_their_own_replies", many_clients_each_get_their_own_replies },
	{ "call_into_another_task", call_into_another_task },
	{ "string_items_and_their_errors", string_items_and_their_errors },
	{ "capability_items_keep_slots_in_order", capability_items_keep_slots_in_order },
	{ "send_timeouts_and_a_destroyed_receiver", send_timeouts_and_a_destroyed_receiver },
	{ "new_call_cancels_the_unanswered_caller", new_call_cancels_the_unanswered_caller },
	{ "queue_is_fifo_with_notifications_first", queue_is_fifo_with_notifications_first },
	{ "stop_cancels_waits", stop_cancels_waits },
	{ "destroying_a_gate_ends_its_queued_calls", destroying_a_gate_ends_its_queued_calls },
	{ "receive_timeout_starts_when_the_call_is_taken", receive_timeout_starts_when_the_call_is_taken },
	{ "item_error_word_names_the_failed_item", item_error_word_names_the_failed_item },
	{ "timed_waits_wake_in_deadline_order", timed_waits_wake_in_deadline_order },
	{ "destroy_the_child_task", destroy_the_child_task },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
