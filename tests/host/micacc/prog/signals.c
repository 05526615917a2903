/* signals.c - what a shell (dash) needs of <signal.h>, <sys/wait.h> and
 * <unistd.h> and the C library provides (lib/libc/signal.c, proc.c,
 * user.c, devnull.c): headers.sh compiles and links it with -Werror, so a
 * function declared nowhere (wait3 once was) fails. */
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_signal(int sig)
{
	(void)sig;
}

int main(void)
{
	struct sigaction act = { .sa_handler = on_signal };
	sigset_t set, old;
	struct rusage use;
	gid_t groups[1];
	int status;

	sigemptyset(&act.sa_mask);
	sigaction(SIGCHLD, &act, NULL);
	signal(SIGUSR1, on_signal);
	sigfillset(&set);
	sigprocmask(SIG_SETMASK, &set, &old);
	sigpending(&set);
	raise(SIGUSR1);
	sigsuspend(&old);
	wait3(&status, WNOHANG, &use);
	getgroups(1, groups);
	return open("/dev/null", O_RDONLY) < 0;
}
