/*
 * console.c - the console server (docs/console.md): COM1 as a Stream, the
 * stdout and stdin of the programs root starts, and a terminal with
 * termios settings, a window size and a foreground process group.
 *
 * Root starts it with COM1's ports, the Icu as `icu`, and `serve`: a gate
 * (label 0) to the main thread, which root publishes as `console`.  The
 * server loop (lib/server) on that thread takes both the gate's requests
 * and the UART's receive interrupt (an irq of its own, another label), and
 * never waits for a client: a write goes out by polling before the reply,
 * a read answers at once (MICA_EAGAIN when nothing is ready), and readers
 * learn of new input through the irqs they arm with notify() before each
 * wait.  Being its
 * own stdout, it reports set-up failures on the kernel Log.
 *
 * Typed bytes wait raw (and unechoed) until a reader asks for input: only
 * then do they go through the line discipline, with their echo, up to the
 * end of one line (in raw mode, as many as the read takes).  So input typed ahead shows where it is read (after the
 * prompt that asked for it), never in the middle of a program's output.
 * The signal characters are the exception: they act when they arrive
 * (the foreground group gets its signal even if nothing reads), and
 * discard what was typed before them.
 *
 * A new foreground process group goes through the process server
 * (Proc.set_foreground), which holds it to POSIX's rules for the caller
 * the request names and makes the console its session's controlling
 * terminal: when the leader of that session ends, the server hangs the
 * group up (SIGHUP, SIGCONT) and triggers the console's hang-up irq, and
 * the console takes the group and session the server holds then (none),
 * so that the next session may take the terminal.
 */
#include <libsys/cap.h>
#include <libsys/debug.h>
#include <libsys/error.h>
#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <rt/rt.h>
#include <server/server.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/icu.h>
#include <idl/kernel/irq.h>
#include <idl/rt/console_server.h>
#include <idl/rt/proc.h>
#include <idl/kernel/task.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/procsrv.h>

#include "line.h"
#include "uart.h"

#define UART_IRQ_LABEL 1      /* root made the gate with label 0 */
#define HANGUP_IRQ_LABEL 2    /* the process server hung the foreground group up */
#define NOTIFY_MAX 8
#define TYPED_MAX 4096        /* raw bytes typed ahead of the reader */
#define LINE_SPEED B115200    /* the kernel set the line up: 115200 8N1 */
#define LINE_CFLAG (CS8 | CREAD | CLOCAL)
#define LINE_CFLAG_FIXED (CSIZE | CSTOPB | PARENB | PARODD)   /* what the line is and stays */
#define SIGNAL_ECHO_MAX 64    /* echoes of signal characters not yet shown ("^C\r\n" each) */

/* An irq a reader gave to notify(); armed while that reader waits. */
struct notify_entry {
	mica_cap_t irq;       /* a slot of ours, 0 free */
	bool armed;
};

struct console {
	struct line line;
	struct notify_entry notify[NOTIFY_MAX];
	mica_cap_t uart_irq, hangup_irq;
	/* Bytes typed and not yet through the line discipline, a ring. */
	char typed[TYPED_MAX];
	unsigned typed_head, typed_len;
	struct tty_winsize size;
	int32_t pgrp;         /* the foreground process group, 0 until set */
	int32_t sid;          /* the session this is the controlling terminal of (0: none) */
	/* Signal characters taken from the UART and not yet acted on (a bit
	 * per c_cc index: VINTR, VQUIT, VSUSP), with their echoes. */
	unsigned signals_pending;
	char signal_echo[SIGNAL_ECHO_MAX];
	unsigned signal_echo_len;
};

static struct console console = { .size = { .rows = 24, .cols = 80 } };

static void notify_drop(struct console *c, unsigned i)
{
	mica_slot_drop(c->notify[i].irq);
	c->notify[i] = (struct notify_entry){ 0 };
}

/* A reader waits while one of the irqs armed is still there: a killed
 * reader's irq went with its task, and its entry goes now. */
static bool reader_waits(struct console *c)
{
	bool waits = false;

	for (unsigned i = 0; i < NOTIFY_MAX; i++)
		if (c->notify[i].irq && c->notify[i].armed) {
			if (mica_cap_gone(c->notify[i].irq))
				notify_drop(c, i);
			else
				waits = true;
		}
	return waits;
}

/* Input is ready: tell the waiting readers (each once per arming).  An irq
 * that cannot be triggered any more (its holder destroyed it, or its task
 * is gone and our copy with it) leaves the table. */
static void notify_waiting(struct console *c)
{
	for (unsigned i = 0; i < NOTIFY_MAX; i++)
		if (c->notify[i].irq && c->notify[i].armed) {
			c->notify[i].armed = false;
			if (irq_trigger(c->notify[i].irq) < 0)
				notify_drop(c, i);
		}
}

/* A free entry: an empty one, else one whose capability has gone. */
static int notify_free_entry(struct console *c)
{
	for (unsigned i = 0; i < NOTIFY_MAX; i++)
		if (!c->notify[i].irq)
			return (int)i;
	for (unsigned i = 0; i < NOTIFY_MAX; i++)
		if (mica_cap_gone(c->notify[i].irq)) {
			notify_drop(c, i);
			return (int)i;
		}
	return -1;
}

static int notify_find(struct console *c, mica_cap_t irq)
{
	bool same;

	for (unsigned i = 0; i < NOTIFY_MAX; i++)
		if (c->notify[i].irq && task_cap_same(MICA_BOOT_TASK, c->notify[i].irq, irq, &same) == 0 && same)
			return (int)i;
	return -1;
}

/* Output as the terminal's OPOST and ONLCR say. */
static void output(const struct console *c, const char *s, size_t n)
{
	if ((c->line.mode.oflag & (OPOST | ONLCR)) == (OPOST | ONLCR))
		uart_put_text(s, n);
	else
		uart_put(s, n);
}

static void act_on_signals(struct console *c);

static int con_write(struct srv_request *req, const void *data, uint32_t data_len, uint32_t *written)
{
	output(req->srv->state, data, data_len);
	*written = data_len;
	act_on_signals(req->srv->state);   /* typed while the output went out */
	return 0;
}

/* A signal character arrived (line_signal took it): what was typed
 * before it goes unless NOFLSH, and it waits in signals_pending for
 * act_on_signals, which may not run here: bytes are taken while output is
 * being sent too. */
static void signal_arrived(struct console *c, const struct line_echo *echo)
{
	if (!(c->line.mode.lflag & NOFLSH))
		c->typed_len = 0;
	c->signals_pending |= 1u << echo->signal;
	if (echo->len <= SIGNAL_ECHO_MAX - c->signal_echo_len) {
		memcpy(c->signal_echo + c->signal_echo_len, echo->bytes, echo->len);
		c->signal_echo_len += echo->len;
	}
}

/* Take what the UART holds into the ring, all but the signal characters,
 * which act on arrival.  When the ring is full, what does not fit stays in
 * the UART, which holds the rest back; but under ISIG a signal character
 * may be behind it and must act all the same, so the UART is drained and
 * the bytes that do not fit are dropped (a signal character empties the
 * ring unless NOFLSH, and what follows it fits again). */
static void take_typed(struct console *c)
{
	struct line_echo echo;
	int ch;

	while ((c->typed_len < TYPED_MAX || (c->line.mode.lflag & ISIG)) && (ch = uart_get()) >= 0) {
		if (line_signal(&c->line, (char)ch, &echo))
			signal_arrived(c, &echo);
		else if (c->typed_len < TYPED_MAX)
			c->typed[(c->typed_head + c->typed_len++) % TYPED_MAX] = (char)ch;
	}
}

static void take_typed_while_sending(void)
{
	take_typed(&console);
}

/* A signal character typed under ISIG: SIGINT, SIGQUIT or SIGTSTP to the
 * foreground process group, through the process server (the C library's
 * kill: the console joins it as a process on first use).  No group set,
 * or none there: the Log says so. */
static void send_signal(const struct console *c, int which)
{
	const char *name = which == VINTR ? "interrupt" : which == VQUIT ? "quit" : "suspend";
	int sig = which == VINTR ? SIGINT : which == VQUIT ? SIGQUIT : SIGTSTP;

	if (c->pgrp <= 0 || kill(-c->pgrp, sig) != 0)
		mica_printf("console: %s for process group %d not delivered: %s\n", name, (int)c->pgrp,
			    c->pgrp <= 0 ? "no foreground group" : strerror(errno));
}

/* The signal characters that arrived: their echoes shown, their signals
 * sent (one each, whatever the count typed, as pending signals are).
 * Taken out first: more may arrive while the echo goes out. */
static void act_on_signals(struct console *c)
{
	static const int which[] = { VINTR, VQUIT, VSUSP };
	char echo[SIGNAL_ECHO_MAX];

	while (c->signals_pending) {
		unsigned pending = c->signals_pending, len = c->signal_echo_len;
		memcpy(echo, c->signal_echo, len);
		c->signals_pending = 0;
		c->signal_echo_len = 0;
		uart_put(echo, len);   /* the line discipline did ONLCR */
		for (unsigned i = 0; i < sizeof which / sizeof which[0]; i++)
			if (pending & (1u << which[i]))
				send_signal(c, which[i]);
	}
}

/* Typed bytes through the line discipline, echoed: in canonical mode
 * until a line is ready, in raw mode until `want` bytes are.  Bytes stay
 * typed ahead until a read wants them, so that settings changed before
 * the read apply to them. */
static void cook(struct console *c, unsigned want)
{
	struct line_echo echo;

	take_typed(c);
	while (c->typed_len &&
	       ((c->line.mode.lflag & ICANON) ? !line_ready(&c->line) : c->line.ready_len < want)) {
		char ch = c->typed[c->typed_head];
		c->typed_head = (c->typed_head + 1) % TYPED_MAX;
		c->typed_len--;
		line_input(&c->line, ch, &echo);
		uart_put(echo.bytes, echo.len);   /* the line discipline did ONLCR */
		if (echo.signal >= 0) {
			/* What was typed before it went with the line; what
			 * was typed after is read after the signal. */
			send_signal(c, echo.signal);
			break;
		}
		take_typed(c);
	}
	act_on_signals(c);
}

static int con_read(struct srv_request *req, void *data, uint32_t *data_len)
{
	struct console *c = req->srv->state;

	if (*data_len == 0)
		return -MICA_EINVAL;   /* 0 bytes would read as the end of input */
	cook(c, *data_len);
	int n = line_read(&c->line, data, *data_len);
	if (n == LINE_NONE)
		return -MICA_EAGAIN;
	*data_len = (uint32_t)n;
	return 0;
}

/* Arm `irq` (a client's, checked): its reader waits, so input is cooked
 * as it comes, and the irq is triggered once input is ready.  A repeated
 * irq keeps its one entry. */
static int arm(struct srv_request *req, struct console *c, mica_cap_t irq)
{
	int i, err;

	if (!mica_cap_is_irq(irq))
		return -MICA_EINVAL;
	if ((i = notify_find(c, irq)) < 0) {
		if ((i = notify_free_entry(c)) < 0)
			return -MICA_ENOMEM;
		if ((err = srv_keep(req, irq)) != 0)
			return err;
		c->notify[i].irq = irq;
	}
	c->notify[i].armed = true;
	return 0;
}

/* The console cannot tell its clients apart (they share one gate), so a
 * void item cannot mean "stop mine" without stopping everyone's: it is
 * refused, and a client stops its notifications by destroying its irq. */
static int con_notify(struct srv_request *req, mica_cap_t irq)
{
	struct console *c = req->srv->state;
	int err = arm(req, c, irq);

	if (err)
		return err;
	/* Input that came before the reader asked must not go unannounced. */
	cook(c, 1);
	if (line_ready(&c->line))
		notify_waiting(c);
	return 0;
}

/* Pollable.poll: input is ready when a read would answer at once (a line
 * in canonical mode, a byte in raw mode); a write never waits.  Only when
 * nothing asked is ready is the irq armed, as by notify. */
static int con_poll(struct srv_request *req, mica_cap_t irq, uint32_t events, uint32_t *ready)
{
	struct console *c = req->srv->state;

	if (!mica_cap_is_irq(irq))
		return -MICA_EINVAL;
	*ready = events & POLLOUT;
	if (events & POLLIN) {
		cook(c, 1);
		if (line_ready(&c->line))
			*ready |= POLLIN;
	}
	return *ready || !(events & POLLIN) ? 0 : arm(req, c, irq);
}

/* Subscribers.count: the live entries of the notify table. */
static int con_count(struct srv_request *req, uint32_t *live)
{
	struct console *c = req->srv->state;

	*live = 0;
	for (unsigned i = 0; i < NOTIFY_MAX; i++)
		if (c->notify[i].irq && mica_cap_gone(c->notify[i].irq))
			notify_drop(c, i);
		else if (c->notify[i].irq)
			++*live;
	return 0;
}

static void flush_input(struct console *c)
{
	take_typed(c);
	c->typed_len = 0;
	line_flush(&c->line);
}

static int con_getattr(struct srv_request *req, struct tty_attr *attr)
{
	const struct console *c = req->srv->state;
	const struct line_mode *m = &c->line.mode;

	*attr = (struct tty_attr){ .iflag = m->iflag, .oflag = m->oflag, .cflag = LINE_CFLAG,
				   .lflag = m->lflag, .speed = LINE_SPEED };
	for (unsigned i = 0; i < NCCS; i++)
		attr->cc |= (uint64_t)m->cc[i] << (8 * i);
	return 0;
}

/* Output is sent before each reply, so TCSADRAIN has nothing to wait for. */
static int con_setattr(struct srv_request *req, uint32_t when, struct tty_attr attr)
{
	struct console *c = req->srv->state;
	struct line_mode m = { .iflag = attr.iflag, .oflag = attr.oflag, .lflag = attr.lflag };

	if (when != TCSANOW && when != TCSADRAIN && when != TCSAFLUSH)
		return -MICA_EINVAL;
	if (attr.speed != LINE_SPEED || (attr.cflag & LINE_CFLAG_FIXED) != (LINE_CFLAG & LINE_CFLAG_FIXED))
		return -MICA_EINVAL;   /* the line's speed and format are the kernel's */
	for (unsigned i = 0; i < NCCS; i++)
		m.cc[i] = (cc_t)(attr.cc >> (8 * i));
	if (when == TCSAFLUSH)
		flush_input(c);
	line_set_mode(&c->line, &m);
	/* Raw mode makes ready input of what canonical mode held back. */
	if (line_ready(&c->line))
		notify_waiting(c);
	return 0;
}

static int con_flush(struct srv_request *req, uint32_t queue)
{
	if (queue != TCIFLUSH && queue != TCOFLUSH && queue != TCIOFLUSH)
		return -MICA_EINVAL;
	if (queue != TCOFLUSH)   /* output is never queued */
		flush_input(req->srv->state);
	return 0;
}

static int con_get_winsize(struct srv_request *req, struct tty_winsize *size)
{
	*size = ((const struct console *)req->srv->state)->size;
	return 0;
}

/* The console cannot ask a serial terminal its size: a program that knows
 * it (or the user, with stty) says it here. */
static int con_set_winsize(struct srv_request *req, struct tty_winsize size)
{
	((struct console *)req->srv->state)->size = size;
	return 0;
}

static int con_get_pgrp(struct srv_request *req, int32_t *pgrp, int32_t *sid)
{
	const struct console *c = req->srv->state;

	*pgrp = c->pgrp;
	*sid = c->sid;
	return 0;
}

/* The process server decides, for the caller `who` names, and keeps the
 * group too, for the end of its session (Proc.set_foreground).  Without a
 * process server any group goes and no session ends here. */
static int con_set_pgrp(struct srv_request *req, int32_t pgrp, mica_cap_t who)
{
	struct console *c = req->srv->state;
	mica_cap_t proc;
	uint64_t sid = 0;
	int err;

	if (pgrp <= 0)
		return -MICA_EINVAL;
	if ((proc = libc_proc()) != 0 && (err = proc_set_foreground(proc, pgrp, c->hangup_irq, who, &sid)) != 0)
		return err;
	c->pgrp = pgrp;
	c->sid = (int32_t)sid;
	return 0;
}

/* The hang-up irq: the leader of the foreground group's session ended
 * and the process server hung the group up.  The group it holds now is
 * the console's (none, unless a set_pgrp came in between). */
static void serve_hangup(struct console *c)
{
	int32_t pgrp;
	uint64_t sid;

	if (proc_foreground(libc_proc(), &pgrp, &sid) == 0) {
		c->pgrp = pgrp;
		c->sid = (int32_t)sid;
	}
}

static const struct stream_ops stream_ops = {
	.write = con_write, .read = con_read, .notify = con_notify,
	.getattr = con_getattr, .setattr = con_setattr, .flush = con_flush,
	.get_winsize = con_get_winsize, .set_winsize = con_set_winsize,
	.get_pgrp = con_get_pgrp, .set_pgrp = con_set_pgrp,
};
static const struct pollable_ops pollable_ops = { .poll = con_poll };
static const struct subscribers_ops subscribers_ops = { .count = con_count };
static const struct console_server_ops ops = {
	.stream = &stream_ops, .pollable = &pollable_ops, .subscribers = &subscribers_ops,
};

/* The receive interrupt: unmask first (the line is edge-triggered, so an
 * edge while masked is lost), then take the typed bytes; when a reader
 * waits, make its input and tell it. */
static void serve_input(struct console *c)
{
	irq_unmask(c->uart_irq);
	take_typed(c);
	act_on_signals(c);
	if (!reader_waits(c))
		return;
	cook(c, 1);
	if (line_ready(&c->line))
		notify_waiting(c);
}

/* An irq notification: the UART's receive interrupt, or a hang-up. */
static void serve_irq(const struct srv *s, mica_word_t label)
{
	if (label == UART_IRQ_LABEL)
		serve_input(s->state);
	else if (label == HANGUP_IRQ_LABEL)
		serve_hangup(s->state);
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
	static struct console_server_buffers buffers;
	struct console *c = &console;
	const struct srv s = { .protocol = &console_server_server, .ops = &ops, .state = c, .irq = serve_irq };
	mica_cap_t icu = rt_cap("icu");
	int err;

	if (!icu || !rt_cap("serve"))
		return fail("capabilities icu and serve", -MICA_EBADCAP);
	if (!(c->uart_irq = mica_slot_alloc()) || !(c->hangup_irq = mica_slot_alloc()))
		return fail("slots", -MICA_ENOMEM);
	if ((err = factory_create_irq(MICA_BOOT_FACTORY, c->hangup_irq, HANGUP_IRQ_LABEL)) < 0 ||
	    (err = irq_bind(c->hangup_irq, MICA_BOOT_THREAD)) < 0)
		return fail("the hang-up irq", err);
	line_init(&c->line);
	uart_set_waiting(take_typed_while_sending);
	if (uart_irq_setup(icu, c->uart_irq))
		return 1;
	/* Bytes typed before the interrupt was enabled raised no edge. */
	serve_input(c);
	return fail("the server loop", srv_serve(&s, &buffers));
}
