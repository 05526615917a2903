/*
 * io.c - I/O-port flexpages: a task given COM1's ports writes to the UART
 * itself, a task without them faults (general protection, to its exception
 * handler), and ports travel in an IPC item to a receiver that accepts them.
 */
#include "qtest.h"
#include <server/server.h>

#include <libsys/port.h>

#include <idl/kernel/exception_server.h>
#include <idl/kernel/factory.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>

enum { S_T1 = 10, S_T2, S_T3, S_TH1, S_TH2, S_TH3, S_HANDLER, S_HANDLER_GATE, S_T3_GATE };

#define COM1 0x3f8

static void sleep_ms(unsigned ms)
{
	mica_ipc_wait(mica_timeouts(0, ms * 1000), 0, 0);
}

static struct qthread th1 = { .slot = S_TH1 }, th2 = { .slot = S_TH2 }, th3 = { .slot = S_TH3 };
static struct qthread handler = { .slot = S_HANDLER };
static volatile int uart_done, noport_done, item_done, item_err = 1;
static volatile uint64_t gp_vector;

static void uart_writer(void *arg)
{
	static const char text[] = "io: written to COM1 by a task of its own\n";

	(void)arg;
	for (const char *c = text; *c; c++) {
		while (!(mica_inb(COM1 + 5) & 0x20))
			;
		mica_outb(COM1, (uint8_t)*c);
	}
	uart_done = 1;
}

static void no_ports(void *arg)
{
	(void)arg;
	mica_outb(COM1, '!');   /* general protection: not this task's port */
	noport_done = 1;   /* never */
}

static int on_exception(struct srv_request *req, uint64_t vector, uint64_t error, uint64_t addr,
			uint64_t utcb, struct user_regs *regs)
{
	(void)req;
	(void)addr;
	(void)utcb;
	(void)error;
	(void)regs;
	gp_vector = vector;
	return -MICA_EPERM;
}

static const struct exception_handler_ops exc_ops = { .exception = on_exception };

static void serve_exceptions(void *arg)
{
	struct exception_handler_buffers buffers;
	const struct srv s = { .protocol = &exception_handler_server, .ops = &exc_ops };

	(void)arg;
	srv_serve(&s, &buffers);
}

/* Receives ports in an IPC item, then uses them. */
static void port_receiver(void *arg)
{
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag, label;

	(void)arg;
	u->br[MICA_BR_WINDOW] = 0;
	u->br[MICA_BR_DESC] = mica_br_desc(0, 0, MICA_BR_ACCEPT_IO);
	item_err = mica_ipc_wait(0, &tag, &label);
	if (!item_err)
		mica_ipc_reply(mica_tag(0, 0, 0, 0));
	mica_outb(0x80, 0x42);   /* the POST port: harmless, and now ours */
	item_done = 1;
}

static void exception_handler_serves_a_gate(void)
{
	expect("exception handler", qthread_start(&handler, MICA_BOOT_TASK, 1, serve_exceptions, 0), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_HANDLER_GATE, S_HANDLER, 1), 0);
}

static void task_given_com1_writes_the_uart(void)
{
	expect("a task", qtask_create(S_T1), 0);
	expect("given COM1's eight ports", task_io_map(S_T1, mica_io_fpage(COM1, 3)), 0);
	expect("ports the giver lacks: EPERM", task_io_map(S_T1, mica_io_fpage(0x40, 2)), -MICA_EPERM);
	expect("a malformed I/O flexpage: EINVAL", task_io_map(S_T1, mica_io_fpage(COM1 + 1, 3)), -MICA_EINVAL);
	expect("its thread writes to the UART", qthread_start(&th1, S_T1, 1, uart_writer, 0), 0);
	for (int i = 0; i < 1000 && !uart_done; i++)
		sleep_ms(1);
	expect("... and finishes", uart_done, 1);
}

static void task_without_ports_faults_on_out(void)
{
	uint32_t state;
	uint64_t id;

	expect("a task without ports", qtask_create(S_T2), 0);
	/* The handler is set before the thread runs: started first, it could
	 * fault before anyone hears of it. */
	expect("its thread", qthread_create(&th2, S_T2, 1, no_ports, 0), 0);
	expect("its exception handler, then it starts",
	       thread_set_handlers(S_TH2, 0, S_HANDLER_GATE) || thread_start(S_TH2), 0);
	for (int i = 0; i < 1000 && !gp_vector; i++)
		sleep_ms(1);
	expect("an out to COM1 is a general protection fault", (long)gp_vector, 13);
	thread_state(S_TH2, &state, &id);
	expect("... and the thread is stopped", state, 0);
	expect("... before its next line", noport_done, 0);
}

static void ports_travel_in_an_ipc_item(void)
{
	mica_word_t tag;

	expect("a third task", qtask_create(S_T3), 0);
	expect("its thread waits for ports", qthread_start(&th3, S_T3, 1, port_receiver, 0), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_T3_GATE, S_TH3, 1), 0);
	sleep_ms(2);
	mica_utcb()->mr[0] = mica_item_io();
	mica_utcb()->mr[1] = mica_io_fpage(0x80, 0);
	expect("ports sent in an IPC item", mica_ipc_call(S_T3_GATE, mica_tag(1, 0, 1, 0), &tag), 0);
	for (int i = 0; i < 1000 && !item_done; i++)
		sleep_ms(1);
	expect("the receiver got them and used them", item_done && item_err == 0, 1);
}

static void io_unmap_takes_ports_back(void)
{
	expect("taking COM1 back from the first task", task_io_unmap(S_T1, mica_io_fpage(COM1, 3)), 0);
	kobject_destroy(S_T1);
	kobject_destroy(S_T2);
	kobject_destroy(S_T3);
}

static const struct qtest_case cases[] = {
	{ "exception_handler_serves_a_gate", exception_handler_serves_a_gate },
	{ "task_given_com1_writes_the_uart", task_given_com1_writes_the_uart },
	{ "task_without_ports_faults_on_out", task_without_ports_faults_on_out },
	{ "ports_travel_in_an_ipc_item", ports_travel_in_an_ipc_item },
	{ "io_unmap_takes_ports_back", io_unmap_takes_ports_back },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
