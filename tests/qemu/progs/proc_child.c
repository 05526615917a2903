/*
 * proc_child.c - what proc_test spawns (proc.scenario, docs/processes.md),
 * from rom/ and from the disk.  argv[1] says what to do; the exit status
 * says how it went:
 *   check ARG         argv[2] is ARG, argc is 3, PROC_TEST=yes and no
 *                     other entry but root's two (MICA_CAPS, MICA_PID) are
 *                     in the environment, getpid() is MICA_PID: 0, else
 *                     the number of the first check that failed
 *   exit N            exit(N)
 *   many N BYTES      argc is N, argv's strings with their NULs are BYTES
 *                     bytes together, and each argv[i] from argv[4] on is
 *                     all the letter 'a' + i % 26: 0, else 1 (ARG_MAX)
 *   ppid N            0 if getppid() is N, else 1
 *   pid N             0 if getpid() is N, else 1 (fork_test's exec'd child)
 *   fork N            fork; the child exits N; the child's status
 *   forkorphan MS     fork and exit 0; the child, MS milliseconds later
 *                     (an orphan of a program started from the disk),
 *                     exits 44 if its parent is 1
 *   exec PATH ARG...  execv(PATH, {PATH, ARG...}) (fork.scenario: a program
 *                     boot.cfg started, whose record was joined)
 *   sleep MS          sleep MS milliseconds, then exit 0
 *   forever           sleep until killed
 *   orphan PATH MS    spawn PATH `sleep MS`, then end by a fault (so that
 *                     the child is orphaned by a killed parent)
 *   leave PATH MS     spawn PATH `sleep MS` and exit 0 without waiting
 *   forkmidway        the same with a fork instead of a spawn (fork_test)
 *   midway PATH       spawn PATH while a second thread of ours faults, so
 *                     that the program ends (by SIGSEGV) while the process
 *                     server works on the spawn, or just before or after
 */
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libsys/slot.h>
#include <libsys/thread.h>
#include <rt/rt.h>

#include <idl/kernel/thread.h>

extern char **environ;

static int check(int argc, char **argv)
{
	int n = 0;

	if (argc != 3 || strcmp(argv[2], "two words") != 0)
		return 1;
	if (!getenv("PROC_TEST") || strcmp(getenv("PROC_TEST"), "yes") != 0)
		return 2;
	for (char **e = environ; *e; e++)
		n++;
	if (n != 3 || !getenv("MICA_CAPS") || !getenv("MICA_PID"))
		return 3;
	if (getpid() != atoi(getenv("MICA_PID")))
		return 4;
	return 0;
}

static int many(int argc, char **argv)
{
	long bytes = 0;

	for (int i = 0; i < argc; i++) {
		bytes += (long)strlen(argv[i]) + 1;
		for (const char *c = argv[i]; i >= 4 && *c; c++)
			if (*c != 'a' + i % 26)
				return 1;
	}
	return argc == atol(argv[2]) && bytes == atol(argv[3]) ? 0 : 1;
}

/* A forked child whose parent has ended: code not run before (its text
 * faulted in now) and its data still its own. */
static volatile int orphan_value = 40;

__attribute__((noinline)) static int check_after_parent(void)
{
	orphan_value += 4;
	return getppid() == 1 ? orphan_value : 103;
}

static int spawn_sleeper(char *path, char *ms)
{
	char *args[] = { path, "sleep", ms, 0 };
	pid_t pid;

	return posix_spawn(&pid, path, 0, 0, args, environ);
}

static void fault(void *arg)
{
	(void)arg;
	*(volatile int *)0x123456789000 = 1;   /* the whole program ends */
}

/* The second thread is ready when the main thread blocks in its spawn
 * request; it runs whenever no server has work. */
static int midway(char *path, int by_fork)
{
	static char stack[16384] __attribute__((aligned(16)));
	char *args[] = { path, 0 };
	mica_cap_t t = mica_slot_alloc();
	pid_t pid;

	if (mica_thread_create(MICA_BOOT_FACTORY, MICA_BOOT_TASK, t, rt_utcb_alloc(), fault, 0, stack, sizeof stack,
			       0) ||
	    thread_set_handlers(t, rt_cap("rm"), rt_cap("rm")) || thread_start(t))
		return 2;
	if (!by_fork)
		posix_spawn(&pid, path, 0, 0, args, environ);
	else if (fork() == 0)
		_exit(0);
	for (;;)
		sleep(1);
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	long n = argc > 2 ? atol(argv[2]) : 0;

	if (!strcmp(what, "check"))
		return check(argc, argv);
	if (!strcmp(what, "exit"))
		return (int)n;
	if (!strcmp(what, "many") && argc > 3)
		return many(argc, argv);
	if (!strcmp(what, "ppid"))
		return getppid() == n ? 0 : 1;
	if (!strcmp(what, "pid"))
		return getpid() == n ? 0 : 1;
	if (!strcmp(what, "sleep")) {
		usleep((useconds_t)n * 1000);
		return 0;
	}
	if (!strcmp(what, "forever"))
		for (;;)
			sleep(1);
	if (!strcmp(what, "fork")) {
		pid_t pid = fork();
		int status;
		if (pid == 0)
			_exit((int)n);
		return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : 102;
	}
	if (!strcmp(what, "forkorphan")) {
		pid_t pid = fork();
		if (pid == 0) {
			usleep((useconds_t)n * 1000);   /* the parent has ended: its program file must stay */
			return check_after_parent();
		}
		return pid > 0 ? 0 : 102;
	}
	if (!strcmp(what, "exec") && argc >= 3) {
		execv(argv[2], argv + 2);
		return 101;
	}
	if (!strcmp(what, "midway") && argc == 3)
		return midway(argv[2], 0);
	if (!strcmp(what, "forkmidway"))
		return midway(0, 1);
	if ((!strcmp(what, "orphan") || !strcmp(what, "leave")) && argc == 4) {
		if (spawn_sleeper(argv[2], argv[3]) != 0)
			return 2;
		if (!strcmp(what, "orphan"))
			*(volatile int *)0x123456789000 = 1;   /* ends with a fault */
		return 0;
	}
	return 100;
}
