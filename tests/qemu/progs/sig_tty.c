/*
 * sig_tty.c - Ctrl-C through the console to the foreground process group
 * (docs/console.md, "Control characters"): a forked child in a group of
 * its own, made the console's foreground group, reads the console; the
 * Ctrl-C typed (sig_tty.scenario's input) ends it by SIGINT.  A second
 * child catches SIGINT and never reads, spinning until its handler has
 * run: the console acts on Ctrl-C when it arrives, not when it is read.
 * Each child says when it is in the foreground; the scenario types
 * Ctrl-C then.  A third child, which never reads either, gets its Ctrl-C
 * behind 5 KiB of typed lines: more than the console holds unread, so the
 * character is found only by draining the UART past them.
 *
 * Job control at the terminal (docs/libc.md, "Terminals"): a child of a
 * background group that reads the console is stopped by SIGTTIN (the
 * parent's waitpid sees it), and read on once made the foreground group
 * and continued, the line typed then; one that ignores SIGTTIN gets EIO.
 * With TOSTOP set, one that writes is stopped by SIGTTOU until it is in
 * the foreground (its line comes out then), and one that ignores SIGTTOU
 * writes at once, as does one without TOSTOP.  A foreground group whose
 * programs all ended stops no reader.  The test takes the terminal back
 * from the background with SIGTTOU blocked, as a shell does.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <idl/kernel/thread.h>

#include "qtest.h"
#include "tty.h"

static volatile int caught;

static void on_int(int sig)
{
	caught = sig;
}

/* A child of its own group in the foreground.  Without catch_it it reads
 * the console until a read fails (1); with it, it catches SIGINT and spins
 * without a read or a call until its handler has run (0). */
static pid_t child(int catch_it)
{
	pid_t pid = fork();

	if (pid == 0) {
		char buf[64];
		setpgid(0, 0);
		if (catch_it)
			signal(SIGINT, on_int);
		while (tcgetpgrp(0) != getpgrp())   /* wait to be in the foreground */
			thread_yield(MICA_BOOT_THREAD);
		printf("sig_tty: in the foreground\n");   /* the scenario types Ctrl-C now */
		fflush(stdout);
		if (catch_it) {
			while (caught != SIGINT)
				;
			_exit(0);
		}
		while (read(0, buf, sizeof buf) > 0)
			;
		_exit(1);
	}
	setpgid(pid, pid);   /* both sides: whichever runs first */
	return pid;
}

static int status_of(pid_t pid)
{
	int st;
	pid_t got;

	while ((got = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	return got == pid ? st : -1;
}

static void ctrl_c_reaches_the_foreground_group(void)
{
	pid_t pid = child(0);
	expect("tcsetpgrp(0, child's group)", tcsetpgrp(0, pid), 0);
	int st = status_of(pid);
	expect("the child ended by SIGINT", st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, 1);
	expect("tcsetpgrp back to ours", tty_take_back(), 0);
}

static void ctrl_c_runs_a_handler(void)
{
	pid_t pid = child(1);
	expect("tcsetpgrp(0, child's group)", tcsetpgrp(0, pid), 0);
	int st = status_of(pid);
	expect("its handler ran though it never read", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
	expect("tcsetpgrp back to ours", tty_take_back(), 0);
}

/* The typed lines before the Ctrl-C went with it (no NOFLSH): those the
 * console held, and those it dropped while it looked for the character. */
static void ctrl_c_behind_a_full_typeahead(void)
{
	pid_t pid = child(1);
	expect("tcsetpgrp(0, child's group)", tcsetpgrp(0, pid), 0);
	int st = status_of(pid);
	expect("its handler ran behind 5 KiB unread", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
	expect("tcsetpgrp back to ours", tty_take_back(), 0);
	struct pollfd in = { .fd = 0, .events = POLLIN };
	expect("nothing typed before it is left to read", poll(&in, 1, 0), 0);
}

/* A child in a background group of its own (the console's foreground
 * group stays ours) running fn, whose result is its exit status. */
static pid_t background(int (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		setpgid(0, 0);
		_exit(fn());
	}
	setpgid(pid, pid);
	return pid;
}

static int stopped_by(pid_t pid)
{
	int st;
	pid_t got;

	while ((got = waitpid(pid, &st, WUNTRACED)) < 0 && errno == EINTR)
		;
	return got == pid && WIFSTOPPED(st) ? WSTOPSIG(st) : 0;
}

static int read_the_typed_line(void)
{
	char buf[64];
	ssize_t n = read(0, buf, sizeof buf);

	return n == 6 && !memcmp(buf, "typed\n", 6) ? 0 : 1;
}

static void background_read_stops_by_sigttin(void)
{
	pid_t pid = background(read_the_typed_line);
	expect("a background reader stops by SIGTTIN", stopped_by(pid), SIGTTIN);
	expect("tcsetpgrp(0, its group)", tcsetpgrp(0, pid), 0);
	printf("sig_tty: the reader in the foreground\n");   /* the scenario types a line */
	fflush(stdout);
	expect("SIGCONT", kill(-pid, SIGCONT), 0);
	int st = status_of(pid);
	expect("continued in the foreground, it read the line typed", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
	expect("tcsetpgrp back to ours", tty_take_back(), 0);
}

static int read_ignoring_sigttin(void)
{
	char buf[8];

	signal(SIGTTIN, SIG_IGN);
	return read(0, buf, sizeof buf) == -1 && errno == EIO ? 0 : 1;
}

static void background_read_ignoring_sigttin_fails(void)
{
	int st = status_of(background(read_ignoring_sigttin));
	expect("SIGTTIN ignored: the background read fails with EIO", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
}

static int write_a_line(void)
{
	static const char line[] = "sig_tty: written from the background\n";

	return write(1, line, sizeof line - 1) == (ssize_t)sizeof line - 1 ? 0 : 1;
}

static int write_ignoring_sigttou(void)
{
	signal(SIGTTOU, SIG_IGN);
	return write_a_line();
}

/* While the child is in the foreground we are not, and with TOSTOP set
 * would be stopped ourselves by a write: the checks print after. */
static void background_write_with_tostop_stops_by_sigttou(void)
{
	int st = status_of(background(write_a_line));
	expect("without TOSTOP a background write goes on", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
	expect("TOSTOP set", tty_set_tostop(1), 0);
	pid_t pid = background(write_a_line);
	expect("a background writer stops by SIGTTOU", stopped_by(pid), SIGTTOU);
	int fg = tcsetpgrp(0, pid), cont = kill(-pid, SIGCONT);
	st = status_of(pid);
	int back = tty_take_back();
	expect("tcsetpgrp(0, its group)", fg, 0);
	expect("SIGCONT", cont, 0);
	expect("continued in the foreground, it wrote", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
	expect("tcsetpgrp back to ours", back, 0);
	st = status_of(background(write_ignoring_sigttou));
	expect("SIGTTOU ignored: the background write goes on", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
	expect("TOSTOP off", tty_set_tostop(0), 0);
}

static int read_without_waiting(void)
{
	char buf[8];

	if (fcntl(0, F_SETFL, O_NONBLOCK) != 0)
		return 2;
	return read(0, buf, sizeof buf) == -1 && errno == EAGAIN ? 0 : 1;
}

static int wait_for_a_signal(void)
{
	pause();
	return 0;
}

/* A foreground group whose programs all ended holds the terminal no
 * more: a read from another group is not stopped (nothing is typed, so
 * it says EAGAIN).  A group that has ended cannot be made the foreground
 * group (EPERM: no process of our session is in it). */
static void ended_foreground_group_frees_the_terminal(void)
{
	pid_t gone = background(wait_for_a_signal);
	expect("tcsetpgrp(0, a group that will end)", tcsetpgrp(0, gone), 0);
	kill(gone, SIGKILL);
	status_of(gone);
	errno = 0;
	expect("tcsetpgrp(0, a group that ended): EPERM", tcsetpgrp(0, gone) == -1 && errno == EPERM, 1);
	pid_t pid = background(read_without_waiting);
	int st;
	pid_t got;
	while ((got = waitpid(pid, &st, WUNTRACED)) < 0 && errno == EINTR)
		;
	expect("its read is not stopped", got == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
	expect("tcsetpgrp back to ours", tty_take_back(), 0);
}

static const struct qtest_case cases[] = {
	{ "ctrl_c_reaches_the_foreground_group", ctrl_c_reaches_the_foreground_group },
	{ "ctrl_c_runs_a_handler_without_a_read", ctrl_c_runs_a_handler },
	{ "ctrl_c_acts_behind_a_full_typeahead", ctrl_c_behind_a_full_typeahead },
	{ "background_read_stops_by_sigttin", background_read_stops_by_sigttin },
	{ "background_read_ignoring_sigttin_fails", background_read_ignoring_sigttin_fails },
	{ "background_write_with_tostop_stops_by_sigttou", background_write_with_tostop_stops_by_sigttou },
	{ "ended_foreground_group_frees_the_terminal", ended_foreground_group_frees_the_terminal },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
