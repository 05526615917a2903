/*
 * debug.c - mica_printf and friends over MICA_SYS_DEBUG (see
 * libsys/debug.h), printing with the Log capability in MICA_BOOT_LOG.
 */
#include <libsys/debug.h>
#include <mica/boot.h>
#include <mica/syscall.h>
#include <stdarg.h>

#include <common/fmt.h>

void mica_print(const char *s, size_t len)
{
	while (len) {
		size_t n = len < MICA_DEBUG_PRINT_MAX ? len : MICA_DEBUG_PRINT_MAX;
		if (mica_debug(MICA_BOOT_LOG, MICA_DEBUG_PRINT, (unsigned long)s, n))
			return;
		s += n;
		len -= n;
	}
}

int mica_printf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	mica_print(buf, n < (int)sizeof buf ? (size_t)n : sizeof buf - 1);
	return n;
}

void mica_exit(int status)
{
	for (;;)
		mica_debug(MICA_CAP_NULL, MICA_DEBUG_EXIT, (unsigned long)status, 0);
}
