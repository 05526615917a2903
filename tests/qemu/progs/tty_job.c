/*
 * tty_job.c - job control at the console beyond reads and writes
 * (docs/processes.md, "Job control"; docs/libc.md, "Terminals"):
 *
 * - tcsetattr, tcsetpgrp, tcflush and tcdrain from a background group
 *   stop it by SIGTTOU, and go on once it is the foreground group and
 *   continued; with SIGTTOU ignored or blocked they go on at once, and a
 *   handler of SIGTTOU runs and the call fails with EINTR;
 * - orphaned groups: Proc.orphaned's answers; a program of an orphaned
 *   background group gets EIO for a read, a write under TOSTOP and each
 *   of those calls, instead of a stop (with SIGTTOU ignored, a write and
 *   a tcsetattr go on); an end that orphans a group with a stopped
 *   program sends each program SIGHUP, then SIGCONT (one with SIGHUP's
 *   default ends, one that catches it runs its handler), and one that
 *   orphans a group with no stopped program sends nothing;
 * - the controlling terminal: the first session to set a foreground
 *   group takes the console (a child leading a new session, before the
 *   test's own has); while it holds it, another session's programs get
 *   ENOTTY from tcgetpgrp and tcsetpgrp, and its leader's end hangs up
 *   its foreground group (SIGHUP and SIGCONT) and frees the console
 *   (tcgetpgrp: ENOTTY) for the next session, the test's; then a group
 *   of another session, or of no process, is EPERM; a program of another
 *   session reads and writes the console (even under TOSTOP) without
 *   being stopped; and the end of another session's leader leaves the
 *   foreground group alone.
 *
 * The test is a program boot.cfg started, which joined the process
 * server: it leads its own session and group (orphaned: its parent is
 * process 1), and the console's foreground group is its own between
 * cases, from the first case on.  A child that would be stopped where the rule says EIO or go
 * on is seen stopped by waitpid(WUNTRACED), killed, and the case fails:
 * nothing waits for ever.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/procsrv.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/thread.h>
#include <idl/rt/proc.h>
#include <idl/rt/stream.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/fs.h>
#include <rt/rt.h>

#include "qtest.h"
#include "tty.h"

#define STOPPED(sig) (0x100 + (sig))   /* what outcome() says of a child stopped by sig */
#define KILLED(sig) (0x200 + (sig))    /* ... and of one ended by sig */

static volatile sig_atomic_t got_hup, got_cont, got_usr2, got_ttou;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGCONT)
		got_cont = 1;
	else if (sig == SIGUSR2)
		got_usr2 = 1;
	else if (sig == SIGTTOU)
		got_ttou = 1;
}

static pid_t reap(pid_t pid, int *st, int options)
{
	pid_t got;

	while ((got = waitpid(pid, st, options)) < 0 && errno == EINTR)
		;
	return got;
}

/* How a child ended: its exit status, KILLED(sig), or STOPPED(sig) for
 * one that stopped (then killed and reaped: it would wait for ever). */
static int outcome(pid_t pid)
{
	int st;

	if (reap(pid, &st, WUNTRACED) != pid)
		return -1;
	if (WIFSTOPPED(st)) {
		int sig = WSTOPSIG(st);
		kill(pid, SIGKILL);
		reap(pid, &st, 0);
		return STOPPED(sig);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : KILLED(WTERMSIG(st));
}

/* A child in a background group of its own (the console's foreground
 * group stays ours), or leading a session of its own (`own_session`: its
 * group is orphaned, its parent being in another session), running fn,
 * whose result is its exit status. */
static pid_t background(int (*fn)(void), bool own_session)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (own_session)
			setsid();
		else
			setpgid(0, 0);
		_exit(fn());
	}
	if (!own_session)
		setpgid(pid, pid);   /* both sides: whichever runs first */
	return pid;
}

static int wait_for_a_signal(void)
{
	pause();
	return 0;
}

/* A child in our own group, running fn with SIGTTOU unblocked, whose
 * result is its exit status. */
static pid_t in_our_group(int (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t ttou;
		sigemptyset(&ttou);
		sigaddset(&ttou, SIGTTOU);
		sigprocmask(SIG_UNBLOCK, &ttou, 0);
		_exit(fn());
	}
	return pid;
}

/* ---- the calls that change the terminal ----------------------------------- */

static int call_tcsetattr(void)
{
	struct termios t;

	return tcgetattr(0, &t) == 0 && tcsetattr(0, TCSANOW, &t) == 0 ? 0 : errno;
}

static int call_tcsetpgrp(void)
{
	return tcsetpgrp(0, getpgrp()) == 0 ? 0 : errno;
}

static int call_tcflush(void)
{
	return tcflush(0, TCIFLUSH) == 0 ? 0 : errno;
}

static int call_tcdrain(void)
{
	return tcdrain(1) == 0 ? 0 : errno;
}

static const struct {
	const char *name;
	int (*fn)(void);
} calls[] = {
	{ "tcsetattr", call_tcsetattr },
	{ "tcflush", call_tcflush },
	{ "tcdrain", call_tcdrain },
	{ "tcsetpgrp", call_tcsetpgrp },   /* last: with SIGTTOU ignored it takes the terminal */
};
#define NCALLS (sizeof calls / sizeof calls[0])

static unsigned call_index;

static int the_call(void)
{
	return calls[call_index].fn();
}

static void background_calls_stop_by_sigttou(void)
{
	char what[96];

	for (call_index = 0; call_index < NCALLS; call_index++) {
		pid_t pid = background(the_call, false);
		int st, stopped = reap(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) ? WSTOPSIG(st) : 0;
		snprintf(what, sizeof what, "%s from the background stops by SIGTTOU", calls[call_index].name);
		expect(what, stopped, SIGTTOU);
		int fg = tcsetpgrp(0, pid), cont = kill(-pid, SIGCONT), out = outcome(pid), back = tty_take_back();
		snprintf(what, sizeof what, "continued in the foreground, %s goes on", calls[call_index].name);
		expect(what, fg == 0 && cont == 0 ? out : -1, 0);
		expect("tcsetpgrp back to ours", back, 0);
	}
}

static int calls_ignoring_sigttou(void)
{
	signal(SIGTTOU, SIG_IGN);
	for (call_index = 0; call_index < NCALLS; call_index++)
		if (the_call())
			return 10 + (int)call_index;
	return 0;
}

static int calls_blocking_sigttou(void)
{
	sigset_t ttou;

	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, 0);
	for (call_index = 0; call_index < NCALLS; call_index++)
		if (the_call())
			return 10 + (int)call_index;
	return 0;
}

static void ignored_or_blocked_sigttou_lets_them_go_on(void)
{
	expect("SIGTTOU ignored: each call goes on from the background",
	       outcome(background(calls_ignoring_sigttou, false)), 0);
	expect("tcsetpgrp back to ours", tty_take_back(), 0);
	expect("SIGTTOU blocked: each call goes on from the background",
	       outcome(background(calls_blocking_sigttou, false)), 0);
	expect("tcsetpgrp back to ours", tty_take_back(), 0);
}

static int tcsetattr_with_a_handler(void)
{
	struct termios t;

	signal(SIGTTOU, on_signal);
	if (tcgetattr(0, &t) != 0)
		return 1;
	if (tcsetattr(0, TCSANOW, &t) != -1 || errno != EINTR)
		return 2;
	return got_ttou ? 0 : 3;
}

static void a_handler_of_sigttou_runs_and_the_call_fails(void)
{
	expect("SIGTTOU caught: the handler runs, tcsetattr fails with EINTR",
	       outcome(background(tcsetattr_with_a_handler, false)), 0);
}

/* ---- orphaned groups --------------------------------------------------- */

static int orphaned(pid_t pgid, bool *o)
{
	return proc_orphaned(libc_proc(), pgid, o);
}

static int report_own_group_orphaned(void)
{
	bool o = false;

	return orphaned(0, &o) == 0 && o ? 0 : 1;
}

static int report_own_group_not_orphaned(void)
{
	bool o = true;

	return orphaned(0, &o) == 0 && !o ? 0 : 1;
}

static void the_process_server_says_which_group_is_orphaned(void)
{
	bool o = false;
	expect("our own group (our parent is process 1)", orphaned(getpgrp(), &o) == 0 && o, 1);
	o = false;
	expect("0: the caller's", orphaned(0, &o) == 0 && o, 1);
	expect("a child's group of our session is not",
	       outcome(background(report_own_group_not_orphaned, false)), 0);
	expect("a child leading a session of its own: its group is",
	       outcome(background(report_own_group_orphaned, true)), 0);
	expect("no such group: ESRCH", orphaned(0x7ffffff0, &o), -(MICA_FS_ERRNO + ESRCH));
	expect("a negative group: EINVAL", orphaned(-2, &o), -(MICA_FS_ERRNO + EINVAL));
}

/* Proc.set_foreground and Proc.foreground from a program that is no
 * terminal: a bad group, a `who` that names no process, a group of no
 * process of who's session, a capability that is no irq as the irq
 * refused and nothing kept; our own group named by our own gate taken
 * with an irq of ours; and the record given up again. */
static void a_terminal_record_takes_only_what_it_should(void)
{
	const int bad = -(MICA_FS_ERRNO + EINVAL);
	mica_cap_t me = libc_proc();
	int32_t pgrp = -1;
	uint64_t sid = 1, got = 1;

	expect("a negative group: EINVAL", proc_set_foreground(me, -3, 0, me, &sid), bad);
	expect("who void: EINVAL", proc_set_foreground(me, getpgrp(), 0, 0, &sid), bad);
	expect("who our task, no gate: EINVAL", proc_set_foreground(me, getpgrp(), 0, MICA_BOOT_TASK, &sid), bad);
	expect("a group nobody of our session is in: EPERM", proc_set_foreground(me, 424242, 0, me, &sid),
	       -(MICA_FS_ERRNO + EPERM));
	expect("our task's capability as the irq, which is none: EINVAL",
	       proc_set_foreground(me, getpgrp(), MICA_BOOT_TASK, me, &sid), -MICA_EINVAL);
	expect("nothing kept by the refusals", proc_foreground(me, &pgrp, &got) == 0 && pgrp == 0 && got == 0, 1);
	mica_cap_t irq = mica_slot_alloc();
	expect("an irq of ours, bound to no thread", factory_create_irq(MICA_BOOT_FACTORY, irq, 5), 0);
	expect("our group, named by our gate, with that irq: taken", proc_set_foreground(me, getpgrp(), irq, me, &sid),
	       0);
	expect("the session it answers is ours", sid, (uint64_t)getsid(0));
	expect("foreground says our group and session",
	       proc_foreground(me, &pgrp, &got) == 0 && pgrp == getpgrp() && got == (uint64_t)getsid(0), 1);
	expect("given up: 0, no irq", proc_set_foreground(me, 0, 0, 0, &sid), 0);
	expect("foreground says 0 and 0", proc_foreground(me, &pgrp, &got) == 0 && pgrp == 0 && got == 0, 1);
	kobject_destroy(irq);
	mica_slot_drop(irq);
}

static int read_orphaned(void)
{
	char buf[8];

	return read(0, buf, sizeof buf) == -1 && errno == EIO ? 0 : 1;
}

static int write_orphaned(void)
{
	static const char line[] = "tty_job: written from an orphaned group\n";

	return write(1, line, sizeof line - 1) == -1 && errno == EIO ? 0 : 1;
}

static int write_orphaned_ignoring_sigttou(void)
{
	static const char line[] = "tty_job: written from an orphaned group ignoring SIGTTOU\n";

	signal(SIGTTOU, SIG_IGN);
	return write(1, line, sizeof line - 1) == (ssize_t)sizeof line - 1 ? 0 : 1;
}

static int calls_orphaned(void)
{
	for (call_index = 0; call_index < NCALLS; call_index++)
		if (the_call() != EIO)
			return 10 + (int)call_index;
	return 0;
}

static int tcsetattr_orphaned_ignoring_sigttou(void)
{
	signal(SIGTTOU, SIG_IGN);
	return call_tcsetattr();
}

/* Our own group is orphaned (our parent is process 1): with another
 * group of ours in the foreground, our children of our group are an
 * orphaned background group of the console's session.  SIGTTOU is
 * blocked here meanwhile, so that our own writes and settings go on. */
static void an_orphaned_group_gets_eio_instead_of_a_stop(void)
{
	sigset_t ttou, old;
	pid_t fg = background(wait_for_a_signal, false);

	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	expect("another group of ours in the foreground", tcsetpgrp(0, fg), 0);
	expect("a read: EIO, not SIGTTIN", outcome(in_our_group(read_orphaned)), 0);
	expect("tcsetattr, tcflush, tcdrain, tcsetpgrp: EIO, not SIGTTOU", outcome(in_our_group(calls_orphaned)), 0);
	expect("SIGTTOU ignored: tcsetattr goes on", outcome(in_our_group(tcsetattr_orphaned_ignoring_sigttou)), 0);
	expect("TOSTOP set", tty_set_tostop(1), 0);
	expect("a write under TOSTOP: EIO, not SIGTTOU", outcome(in_our_group(write_orphaned)), 0);
	expect("SIGTTOU ignored: the write goes on", outcome(in_our_group(write_orphaned_ignoring_sigttou)), 0);
	expect("TOSTOP off", tty_set_tostop(0), 0);
	kill(fg, SIGKILL);
	expect("the foreground child killed", outcome(fg), KILLED(SIGKILL));
	expect("tcsetpgrp back to ours", tcsetpgrp(0, getpgrp()), 0);
	sigprocmask(SIG_SETMASK, &old, 0);
}

/* A program of the group a case orphans: it catches SIGHUP (unless
 * `hup_default`), stops itself if `stop`, and, once it has SIGUSR2 (sent
 * by the test after the end, lower signals first), writes what it got to
 * `out`: 'h' for SIGHUP, '-' without. */
static void member(int out, bool stop, bool hup_default)
{
	if (!hup_default)
		signal(SIGHUP, on_signal);
	if (stop)
		raise(SIGSTOP);
	while (!got_usr2)
		thread_yield(MICA_BOOT_THREAD);
	char c = got_hup ? 'h' : '-';
	(void)!write(out, &c, 1);
	_exit(0);
}

/* A child leading a group of its own (of our session) with programs in
 * it: one with SIGHUP's default and one catching it, both stopped if
 * `stop`.  The leader writes their pids to `out` once they stopped (or
 * started) and ends, which orphans the group.  Answers the leader. */
static pid_t group_then_end(int out, bool stop)
{
	pid_t leader = fork();

	if (leader == 0) {
		pid_t m[2];
		setpgid(0, 0);
		signal(SIGUSR2, on_signal);   /* the members' from the start: the test may send it at once */
		for (int i = 0; i < 2; i++) {
			if ((m[i] = fork()) == 0)
				member(out, stop, i == 0);
			int st;
			if (stop && (reap(m[i], &st, WUNTRACED) != m[i] || !WIFSTOPPED(st)))
				_exit(1);
		}
		_exit(write(out, m, sizeof m) == sizeof m ? 0 : 2);
	}
	setpgid(leader, leader);
	int st;
	if (reap(leader, &st, 0) != leader || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return leader;
}

/* The step both orphaning cases start with: group_then_end's group
 * (stopped if `stop`) orphaned by its leader's end, its programs' pids
 * in m.  Answers the read end of the pipe they write what they got to. */
static int orphan_a_group(bool stop, pid_t m[2])
{
	int p[2];

	expect("pipe", pipe(p), 0);
	pid_t leader = group_then_end(p[1], stop);
	close(p[1]);   /* a member that went leaves the end of data, not a wait */
	expect(stop ? "the leader ended after both stopped" : "the leader ended", leader > 0, 1);
	expect("their pids", read(p[0], m, 2 * sizeof *m), (long)(2 * sizeof *m));
	return p[0];
}

static void an_end_that_orphans_a_stopped_group_hangs_it_up(void)
{
	pid_t m[2] = { 0, 0 };
	char c = 0;
	int from = orphan_a_group(true, m);

	/* The server sent the signals while it ended the leader, before
	 * answering our wait. */
	int gone = kill(m[0], 0) == -1 && errno == ESRCH;
	expect("the stopped program with SIGHUP's default ended by it", gone, 1);
	if (!gone)
		kill(m[0], SIGKILL);
	kill(m[1], SIGCONT);   /* in case it was left stopped: the case fails, nothing hangs */
	kill(m[1], SIGUSR2);
	expect("the stopped program catching SIGHUP ran its handler, continued",
	       read(from, &c, 1) == 1 ? c : 0, 'h');
	close(from);
}

static void an_end_that_orphans_a_running_group_sends_nothing(void)
{
	pid_t m[2] = { 0, 0 };
	char c = 0;
	int from = orphan_a_group(false, m);

	expect("the program with SIGHUP's default is still there", kill(m[0], 0), 0);
	kill(m[1], SIGUSR2);
	expect("the program catching SIGHUP got none", read(from, &c, 1) == 1 ? c : 0, '-');
	kill(m[0], SIGUSR2);
	expect("nor the other", read(from, &c, 1) == 1 ? c : 0, '-');
	close(from);
}

/* ---- the end of a session ---------------------------------------------- */

/* A program of the leader's group: it catches SIGHUP and SIGCONT, says
 * it is ready ('r'), and after SIGUSR2 (its leader has ended by then)
 * tries to make its group the console's foreground group and writes '0'
 * plus 1 for SIGHUP, 2 for SIGCONT and 4 if it took the console (a
 * session without its leader never may: nothing would free it). */
static void hangup_watcher(int out)
{
	signal(SIGHUP, on_signal);
	signal(SIGCONT, on_signal);
	signal(SIGUSR2, on_signal);
	(void)!write(out, "r", 1);
	while (!got_usr2)
		thread_yield(MICA_BOOT_THREAD);
	bool took = tcsetpgrp(0, getpgrp()) == 0;
	char c = (char)('0' + (got_hup ? 1 : 0) + (got_cont ? 2 : 0) + (took ? 4 : 0));
	(void)!write(out, &c, 1);
	_exit(0);
}

/* A child that leads a new session with a watcher in its group and tells
 * `pids` the watcher's pid; with `take` it first makes its group the
 * console's foreground group (the console then its session's controlling
 * terminal: it must be no session's yet) and, after telling, waits for a
 * byte from `take` before it ends; else it ends at once. */
static pid_t session_leader(int pids, int watcher_out, int take)
{
	pid_t pid = fork();

	if (pid == 0) {
		char c;
		setsid();
		if (take >= 0 && tcsetpgrp(0, getpgrp()) != 0)
			_exit(2);
		pid_t w = fork();
		if (w == 0)
			hangup_watcher(watcher_out);
		if (write(pids, &w, sizeof w) != sizeof w)
			_exit(1);
		if (take >= 0 && read(take, &c, 1) != 1)
			_exit(3);
		_exit(0);
	}
	return pid;
}

/* The step both session cases start with: session_leader's child, its
 * pid in *leader, and its watcher's in *watcher once the watcher is
 * ready.  Answers the read end of the pipe the watcher writes to. */
static int session_with_a_watcher(int take, pid_t *leader, pid_t *watcher)
{
	int pids[2], w[2];
	char c = 0;

	expect("pipes", pipe(pids) == 0 && pipe(w) == 0, 1);
	*leader = session_leader(pids[1], w[1], take);
	close(pids[1]), close(w[1]);   /* a watcher that went leaves the end of data */
	expect("the watcher's pid", read(pids[0], watcher, sizeof *watcher), (long)sizeof *watcher);
	expect("the watcher is ready", read(w[0], &c, 1) == 1 ? c : 0, 'r');
	close(pids[0]);
	return w[0];
}

/* The first case: the console is no session's yet. */
static void a_session_leaders_end_hangs_up_its_foreground_group(void)
{
	pid_t leader, watcher = 0;
	char c = 0;
	int go[2];

	expect("a pipe", pipe(go), 0);
	int from = session_with_a_watcher(go[0], &leader, &watcher);
	close(go[0]);
	errno = 0;
	expect("the console is the new session's: tcgetpgrp here is ENOTTY", tcgetpgrp(0) == -1 && errno == ENOTTY, 1);
	errno = 0;
	expect("and tcsetpgrp ENOTTY", tcsetpgrp(0, getpgrp()) == -1 && errno == ENOTTY, 1);
	expect("the leader goes on", write(go[1], "g", 1), 1);
	close(go[1]);
	expect("the leader ended", outcome(leader), 0);
	/* The console took the hang-up before our request: the server
	 * triggered its irq before answering our wait. */
	errno = 0;
	int fg = tcgetpgrp(0);
	expect("the console has no foreground group (ENOTTY)", fg == -1 && errno == ENOTTY, 1);
	kill(watcher, SIGUSR2);
	expect("the foreground group got SIGHUP and SIGCONT, and cannot take the free console back", read(from, &c, 1) == 1 ? c : 0,
	       '3');
	expect("tcsetpgrp back to ours", tty_take_back(), 0);
	expect("tcgetpgrp: ours", tcgetpgrp(0), getpgrp());
	close(from);
}

static void another_sessions_end_leaves_the_terminal(void)
{
	pid_t leader, watcher = 0;
	char c = 0;
	int from = session_with_a_watcher(-1, &leader, &watcher);

	expect("the leader of a session not in the foreground ended", outcome(leader), 0);
	expect("the foreground group is still ours", tcgetpgrp(0), getpgrp());
	kill(watcher, SIGUSR2);
	expect("its own group got no SIGHUP (nor SIGCONT), nor the console", read(from, &c, 1) == 1 ? c : 0, '0');
	close(from);
}

/* A program of another session: the console is not its controlling
 * terminal, so its reads and writes (TOSTOP set) go on unstopped although
 * its group is not the foreground group, and tcgetpgrp and tcsetpgrp
 * say ENOTTY; 0, or the step that failed. */
static int another_session_uses_the_console(void)
{
	char buf[8];
	static const char line[] = "tty_job: written from another session\n";

	errno = 0;
	if (tcgetpgrp(0) != -1 || errno != ENOTTY)
		return 10;
	errno = 0;
	if (tcsetpgrp(0, getpgrp()) != -1 || errno != ENOTTY)
		return 11;
	if (fcntl(0, F_SETFL, O_NONBLOCK) != 0 || read(0, buf, sizeof buf) != -1 || errno != EAGAIN)
		return 12;
	if (write(1, line, sizeof line - 1) != (ssize_t)sizeof line - 1)
		return 13;
	return 0;
}

/* With the console ours: another session's group, and a group of no
 * process, cannot be the foreground group (EPERM); another session's
 * program uses the console as no controlling terminal of its own. */
static void the_console_is_our_sessions_only(void)
{
	pid_t other = background(wait_for_a_signal, true), gone = background(wait_for_a_signal, false);

	while (getsid(other) != other)   /* its setsid done */
		thread_yield(MICA_BOOT_THREAD);
	errno = 0;
	expect("tcsetpgrp(0, another session's group): EPERM", tcsetpgrp(0, other) == -1 && errno == EPERM, 1);
	kill(gone, SIGKILL);
	expect("a child killed", outcome(gone), KILLED(SIGKILL));
	errno = 0;
	expect("tcsetpgrp(0, a group of no process): EPERM", tcsetpgrp(0, gone) == -1 && errno == EPERM, 1);
	kill(other, SIGKILL);
	expect("the other session's child killed", outcome(other), KILLED(SIGKILL));
	expect("TOSTOP on", tty_set_tostop(1), 0);
	expect("another session's program reads and writes unstopped",
	       outcome(background(another_session_uses_the_console, true)), 0);
	expect("TOSTOP off", tty_set_tostop(0), 0);
	expect("the foreground group is still ours", tcgetpgrp(0), getpgrp());
}

/* The console's protocol under idlc's fuzz driver with a process server
 * behind it: every `set_pgrp` names nobody the server knows (the driver's
 * items are the console's own capability) and is refused, so the
 * foreground group stays ours; the settings and size, which the fuzz
 * changes, are put back. */
static void the_console_answers_fuzzed_requests(void)
{
	struct termios t;
	struct winsize size;

	expect("its settings and size", tcgetattr(0, &t) == 0 && ioctl(0, TIOCGWINSZ, &size) == 0, 1);
	expect("every fuzzed request answered", stream_fuzz(rt_cap("stdin"), 38, 16), 0);
	expect("settings back", tcsetattr(0, TCSANOW, &t), 0);
	expect("size back", ioctl(0, TIOCSWINSZ, &size), 0);
	expect("the foreground group is still ours", tcgetpgrp(0), getpgrp());
}

static void our_group_in_the_foreground(void)
{
	expect("tcsetpgrp(0, our group)", tcsetpgrp(0, getpgrp()), 0);
}

/* tcsetpgrp names us with a copy of our process-server gate made for the
 * request: with no slot free for it, ENOMEM and nothing changed. */
static void no_slot_for_our_name_is_enomem(void)
{
	static mica_cap_t taken[MICA_CAP_SLOTS];
	unsigned n = 0;

	while (n < MICA_CAP_SLOTS && (taken[n] = mica_slot_alloc()) != 0)
		n++;
	errno = 0;
	int r = tcsetpgrp(0, getpgrp());
	int e = errno;
	while (n)
		mica_slot_free(taken[--n]);
	expect("tcsetpgrp with every slot taken: ENOMEM", r == -1 && e == ENOMEM, 1);
	expect("the foreground group is still ours", tcgetpgrp(0), getpgrp());
}

static const struct qtest_case cases[] = {
	{ "a_session_leaders_end_hangs_up_its_foreground_group", a_session_leaders_end_hangs_up_its_foreground_group },
	{ "our_group_in_the_foreground", our_group_in_the_foreground },
	{ "the_console_is_our_sessions_only", the_console_is_our_sessions_only },
	{ "no_slot_for_our_name_is_enomem", no_slot_for_our_name_is_enomem },
	{ "background_calls_stop_by_sigttou", background_calls_stop_by_sigttou },
	{ "ignored_or_blocked_sigttou_lets_them_go_on", ignored_or_blocked_sigttou_lets_them_go_on },
	{ "a_handler_of_sigttou_runs_and_the_call_fails", a_handler_of_sigttou_runs_and_the_call_fails },
	{ "the_process_server_says_which_group_is_orphaned", the_process_server_says_which_group_is_orphaned },
	{ "a_terminal_record_takes_only_what_it_should", a_terminal_record_takes_only_what_it_should },
	{ "an_orphaned_group_gets_eio_instead_of_a_stop", an_orphaned_group_gets_eio_instead_of_a_stop },
	{ "an_end_that_orphans_a_stopped_group_hangs_it_up", an_end_that_orphans_a_stopped_group_hangs_it_up },
	{ "an_end_that_orphans_a_running_group_sends_nothing", an_end_that_orphans_a_running_group_sends_nothing },
	{ "another_sessions_end_leaves_the_terminal", another_sessions_end_leaves_the_terminal },
	{ "the_console_answers_fuzzed_requests", the_console_answers_fuzzed_requests },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
