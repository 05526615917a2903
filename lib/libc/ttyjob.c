/*
 * ttyjob.c - job control at a terminal (docs/libc.md "Terminals"): a
 * program of a background process group that reads the terminal gets
 * SIGTTIN, and one that writes it while TOSTOP is set SIGTTOU, with its
 * whole group, as POSIX says; so does one that changes the terminal's
 * settings (tcsetattr, tcsetpgrp, tcflush, tcdrain: SIGTTOU, stream.c).
 * A program of an orphaned group is not stopped (nobody of its session
 * would continue it): its call fails with EIO.  The console cannot tell its clients apart
 * (they share one gate), so each program's C library looks for itself
 * before each read and write: whether the terminal has a foreground
 * group, and whether it is the program's own.
 *
 * Only a program of the process server's tree is held to this (one that
 * boot.cfg started and that never joined has no group anyone could
 * continue), and only at its session's controlling terminal; a terminal
 * whose foreground group nobody set is no one's controlling terminal, and
 * one whose foreground group has no program left holds no one to this:
 * anyone may use them.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>

#include "glue.h"
#include "pthread_impl.h"
#include "sigstate.h"
#include <idl/rt/proc.h>
#include <idl/rt/stream.h>

/* Whether the caller may go on reading (sig SIGTTIN) or writing or
 * changing (SIGTTOU) the terminal `stream`: 0 when it may, after its group
 * was stopped and continued as often as it took to be in the foreground;
 * EIO for a read while SIGTTIN is ignored or blocked, for a program of an
 * orphaned group, and when the caller cannot be stopped (one boot.cfg
 * started that joined the process server, which cannot stop it); EINTR
 * after a handler of sig without SA_RESTART ran.  A write or change with
 * SIGTTOU ignored or blocked goes on, orphaned or not. */
int libc_tty_job_check(mica_cap_t stream, int sig)
{
	mica_cap_t proc = libc_proc_if_known();

	for (;;) {
		int32_t fg, tty_sid;
		uint64_t pgid, sid;
		bool to_self;

		if (!proc || stream_get_pgrp(stream, &fg, &tty_sid) != 0 || fg <= 0)
			return 0;
		if (proc_getpgid(proc, 0, &pgid, &sid) != 0 || pgid == (uint64_t)fg || (tty_sid && sid != (uint64_t)tty_sid))
			return 0;
		/* A foreground group whose programs all ended holds the
		 * terminal no more (only its session leader's end frees the
		 * terminal, which may be far off). */
		if (proc_kill(proc, -(int64_t)fg, 0, &to_self) != 0)
			return 0;
		struct sigaction a = libc_sig_actions[sig];
		if (a.sa_handler == SIG_IGN || (libc_thread_self()->blocked & LIBC_SIG_BIT(sig)))
			return sig == SIGTTIN ? EIO : 0;
		bool orphaned;
		if (proc_orphaned(proc, 0, &orphaned) == 0 && orphaned)
			return EIO;
		/* The group's other programs, then the caller itself. */
		if (proc_kill(proc, -(int64_t)pgid, sig, &to_self) != 0)
			return EIO;
		if (a.sa_handler == SIG_DFL) {
			/* The request returns once the program is continued
			 * (cut short by the stop itself: not an error here). */
			int err = proc_sigdefault(proc, sig);
			if (err && libc_proc_errno(err) == EPERM)
				return EIO;   /* one the server cannot stop: nothing would continue it */
			continue;         /* continued: in the foreground now? */
		}
		raise(sig);
		if (!(a.sa_flags & SA_RESTART))
			return EINTR;
	}
}

bool libc_tty_is_ours(int32_t tty_sid)
{
	mica_cap_t proc = libc_proc_if_known();
	uint64_t pgid, sid;

	return !tty_sid || !proc || proc_getpgid(proc, 0, &pgid, &sid) != 0 || sid == (uint64_t)tty_sid;
}
