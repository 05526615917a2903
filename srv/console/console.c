/*
 * console.c - the console server (docs/console.md): COM1 as a Stream, the
 * stdout and stdin of the programs root starts.
 *
 * Root starts it with COM1's ports, the Icu as `icu`, and `serve`: a gate
 * (label 0) to the main thread, which root publishes as `console`.  The
 * server loop (lib/server) on that thread takes both the gate's requests
 * and the UART's receive interrupt (an irq of its own, another label), and
 * never waits for a client: a write goes out by polling before the reply,
 * a read answers at once (MICA_EAGAIN when no line is ready), and readers
 * learn of new input through the irqs they gave to notify().  Being its
 * own stdout, it reports set-up failures on the kernel Log.
 *
 * Typed bytes wait raw (and unechoed) until a reader asks for a line: only
 * then do they go through the line discipline, with their echo, up to the
 * end of one line.  So input typed ahead shows where it is read (after the
 * prompt that asked for it), never in the middle of a program's output.
 */
#include <libsys/debug.h>
#include <libsys/error.h>
#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/object.h>
#include <rt/rt.h>
#include <server/server.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/icu.h>
#include <idl/kernel/irq.h>
#include <idl/rt/stream_server.h>
#include <idl/kernel/task.h>

#include "line.h"
#include "uart.h"

#define UART_IRQ_LABEL 1      /* root made the gate with label 0 */
#define NOTIFY_MAX 8
#define TYPED_MAX 4096        /* raw bytes typed ahead of the reader */

struct console {
	struct line line;
	/* Irqs to trigger when input becomes ready: slots of ours, 0 free. */
	mica_cap_t notify[NOTIFY_MAX];
	mica_cap_t uart_irq;
	/* Bytes typed and not yet through the line discipline, a ring. */
	char typed[TYPED_MAX];
	unsigned typed_head, typed_len;
	/* A read found nothing: finish a line as bytes arrive, then notify. */
	bool reader_waiting;
};

static struct console console;

static void notify_drop(struct console *c, unsigned i)
{
	mica_slot_drop(c->notify[i]);
	c->notify[i] = MICA_CAP_NULL;
}

/* An irq that cannot be triggered any more (its holder destroyed it, or
 * its task is gone and our copy with it) leaves the table. */
static void notify_all(struct console *c)
{
	for (unsigned i = 0; i < NOTIFY_MAX; i++)
		if (c->notify[i] && irq_trigger(c->notify[i]) < 0)
			notify_drop(c, i);
}

/* A free entry: an empty one, else one whose capability has gone. */
static int notify_free_entry(struct console *c)
{
	uint32_t type, rights;

	for (unsigned i = 0; i < NOTIFY_MAX; i++)
		if (!c->notify[i])
			return (int)i;
	for (unsigned i = 0; i < NOTIFY_MAX; i++)
		if (task_cap_info(MICA_BOOT_TASK, c->notify[i], &type, &rights) == 0 && !type) {
			notify_drop(c, i);
			return (int)i;
		}
	return -1;
}

static bool notify_known(struct console *c, mica_cap_t irq)
{
	bool same;

	for (unsigned i = 0; i < NOTIFY_MAX; i++)
		if (c->notify[i] && task_cap_same(MICA_BOOT_TASK, c->notify[i], irq, &same) == 0 && same)
			return true;
	return false;
}

static int con_write(struct srv_request *req, const void *data, uint32_t data_len, uint32_t *written)
{
	(void)req;
	uart_put_text(data, data_len);
	*written = data_len;
	return 0;
}

/* Take what the UART holds into the ring (what does not fit stays there). */
static void take_typed(struct console *c)
{
	int ch;

	while (c->typed_len < TYPED_MAX && (ch = uart_get()) >= 0)
		c->typed[(c->typed_head + c->typed_len++) % TYPED_MAX] = (char)ch;
}

/* Typed bytes through the line discipline, echoed, until a line is ready
 * or none are left. */
static void cook(struct console *c)
{
	struct line_echo echo;

	take_typed(c);
	while (!line_ready(&c->line) && c->typed_len) {
		char ch = c->typed[c->typed_head];
		c->typed_head = (c->typed_head + 1) % TYPED_MAX;
		c->typed_len--;
		line_input(&c->line, ch, &echo);
		uart_put(echo.bytes, echo.len);
		take_typed(c);
	}
}

static int con_read(struct srv_request *req, void *data, uint32_t *data_len)
{
	struct console *c = req->srv->state;

	if (*data_len == 0)
		return -MICA_EINVAL;   /* 0 bytes would read as the end of input */
	if (!line_ready(&c->line))
		cook(c);
	int n = line_read(&c->line, data, *data_len);
	if (n == LINE_NONE) {
		c->reader_waiting = true;
		return -MICA_EAGAIN;
	}
	*data_len = (uint32_t)n;
	return 0;
}

/* The console cannot tell its clients apart (they share one gate), so a
 * void item cannot mean "stop mine" without stopping everyone's: it is
 * refused, and a client stops its notifications by destroying its irq.
 * Registering means a reader waits for input: cook it as it comes. */
static int con_notify(struct srv_request *req, mica_cap_t irq)
{
	struct console *c = req->srv->state;
	uint32_t type, rights;

	if (!irq)
		return -MICA_EINVAL;
	if (task_cap_info(MICA_BOOT_TASK, irq, &type, &rights) || type != MICA_KOBJ_IRQ)
		return -MICA_EINVAL;
	if (!notify_known(c, irq)) {
		int i = notify_free_entry(c), err;
		if (i < 0)
			return -MICA_ENOMEM;
		if ((err = srv_keep(req, irq)) != 0)
			return err;
		c->notify[i] = irq;
	}
	/* Input that came before the reader asked must not go unannounced. */
	c->reader_waiting = true;
	cook(c);
	if (line_ready(&c->line))
		irq_trigger(irq);
	return 0;
}

static const struct stream_ops ops = { .write = con_write, .read = con_read, .notify = con_notify };

/* The receive interrupt: unmask first (the line is edge-triggered, so an
 * edge while masked is lost), then take the typed bytes; when a reader
 * waits, make its line and tell it. */
static void serve_input(struct console *c)
{
	irq_unmask(c->uart_irq);
	take_typed(c);
	if (!c->reader_waiting)
		return;
	cook(c);
	if (line_ready(&c->line)) {
		c->reader_waiting = false;
		notify_all(c);
	}
}

/* An irq notification: the UART's receive interrupt. */
static void serve_irq(const struct srv *s, mica_word_t label)
{
	if (label == UART_IRQ_LABEL)
		serve_input(s->state);
}

static int fail(const char *what, int err)
{
	mica_printf("console: %s: %s\n", what, mica_strerror(err));
	return 1;
}

/* COM1's receive line as irq `irq` bound to this thread, unmasked before
 * the UART may raise it. */
static int uart_irq_setup(mica_cap_t icu, mica_cap_t irq)
{
	int err;

	if ((err = factory_create_irq(MICA_BOOT_FACTORY, irq, UART_IRQ_LABEL)) < 0)
		return fail("Factory.create_irq", err);
	if ((err = irq_bind(irq, MICA_BOOT_THREAD)) < 0)
		return fail("Irq.bind", err);
	if ((err = icu_bind(icu, UART_ICU_LINE, irq)) < 0)
		return fail("Icu.bind of COM1's line", err);
	if ((err = irq_unmask(irq)) < 0)
		return fail("Irq.unmask", err);
	uart_rx_irq_enable();
	return 0;
}

int main(void)
{
	static struct stream_buffers buffers;
	struct console *c = &console;
	const struct srv s = { .protocol = &stream_server, .ops = &ops, .state = c, .irq = serve_irq };
	mica_cap_t icu = rt_cap("icu");

	if (!icu || !rt_cap("serve"))
		return fail("capabilities icu and serve", -MICA_EBADCAP);
	if (!(c->uart_irq = mica_slot_alloc()))
		return fail("slots", -MICA_ENOMEM);
	line_init(&c->line);
	if (uart_irq_setup(icu, c->uart_irq))
		return 1;
	/* Bytes typed before the interrupt was enabled raised no edge. */
	serve_input(c);
	return fail("the server loop", srv_serve(&s, &buffers));
}
