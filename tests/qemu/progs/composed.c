/*
 * composed.c - generated stubs and dispatch in QEMU: one server thread
 * serves an object composed of two protocols (counter.idl) through one
 * gate, with words, strings and a capability in the replies, and the
 * dispatcher refuses malformed requests.
 */
#include "qtest.h"

#include <server/server.h>

#include <idl/tests/counter_server.h>
#include <idl/kernel/factory.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>

enum { S_SERVER = 10, S_GATE, S_LOG_COPY = 20 };

static struct qthread server = { .slot = S_SERVER };
static int64_t total;

static int do_echo(struct srv_request *req, uint64_t value, const char *text, uint64_t *value_back, char *text_back)
{
	(void)req;
	*value_back = value;
	unsigned i = 0;
	for (; text[i]; i++)
		text_back[i] = text[i];
	text_back[i] = 0;
	return 0;
}

static int do_add(struct srv_request *req, int32_t delta, int64_t *out)
{
	(void)req;
	total += delta;
	*out = total;
	return 0;
}

static int do_log(struct srv_request *req, mica_cap_t *log)
{
	(void)req;
	*log = MICA_BOOT_LOG;
	return 0;
}

static const struct echo_ops echo = { .echo = do_echo };
static const struct counter_ops counter = { .add = do_add, .log = do_log };
static const struct echo_counter_ops ops = { .echo = &echo, .counter = &counter };

static void serve(void *arg)
{
	static struct echo_counter_buffers buffers;
	const struct srv s = { .protocol = &echo_counter_server, .ops = &ops };

	(void)arg;
	srv_serve(&s, &buffers);
}

static void one_thread_serves_the_composed_object(void)
{
	expect("server thread", qthread_start(&server, MICA_BOOT_TASK, 1, serve, 0), 0);
	expect("gate", factory_create_gate(MICA_BOOT_FACTORY, S_GATE, S_SERVER, 1), 0);
}

static void echo_returns_words_and_strings(void)
{
	uint64_t back;
	char text[65];

	expect("Echo.echo through the composed object", echo_echo(S_GATE, 42, "hello, composed", &back, text), 0);
	expect("... the number came back", (long)back, 42);
	expect("... the text came back", text[0] == 'h' && text[14] == 'd' && text[15] == 0, 1);
}

static void counter_keeps_state_across_calls(void)
{
	int64_t sum;

	expect("Counter.add", counter_add(S_GATE, 5, &sum), 0);
	expect("Counter.add again", counter_add(S_GATE, -2, &sum), 0);
	expect("... the total", (long)sum, 3);
}

static void reply_carries_a_capability(void)
{
	mica_cap_t log = S_LOG_COPY;
	uint32_t type, rights;

	expect("Counter.log hands out a capability", counter_log(S_GATE, &log), 0);
	expect("... into the slot the stub declared", (long)log, S_LOG_COPY);
	task_cap_info(MICA_BOOT_TASK, S_LOG_COPY, &type, &rights);
	expect("... it is the Log, read-only", type * 10 + rights, 7 * 10 + MICA_R);
}

static void dispatcher_refuses_malformed_requests(void)
{
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag;
	int64_t sum;

	u->mr[0] = COUNTER_ADD_OPCODE;
	u->mr[1] = 1ull << 40;   /* does not fit an int32 */
	mica_ipc_call(S_GATE, mica_tag(COUNTER_PROTOCOL, 2, 0, 0), &tag);
	expect("an out-of-range int32 is refused: EMSG", mica_tag_label(tag), -MICA_EMSG);
	u->mr[0] = 9;
	mica_ipc_call(S_GATE, mica_tag(ECHO_PROTOCOL, 1, 0, 0), &tag);
	expect("an unknown opcode: ENOSYS", mica_tag_label(tag), -MICA_ENOSYS);
	u->mr[0] = 1;
	mica_ipc_call(S_GATE, mica_tag(0x53, 1, 0, 0), &tag);
	expect("an unknown protocol: ENOSYS", mica_tag_label(tag), -MICA_ENOSYS);
	expect("the server still serves", counter_add(S_GATE, 1, &sum), 0);
	expect("... with its state intact", (long)sum, 4);
	kobject_destroy(S_SERVER);
}

static const struct qtest_case cases[] = {
	{ "one_thread_serves_the_composed_object", one_thread_serves_the_composed_object },
	{ "echo_returns_words_and_strings", echo_returns_words_and_strings },
	{ "counter_keeps_state_across_calls", counter_keeps_state_across_calls },
	{ "reply_carries_a_capability", reply_carries_a_capability },
	{ "dispatcher_refuses_malformed_requests", dispatcher_refuses_malformed_requests },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
