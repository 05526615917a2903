/*
 * syslog - the system log (POSIX).  Mica has no log daemon: a message is
 * one line on standard error, "IDENT: message" (with "[PID]" under
 * LOG_PID), if setlogmask lets its priority through.
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

static const char *log_ident;
static int log_option;
static int log_mask = LOG_UPTO(LOG_DEBUG);

void openlog(const char *ident, int option, int facility)
{
	(void)facility;
	log_ident = ident;
	log_option = option;
}

void closelog(void)
{
	log_ident = NULL;
	log_option = 0;
}

int setlogmask(int mask)
{
	int old = log_mask;

	if (mask)
		log_mask = mask;
	return old;
}

void vsyslog(int priority, const char *format, va_list ap)
{
	if (!(log_mask & LOG_MASK(LOG_PRI(priority))))
		return;
	if (log_ident && (log_option & LOG_PID))
		fprintf(stderr, "%s[%d]: ", log_ident, (int)getpid());
	else if (log_ident)
		fprintf(stderr, "%s: ", log_ident);
	vfprintf(stderr, format, ap);
	fputc('\n', stderr);
}

void syslog(int priority, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vsyslog(priority, format, ap);
	va_end(ap);
}
