/*
 * console.c - the kernel console: lib/common/fmt.c over the architecture's UART.
 * Newlines become CR LF so that a terminal shows lines, not stairs.
 *
 * User programs write here too (Log.print, MICA_DEBUG_PRINT) through
 * kputs_user, which keeps the kernel's own lines recognisable: a user line
 * never begins the way the kernel's lines do ("kernel", "kcheck") -- such
 * a line is printed behind USER_MARK -- and a kernel line never continues
 * a user's unfinished one: it starts on a line of its own.  Deciding
 * whether a user line starts with a reserved word may take bytes from
 * several prints; they are held until it is decided.
 */
#include "console.h"

#include "arch.h"
#include <common/fmt.h>
#include <common/string.h>

#define USER_MARK "[user] "
#define RESERVED_LEN 6

static const char *const reserved[] = { "kernel", "kcheck" };

static enum { LINE_EMPTY, LINE_KERNEL, LINE_USER } line;
static char held[RESERVED_LEN];   /* the start of a user line, undecided */
static unsigned nheld;

static void uart_put(char c)
{
	if (c == '\n')
		arch_console_putc('\r');
	arch_console_putc(c);
}

static void put_as(char c, int user)
{
	uart_put(c);
	line = c == '\n' ? LINE_EMPTY : user ? LINE_USER : LINE_KERNEL;
}

static void put_str_as(const char *s, size_t n, int user)
{
	for (size_t i = 0; i < n; i++)
		put_as(s[i], user);
}

/* The held bytes go out, behind the mark if `mark`. */
static void release_held(int mark)
{
	if (mark)
		put_str_as(USER_MARK, sizeof USER_MARK - 1, 1);
	put_str_as(held, nheld, 1);
	nheld = 0;
}

static void kernel_put(void *ctx, char c)
{
	(void)ctx;
	if (nheld) {
		/* Not known how the user line goes on: marked, to be safe. */
		release_held(1);
	}
	if (line == LINE_USER)
		put_as('\n', 0);
	put_as(c, 0);
}

/* 1 if the held bytes begin a reserved word, 2 if they are one. */
static int held_reserved(void)
{
	int found = 0;

	for (unsigned i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if (!memcmp(held, reserved[i], nheld))
			found = nheld == mica_strlen(reserved[i]) ? 2 : found ? found : 1;
	return found;
}

static void user_put(char c)
{
	if (!nheld && line != LINE_EMPTY) {
		put_as(c, 1);
		return;
	}
	held[nheld++] = c;
	int r = held_reserved();
	if (r == 1)
		return;
	release_held(r == 2);
}

void kputs_user(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		user_put(s[i]);
}

int kvprintf(const char *fmt, va_list ap)
{
	return fmt_vformat(kernel_put, NULL, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

void kputs_n(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kernel_put(NULL, s[i]);
}
