/*
 * shell.c - system(), popen() and pclose() (<stdlib.h>, <stdio.h>): a
 * command for the shell, /bin/sh -c COMMAND, started with posix_spawn
 * (spawn.c), the environment and the descriptors the caller has.
 *
 * The shell is dash, a port on the disk (docs/ports.md).  Without
 * /bin/sh, system(NULL) says so (0), system(COMMAND) answers the status
 * of a shell that could not run (exit 127, as POSIX says), and popen
 * fails with errno ENOENT.  popen's pipe end in the caller is
 * close-on-exec, so that a later child does not hold it; pclose closes
 * the stream and waits for the shell.
 *
 * system() ignores SIGINT and SIGQUIT and blocks SIGCHLD while the command
 * runs, as POSIX says (a ^C at the console is for the command, and a
 * SIGCHLD handler of the caller's cannot reap the shell before system
 * does; a SIGCHLD the program does not catch is left as it is, since
 * nothing could tell); the shell starts with the caller's own mask and its SIGINT and
 * SIGQUIT as they were (the default unless the caller ignored them).
 */
#define _GNU_SOURCE   /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "glue.h"

#define SHELL "/bin/sh"

extern char **environ;

/* The shell running `command` with the file actions and attributes
 * given: 0 and *pid, or an errno value. */
static int shell(const char *command, const posix_spawn_file_actions_t *actions, const posix_spawnattr_t *attr,
		 pid_t *pid)
{
	char *argv[] = { "sh", "-c", (char *)command, 0 };

	return posix_spawn(pid, SHELL, actions, attr, argv, environ);
}

static pid_t wait_for(pid_t pid, int *status)
{
	pid_t got;

	while ((got = waitpid(pid, status, 0)) < 0 && errno == EINTR)
		;
	return got;
}

/* The shell for system(): its mask `mask` and the default action for
 * those of SIGINT and SIGQUIT the caller did not ignore (`intr`, `quit`:
 * their actions before system ignored them). */
static int system_shell(const char *command, const sigset_t *mask, const struct sigaction *intr,
			const struct sigaction *quit, pid_t *pid)
{
	posix_spawnattr_t attr;
	sigset_t defaults;
	int err;

	sigemptyset(&defaults);
	if (intr->sa_handler != SIG_IGN)
		sigaddset(&defaults, SIGINT);
	if (quit->sa_handler != SIG_IGN)
		sigaddset(&defaults, SIGQUIT);
	if ((err = posix_spawnattr_init(&attr)) != 0)
		return err;
	if ((err = posix_spawnattr_setsigmask(&attr, mask)) == 0 &&
	    (err = posix_spawnattr_setsigdefault(&attr, &defaults)) == 0 &&
	    (err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) == 0)
		err = shell(command, 0, &attr, pid);
	posix_spawnattr_destroy(&attr);
	return err;
}

/* Whether the program catches `sig`: else (the default action, ignored)
 * a SIGCHLD that system blocks could never be seen, and blocking it would
 * start the C library's signal thread for nothing. */
static bool caught(int sig)
{
	struct sigaction now;

	return sigaction(sig, 0, &now) == 0 && now.sa_handler != SIG_DFL && now.sa_handler != SIG_IGN;
}

int system(const char *command)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN }, intr, quit;
	sigset_t chld, mask;
	pid_t pid;
	int status, err, result;

	if (!command)
		return access(SHELL, X_OK) == 0;
	sigemptyset(&ignore.sa_mask);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigaction(SIGINT, &ignore, &intr);
	sigaction(SIGQUIT, &ignore, &quit);
	sigprocmask(SIG_BLOCK, caught(SIGCHLD) ? &chld : 0, &mask);
	if ((err = system_shell(command, &mask, &intr, &quit, &pid)) == 0)
		result = wait_for(pid, &status) < 0 ? -1 : status;
	else if (err == ENOENT || err == EACCES || err == ENOEXEC || err == ENOTDIR)
		result = 127 << 8;   /* the shell could not run: as if it exited 127 */
	else {
		errno = err;
		result = -1;
	}
	int saved = errno;   /* through the restoring below */
	sigaction(SIGINT, &intr, 0);
	sigaction(SIGQUIT, &quit, 0);
	sigprocmask(SIG_SETMASK, &mask, 0);
	errno = saved;
	return result;
}

/* The streams popen made and their shells (a few at once, in a list). */
struct popened {
	struct popened *next;
	FILE *stream;
	pid_t pid;
};

static struct popened *popened;

FILE *popen(const char *command, const char *mode)
{
	int reading = mode && mode[0] == 'r', fds[2], err;
	posix_spawn_file_actions_t actions;
	struct popened *p;
	pid_t pid;

	if (!mode || (mode[0] != 'r' && mode[0] != 'w') || (mode[1] && strcmp(mode + 1, "e") != 0)) {
		errno = EINVAL;
		return 0;
	}
	if (!(p = malloc(sizeof *p)))
		return 0;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		free(p);
		return 0;
	}
	int mine = reading ? fds[0] : fds[1], theirs = reading ? fds[1] : fds[0];
	if ((err = posix_spawn_file_actions_init(&actions)) == 0) {
		if ((err = posix_spawn_file_actions_adddup2(&actions, theirs, reading ? 1 : 0)) == 0)
			err = shell(command, &actions, 0, &pid);
		posix_spawn_file_actions_destroy(&actions);
	}
	close(theirs);
	if (err || !(p->stream = fdopen(mine, reading ? "r" : "w"))) {
		if (!err) {   /* the shell runs: it ends when it finds the pipe gone */
			err = errno;
			close(mine);
			wait_for(pid, &(int){ 0 });
		} else
			close(mine);
		free(p);
		errno = err;
		return 0;
	}
	p->pid = pid;
	p->next = popened;
	popened = p;
	return p->stream;
}

int pclose(FILE *stream)
{
	struct popened **pp, *p;
	int status;

	for (pp = &popened; *pp && (*pp)->stream != stream; pp = &(*pp)->next)
		;
	if (!(p = *pp)) {
		errno = ECHILD;   /* not a stream of popen's */
		return -1;
	}
	*pp = p->next;
	fclose(stream);
	pid_t pid = p->pid;
	free(p);
	return wait_for(pid, &status) < 0 ? -1 : status;
}
