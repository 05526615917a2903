/*
 * procsrv.c - the process server (srv/proc, docs/processes.md) as the C
 * library's other files see it: the program's own gate to it, and its
 * answers as errno values.
 *
 * A program the process server started has its gate as `proc`.  One that
 * boot.cfg started joins on first use, through `proc` (given with `cap
 * proc`) or the registry's `proc`, as its MICA_PID and the base name of
 * its argv[0].
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/fs.h>
#include <rt/rt.h>

#include <idl/rt/proc.h>
#include <idl/rt/registry.h>

#include "glue.h"

static mica_cap_t self_gate;
static bool watching;   /* a child's end triggers the program's wait irq */
static char program[PROC_JOIN_PROGRAM_MAX + 1] = "?";

/* argv[0]'s base name, for join (lib/rt passes constructors main's arguments). */
__attribute__((constructor)) static void note_program(int argc, char **argv, char **envp)
{
	(void)envp;
	if (argc > 0 && argv[0]) {
		const char *b = strrchr(argv[0], '/');
		strncpy(program, b ? b + 1 : argv[0], sizeof program - 1);
	}
}

mica_cap_t libc_proc(void)
{
	mica_cap_t c = rt_cap("proc"), found = 0, self;
	uint64_t pid, ppid;

	if (self_gate)
		return self_gate;
	if (c && proc_self(c, &pid, &ppid) == 0)
		return self_gate = c;
	if (!c) {
		if (!(found = mica_slot_alloc()))
			return 0;
		if (registry_lookup(rt_cap("registry"), "proc", &found) != 0) {
			mica_slot_free(found);
			return 0;
		}
		c = found;
	}
	if ((self = mica_slot_alloc()) != 0 && proc_join(c, (uint64_t)getpid(), program, rt_cap("launcher"), &self) == 0)
		self_gate = self;
	else if (self)
		mica_slot_free(self);
	mica_slot_drop(found);
	return self_gate;
}

mica_cap_t libc_proc_if_known(void)
{
	return self_gate ? self_gate : rt_cap("proc") ? libc_proc() : 0;
}

const char *libc_program_name(void)
{
	return program;
}

int libc_proc_errno(int err)
{
	if (err <= -MICA_FS_ERRNO)
		return -err - MICA_FS_ERRNO;
	return libc_errno_of(err);
}

int libc_proc_watch_children(void)
{
	mica_cap_t irq;
	int err;

	if (watching)
		return 0;
	if (!(irq = libc_wait_irq()))
		return -MICA_ENOMEM;
	if ((err = proc_notify(libc_proc(), irq)) != 0)
		return err;
	watching = true;
	return 1;
}

int libc_proc_wait_child(void)
{
	mica_word_t tag, label;
	int err;

	libc_wait_irq_listen();   /* if it starts to now, the wait below ends at once: look again */
	err = libc_proc_watch_children();

	if (err)
		return err < 0 ? err : 0;   /* a child may have ended before: look again first */
	/* The wait irq: a child's end, or another source's (a hint, as for
	 * notifiers: the caller looks again). */
	do
		err = mica_ipc_wait(0, &tag, &label);
	while (!err && !(mica_tag_flags(tag) & MICA_TAG_F_IRQ));
	return -err;
}

void libc_proc_after_fork(void)
{
	watching = false;   /* the parent's wait irq is not ours (notifier.c) */
	libc_pid_reset();
}
