/*
 * console_test.c - the console server under root (console.scenario), over
 * the raw Stream protocol on the program's `stdin` and `stdout`: the
 * input the scenario types comes back as lines (backspace applied) in
 * pieces as small as the reader's room, Ctrl-D as one end of input each
 * or as the delivery of a partial line, the reader waiting on the irq it
 * gave to notify(); then the notify table's bounds, a 4 KiB write, and
 * requests the console refuses while it goes on serving.
 *
 * TAP lines go to the kernel Log, and only after all the typed input has
 * been read, so that no echo lands in the middle of one.
 */
#include "qtest.h"

#include <libsys/slot.h>
#include <rt/rt.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/rt/process.h>
#include <idl/rt/registry.h>
#include <idl/kernel/thread.h>
#include <idl/rt/stream.h>

void *memcpy(void *dst, const void *src, size_t n);   /* libsys (string.c) */
int memcmp(const void *a, const void *b, size_t n);

#define INPUT_IRQ_LABEL 0x636f6e   /* "con" */
#define ROOM 5                     /* small, so that lines come in pieces */
#define EOF_MARK '@'               /* an end of input, in the transcript */
#define NOTIFY_TRIES 9             /* one more than the console's table */

static char got[256];
static unsigned got_len, waits;
static int read_err;
static mica_cap_t in, out, irq;   /* stdin, stdout, the irq given to notify */

static int ends_with(const char *tail, unsigned n)
{
	return got_len >= n && !memcmp(got + got_len - n, tail, n);
}

/* Read what the scenario typed, up to its last line "tail\n". */
static void read_typed(mica_cap_t stream)
{
	mica_word_t tag, label;
	char buf[ROOM];

	while (got_len + ROOM < sizeof got && !ends_with("tail\n", 5)) {
		uint32_t len = ROOM;
		int err = stream_read(stream, buf, &len);
		if (err == -MICA_EAGAIN) {
			waits++;
			/* Arm the irq (once per wait), then the irq, or a quiet
			 * 10 s: the input is not coming. */
			if ((err = stream_notify(stream, irq)) != 0) {
				read_err = err;
				return;
			}
			if ((err = mica_ipc_wait(mica_timeouts(0, 10000000), &tag, &label)) != 0) {
				read_err = -err;
				return;
			}
			continue;
		}
		if (err) {
			read_err = err;
			return;
		}
		if (len == 0)
			got[got_len++] = EOF_MARK;
		memcpy(got + got_len, buf, len);
		got_len += len;
	}
}

/* Irqs for the notify table until it refuses one: how many it took. */
static int fill_notify_table(mica_cap_t stream, const mica_cap_t *irqs, int *last_err)
{
	int n = 0;

	for (; n < NOTIFY_TRIES; n++) {
		factory_create_irq(MICA_BOOT_FACTORY, irqs[n], 0x100 + (unsigned)n);
		if ((*last_err = stream_notify(stream, irqs[n])) != 0)
			break;
	}
	return n;
}

static void notify_table_is_bounded(void)
{
	mica_cap_t irqs[NOTIFY_TRIES];
	int err, taken;

	for (int i = 0; i < NOTIFY_TRIES; i++)
		irqs[i] = mica_slot_alloc();
	expect("notify with the same irq again: one entry", stream_notify(in, irq), 0);
	expect("notify with a capability that is not an irq: EINVAL", stream_notify(in, rt_cap("mem")), -MICA_EINVAL);
	taken = fill_notify_table(in, irqs, &err);
	expect("the notify table fills up: then ENOMEM", taken < NOTIFY_TRIES && err == -MICA_ENOMEM, 1);
	expect("... with at most 8 entries", taken <= 7, 1);
	kobject_destroy(irqs[0]);
	expect("an irq destroyed by its holder frees its entry", stream_notify(in, irqs[taken]), 0);
	for (int i = 0; i < NOTIFY_TRIES; i++) {
		kobject_destroy(irqs[i]);
		mica_slot_free(irqs[i]);
	}
	expect("all destroyed: room again", stream_notify(in, irq), 0);
}

static void console_refuses_bad_requests_and_goes_on(void)
{
	struct mica_utcb *u = mica_utcb();
	char buf[ROOM];
	uint32_t len = 0, written;
	mica_word_t tag;

	expect("a read with no room: EINVAL", stream_read(in, buf, &len), -MICA_EINVAL);
	u->mr[0] = STREAM_WRITE_OPCODE;
	u->mr[1] = mica_item_cap(MICA_R, 0);
	u->mr[2] = irq;
	mica_ipc_call(out, mica_tag(STREAM_PROTOCOL, 1, 1, 0), &tag);
	expect("a write carrying a capability: EMSG", mica_tag_label(tag), -MICA_EMSG);
	u->mr[0] = STREAM_SET_PGRP_OPCODE + 1;
	mica_ipc_call(out, mica_tag(STREAM_PROTOCOL, 1, 0, 0), &tag);
	expect("an opcode past the terminal's: ENOSYS", mica_tag_label(tag), -MICA_ENOSYS);
	u->mr[0] = STREAM_SETATTR_OPCODE;
	u->mr[1] = 0;   /* `when`, and no settings after it */
	mica_ipc_call(out, mica_tag(STREAM_PROTOCOL, 2, 0, 0), &tag);
	expect("a setattr without its settings: EMSG", mica_tag_label(tag), -MICA_EMSG);
	expect("the console goes on serving", stream_write(out, "console_test: still here\n", 25, &written), 0);
}

static void big_write_is_taken_whole(void)
{
	static char text[4096];
	uint32_t written = 0;

	for (unsigned i = 0; i < sizeof text; i++)
		text[i] = i % 64 == 63 ? '\n' : '=';
	expect("a 4 KiB write", stream_write(out, text, sizeof text, &written), 0);
	expect("... taken whole", (long)written, (long)sizeof text);
}

/* A reader killed while it waits for input (its irq in the notify table):
 * the console goes on, and the entry is free again. */
static void dead_reader_frees_its_notify_entry(void)
{
	mica_cap_t proc = mica_slot_alloc(), ready = mica_slot_alloc(), irqs[NOTIFY_TRIES];
	uint32_t written, len = ROOM;
	char buf[ROOM];
	int found = 0, err;

	expect("start a reader on the console",
	       launcher_spawn(rt_cap("launcher"), "rt_child", "reader", 7, out, in, MICA_CAP_NULL, 0, &proc), 0);
	for (int i = 0; i < 10000 && !found; i++)
		if (!(found = registry_lookup(rt_cap("registry"), "reader-ready", &ready) == 0))
			thread_yield(MICA_BOOT_THREAD);
	expect("... it waits for input", found, 1);
	expect("kill it", process_kill(proc), 0);
	expect("the console still writes", stream_write(out, "console_test: reader gone\n", 26, &written), 0);
	expect("... and reads (EAGAIN: nothing typed)", stream_read(in, buf, &len), -MICA_EAGAIN);
	for (int i = 0; i < NOTIFY_TRIES; i++)
		irqs[i] = mica_slot_alloc();
	int taken = fill_notify_table(out, irqs, &err);
	expect("... and its notify entry is free again (7 more beside ours)", taken, 7);
	for (int i = 0; i <= taken && i < NOTIFY_TRIES; i++)
		kobject_destroy(irqs[i]);
}

/* The first case: no TAP line before all the typed input is read. */
static void typed_lines_arrive_in_pieces(void)
{
	static const char want[] = "hello\nworld\n@abc@tail\n";
	uint32_t len = ROOM;
	char buf[ROOM];
	int setup;

	in = rt_cap("stdin");
	out = rt_cap("stdout");
	irq = mica_slot_alloc();
	setup = factory_create_irq(MICA_BOOT_FACTORY, irq, INPUT_IRQ_LABEL);
	if (!setup)
		setup = irq_bind(irq, MICA_BOOT_THREAD);
	if (!setup)
		setup = stream_notify(in, irq);
	if (!setup)
		read_typed(in);
	got[got_len] = 0;
	expect("stdin and stdout are the console", in && out, 1);
	expect("an irq for input, given to notify", setup, 0);
	expect("reading the typed input", read_err, 0);
	const char *p = got;
	while (*p == '\n')   /* the first byte typed may be lost at boot, or be a line of its own */
		p++;
	int same = !memcmp(p, want, sizeof want);
	for (char *c = got; *c; c++)
		if (*c == '\n')
			*c = '|';   /* one line of diagnostics */
	mica_printf("# read \"%s\" in pieces of %d, after %u waits\n", p, ROOM, waits);
	expect("the lines, backspace applied, Ctrl-D as end of input and as partial line", same, 1);
	expect("nothing more is ready: EAGAIN", stream_read(in, buf, &len), -MICA_EAGAIN);
}

static void notify_with_a_void_item_is_refused(void)
{
	expect("notify with a void item (it would stop every reader's): EINVAL", stream_notify(in, MICA_CAP_NULL),
	       -MICA_EINVAL);
	kobject_destroy(irq);
}

static const struct qtest_case cases[] = {
	{ "typed_lines_arrive_in_pieces", typed_lines_arrive_in_pieces },
	{ "notify_table_is_bounded", notify_table_is_bounded },
	{ "console_refuses_bad_requests_and_goes_on", console_refuses_bad_requests_and_goes_on },
	{ "big_write_is_taken_whole", big_write_is_taken_whole },
	{ "dead_reader_frees_its_notify_entry", dead_reader_frees_its_notify_entry },
	{ "notify_with_a_void_item_is_refused", notify_with_a_void_item_is_refused },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
