/*
 * child.c - children and signal sets for the C-library test programs
 * (child.h).
 */
#include "child.h"

#include <errno.h>
#include <sys/wait.h>

int child_status(pid_t pid)
{
	int st;
	pid_t got;

	while ((got = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	return got == pid ? st : -1000 - errno;
}

int child_exit_code(int status)
{
	return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

sigset_t sigset_of(int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	return s;
}
