/*
 * selfdestroy.c - a boot program destroys its own factory (and with it its
 * task and thread) in the middle of running: the kernel frees everything,
 * leaks nothing, and runs the next program.  With the argument "task" it
 * destroys its task instead, with "thread" its thread.
 */
#include <libsys/debug.h>
#include <common/string.h>
#include <mica/boot.h>

#include <idl/kernel/kobject.h>

int main(int argc, char **argv)
{
	mica_cap_t victim = MICA_BOOT_FACTORY;

	if (argc > 1 && mica_streq(argv[1], "task"))
		victim = MICA_BOOT_TASK;
	else if (argc > 1 && mica_streq(argv[1], "thread"))
		victim = MICA_BOOT_THREAD;
	mica_printf("selfdestroy: destroying slot %lu\n", (unsigned long)victim);
	kobject_destroy(victim);
	mica_printf("selfdestroy: still here\n");
	return 1;
}
