/*
 * line.h - the console's line discipline (docs/console.md): typed bytes
 * become lines a reader can take, with the echo that shows the typing.
 *
 * A line is edited until CR or LF ends it; then it moves, with a "\n", to
 * the ready input that Stream.read hands out.  Ctrl-D at the start of a
 * line puts an end-of-input mark there instead; in the middle of a line it
 * hands out what was typed so far.  Freestanding and free of Mica calls:
 * the host tests drive it byte by byte (tests/host/console/line_test.c).
 */
#ifndef CONSOLE_LINE_H
#define CONSOLE_LINE_H

#include <stdbool.h>

#define LINE_EDIT_MAX 1024    /* bytes of the line being typed, its "\n" included */
#define LINE_READY_MAX 4096   /* completed input no reader has taken yet */
#define LINE_ECHO_MAX 4       /* the longest echo of one byte: "\b \b" */

/* Input bytes with a meaning of their own. */
#define LINE_EOF 0x04   /* Ctrl-D */
#define LINE_BS 0x08
#define LINE_DEL 0x7f
#define LINE_BELL 0x07

struct line {
	char edit[LINE_EDIT_MAX];
	unsigned edit_len;
	/* Ready input in arrival order.  An end-of-input is a LINE_EOF byte:
	 * it can stand for itself because a typed Ctrl-D never enters a line. */
	char ready[LINE_READY_MAX];
	unsigned ready_len;
	bool after_cr;   /* an LF right after a CR ends no second line */
};

/* What the terminal should show for one input byte. */
struct line_echo {
	char bytes[LINE_ECHO_MAX];
	unsigned len;
};

void line_init(struct line *l);

/* Take one typed byte; *echo gets what to show for it.  True when it made
 * input ready for a reader (a line, part of one, or an end of input). */
bool line_input(struct line *l, char c, struct line_echo *echo);

/* Whether line_read would return something. */
bool line_ready(const struct line *l);

/* LINE_NONE: nothing is ready. */
#define LINE_NONE (-1)

/* Move ready input into buf, at most room (> 0) bytes and never past an
 * end-of-input mark.  Returns the bytes moved; 0 when the next thing ready
 * is an end of input (taken: each is reported once); LINE_NONE. */
int line_read(struct line *l, char *buf, unsigned room);

#endif
