/*
 * runner.c - pts-runner, the Open POSIX Test Suite's runner inside Mica
 * (`make posix`, docs/posix.md).  It reads the list of built tests
 * (LIST, one path per line, as tools/posix-suite put them on the disk,
 * each optionally followed by a space and its own time limit in seconds:
 * tests/posix/timeouts.txt), spawns each with no arguments, and waits for
 * it at most its limit, TIMEOUT seconds for one without, looking with
 * waitpid(WNOHANG) every 10 ms; a test still running then is killed
 * (SIGKILL) and counted as timed out.  Each test runs in a process
 * group of its own, which is killed (SIGKILL) when the test has ended:
 * a process it left behind (a child that sleeps, one stopped) would
 * otherwise keep the boot from halting after the last test.  Each result
 * is one line on stdout, "pts: PATH RESULT STATUS", RESULT the name of
 * the suite's exit status (posixtest.h: PASS 0, FAIL 1, UNRESOLVED 2,
 * UNSUPPORTED 4, UNTESTED 5), OTHER for any other status, SIGNAL for a
 * test that a signal ended, TIMEOUT, or SPAWN when it could not start;
 * then the totals.
 *
 *   pts-runner LIST TIMEOUT
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define POLL_US 10000

enum { PASS, FAIL, UNRESOLVED, UNSUPPORTED, UNTESTED, OTHER, SIGNAL, TIMEOUT, SPAWN, KINDS };
static const char *const kind_names[KINDS] = { "PASS", "FAIL", "UNRESOLVED", "UNSUPPORTED", "UNTESTED",
					       "OTHER", "SIGNAL", "TIMEOUT", "SPAWN" };

extern char **environ;

/* Wait for test pid at most timeout_s seconds (then kill it); its kind,
 * and its status in *status. */
static int wait_for(pid_t pid, unsigned timeout_s, int *status)
{
	for (unsigned long waited = 0;; waited += POLL_US) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0) {
			*status = errno;
			return SPAWN;
		}
		if (waited >= timeout_s * 1000000ul) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			*status = (int)timeout_s;
			return TIMEOUT;
		}
		usleep(POLL_US);
	}
	if (WIFSIGNALED(*status)) {
		*status = WTERMSIG(*status);
		return SIGNAL;
	}
	*status = WEXITSTATUS(*status);
	switch (*status) {
	case 0: return PASS;
	case 1: return FAIL;
	case 2: return UNRESOLVED;
	case 4: return UNSUPPORTED;
	case 5: return UNTESTED;
	default: return OTHER;
	}
}

/* Run one test; its kind, and its status in *status. */
static int run(const char *path, unsigned timeout_s, int *status)
{
	char *argv[] = { (char *)path, 0 };
	posix_spawnattr_t attr;
	pid_t pid;
	int err = posix_spawnattr_init(&attr);

	if (!err && !(err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP)))
		err = posix_spawnattr_setpgroup(&attr, 0);   /* its own group */
	if (!err)
		err = posix_spawn(&pid, path, 0, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	*status = err;
	if (err)
		return SPAWN;
	int kind = wait_for(pid, timeout_s, status);
	kill(-pid, SIGKILL);   /* what it left in its group (ESRCH: nothing) */
	return kind;
}

int main(int argc, char **argv)
{
	unsigned long count[KINDS] = { 0 }, total = 0;
	char line[512];
	FILE *list;

	if (argc != 3 || !(list = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: pts-runner LIST TIMEOUT (the list must exist)\n");
		return 2;
	}
	char *end;
	unsigned long timeout_s = strtoul(argv[2], &end, 10);
	if (*end || !timeout_s) {
		fprintf(stderr, "pts-runner: TIMEOUT must be a number of seconds, not '%s'\n", argv[2]);
		return 2;
	}
	while (fgets(line, sizeof line, list)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0])
			continue;
		unsigned long limit = timeout_s;
		char *own = strchr(line, ' ');
		if (own) {
			*own++ = 0;
			limit = strtoul(own, &end, 10);
			if (*end || !limit) {
				fprintf(stderr, "pts-runner: %s: bad time limit '%s'\n", line, own);
				return 2;
			}
		}
		int status, kind = run(line, (unsigned)limit, &status);
		count[kind]++;
		total++;
		printf("pts: %s %s %d\n", line, kind_names[kind], status);
		fflush(stdout);
	}
	fclose(list);
	printf("pts: ran %lu:", total);
	for (int k = 0; k < KINDS; k++)
		printf(" %s %lu", kind_names[k], count[k]);
	printf("\n");
	return 0;
}
