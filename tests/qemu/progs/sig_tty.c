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
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <idl/kernel/thread.h>

#include "qtest.h"

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
	expect("tcsetpgrp back to ours", tcsetpgrp(0, getpgrp()), 0);
}

static void ctrl_c_runs_a_handler(void)
{
	pid_t pid = child(1);
	expect("tcsetpgrp(0, child's group)", tcsetpgrp(0, pid), 0);
	int st = status_of(pid);
	expect("its handler ran though it never read", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
	expect("tcsetpgrp back to ours", tcsetpgrp(0, getpgrp()), 0);
}

/* The typed lines before the Ctrl-C went with it (no NOFLSH): those the
 * console held, and those it dropped while it looked for the character. */
static void ctrl_c_behind_a_full_typeahead(void)
{
	pid_t pid = child(1);
	expect("tcsetpgrp(0, child's group)", tcsetpgrp(0, pid), 0);
	int st = status_of(pid);
	expect("its handler ran behind 5 KiB unread", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
	expect("tcsetpgrp back to ours", tcsetpgrp(0, getpgrp()), 0);
	struct pollfd in = { .fd = 0, .events = POLLIN };
	expect("nothing typed before it is left to read", poll(&in, 1, 0), 0);
}

static const struct qtest_case cases[] = {
	{ "ctrl_c_reaches_the_foreground_group", ctrl_c_reaches_the_foreground_group },
	{ "ctrl_c_runs_a_handler_without_a_read", ctrl_c_runs_a_handler },
	{ "ctrl_c_acts_behind_a_full_typeahead", ctrl_c_behind_a_full_typeahead },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
