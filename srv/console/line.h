/*
 * line.h - the console's line discipline (docs/console.md): typed bytes
 * become input a reader can take, with the echo that shows the typing,
 * as the terminal's settings (a struct termios of <sys/termios.h>) say.
 *
 * In canonical mode (ICANON) a line is edited until a newline ends it;
 * then it moves, with its "\n", to the ready input that Stream.read hands
 * out.  VEOF at the start of a line puts an end-of-input mark there
 * instead; in the middle of a line it hands out what was typed so far.  In
 * raw mode every byte is ready input at once.  With ISIG, VINTR, VQUIT and
 * VSUSP are signals for the foreground process group: they discard the
 * input not yet read (unless NOFLSH) and are reported to the caller.
 * Freestanding and free of Mica calls: the host tests drive it byte by
 * byte (tests/host/console/line_test.c).
 */
#ifndef CONSOLE_LINE_H
#define CONSOLE_LINE_H

#include <stdbool.h>
#include <sys/termios.h>

#define LINE_EDIT_MAX 1024    /* bytes of the line being typed, its "\n" included */
#define LINE_READY_MAX 4096   /* input no reader has taken yet */
#define LINE_ECHO_MAX (3 * LINE_EDIT_MAX)   /* the longest echo of one byte: VKILL's "\b \b"s */

#define LINE_BS 0x08          /* erases too, beside VERASE: terminals send either */
#define LINE_BELL 0x07

/* The settings that shape input and its echo: termios' c_iflag, c_oflag,
 * c_lflag and c_cc. */
struct line_mode {
	tcflag_t iflag, oflag, lflag;
	cc_t cc[NCCS];
};

struct line {
	struct line_mode mode;
	char edit[LINE_EDIT_MAX];
	unsigned edit_len;
	/* Ready input in arrival order: bytes, and LINE_MARK for an end of
	 * input (in raw mode any byte value is data). */
	unsigned short ready[LINE_READY_MAX];
	unsigned ready_len;
	bool after_cr;   /* an LF right after a CR ends no second line */
};
#define LINE_MARK 0x100

/* What the terminal should show for one input byte, and the signal it
 * raised: -1, or the c_cc index VINTR, VQUIT or VSUSP. */
struct line_echo {
	char bytes[LINE_ECHO_MAX];
	unsigned len;
	int signal;
};

/* A line with the settings of a fresh terminal (line_default_mode). */
void line_init(struct line *l);
void line_default_mode(struct line_mode *m);

/* New settings.  Leaving canonical mode makes the line being edited ready
 * input as it stands. */
void line_set_mode(struct line *l, const struct line_mode *m);

/* Discard the line being edited and every ready byte and mark. */
void line_flush(struct line *l);

/* Take one typed byte; *echo gets what to show for it.  True when it made
 * input ready for a reader (a line, part of one, a byte in raw mode, or an
 * end of input). */
bool line_input(struct line *l, char c, struct line_echo *echo);

/* Take one typed byte if it is a signal character (VINTR, VQUIT or VSUSP
 * under ISIG), as line_input would: true, with echo->signal and the echo
 * set (the input not yet read discarded unless NOFLSH).  False, and
 * nothing changes, for any other byte.  The console calls it as bytes
 * arrive, so that a program that never reads can still be interrupted. */
bool line_signal(struct line *l, char c, struct line_echo *echo);

/* Whether line_read would return something. */
bool line_ready(const struct line *l);

/* LINE_NONE: nothing is ready. */
#define LINE_NONE (-1)

/* Move ready input into buf, at most room (> 0) bytes and never past an
 * end-of-input mark.  Returns the bytes moved; 0 when the next thing ready
 * is an end of input (taken: each is reported once); LINE_NONE. */
int line_read(struct line *l, char *buf, unsigned room);

#endif
