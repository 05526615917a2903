/*
 * console.c - the kernel console: lib/fmt over the architecture's UART.
 * Newlines become CR LF so that a terminal shows lines, not stairs.
 */
#include "console.h"

#include "arch.h"
#include "fmt.h"

static void console_put(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		arch_console_putc('\r');
	arch_console_putc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
	return fmt_vformat(console_put, NULL, fmt, ap);
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
		console_put(NULL, s[i]);
}
