/*
 * line.c - the console's line discipline: editing, echo, and the queue of
 * completed input (line.h; docs/console.md).
 *
 * Only printable ASCII enters a line; other control bytes are dropped
 * without echo, so a terminal's escape sequences cannot leave invisible
 * bytes behind that backspace would then fail to erase.  When a byte does
 * not fit (the line is full, or the ready queue cannot take the finished
 * line), the terminal rings the bell and nothing changes: the user may
 * erase, or press Enter again once a reader has taken some input.
 */
#include "line.h"

static void echo_str(struct line_echo *e, const char *s)
{
	e->len = 0;
	while (*s)
		e->bytes[e->len++] = *s++;
}

static void echo_byte(struct line_echo *e, char c)
{
	e->bytes[0] = c;
	e->len = 1;
}

void line_init(struct line *l)
{
	l->edit_len = 0;
	l->ready_len = 0;
	l->after_cr = false;
}

/* Move the edited line, plus `end` if it is not 0, to the ready queue;
 * false when the queue has no room for it. */
static bool deliver(struct line *l, char end)
{
	unsigned n = l->edit_len + (end != 0);

	if (n > LINE_READY_MAX - l->ready_len)
		return false;
	for (unsigned i = 0; i < l->edit_len; i++)
		l->ready[l->ready_len++] = l->edit[i];
	if (end)
		l->ready[l->ready_len++] = end;
	l->edit_len = 0;
	return true;
}

static bool end_line(struct line *l, struct line_echo *e)
{
	if (!deliver(l, '\n')) {
		echo_byte(e, LINE_BELL);
		return false;
	}
	echo_str(e, "\r\n");
	return true;
}

/* Ctrl-D: an end of input on an empty line, else the line so far. */
static bool end_input(struct line *l, struct line_echo *e)
{
	if (deliver(l, l->edit_len ? 0 : LINE_EOF))
		return true;
	echo_byte(e, LINE_BELL);
	return false;
}

static void erase(struct line *l, struct line_echo *e)
{
	if (l->edit_len) {
		l->edit_len--;
		echo_str(e, "\b \b");
	}
}

static void insert(struct line *l, char c, struct line_echo *e)
{
	/* Room stays for the "\n" that ends the line. */
	if (l->edit_len + 1 >= LINE_EDIT_MAX) {
		echo_byte(e, LINE_BELL);
		return;
	}
	l->edit[l->edit_len++] = c;
	echo_byte(e, c);
}

bool line_input(struct line *l, char c, struct line_echo *echo)
{
	bool after_cr = l->after_cr;

	echo->len = 0;
	l->after_cr = c == '\r';
	switch (c) {
	case '\r':
		return end_line(l, echo);
	case '\n':
		return after_cr ? false : end_line(l, echo);
	case LINE_EOF:
		return end_input(l, echo);
	case LINE_BS:
	case LINE_DEL:
		erase(l, echo);
		return false;
	default:
		if (c >= 0x20 && c < 0x7f)
			insert(l, c, echo);
		return false;
	}
}

bool line_ready(const struct line *l)
{
	return l->ready_len > 0;
}

int line_read(struct line *l, char *buf, unsigned room)
{
	unsigned n = 0, taken;

	if (!l->ready_len)
		return LINE_NONE;
	while (n < room && n < l->ready_len && l->ready[n] != LINE_EOF) {
		buf[n] = l->ready[n];
		n++;
	}
	taken = n ? n : 1;   /* the mark is first: take it, once */
	for (unsigned i = taken; i < l->ready_len; i++)
		l->ready[i - taken] = l->ready[i];
	l->ready_len -= taken;
	return (int)n;
}
