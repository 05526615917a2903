/*
 * ipc.c - IPC between threads of one task and of two tasks: call and
 * reply-and-wait with words, many clients, string items (and their
 * overflow), capability items (the void-item rule, local
 * identification), timeouts, and the errors of each phase.
 */
#include "qtest.h"

#include <mica/kip.h>

#include "factory.h"
#include "gate.h"
#include "kobject.h"
#include "task.h"
#include "thread.h"

enum {
	S_SERVER = 10, S_GATE, S_CLIENT0, S_CHILD = 30, S_CHILD_SERVER, S_CHILD_GATE, S_IRQ,
	S_IDLE, S_IDLE_GATE, S_RECV_A = 50, S_RECV_B, S_RECV_C, S_TMP = 60,
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

static void test_words_same_task(void)
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

static void test_many_clients(void)
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

static void test_inter_task(void)
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
	mica_word_t tag, label, mr[8];
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

static void test_strings(void)
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

static void test_cap_items(void)
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

static void test_timeouts(void)
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

static void test_timed_waits_in_order(void)
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

int main(void)
{
	test_words_same_task();
	test_many_clients();
	test_inter_task();
	test_strings();
	test_cap_items();
	test_timeouts();
	test_timed_waits_in_order();
	kobject_destroy(S_CHILD);
	return qtest_done();
}
