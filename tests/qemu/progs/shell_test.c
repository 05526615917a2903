/*
 * shell_test.c - system(), popen() and pclose() now that /bin/sh exists
 * (dash, ports/dash; lib/libc/shell.c): exit statuses through the shell,
 * its redirections, a missing command (127), system's signals, popen "r" and "w" with an
 * exec'd program at the other end, pclose's status.  dash.scenario runs
 * it from the disk of build/tests/qemu/ports.img through the monitor's
 * spawn; it prints TAP lines.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static int n, failed;

static void ok(int cond, const char *what)
{
	n++;
	failed |= !cond;
	printf("shell_test: %s %d - %s\n", cond ? "ok" : "not ok", n, what);
}

/* The first line of the file `path` (without its newline) into buf. */
static const char *first_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f) {
		if (fgets(buf, (int)size, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
	return buf;
}

static int exited(int status, int code)
{
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

static volatile int reaped;

static void reap_all(int sig)
{
	(void)sig;
	while (waitpid(-1, 0, WNOHANG) > 0)
		reaped++;
}

/* system() while it waits: SIGINT and SIGQUIT ignored in the caller,
 * SIGCHLD blocked (a handler of the caller's that reaps does not take the
 * shell from it), the shell with SIGINT's default action; everything as
 * it was afterwards. */
static void system_and_signals(void)
{
	struct sigaction reaper = { .sa_handler = reap_all }, now;
	sigset_t mask;

	sigemptyset(&reaper.sa_mask);
	sigaction(SIGCHLD, &reaper, 0);
	ok(exited(system("exit 7"), 7), "system with a SIGCHLD handler that reaps: the status all the same");
	ok(exited(system("kill -INT $PPID; kill -QUIT $PPID; exit 0"), 0),
	   "system: SIGINT and SIGQUIT to the caller are ignored while the command runs");
	int st = system("kill -INT $$; exit 0");
	ok(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "system: the shell's SIGINT is the default");
	ok(sigaction(SIGINT, 0, &now) == 0 && now.sa_handler == SIG_DFL && sigaction(SIGQUIT, 0, &now) == 0 &&
	   now.sa_handler == SIG_DFL && sigprocmask(SIG_BLOCK, 0, &mask) == 0 && !sigismember(&mask, SIGCHLD),
	   "system: SIGINT, SIGQUIT and the mask as they were afterwards");
	signal(SIGINT, SIG_IGN);
	ok(exited(system("kill -INT $$; exit 4"), 4), "system: a SIGINT the caller ignored stays ignored in the shell");
	signal(SIGINT, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
}

int main(void)
{
	char buf[128];
	FILE *p;

	setvbuf(stdout, 0, _IONBF, 0);
	ok(system(0) != 0, "system(NULL): there is a shell");
	ok(exited(system("exit 3"), 3), "system: the shell's exit status");
	ok(exited(system("x=4; echo \"sys $((x * 2))\" > /tmp/shell_test.out"), 0) &&
	   !strcmp(first_line("/tmp/shell_test.out", buf, sizeof buf), "sys 8"),
	   "system: the shell language and a redirection");
	ok(exited(system("nothing-at-all-here 2> /tmp/shell_test.err"), 127), "system: a missing command is 127");
	system_and_signals();

	p = popen("echo from popen; lua -e 'print(6 * 7)'", "r");
	ok(p != 0, "popen \"r\"");
	if (p) {
		char a[64] = "", b[64] = "";
		ok(fgets(a, sizeof a, p) && fgets(b, sizeof b, p) && !strcmp(a, "from popen\n") && !strcmp(b, "42\n"),
		   "popen \"r\": a builtin's and an exec'd program's lines");
		ok(!fgets(a, sizeof a, p), "then the end of data");
		ok(exited(pclose(p), 0), "pclose: status 0");
	}
	p = popen("lua -e 'io.write((io.read(\"a\"):upper()))' > /tmp/shell_test.up", "w");
	ok(p != 0, "popen \"w\"");
	if (p) {
		fputs("through the pipe\n", p);
		ok(exited(pclose(p), 0), "pclose waits for the shell");
		ok(!strcmp(first_line("/tmp/shell_test.up", buf, sizeof buf), "THROUGH THE PIPE"),
		   "popen \"w\": the program read what we wrote");
	}
	p = popen("exit 5", "r");
	ok(p && exited(pclose(p), 5), "pclose: the shell's exit status");
	printf("shell_test: 1..%d\n", n);
	return failed;
}
