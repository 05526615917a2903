/*
 * line.c - the console's line discipline: input translation, editing,
 * signals, echo, and the queue of ready input (line.h; docs/console.md).
 *
 * In canonical mode only printable ASCII enters a line; other control
 * bytes are dropped without echo, so a terminal's escape sequences cannot
 * leave invisible bytes behind that erasing would then fail to erase.
 * When a byte does not fit (the line is full, or the ready queue cannot
 * take the finished line or a raw byte), the terminal rings the bell and
 * nothing changes: the user may erase, or type again once a reader has
 * taken some input.
 */
#include "line.h"

static void echo_add(struct line *l, struct line_echo *e, char c)
{
	if (c == '\n' && (l->mode.oflag & (OPOST | ONLCR)) == (OPOST | ONLCR))
		e->bytes[e->len++] = '\r';
	e->bytes[e->len++] = c;
}

static void echo_str(struct line *l, struct line_echo *e, const char *s)
{
	while (*s)
		echo_add(l, e, *s++);
}

static void bell(struct line_echo *e)
{
	e->len = 0;
	e->bytes[e->len++] = LINE_BELL;
}

static bool echoing(const struct line *l)
{
	return l->mode.lflag & ECHO;
}

void line_default_mode(struct line_mode *m)
{
	static const cc_t cc[NCCS] = {
		[VINTR] = 0x03, [VQUIT] = 0x1c, [VERASE] = 0x7f, [VKILL] = 0x15,
		[VEOF] = 0x04, [VTIME] = 0, [VMIN] = 1, [VSUSP] = 0x1a,
	};

	m->iflag = ICRNL;
	m->oflag = OPOST | ONLCR;
	m->lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK;
	for (unsigned i = 0; i < NCCS; i++)
		m->cc[i] = cc[i];
}

void line_init(struct line *l)
{
	line_default_mode(&l->mode);
	line_flush(l);
}

void line_flush(struct line *l)
{
	l->edit_len = 0;
	l->ready_len = 0;
	l->after_cr = false;
}

/* Move the edited line, plus `end` if it is not 0, to the ready queue;
 * false when the queue has no room for it. */
static bool deliver(struct line *l, unsigned short end)
{
	unsigned n = l->edit_len + (end != 0);

	if (n > LINE_READY_MAX - l->ready_len)
		return false;
	for (unsigned i = 0; i < l->edit_len; i++)
		l->ready[l->ready_len++] = (unsigned char)l->edit[i];
	if (end)
		l->ready[l->ready_len++] = end;
	l->edit_len = 0;
	return true;
}

void line_set_mode(struct line *l, const struct line_mode *m)
{
	if ((l->mode.lflag & ICANON) && !(m->lflag & ICANON) && l->edit_len)
		deliver(l, 0);   /* what does not fit stays in the line, which raw mode never reads */
	l->mode = *m;
}

static bool end_line(struct line *l, struct line_echo *e)
{
	if (!deliver(l, '\n')) {
		bell(e);
		return false;
	}
	if (l->mode.lflag & (ECHO | ECHONL))
		echo_add(l, e, '\n');
	return true;
}

/* VEOF: an end of input on an empty line, else the line so far. */
static bool end_input(struct line *l, struct line_echo *e)
{
	if (deliver(l, l->edit_len ? 0 : LINE_MARK))
		return true;
	bell(e);
	return false;
}

static void erase(struct line *l, struct line_echo *e, char c)
{
	if (!l->edit_len)
		return;
	l->edit_len--;
	if (!echoing(l))
		return;
	if (l->mode.lflag & ECHOE)
		echo_str(l, e, "\b \b");
	else
		echo_add(l, e, c);
}

/* VKILL: the whole line goes; ECHOK shows it, erased (with ECHOE) or
 * left behind with a new line. */
static void kill_line(struct line *l, struct line_echo *e)
{
	unsigned n = l->edit_len;

	l->edit_len = 0;
	if (!echoing(l) || !(l->mode.lflag & ECHOK) || !n)
		return;
	if (l->mode.lflag & ECHOE)
		while (n--)
			echo_str(l, e, "\b \b");
	else
		echo_add(l, e, '\n');
}

static void insert(struct line *l, char c, struct line_echo *e)
{
	/* Room stays for the "\n" that ends the line. */
	if (l->edit_len + 1 >= LINE_EDIT_MAX) {
		bell(e);
		return;
	}
	l->edit[l->edit_len++] = c;
	if (echoing(l))
		echo_add(l, e, c);
}

/* VINTR, VQUIT or VSUSP under ISIG: shown as ^C (and so on), and the
 * input not yet read goes unless NOFLSH. */
static void signal_char(struct line *l, char c, int which, struct line_echo *e)
{
	e->signal = which;
	if (!(l->mode.lflag & NOFLSH))
		line_flush(l);
	if (echoing(l)) {
		echo_add(l, e, '^');
		echo_add(l, e, (char)((c + 0x40) & 0x7f));
		echo_add(l, e, '\n');
	}
}

/* Is c the control character at index i?  (0 disables one, as
 * _POSIX_VDISABLE.) */
static bool is_cc(const struct line *l, char c, int i)
{
	return l->mode.cc[i] && (unsigned char)c == l->mode.cc[i];
}

/* ISTRIP, IGNCR, ICRNL, INLCR: -1 when the byte is ignored. */
static int translate(struct line *l, char c)
{
	if (l->mode.iflag & ISTRIP)
		c &= 0x7f;
	if (c == '\r') {
		if (l->mode.iflag & IGNCR)
			return -1;
		if (l->mode.iflag & ICRNL)
			return '\n';
	} else if (c == '\n' && (l->mode.iflag & INLCR)) {
		return '\r';
	}
	return (unsigned char)c;
}

static bool raw_input(struct line *l, char c, struct line_echo *e)
{
	if (l->ready_len == LINE_READY_MAX) {
		bell(e);
		return false;
	}
	l->ready[l->ready_len++] = (unsigned char)c;
	if (echoing(l) || (c == '\n' && (l->mode.lflag & ECHONL)))
		echo_add(l, e, c);
	return true;
}

static bool canonical_input(struct line *l, char c, struct line_echo *e)
{
	if (c == '\n')
		return end_line(l, e);
	if (is_cc(l, c, VEOF))
		return end_input(l, e);
	if (is_cc(l, c, VERASE) || c == LINE_BS) {
		erase(l, e, c);
		return false;
	}
	if (is_cc(l, c, VKILL)) {
		kill_line(l, e);
		return false;
	}
	if (c >= 0x20 && c < 0x7f)
		insert(l, c, e);
	return false;
}

bool line_signal(struct line *l, char c, struct line_echo *echo)
{
	static const int signals[] = { VINTR, VQUIT, VSUSP };

	echo->len = 0;
	echo->signal = -1;
	if (l->mode.lflag & ISIG)
		for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++)
			if (is_cc(l, c, signals[i])) {
				signal_char(l, c, signals[i], echo);
				return true;
			}
	return false;
}

bool line_input(struct line *l, char c, struct line_echo *echo)
{
	bool canonical = l->mode.lflag & ICANON, after_cr = l->after_cr;
	int t;

	if (line_signal(l, c, echo)) {
		l->after_cr = false;
		return false;
	}
	l->after_cr = c == '\r';
	/* A terminal that sends CR LF for Enter gives one line, not two. */
	if (canonical && c == '\n' && after_cr && (l->mode.iflag & ICRNL))
		return false;
	if ((t = translate(l, c)) < 0)
		return false;
	return canonical ? canonical_input(l, (char)t, echo) : raw_input(l, (char)t, echo);
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
	while (n < room && n < l->ready_len && l->ready[n] != LINE_MARK) {
		buf[n] = (char)l->ready[n];
		n++;
	}
	taken = n ? n : 1;   /* the mark is first: take it, once */
	for (unsigned i = taken; i < l->ready_len; i++)
		l->ready[i - taken] = l->ready[i];
	l->ready_len -= taken;
	return (int)n;
}
