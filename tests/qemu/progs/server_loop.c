/*
 * server_loop.c - the server loop of lib/server (docs/server.md) on two
 * threads serving one server, each through its own gate: capabilities a
 * handler keeps stay and its thread receives into a fresh slot, those it
 * leaves go; a handler's nested request to the other loop thread (which
 * drops its copy) leaves its own request as it was (nothing of a request is global); a reply
 * that cannot be delivered undoes what its handler made, a delivered one
 * does not; a capability granted with a reply leaves the server, which
 * then receives the next one; irq notifications reach srv.irq; srv.done
 * ends the loop.
 */
#include "qtest.h"

#include <libsys/slot.h>
#include <server/server.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/tests/loop_server.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>

enum {
	S_THREAD_A = 10, S_THREAD_B, S_GATE_A, S_GATE_B, S_VICTIM, S_IRQ, S_CAP, S_MADE,
	FIRST_FREE = 64,
	LABEL_A = 0xa, LABEL_B = 0xb, IRQ_LABEL = 0x99,
};

struct state {
	volatile int made, undone, irqs;
	volatile int stop_b, b_returned;
};

static struct state state;
static struct qthread thread_a = { .slot = S_THREAD_A }, thread_b = { .slot = S_THREAD_B };
static struct qthread victim = { .slot = S_VICTIM };

static bool holds(mica_cap_t slot)
{
	uint32_t type = 0, rights;

	return task_cap_info(MICA_BOOT_TASK, slot, &type, &rights) == 0 && type != 0;
}

static int on_keep(struct srv_request *req, mica_cap_t c, uint64_t *slot)
{
	int err = srv_keep(req, c);

	*slot = c;
	return err;
}

static int on_pass(struct srv_request *req, mica_cap_t c, uint64_t *slot)
{
	(void)req;
	*slot = c;
	return holds(c) ? 0 : -MICA_EBADCAP;
}

static int on_relay(struct srv_request *req, mica_cap_t c, uint64_t *theirs, uint64_t *mine)
{
	int err = req->label == LABEL_A ? loop_test_pass(S_GATE_B, c, theirs) : -MICA_EINVAL;

	*mine = c;
	if (!err && (!holds(c) || !(req->received & 1) || req->slots[0] != c))
		err = -MICA_EBUSY;   /* the nested request disturbed this one */
	return err;
}

static void unmake(void *made)
{
	((struct state *)made)->undone++;
}

static int on_make(struct srv_request *req, uint64_t victim_slot, mica_cap_t *made)
{
	struct state *s = req->srv->state;

	if (victim_slot)
		kobject_destroy(victim_slot);
	s->made++;
	*made = MICA_BOOT_LOG;
	srv_made(req, unmake, s);
	return 0;
}

static int on_give(struct srv_request *req, mica_cap_t *c, uint64_t *slot)
{
	mica_cap_t copy = mica_slot_alloc();
	int err = copy ? task_cap_map(MICA_BOOT_TASK, MICA_BOOT_LOG, copy, MICA_R, false) : -MICA_ENOMEM;

	if (err) {
		mica_slot_free(copy);
		return err;
	}
	*c = *slot = copy;
	srv_grant(req, copy);
	return 0;
}

static int on_stop(struct srv_request *req)
{
	((struct state *)req->srv->state)->stop_b = req->label == LABEL_B;
	return req->label == LABEL_B ? 0 : -MICA_EPERM;
}

static void count_irq(const struct srv *s, mica_word_t label)
{
	if (label == IRQ_LABEL)
		((struct state *)s->state)->irqs++;
}

static bool stopped(const struct srv *s)
{
	return ((struct state *)s->state)->stop_b;
}

static const struct loop_test_ops ops = { .keep = on_keep, .pass = on_pass, .relay = on_relay, .make = on_make,
					 .give = on_give, .stop = on_stop };
static const struct srv server = { .protocol = &loop_test_server, .ops = &ops, .state = &state, .irq = count_irq,
				   .done = stopped };

static void loop_thread(void *arg)
{
	struct loop_test_buffers buffers = { 0 };

	(void)arg;
	srv_serve(&server, &buffers);
	state.b_returned = 1;   /* only B stops */
}

static void kept_capability_stays_and_slot_is_refilled(void)
{
	uint64_t first = 0, second = 0;

	expect("keep the Log's capability", loop_test_keep(S_GATE_A, MICA_BOOT_LOG, &first), 0);
	expect("... the server holds it where it came", holds(first), 1);
	expect("keep it again", loop_test_keep(S_GATE_A, MICA_BOOT_LOG, &second), 0);
	expect("... it came into a fresh slot", second != first && holds(second), 1);
	mica_slot_drop(first);
	mica_slot_drop(second);
}

static void unkept_capability_goes(void)
{
	uint64_t slot = 0;

	expect("pass the Log's capability", loop_test_pass(S_GATE_A, MICA_BOOT_LOG, &slot), 0);
	expect("... it is gone after the request", holds(slot), 0);
	expect("pass a void one: the handler sees nothing", loop_test_pass(S_GATE_A, MICA_CAP_NULL, &slot),
	       -MICA_EBADCAP);
}

static void nested_request_leaves_own_request_intact(void)
{
	uint64_t theirs = 0, mine = 0;

	expect("relay through thread A to thread B: A's request intact after B's",
	       loop_test_relay(S_GATE_A, MICA_BOOT_LOG, &theirs, &mine), 0);
	expect("... B received into a slot of its own", theirs != mine, 1);
	expect("... both copies went with their requests", holds(theirs) || holds(mine), 0);
}

static void delivered_reply_is_not_undone(void)
{
	mica_cap_t made = S_MADE;

	expect("make", loop_test_make(S_GATE_A, 0, &made), 0);
	expect("... its capability arrived", holds(S_MADE), 1);
	expect("... nothing undone", state.undone, 0);
	task_cap_unmap(MICA_BOOT_TASK, S_MADE, true);
}

static void granted_capability_moves_and_loop_receives_after(void)
{
	mica_cap_t got = S_MADE;
	uint64_t had = 0, slot = 0;

	expect("give: a capability granted with the reply", loop_test_give(S_GATE_A, &got, &had), 0);
	expect("... it arrived", holds(S_MADE), 1);
	expect("... the server's slot is empty", holds(had), 0);
	expect("the next request brings a capability: received", loop_test_keep(S_GATE_A, MICA_BOOT_LOG, &slot), 0);
	mica_slot_drop(slot);
	task_cap_unmap(MICA_BOOT_TASK, S_MADE, true);
}

static void victim_calls_make(void *arg)
{
	mica_cap_t made = S_MADE;

	(void)arg;
	loop_test_make(S_GATE_B, S_VICTIM, &made);   /* never returns: the handler destroys this thread */
}

static void undeliverable_reply_is_undone(void)
{
	int made = state.made;

	expect("a client thread that dies while its make is served", qthread_start(&victim, MICA_BOOT_TASK, 3,
										  victim_calls_make, 0), 0);
	while (state.undone == 0)
		thread_yield(MICA_BOOT_THREAD);
	expect("... made once", state.made, made + 1);
	expect("... undone once", state.undone, 1);
	uint64_t slot;
	expect("thread B still serves", loop_test_pass(S_GATE_B, MICA_BOOT_LOG, &slot), 0);
}

static void irq_reaches_srv_irq(void)
{
	uint64_t slot;

	expect("an irq bound to thread B", factory_create_irq(MICA_BOOT_FACTORY, S_IRQ, IRQ_LABEL), 0);
	expect("... bound", irq_bind(S_IRQ, S_THREAD_B), 0);
	expect("trigger it", irq_trigger(S_IRQ), 0);
	/* A pending notification is taken before a queued request. */
	expect("a request after it", loop_test_pass(S_GATE_B, MICA_BOOT_LOG, &slot), 0);
	expect("... srv.irq saw the notification", state.irqs, 1);
	kobject_destroy(S_IRQ);
}

static void done_ends_the_loop(void)
{
	expect("stop through thread A is refused", loop_test_stop(S_GATE_A), -MICA_EPERM);
	expect("stop thread B: the reply comes", loop_test_stop(S_GATE_B), 0);
	while (!state.b_returned)
		thread_yield(MICA_BOOT_THREAD);
	expect("... srv_serve returned", state.b_returned, 1);
	uint64_t slot;
	expect("thread A still serves", loop_test_pass(S_GATE_A, MICA_BOOT_LOG, &slot), 0);
}

static const struct {
	const char *name;
	void (*run)(void);
} cases[] = {
	{ "kept_capability_stays_and_slot_is_refilled", kept_capability_stays_and_slot_is_refilled },
	{ "unkept_capability_goes", unkept_capability_goes },
	{ "nested_request_leaves_own_request_intact", nested_request_leaves_own_request_intact },
	{ "delivered_reply_is_not_undone", delivered_reply_is_not_undone },
	{ "undeliverable_reply_is_undone", undeliverable_reply_is_undone },
	{ "granted_capability_moves_and_loop_receives_after", granted_capability_moves_and_loop_receives_after },
	{ "irq_reaches_srv_irq", irq_reaches_srv_irq },
	{ "done_ends_the_loop", done_ends_the_loop },
};

int main(void)
{
	mica_slot_init(FIRST_FREE);
	expect("loop thread A", qthread_start(&thread_a, MICA_BOOT_TASK, 1, loop_thread, 0), 0);
	expect("loop thread B", qthread_start(&thread_b, MICA_BOOT_TASK, 2, loop_thread, 0), 0);
	expect("gate A", factory_create_gate(MICA_BOOT_FACTORY, S_GATE_A, S_THREAD_A, LABEL_A), 0);
	expect("gate B", factory_create_gate(MICA_BOOT_FACTORY, S_GATE_B, S_THREAD_B, LABEL_B), 0);
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mica_printf("# %s\n", cases[i].name);
		cases[i].run();
	}
	kobject_destroy(S_THREAD_A);
	kobject_destroy(S_THREAD_B);
	return qtest_done();
}
