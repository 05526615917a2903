/*
 * line_test.c - host unit tests of the console's line discipline
 * (srv/console/line.c): editing and its echo, line ends, Ctrl-D as the
 * end of input or the delivery of a partial line, reads bounded by the
 * reader's room, and the bounds of the line and of the ready queue.
 */
#include "line.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

static struct line l;
static char echo[LINE_ECHO_MAX * 4];
static unsigned echo_len;

static void reset(void)
{
	line_init(&l);
	echo_len = 0;
}

/* Type n bytes; returns how many of them made input ready. */
static int type_n(const char *s, size_t n)
{
	struct line_echo e;
	int ready = 0;

	for (size_t i = 0; i < n; i++) {
		ready += line_input(&l, s[i], &e);
		CHECK(e.len <= LINE_ECHO_MAX);
		memcpy(echo + echo_len, e.bytes, e.len);
		echo_len += e.len;
	}
	return ready;
}

static int type(const char *s) { return type_n(s, strlen(s)); }

static int echoed(const char *want)
{
	int ok = echo_len == strlen(want) && !memcmp(echo, want, echo_len);

	if (!ok)
		printf("# echoed \"%.*s\" (%u bytes), wanted \"%s\"\n", (int)echo_len, echo, echo_len, want);
	echo_len = 0;
	return ok;
}

/* Read with `room`; true when the result is `want` (a string, or NULL for
 * the end of input). */
static int reads(unsigned room, const char *want)
{
	char buf[LINE_READY_MAX + 1];
	int n = line_read(&l, buf, room);

	if (!want)
		return CHECK_EQ(n, 0);
	if (!CHECK_EQ(n, (int)strlen(want)))
		return 0;
	return CHECK(!memcmp(buf, want, (size_t)n));
}

static void line_typing_echoes_and_cr_delivers_the_line(void)
{
	reset();
	CHECK_EQ(type("ls -l"), 0);
	CHECK(echoed("ls -l"));
	CHECK(!line_ready(&l));
	CHECK_EQ(line_read(&l, echo, 10), LINE_NONE);
	CHECK_EQ(type("\r"), 1);
	CHECK(echoed("\r\n"));
	CHECK(line_ready(&l));
	reads(100, "ls -l\n");
	CHECK(!line_ready(&l));
	CHECK_EQ(line_read(&l, echo, 10), LINE_NONE);
}

static void line_lf_ends_a_line_and_cr_lf_ends_only_one(void)
{
	reset();
	CHECK_EQ(type("a\nb\r\nc\r\r"), 4);
	CHECK(echoed("a\r\nb\r\nc\r\n\r\n"));
	reads(100, "a\nb\nc\n\n");
}

static void line_backspace_and_delete_erase_one_char(void)
{
	reset();
	type("abx\x7f");
	CHECK(echoed("abx\b \b"));
	type("y\bc\r");
	CHECK(echoed("y\b \bc\r\n"));
	reads(100, "abc\n");
}

static void line_erasing_an_empty_line_shows_nothing(void)
{
	reset();
	CHECK_EQ(type("\x7f\b"), 0);
	CHECK(echoed(""));
	type("a\x7f\x7f\r");
	reads(100, "\n");
}

static void line_ctrl_d_on_an_empty_line_is_one_end_of_input(void)
{
	reset();
	CHECK_EQ(type("\x04"), 1);
	CHECK(echoed(""));
	CHECK(line_ready(&l));
	reads(100, NULL);
	CHECK(!line_ready(&l));
	CHECK_EQ(line_read(&l, echo, 100), LINE_NONE);
	/* two Ctrl-Ds: two ends */
	type("\x04\x04");
	reads(100, NULL);
	reads(100, NULL);
	CHECK_EQ(line_read(&l, echo, 100), LINE_NONE);
}

static void line_ctrl_d_mid_line_delivers_it_without_newline(void)
{
	reset();
	CHECK_EQ(type("abc\x04"), 1);
	CHECK(echoed("abc"));
	reads(100, "abc");
	CHECK_EQ(line_read(&l, echo, 100), LINE_NONE);
	/* the next Ctrl-D starts at an empty line: the end of input */
	type("\x04");
	reads(100, NULL);
}

static void line_reads_stop_at_an_end_of_input(void)
{
	reset();
	CHECK_EQ(type("one\r\x04two\r"), 3);
	reads(100, "one\n");
	reads(100, NULL);
	reads(100, "two\n");
	CHECK_EQ(line_read(&l, echo, 100), LINE_NONE);
}

static void line_reads_take_several_lines_within_room(void)
{
	reset();
	type("a\rbb\rccc\r");
	reads(5, "a\nbb\n");
	reads(1, "c");
	reads(100, "cc\n");
}

static void line_control_bytes_are_dropped_silently(void)
{
	reset();
	CHECK_EQ(type("\x01\x1b\t\x80\xff"), 0);
	CHECK(echoed(""));
	type("x\r");
	reads(100, "x\n");
}

static void line_full_line_rings_the_bell_and_drops_the_rest(void)
{
	char big[LINE_EDIT_MAX + 10];

	reset();
	memset(big, 'x', sizeof big);
	type_n(big, sizeof big);
	/* LINE_EDIT_MAX - 1 chars fit (the "\n" needs the last byte) */
	CHECK_EQ(echo_len, sizeof big);
	CHECK(echo[LINE_EDIT_MAX - 2] == 'x' && echo[LINE_EDIT_MAX - 1] == LINE_BELL && echo[sizeof big - 1] == LINE_BELL);
	echo_len = 0;
	type("\x7fy\r");   /* erasing makes room again */
	big[LINE_EDIT_MAX - 2] = 'y';
	big[LINE_EDIT_MAX - 1] = '\n';
	big[LINE_EDIT_MAX] = 0;
	reads(LINE_READY_MAX, big);
}

/* Fill the ready queue with exactly LINE_READY_MAX bytes of lines. */
static void fill_ready(void)
{
	char line[LINE_READY_MAX / 4];

	memset(line, 'q', sizeof line - 1);
	line[sizeof line - 1] = '\r';
	for (int i = 0; i < 4; i++)
		CHECK_EQ(type_n(line, sizeof line), 1);
	echo_len = 0;
}

static void line_full_ready_queue_keeps_the_line_being_typed(void)
{
	char buf[LINE_READY_MAX];

	reset();
	fill_ready();
	CHECK_EQ(type("zz\r"), 0);
	CHECK(echoed("zz\a"));
	CHECK_EQ(type("\x04"), 0);   /* no room for the partial line either */
	CHECK(echoed("\a"));
	CHECK_EQ(line_read(&l, buf, 4), 4);
	CHECK_EQ(type("\r"), 1);     /* Enter again once a reader took some */
	CHECK(echoed("\r\n"));
	CHECK_EQ(line_read(&l, buf, LINE_READY_MAX - 4), LINE_READY_MAX - 4);
	reads(100, "zz\n");
}

static void line_end_of_input_needs_room_in_the_queue(void)
{
	char buf[8];

	reset();
	fill_ready();
	CHECK_EQ(type("\x04"), 0);
	CHECK(echoed("\a"));
	line_read(&l, buf, 1);
	CHECK_EQ(type("\x04"), 1);
	CHECK_EQ(line_read(&l, buf, 1), 1);
	CHECK(line_ready(&l));
}

static void set_mode(tcflag_t lflag_on, tcflag_t lflag_off, tcflag_t iflag_off)
{
	struct line_mode m = l.mode;

	m.lflag = (m.lflag | lflag_on) & ~lflag_off;
	m.iflag &= ~iflag_off;
	line_set_mode(&l, &m);
}

static void line_defaults_are_a_cooked_echoing_terminal(void)
{
	reset();
	CHECK_EQ(l.mode.lflag & (ICANON | ECHO | ISIG | ECHOE | ECHOK), ICANON | ECHO | ISIG | ECHOE | ECHOK);
	CHECK_EQ(l.mode.iflag, ICRNL);
	CHECK_EQ(l.mode.oflag, OPOST | ONLCR);
	CHECK_EQ(l.mode.cc[VERASE], 0x7f);
	CHECK_EQ(l.mode.cc[VKILL], 0x15);
	CHECK_EQ(l.mode.cc[VEOF], 0x04);
	CHECK_EQ(l.mode.cc[VMIN], 1);
}

static void line_kill_erases_the_whole_line(void)
{
	reset();
	type("abc\x15");
	CHECK(echoed("abc\b \b\b \b\b \b"));
	type("d\r");
	CHECK(echoed("d\r\n"));
	reads(100, "d\n");
	set_mode(0, ECHOE, 0);   /* ECHOK alone: the line stays shown, a new one starts */
	type("xy\x15z\r");
	CHECK(echoed("xy\r\nz\r\n"));
	reads(100, "z\n");
}

static void line_echo_off_shows_nothing_but_echonl_shows_newlines(void)
{
	reset();
	set_mode(0, ECHO, 0);
	CHECK_EQ(type("secret\r"), 1);
	CHECK(echoed(""));
	reads(100, "secret\n");
	set_mode(ECHONL, 0, 0);
	type("pw\r");
	CHECK(echoed("\r\n"));
	reads(100, "pw\n");
}

static void line_control_characters_can_be_changed_and_disabled(void)
{
	struct line_mode m;

	reset();
	m = l.mode;
	m.cc[VERASE] = '#';
	m.cc[VEOF] = 0;
	line_set_mode(&l, &m);
	type("ab#c\x04\r");   /* Ctrl-D is disabled: a control byte, dropped */
	reads(100, "ac\n");
}

static void line_signal_characters_flush_and_report(void)
{
	struct line_echo e;

	reset();
	type("one\rtwo");
	echo_len = 0;
	line_input(&l, 0x03, &e);
	CHECK_EQ(e.signal, VINTR);
	CHECK(e.len == 4 && !memcmp(e.bytes, "^C\r\n", 4));
	CHECK(!line_ready(&l));   /* the ready line and the edited one went */
	line_input(&l, 0x1c, &e);
	CHECK_EQ(e.signal, VQUIT);
	line_input(&l, 0x1a, &e);
	CHECK_EQ(e.signal, VSUSP);
	set_mode(NOFLSH, 0, 0);
	type("kept\r");
	line_input(&l, 0x03, &e);
	reads(100, "kept\n");
	set_mode(0, ISIG, 0);    /* without ISIG: a control byte like any other */
	line_input(&l, 0x03, &e);
	CHECK_EQ(e.signal, -1);
	CHECK(!line_ready(&l));
}

/* line_signal, which the console calls as bytes arrive: a signal
 * character acts as line_input's would; any other byte is left alone. */
static void line_signal_takes_only_signal_characters(void)
{
	struct line_echo e;

	reset();
	type("ab");
	echo_len = 0;
	CHECK(!line_signal(&l, 'c', &e));
	CHECK_EQ(e.signal, -1);
	CHECK_EQ(e.len, 0);
	CHECK(!line_signal(&l, '\r', &e));
	CHECK(!line_ready(&l));             /* 'c' and CR did not enter the line */
	CHECK(line_signal(&l, 0x1a, &e));
	CHECK_EQ(e.signal, VSUSP);
	CHECK(e.len == 4 && !memcmp(e.bytes, "^Z\r\n", 4));
	type("\r");
	reads(100, "\n");                   /* "ab" went with the signal */
	set_mode(0, ISIG, 0);
	CHECK(!line_signal(&l, 0x03, &e));   /* without ISIG: data */
	set_mode(ISIG, ECHO, 0);
	CHECK(line_signal(&l, 0x1c, &e));
	CHECK_EQ(e.signal, VQUIT);
	CHECK_EQ(e.len, 0);                  /* echo off: nothing shown */
}

static void line_raw_mode_hands_out_every_byte(void)
{
	reset();
	set_mode(0, ICANON, 0);
	CHECK_EQ(type("a\x7f\x04"), 3);   /* erase and EOF are data */
	CHECK(echoed("a\x7f\x04"));
	reads(2, "a\x7f");
	reads(100, "\x04");
	CHECK_EQ(type("\r"), 1);            /* ICRNL still applies */
	CHECK(echoed("\r\n"));
	reads(100, "\n");
	set_mode(0, ECHO, ICRNL);
	CHECK_EQ(type("\r"), 1);
	CHECK(echoed(""));
	reads(100, "\r");
}

static void line_leaving_canonical_mode_hands_out_the_edited_line(void)
{
	reset();
	type("par");
	CHECK(!line_ready(&l));
	set_mode(0, ICANON, 0);
	reads(100, "par");
}

static void line_onlcr_off_echoes_a_bare_newline(void)
{
	struct line_mode m;

	reset();
	m = l.mode;
	m.oflag = 0;
	line_set_mode(&l, &m);
	type("a\r");
	CHECK(echoed("a\n"));
}

static const struct tap_case cases[] = {
	TAP_CASE(line_defaults_are_a_cooked_echoing_terminal),
	TAP_CASE(line_kill_erases_the_whole_line),
	TAP_CASE(line_echo_off_shows_nothing_but_echonl_shows_newlines),
	TAP_CASE(line_control_characters_can_be_changed_and_disabled),
	TAP_CASE(line_signal_characters_flush_and_report),
	TAP_CASE(line_signal_takes_only_signal_characters),
	TAP_CASE(line_raw_mode_hands_out_every_byte),
	TAP_CASE(line_leaving_canonical_mode_hands_out_the_edited_line),
	TAP_CASE(line_onlcr_off_echoes_a_bare_newline),
	TAP_CASE(line_typing_echoes_and_cr_delivers_the_line),
	TAP_CASE(line_lf_ends_a_line_and_cr_lf_ends_only_one),
	TAP_CASE(line_backspace_and_delete_erase_one_char),
	TAP_CASE(line_erasing_an_empty_line_shows_nothing),
	TAP_CASE(line_ctrl_d_on_an_empty_line_is_one_end_of_input),
	TAP_CASE(line_ctrl_d_mid_line_delivers_it_without_newline),
	TAP_CASE(line_reads_stop_at_an_end_of_input),
	TAP_CASE(line_reads_take_several_lines_within_room),
	TAP_CASE(line_control_bytes_are_dropped_silently),
	TAP_CASE(line_full_line_rings_the_bell_and_drops_the_rest),
	TAP_CASE(line_full_ready_queue_keeps_the_line_being_typed),
	TAP_CASE(line_end_of_input_needs_room_in_the_queue),
};

int main(void) { return tap_run(cases, TAP_COUNT(cases)); }
