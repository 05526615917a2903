/*
 * kv_test.c - the key-value server (srv/kv, docs/server.md) under root,
 * through its generated stubs: values stored and answered, the server's
 * own refusals (an empty key, a missing key, a full table), requests the
 * generated dispatch or the kernel refuses before a handler runs (unknown
 * opcode or protocol, a missing word, a key longer than its bound), and a
 * client that dies after using it (`kv_test child`, started by the test),
 * and idlc's fuzz driver: after each, the server still serves with its
 * table intact.
 */
#include "qtest.h"

#include <libsys/debug.h>
#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <common/string.h>
#include <mica/error.h>
#include <rt/rt.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/rt/kv.h>
#include <idl/rt/process.h>
#include <idl/rt/registry.h>

#define IRQ_LABEL 0x77
#define ENTRIES 64   /* srv/kv's table */

static mica_cap_t kv;

/* A raw call through the gate: the result label of the reply. */
static long raw_call(mica_word_t tag)
{
	mica_word_t reply;
	int err = mica_ipc_call(kv, tag, &reply);

	return err ? -1000 - err : mica_tag_label(reply);
}

static void put_then_get_answers_the_value(void)
{
	uint64_t v = 0;

	expect("put answer=42", kv_put(kv, "answer", 42), 0);
	expect("get answer", kv_get(kv, "answer", &v), 0);
	expect("... is 42", (long)v, 42);
	expect("put answer=43 replaces it", kv_put(kv, "answer", 43), 0);
	expect("... get answers 43", kv_get(kv, "answer", &v) == 0 && v == 43, 1);
}

static void missing_key_is_enoent(void)
{
	uint64_t v;

	expect("get of a key never put: ENOENT", kv_get(kv, "nothing", &v), -MICA_ENOENT);
	expect("remove of it: ENOENT", kv_remove(kv, "nothing"), -MICA_ENOENT);
}

static void removed_key_is_gone(void)
{
	uint64_t v;

	expect("put gone=1", kv_put(kv, "gone", 1), 0);
	expect("remove gone", kv_remove(kv, "gone"), 0);
	expect("... get gone: ENOENT", kv_get(kv, "gone", &v), -MICA_ENOENT);
}

static void empty_key_is_einval(void)
{
	expect("put of an empty key: EINVAL", kv_put(kv, "", 1), -MICA_EINVAL);
}

static void full_table_is_enomem(void)
{
	char key[8] = "fill";
	int err = 0;
	unsigned put = 0;

	/* Fill what is left (the table holds `answer` already). */
	for (unsigned i = 0; i < ENTRIES && !err; i++) {
		key[4] = (char)('a' + i / 26), key[5] = (char)('a' + i % 26), key[6] = 0;
		if ((err = kv_put(kv, key, i)) == 0)
			put++;
	}
	expect("puts until the table is full: ENOMEM", err, -MICA_ENOMEM);
	expect("... after the 63 free entries", put, ENTRIES - 1);
	err = 0;
	for (unsigned i = 0; i < put; i++) {
		key[4] = (char)('a' + i / 26), key[5] = (char)('a' + i % 26), key[6] = 0;
		err |= kv_remove(kv, key);
	}
	expect("removing them frees the table", err, 0);
	expect("... a new key fits again", kv_put(kv, "again", 1), 0);
}

static void malformed_requests_are_refused(void)
{
	struct mica_utcb *u = mica_utcb();
	char long_key[40];

	u->mr[0] = 99;
	expect("an unknown opcode: ENOSYS", raw_call(mica_tag(KV_PROTOCOL, 1, 0, 0)), -MICA_ENOSYS);
	u->mr[0] = KV_GET_OPCODE;
	expect("an unknown protocol: ENOSYS", raw_call(mica_tag(KV_PROTOCOL + 1, 1, 0, 0)), -MICA_ENOSYS);
	u->mr[0] = KV_PUT_OPCODE;
	expect("put without its value and key: EMSG", raw_call(mica_tag(KV_PROTOCOL, 1, 0, 0)), -MICA_EMSG);
	for (unsigned i = 0; i < sizeof long_key; i++)
		long_key[i] = 'k';
	u->mr[0] = KV_GET_OPCODE;
	u->mr[1] = mica_item_string(sizeof long_key);
	u->mr[2] = (mica_word_t)long_key;
	expect("a key longer than the server's buffer: the kernel refuses it (EOVERFLOW)",
	       raw_call(mica_tag(KV_PROTOCOL, 1, 1, 0)), -1000 - MICA_EOVERFLOW);
	uint64_t v = 0;
	expect("the server still serves", kv_get(kv, "answer", &v), 0);
	expect("... with its table intact", (long)v, 43);
}

static void client_that_dies_leaves_the_server_serving(void)
{
	mica_cap_t irq = mica_slot_alloc(), proc = mica_slot_alloc();
	mica_word_t tag, label;
	bool ended;
	int32_t status;
	uint64_t pid, v = 0;

	expect("an irq to hear of the child's end", factory_create_irq(MICA_BOOT_FACTORY, irq, IRQ_LABEL), 0);
	expect("... bound to this thread", irq_bind(irq, MICA_BOOT_THREAD), 0);
	expect("spawn kv_test child", launcher_spawn(rt_cap("launcher"), "kv_test", "child", 6, 0, 0, irq, 2 << 20,
						     &proc), 0);
	do
		mica_ipc_wait(0, &tag, &label);
	while (label != IRQ_LABEL);
	expect("the child ended", process_status(proc, &ended, &status, &pid) == 0 && ended, 1);
	expect("... by its fault", status, 139);
	expect("what it put is there", kv_get(kv, "child", &v), 0);
	expect("... 7", (long)v, 7);
	expect("the server answers the next client", kv_put(kv, "after", 8), 0);
	mica_slot_drop(proc);
	mica_slot_drop(irq);
}

/* idlc's fuzz driver (docs/idl.md): random and broken puts, gets and
   removes, every one answered properly; a key the fuzzer never names
   (its keys are random) keeps its value. */
static void fuzzed_requests_are_answered_properly(void)
{
	uint64_t v = 0;

	expect("Kv fuzzed: no wrong answer", kv_fuzz(kv, 16, 200), 0);
	expect("the server still serves", kv_get(kv, "answer", &v), 0);
	expect("... with answer intact", (long)v, 43);
	expect("a second run, another seed: no wrong answer", kv_fuzz(kv, 17, 200), 0);
}

/* The client that dies: it puts child=7, then faults outside every region. */
static int child(void)
{
	mica_cap_t c = mica_slot_alloc();

	if (registry_lookup(rt_cap("registry"), "kv", &c) || kv_put(c, "child", 7))
		return 1;
	*(volatile int *)0x123456789000ull = 1;
	return 0;
}

static const struct {
	const char *name;
	void (*run)(void);
} cases[] = {
	{ "put_then_get_answers_the_value", put_then_get_answers_the_value },
	{ "missing_key_is_enoent", missing_key_is_enoent },
	{ "removed_key_is_gone", removed_key_is_gone },
	{ "empty_key_is_einval", empty_key_is_einval },
	{ "full_table_is_enomem", full_table_is_enomem },
	{ "malformed_requests_are_refused", malformed_requests_are_refused },
	{ "client_that_dies_leaves_the_server_serving", client_that_dies_leaves_the_server_serving },
	{ "fuzzed_requests_are_answered_properly", fuzzed_requests_are_answered_properly },
};

int main(int argc, char **argv)
{
	if (argc > 1 && mica_streq(argv[1], "child"))
		return child();
	kv = mica_slot_alloc();
	expect("the registry names kv", registry_lookup(rt_cap("registry"), "kv", &kv), 0);
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mica_printf("# %s\n", cases[i].name);
		cases[i].run();
	}
	return qtest_done();
}
