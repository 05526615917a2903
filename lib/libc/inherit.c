/*
 * inherit.c - what a program the process server started inherits from
 * its parent (docs/processes.md, "What a child inherits"): the descriptor
 * table, the working directory and the umask.  The parent gave them with
 * Proc.give before its spawn (spawn.c); here, before the table's first
 * use, the child takes them one by one (Proc.take) and makes each
 * description again at the descriptor numbers that shared it:
 *
 *   MICA_INHERIT_CWD     the working directory and the umask
 *   MICA_INHERIT_STREAM  the child's own stdin, stdout or stderr stream
 *   MICA_INHERIT_PIPE    a pipe ticket, adopted (pipe.c)
 *   MICA_INHERIT_FILE    a session of the file server on the same open
 *                        file, sharing the parent's offset (fsfile.c)
 *   MICA_INHERIT_ROM     a boot file, opened again, sharing the parent's
 *                        offset in the page given (romfile.c)
 *   MICA_INHERIT_NULL    /dev/null (devnull.c)
 *   MICA_INHERIT_SIGNALS an exec's signal state: the mask, the pending
 *                        and ignored signals, the alarm (sigexec.c)
 *   MICA_INHERIT_PGROUP  the process group to join (posix_spawn's
 *                        POSIX_SPAWN_SETPGROUP): a child that cannot
 *                        ends with status 127, as POSIX says
 *
 * A parent that gave nothing leaves the table as it starts (0, 1 and 2
 * the streams); one that gave anything gives the whole table, so that a
 * descriptor it closed is closed here too.  An entry that cannot be made
 * again (no memory, a ticket gone) leaves its descriptors closed.
 */
#include <fcntl.h>
#include <sys/pipe_ticket.h>
#include <unistd.h>

#include <libsys/slot.h>
#include <mica/proc.h>
#include <rt/rt.h>

#include <idl/rt/proc.h>

#include "glue.h"

/* A description made at the lowest free descriptor `fd`, moved to every
 * descriptor of `fds` (bit n: descriptor n). */
static void place(int fd, uint64_t fds)
{
	if (fd < 0)
		return;
	for (int i = 0; i < FD_MAX; i++)
		if ((fds >> i & 1) && i != fd)
			dup2(fd, i);
	if (fd >= FD_MAX || !(fds >> fd & 1))
		close(fd);
}

/* At the start, before main: the working directory and the umask are
 * used without the descriptor table. */
__attribute__((constructor)) static void at_start(void)
{
	libc_inherit();
}

static void stream(uint64_t which, int flags, uint64_t fds)
{
	struct stdstream *s = which == 0 ? &stdstream_in : which == 1 ? &stdstream_out : &stdstream_err;

	place(fd_install(&stdstream_ops, s, flags), fds);
}


void libc_inherit(void)
{
	static char name[PROC_TAKE_NAME_MAX + 1];
	static int done;
	mica_cap_t proc = rt_cap("proc");
	int taken = 0;

	if (done++ || !proc)
		return;   /* once; not at all in a program the process server did not start */
	for (;;) {
		mica_cap_t slot = mica_slot_alloc(), item = slot;
		uint64_t fds, arg;
		uint32_t kind, flags;

		if (!slot || proc_take(proc, &fds, &kind, &flags, &arg, name, &item) != 0) {
			mica_slot_free(slot);
			return;   /* MICA_ENOENT: all taken (or none given) */
		}
		if (!item)
			mica_slot_free(slot);
		if (kind == MICA_INHERIT_SIGNALS)
			libc_signal_exec_take(fds, flags, arg, name);   /* not a descriptor */
		else if (kind == MICA_INHERIT_PGROUP) {
			if (setpgid(0, (pid_t)arg) != 0)
				_exit(127);
		} else if (!taken++)
			for (int fd = 0; fd < 3; fd++)
				close(fd);   /* the parent's table replaces the streams */
		int fl = (int)flags & ~O_CLOEXEC;
		switch (kind) {
		case MICA_INHERIT_CWD:
			fsfile_inherit_cwd(name, (mode_t)arg);
			break;
		case MICA_INHERIT_STREAM:
			stream(arg, fl, fds);
			break;
		case MICA_INHERIT_PIPE:
			if (item) {
				place(pipe_adopt(item, fl & O_NONBLOCK), fds);
				mica_slot_drop(item);   /* the ticket, gone with the adoption */
				item = 0;
			}
			break;
		case MICA_INHERIT_FILE:
			if (item) {
				place(fsfile_adopt(item, fl, name), fds);
				item = 0;   /* the descriptor's, or dropped */
			}
			break;
		case MICA_INHERIT_ROM:
			place(romfile_adopt(name, fl, (off_t)arg, item), fds);
			item = 0;   /* the descriptor's, or dropped */
			break;
		case MICA_INHERIT_NULL:
			place(devnull_open(fl), fds);
			break;
		}
		if (item)
			mica_slot_drop(item);   /* an entry of no use */
	}
}
