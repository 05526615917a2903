/*
 * start.c - C start of a boot program: builds argc/argv from the module's
 * command line in the KIP, runs main and ends the task with its status.
 */
#include <libsys/debug.h>
#include <mica/kip.h>
#include <mica/syscall.h>

#define ARGS_MAX 32

int main(int argc, char **argv);
__attribute__((noreturn)) void mica_start(unsigned long module, const struct mica_kip *kip);

/* How main's status ends the program: the task ends at once; a C library
 * overrides it to run exit() first (atexit handlers, stdio flushing). */
__attribute__((weak, noreturn)) void mica_start_exit(int status)
{
	mica_exit(status);
}

static char cmdline[MICA_KIP_CMDLINE_MAX];

void mica_start(unsigned long module, const struct mica_kip *kip)
{
	char *argv[ARGS_MAX + 1];
	int argc = 0;

	if (module < kip->module_count)
		for (unsigned i = 0; i + 1 < sizeof cmdline && kip->modules[module].cmdline[i]; i++)
			cmdline[i] = kip->modules[module].cmdline[i];
	for (char *p = cmdline; *p && argc < ARGS_MAX;) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
	argv[argc] = 0;
	mica_start_exit(main(argc, argv));
}
