/*
 * start.c - C start of a launched program (rt/rt.h): environment, slots,
 * region mapper, then main.
 */
#include "rt_internal.h"

#include <libsys/debug.h>
#include <libsys/slot.h>
#include <mica/boot.h>

#include <idl/rt/process.h>

int main(int argc, char **argv, char **envp);
__attribute__((noreturn)) void rt_start(unsigned long *sp);

/* newlib's environment, when the program uses it (a weak reference does not
 * pull it in). */
extern char **environ __attribute__((weak));

/* How main's status ends the program; the C library glue overrides it with
 * exit() (atexit handlers, stdio flushing). */
__attribute__((weak, noreturn)) void mica_start_exit(int status)
{
	rt_exit(status);
}

void rt_exit(int status)
{
	parent_exit(rt_cap("parent"), status);
	/* Not reached: the parent ends the task.  Without one, stop here. */
	mica_exit(status);
}

/* Constructors (__attribute__((constructor)), C++ static objects): the
 * linker's default script gathers them between these symbols. */
extern void (*__preinit_array_start[])(int, char **, char **) __attribute__((weak));
extern void (*__preinit_array_end[])(int, char **, char **) __attribute__((weak));
extern void (*__init_array_start[])(int, char **, char **) __attribute__((weak));
extern void (*__init_array_end[])(int, char **, char **) __attribute__((weak));

static void run_constructors(int argc, char **argv, char **envp)
{
	for (void (**f)(int, char **, char **) = __preinit_array_start; f < __preinit_array_end; f++)
		(*f)(argc, argv, envp);
	for (void (**f)(int, char **, char **) = __init_array_start; f < __init_array_end; f++)
		(*f)(argc, argv, envp);
}

/* The slots below this are the boot layout (mica/boot.h) and room for it to
 * grow. */
#define RT_FIRST_FREE_SLOT 16

void rt_start(unsigned long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;

	mica_slot_init(RT_FIRST_FREE_SLOT);
	rt_env_parse(envp);
	int err = rt_rm_start();
	if (err) {
		mica_printf("%s: cannot start the region mapper: error %d\n", argc ? argv[0] : "?", err);
		rt_exit(127);
	}
	/* newlib's environ is data: written once the region mapper serves
	 * the fault (the process server's programs' data is the file
	 * server's mapping, docs/processes.md "Starting"). */
	if (&environ)
		environ = envp;
	run_constructors(argc, argv, envp);
	mica_start_exit(main(argc, argv, envp));
}
