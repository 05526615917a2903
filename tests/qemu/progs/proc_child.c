/*
 * proc_child.c - what proc_test spawns (proc.scenario, docs/processes.md),
 * from rom/ and from the disk.  argv[1] says what to do; the exit status
 * says how it went:
 *   check ARG         argv[2] is ARG, argc is 3, PROC_TEST=yes and no
 *                     other entry but root's two (MICA_CAPS, MICA_PID) are
 *                     in the environment, getpid() is MICA_PID: 0, else
 *                     the number of the first check that failed
 *   exit N            exit(N)
 *   say WORDS...      print "proc_child: WORDS..." on stdout, exit 0
 *   fds LO HI NLO NHI descriptors LO..HI are open and NLO..NHI are not: 0,
 *                     else 1
 *   many N BYTES      argc is N, argv's strings with their NULs are BYTES
 *                     bytes together, and each argv[i] from argv[4] on is
 *                     all the letter 'a' + i % 26: 0, else 1 (ARG_MAX)
 *   ppid N            0 if getppid() is N, else 1
 *   pid N             0 if getpid() is N, else 1 (fork_test's exec'd child)
 *   fork N            fork; the child exits N; the child's status
 *   forkorphan MS     fork and exit 0; the child, MS milliseconds later
 *                     (an orphan of a program started from the disk),
 *                     says so on stdout and exits 44 if its parent is 1
 *   exec PATH ARG...  execv(PATH, {PATH, ARG...}) (fork.scenario: a program
 *                     boot.cfg started, whose record was joined)
 *   sleep MS          sleep MS milliseconds, then exit 0
 *   forever           sleep until killed
 *   orphan PATH MS    spawn PATH `sleep MS`, then end by a fault (so that
 *                     the child is orphaned by a killed parent)
 *   leave PATH MS     spawn PATH `sleep MS` and exit 0 without waiting
 *   forkmidway        the same with a fork instead of a spawn (fork_test)
 *   spawnleave FD     spawn rom/proc_child `outlive FD` and exit 0 without
 *                     waiting (fork_test)
 *   forkexecleave FD  the same with a fork whose child execs it
 *   outlive FD        wait until our parent has ended (we are process 1's),
 *                     print a line on stdout and write 'y' to descriptor
 *                     FD ('g': the parent never ended, 'p': the line could
 *                     not be written)
 *   text PATH         every read-only loadable segment of our file PATH is,
 *                     byte for byte, what our memory holds at its address
 *                     (root maps program text in blocks: each page at its
 *                     place), in this program and, with `text PATH fork`,
 *                     in a forked child too: 0, else 1 (3 in the child)
 *   sigstate B I      our signal mask is B and the signals we ignore are I
 *                     (decimal bit masks, bit n for signal n): 0, else 1
 *   midway PATH       spawn PATH while a second thread of ours faults, so
 *                     that the program ends (by SIGSEGV) while the process
 *                     server works on the spawn, or just before or after
 */
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libsys/slot.h>
#include <libsys/thread.h>
#include <rt/rt.h>

#include <idl/kernel/exception.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>
#include <mica/error.h>
#include <mica/exception.h>

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
	if (getppid() != 1 || orphan_value != 44)
		return 103;
	printf("forkorphan: an orphan, process 1's, runs on with its own data\n");
	return orphan_value;
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

/* `outlive`: a spawned child whose parent ended still has its stdout.
 * It waits for the event (reparented to 1), in 1 ms steps for at most 2 s
 * (a bound for a test that fails). */
static int outlive(int fd)
{
	int steps = 0;

	while (getppid() != 1 && steps++ < 2000)
		usleep(1000);
	int printed = printf("spawn: a child whose parent ended prints on its stdout\n") > 0 && fflush(stdout) == 0;
	char ok = getppid() != 1 ? 'g' : !printed ? 'p' : 'y';
	return write(fd, &ok, 1) == 1 ? 0 : 1;
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

/* `text`: 0 when the read-only segments of the ELF file `path` are what
 * memory holds at their addresses, else 1. */
static int text_matches(const char *path)
{
	static unsigned char head[4096], buf[4096];
	int fd = open(path, O_RDONLY), ok = fd >= 0 && read(fd, head, sizeof head) == (ssize_t)sizeof head;
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)head;

	for (unsigned i = 0; ok && i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(head + eh->e_phoff) + i;
		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
			continue;
		for (uint64_t at = 0; ok && at < ph->p_filesz; at += sizeof buf) {
			size_t n = ph->p_filesz - at < sizeof buf ? ph->p_filesz - at : sizeof buf;
			ok = pread(fd, buf, n, (off_t)(ph->p_offset + at)) == (ssize_t)n &&
			     !memcmp(buf, (const void *)(ph->p_vaddr + at), n);
		}
	}
	close(fd);
	return ok ? 0 : 1;
}

/* `sigstate`: 0 when our mask and our ignored signals are these. */
static int sigstate_is(unsigned long blocked, unsigned long ignored)
{
	sigset_t now;
	unsigned long ign = 0;

	sigprocmask(SIG_BLOCK, 0, &now);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;
		if (sigaction(sig, 0, &sa) == 0 && sa.sa_handler == SIG_IGN)
			ign |= 1ul << sig;
	}
	return (unsigned long)now == blocked && ign == ignored ? 0 : 1;
}

/* Four pages of the file's data; the third starts with 42, untouched
 * until forged_exceptions looks. */
static char pattern[4 * 4096] __attribute__((aligned(4096))) = { [2 * 4096] = 42 };

/* `exception`: this program, mapped from the disk, sends its own `proc`
 * gate what the kernel sends for a fault root refused (the
 * ExceptionHandler protocol, which the process server serves on that
 * gate): a kernel protocol, which the kernel takes as an invocation of
 * the gate itself, refused without X (ENOSYS: a gate speaks no such
 * protocol), so the message never reaches the server and no page is
 * mapped for it.  Then the page, read, is the file's.  An exit status for
 * the first check that failed, 0 if none. */
static int forged_exceptions(void)
{
	mica_cap_t proc = rt_cap("proc");
	struct user_regs regs = { 0 };
	uint64_t page = (uint64_t)&pattern[2 * 4096];
	uint32_t rights = 99;

	if (!proc)
		return 10;
	if (task_mem_lookup(MICA_BOOT_TASK, page, &rights) != 0 || rights != 0)
		return 11;
	if (exception_handler_exception(proc, MICA_EXC_PAGE_FAULT, 0, page, 0, &regs) != -MICA_ENOSYS ||
	    exception_handler_exception(proc, 13, 0, page, 0, &regs) != -MICA_ENOSYS)
		return 12;
	if (task_mem_lookup(MICA_BOOT_TASK, page, &rights) != 0 || rights != 0)
		return 13;
	return *(volatile char *)&pattern[2 * 4096] == 42 ? 0 : 14;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	long n = argc > 2 ? atol(argv[2]) : 0;

	if (!strcmp(what, "check"))
		return check(argc, argv);
	if (!strcmp(what, "exception"))
		return forged_exceptions();
	if (!strcmp(what, "exit"))
		return (int)n;
	if (!strcmp(what, "fds") && argc == 6) {
		int lo = atoi(argv[2]), hi = atoi(argv[3]), nlo = atoi(argv[4]), nhi = atoi(argv[5]);
		for (int fd = lo; fd <= hi; fd++)
			if (fcntl(fd, F_GETFD) < 0)
				return 1;
		for (int fd = nlo; fd <= nhi; fd++)
			if (fcntl(fd, F_GETFD) >= 0)
				return 1;
		return 0;
	}
	if (!strcmp(what, "say")) {
		printf("proc_child:");
		for (int i = 2; i < argc; i++)
			printf(" %s", argv[i]);
		printf("\n");
		return 0;
	}
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
	if (!strcmp(what, "sigstate") && argc == 4)
		return sigstate_is(strtoul(argv[2], 0, 10), strtoul(argv[3], 0, 10));
	if (!strcmp(what, "pgrp") && argc == 3) {
		/* 0 when main starts in group argv[2] ("self": its own) */
		pid_t want = !strcmp(argv[2], "self") ? getpid() : (pid_t)strtol(argv[2], 0, 10);
		return getpgrp() == want ? 0 : 1;
	}
	if (!strcmp(what, "text") && argc >= 3) {
		if (argc == 3)
			return text_matches(argv[2]);
		pid_t pid = fork();
		int status;
		if (pid == 0)
			_exit(text_matches(argv[2]) ? 3 : 0);
		return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : 102;
	}
	if (!strcmp(what, "midway") && argc == 3)
		return midway(argv[2], 0);
	if (!strcmp(what, "forkmidway"))
		return midway(0, 1);
	if (!strcmp(what, "spawnleave") && argc == 3) {
		char *args[] = { "proc_child", "outlive", argv[2], 0 };
		pid_t pid;
		return posix_spawn(&pid, "rom/proc_child", 0, 0, args, environ) == 0 ? 0 : 2;
	}
	if (!strcmp(what, "forkexecleave") && argc == 3) {
		char *args[] = { "proc_child", "outlive", argv[2], 0 };
		pid_t pid = fork();
		if (pid == 0) {
			execv("rom/proc_child", args);
			_exit(101);
		}
		return pid > 0 ? 0 : 2;
	}
	if (!strcmp(what, "outlive") && argc == 3)
		return outlive((int)n);
	if ((!strcmp(what, "orphan") || !strcmp(what, "leave")) && argc == 4) {
		if (spawn_sleeper(argv[2], argv[3]) != 0)
			return 2;
		if (!strcmp(what, "orphan"))
			*(volatile int *)0x123456789000 = 1;   /* ends with a fault */
		return 0;
	}
	return 100;
}
