/*
 * proc_test.c - the process server (srv/proc, docs/processes.md) through
 * the C library and its protocol: posix_spawn from rom/ and from the disk
 * with argv and envp, exit statuses, waitpid with WNOHANG, zombies, a
 * killed child's status, reparenting to process 1 when a parent exits or
 * is killed, each errno of a spawn that cannot run, arguments up to
 * ARG_MAX and 4,096 arguments and E2BIG past them, two threads spawning
 * at once, forged pids and
 * requests on the wrong gate, a joined client that goes, idlc's fuzz
 * driver; the records and the kernel's objects are back to where they
 * were at the end.
 * proc.scenario boots it with the block, file and process servers on a
 * copy of build/tests/qemu/proc.img.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/notifier.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/procsrv.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libsys/slot.h>
#include <libsys/debug.h>
#include <mica/fs.h>
#include <mica/object.h>
#include <mica/syscall.h>
#include <mica/proc.h>
#include <rt/rt.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>
#include <idl/rt/fs.h>
#include <idl/rt/memory.h>
#include <idl/rt/proc.h>
#include <idl/rt/process.h>
#include <idl/rt/registry.h>

#include "mappings.h"
#include "qtest.h"

#define ROM_CHILD "rom/proc_child"
#define DISK_CHILD "/bin/proc_child"

extern char **environ;
static char *child_env[] = { "PROC_TEST=yes", 0 };
static mica_cap_t served;   /* the server's own gate (the registry's `proc`) */
static unsigned records_at_start;

static void meminfo(struct mica_meminfo *mi)
{
	expect("the kernel's accounting", (long)mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)mi,
							   sizeof *mi), 0);
}

/* Spawn `path` with argv = path, a, b (a, b may be 0); the pid, or -errno. */
static long spawn(const char *path, char *a, char *b)
{
	char *argv[] = { (char *)path, a, b, 0 };
	pid_t pid;
	int err = posix_spawn(&pid, path, 0, 0, argv, child_env);

	return err ? -err : pid;
}

/* The exit status of `pid` (waitpid), or -1000 - errno. */
static long reap(pid_t pid)
{
	int st;
	pid_t got = waitpid(pid, &st, 0);

	if (got != pid)
		return -1000 - errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

static unsigned records(void)
{
	uint64_t pid, ppid;
	uint32_t state;
	int32_t status;
	char name[PROC_LIST_PROGRAM_MAX + 1];
	unsigned n = 0;

	while (proc_list(served, n, &pid, &ppid, &state, &status, name) == 0)
		n++;
	return n;
}

/* pid's record: 1 and its parent and state, or 0 when it has none. */
static int record_of(uint64_t want, uint64_t *parent, uint32_t *state)
{
	uint64_t pid;
	int32_t status;
	char name[PROC_LIST_PROGRAM_MAX + 1];

	for (unsigned i = 0; proc_list(served, i, &pid, parent, state, &status, name) == 0; i++)
		if (pid == want)
			return 1;
	return 0;
}

/* Wait (in 10 ms steps, at most 5 s) until pid's record is gone. */
static int gone(uint64_t pid)
{
	uint64_t parent;
	uint32_t state;

	for (int i = 0; i < 500; i++) {
		if (!record_of(pid, &parent, &state))
			return 1;
		usleep(10000);
	}
	return 0;
}

static void setup(void)
{
	served = mica_slot_alloc();
	expect("the registry has `proc`", registry_lookup(rt_cap("registry"), "proc", &served), 0);
	records_at_start = records();
	expect("no record before the first call", records_at_start, 0);
}

static void spawn_from_rom_and_disk(void)
{
	long pid = spawn(ROM_CHILD, "check", "two words");
	expect("posix_spawn rom/proc_child", pid > 0, 1);
	expect("its argv and envp are what was given", reap((pid_t)pid), 0);
	expect("the caller joined: it has a record now", records(), 1);
	pid = spawn(DISK_CHILD, "check", "two words");
	expect("posix_spawn /bin/proc_child from the disk", pid > 0, 1);
	expect("its argv and envp are what was given", reap((pid_t)pid), 0);
	pid = spawn("/bin/true", 0, 0);
	expect("posix_spawn /bin/true from the disk", pid > 0, 1);
	expect("true exits 0", reap((pid_t)pid), 0);
	pid = spawn("/bin/proc_big", 0, 0);
	expect("a program of 1.5 MiB from the disk (mapped)", pid > 0, 1);
	expect("all its data is there", reap((pid_t)pid), 0);
	pid = spawn("/bin/true", 0, 0);
	expect("then true again", reap((pid_t)pid), 0);
	expect("a program whose start-up writes fault to the process server runs (proc_tail)",
	       reap((pid_t)spawn("/bin/proc_tail", "exit", "0")), 0);
	expect("a program's text is its file's, page by page (the page cache's)",
	       reap((pid_t)spawn(DISK_CHILD, "text", DISK_CHILD)), 0);
	char *text_fork[] = { DISK_CHILD, "text", DISK_CHILD, "fork", 0 };
	pid_t tp;
	expect("... and in its forked child", posix_spawn(&tp, DISK_CHILD, 0, 0, text_fork, child_env) == 0 ? reap(tp) : -1,
	       0);
	char *argv[] = { "true", 0 };
	pid_t p;
	setenv("PATH", "/nowhere:/bin", 1);
	expect("posix_spawnp true along PATH", posix_spawnp(&p, "true", 0, 0, argv, environ), 0);
	expect("true exits 0", reap(p), 0);
}

static void exit_statuses(void)
{
	static char *codes[] = { "0", "1", "42", "255", "256" };
	static const long want[] = { 0, 1, 42, 255, 0 };

	for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++)
		expect(codes[i], reap((pid_t)spawn(ROM_CHILD, "exit", codes[i])), want[i]);
	char me[16];
	snprintf(me, sizeof me, "%d", (int)getpid());
	expect("the child's getppid() is the spawner's pid", reap((pid_t)spawn(ROM_CHILD, "ppid", me)), 0);
	int st = 0;
	long pid = spawn(ROM_CHILD, "exit", "7");
	expect("wait() reaps any child", wait(&st), pid);
	expect("WIFEXITED", WIFEXITED(st), 1);
	expect("WEXITSTATUS", WEXITSTATUS(st), 7);
}

static void nohang_zombies_and_kill(void)
{
	uint64_t parent;
	uint32_t state;
	int st;
	long pid = spawn(ROM_CHILD, "forever", 0);

	expect("spawned one that runs on", pid > 0, 1);
	expect("WNOHANG: nothing has ended", waitpid((pid_t)pid, &st, WNOHANG), 0);
	expect("it is listed running, child of the caller",
	       record_of((uint64_t)pid, &parent, &state) && parent == (uint64_t)getpid() && state == MICA_PROC_RUNNING,
	       1);
	expect("kill(child, 0): it lives", kill((pid_t)pid, 0), 0);
	expect("kill(child, SIGTERM)", kill((pid_t)pid, SIGTERM), 0);
	expect("it is a zombie until reaped", record_of((uint64_t)pid, &parent, &state) && state == MICA_PROC_ZOMBIE, 1);
	expect("waitpid reaps it", waitpid((pid_t)pid, &st, WNOHANG), pid);
	expect("WIFSIGNALED", WIFSIGNALED(st), 1);
	expect("WTERMSIG is SIGTERM", WTERMSIG(st), SIGTERM);
	expect("then its record is gone", record_of((uint64_t)pid, &parent, &state), 0);
	expect("a second waitpid: ECHILD", waitpid((pid_t)pid, &st, 0) == -1 && errno == ECHILD, 1);

	pid = spawn(ROM_CHILD, "exit", "3");
	expect("one that exits at once: a zombie soon", pid > 0, 1);
	for (int i = 0; i < 500 && !(record_of((uint64_t)pid, &parent, &state) && state == MICA_PROC_ZOMBIE); i++)
		usleep(10000);
	expect("listed as a zombie", state, MICA_PROC_ZOMBIE);
	expect("reaped with its status", reap((pid_t)pid), 3);
	expect("waitpid with no child at all: ECHILD", waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, 1);
	expect("waitpid with an unknown option: EINVAL", waitpid(-1, &st, 0x100) == -1 && errno == EINVAL, 1);
}

static void reparenting(void)
{
	uint64_t parent;
	uint32_t state;
	long grand;
	char *argv[] = { ROM_CHILD, "leave", DISK_CHILD, "300", 0 };
	pid_t p;

	expect("a child that leaves a grandchild behind", posix_spawn(&p, ROM_CHILD, 0, 0, argv, child_env), 0);
	expect("it exits 0", reap(p), 0);
	grand = 0;
	uint64_t id;
	int32_t status;
	char name[PROC_LIST_PROGRAM_MAX + 1];
	for (unsigned i = 0; proc_list(served, i, &id, &parent, &state, &status, name) == 0; i++)
		if (!strcmp(name, "proc_child") && id > (uint64_t)p)
			grand = (long)id;
	expect("the grandchild lives on", grand > 0, 1);
	expect("its parent is now process 1", record_of((uint64_t)grand, &parent, &state) && parent == MICA_PROC_INIT,
	       1);
	expect("another's process may be signalled: kill(grand, 0)", kill((pid_t)grand, 0), 0);
	expect("not ours to wait for: ECHILD", waitpid((pid_t)grand, 0, WNOHANG) == -1 && errno == ECHILD, 1);
	expect("process 1 reaps it when it ends", gone((uint64_t)grand), 1);

	char *argv2[] = { ROM_CHILD, "orphan", ROM_CHILD, "300", 0 };
	expect("a child killed by a fault with a live child", posix_spawn(&p, ROM_CHILD, 0, 0, argv2, child_env), 0);
	expect("it was killed by SIGSEGV", reap(p), -SIGSEGV);
	grand = 0;
	for (unsigned i = 0; proc_list(served, i, &id, &parent, &state, &status, name) == 0; i++)
		if (!strcmp(name, "proc_child") && id > (uint64_t)p)
			grand = (long)id;
	expect("its child lives on, reparented to 1",
	       grand > 0 && record_of((uint64_t)grand, &parent, &state) && parent == MICA_PROC_INIT, 1);
	expect("and is reaped by 1 when it ends", gone((uint64_t)grand), 1);
}

/* A child that ends (a fault of its second thread) while the server works
   on its spawn request: whichever comes first, its own end or the spawn's
   reply, nothing is left of either but our reaped child. */
static void parent_dies_mid_request(void)
{
	char *argv[] = { ROM_CHILD, "midway", "/bin/proc_big", 0 };
	pid_t p;

	for (int i = 0; i < 3; i++) {
		expect("a child that spawns and faults at once", posix_spawn(&p, ROM_CHILD, 0, 0, argv, child_env), 0);
		expect("it was killed by SIGSEGV", reap(p), -SIGSEGV);
	}
	int left = 1;
	for (int i = 0; i < 500 && (left = (int)records()) != 1; i++)
		usleep(10000);
	expect("what it spawned, if anything, was reparented and reaped: our record alone", left, 1);
}

static char arg_pool[ARG_MAX + 4096];
static char *many_argv[MICA_SPAWN_ARGS_MAX + 2];

/* argv for proc_child's `many`: `argc` entries whose strings, with
 * child_env's, are `total` bytes together (with their NULs), the letters
 * spread evenly over the entries from argv[4] on. */
static char **many_args(int argc, long total)
{
	static char num[2][24];
	long left = total;
	char *p = arg_pool;

	for (char **e = child_env; *e; e++)
		left -= (long)strlen(*e) + 1;
	snprintf(num[0], sizeof num[0], "%d", argc);
	snprintf(num[1], sizeof num[1], "%05ld", left);   /* five digits, whatever the figure */
	many_argv[0] = ROM_CHILD;
	many_argv[1] = "many";
	many_argv[2] = num[0];
	many_argv[3] = num[1];
	for (int i = 0; i < 4; i++)
		left -= (long)strlen(many_argv[i]) + 1;
	for (int i = 4; i < argc; i++) {
		long len = left / (argc - i);   /* with its NUL: at least 1 */
		memset(p, 'a' + i % 26, (size_t)len - 1);
		p[len - 1] = 0;
		many_argv[i] = p;
		p += len;
		left -= len;
	}
	many_argv[argc] = 0;
	return many_argv;
}

static long spawn_many(int argc, long total)
{
	pid_t p;
	int err = posix_spawn(&p, ROM_CHILD, 0, 0, many_args(argc, total), child_env);

	return err ? -err : reap(p);
}

/* What a spawned program may be given: ARG_MAX bytes of argv and envp
 * together (sysconf and <limits.h> agree), MICA_SPAWN_ARGS_MAX arguments
 * and MICA_SPAWN_ENV_MAX environment entries; one byte or one entry more
 * is E2BIG. */
static void arg_max(void)
{
	expect("sysconf(_SC_ARG_MAX) is ARG_MAX", sysconf(_SC_ARG_MAX), ARG_MAX);
	expect("ARG_MAX is at least 8,192", ARG_MAX >= 8192, 1);
	expect("8,000 bytes in 40 arguments: the child gets them all", spawn_many(40, 8000), 0);
	expect("exactly ARG_MAX bytes with the environment: the child gets them all", spawn_many(200, ARG_MAX), 0);
	expect("one byte more: E2BIG", spawn_many(200, ARG_MAX + 1), -E2BIG);
	expect("4,096 arguments: the child gets them all", spawn_many(MICA_SPAWN_ARGS_MAX, 12000), 0);
	expect("4,097 arguments: E2BIG", spawn_many(MICA_SPAWN_ARGS_MAX + 1, 12000), -E2BIG);
	static char *env[MICA_SPAWN_ENV_MAX + 2];
	char *exit0[] = { ROM_CHILD, "exit", "0", 0 };
	pid_t p;
	for (int i = 0; i <= MICA_SPAWN_ENV_MAX; i++)
		env[i] = "X=1";
	env[MICA_SPAWN_ENV_MAX] = 0;
	expect("1,024 environment entries: it runs", posix_spawn(&p, ROM_CHILD, 0, 0, exit0, env) == 0 && reap(p) == 0,
	       1);
	env[MICA_SPAWN_ENV_MAX] = "X=1";
	env[MICA_SPAWN_ENV_MAX + 1] = 0;
	expect("1,025 environment entries: E2BIG", posix_spawn(&p, ROM_CHILD, 0, 0, exit0, env), E2BIG);
	expect("nothing was left behind", records(), 1);
}

/* Two threads spawning at once, each its own arguments and descriptors:
 * fds 20..59 are ours, and the first thread's children get 20..39 (file
 * actions close the rest) with `check`'s "two words", the second's
 * 40..59 with `many`'s 40 arguments of 8,000 bytes; each child says
 * whether it got its own.  The second thread is above us and wakes every
 * so often, so it runs the moment it wakes, between two of our requests
 * to the file and process servers, as on a second processor.  (posix_spawn
 * packs the arguments in the caller's stack, and the threads take turns
 * from the first Proc.give to the spawn: the server keeps one list of
 * what was given per process.) */
#define SPAWNS_EACH 24
#define SHARED_FDS 20   /* each thread's children's */

struct spawner {
	char **argv;
	posix_spawn_file_actions_t actions;
	useconds_t nap;   /* before each spawn */
	int wrong;        /* children that did not exit 0 */
};

static void *spawn_loop(void *arg)
{
	struct spawner *s = arg;
	pid_t p;

	for (int i = 0; i < SPAWNS_EACH; i++) {
		if (s->nap)
			usleep(s->nap);
		if (posix_spawn(&p, ROM_CHILD, &s->actions, 0, s->argv, child_env) != 0 || reap(p) != 0)
			s->wrong++;
	}
	return 0;
}

/* The children get fds `keep`.. and not `drop`.. (SHARED_FDS each). */
static void spawner_init(struct spawner *s, char **argv, int drop, useconds_t nap)
{
	s->argv = argv;
	s->nap = nap;
	s->wrong = 0;
	posix_spawn_file_actions_init(&s->actions);
	for (int fd = drop; fd < drop + SHARED_FDS; fd++)
		posix_spawn_file_actions_addclose(&s->actions, fd);
}

/* Descriptors 20..59, each a description of its own of the disk's child. */
static bool open_shared_fds(void)
{
	bool opened = true;

	for (int fd = 20; fd < 20 + 2 * SHARED_FDS; fd++) {
		int o = open(DISK_CHILD, O_RDONLY);
		opened = opened && o >= 0 && dup2(o, fd) == fd;
		close(o);
	}
	return opened;
}

/* Both threads' loops, `second` the one above us. */
static void spawn_together(struct spawner *first, struct spawner *second)
{
	pthread_t t;

	expect("a second thread spawning", pthread_create(&t, 0, spawn_loop, second), 0);
	spawn_loop(first);
	pthread_join(t, 0);
	posix_spawn_file_actions_destroy(&first->actions);
	posix_spawn_file_actions_destroy(&second->actions);
}

static void threads_spawn_at_once(void)
{
	char *check_argv[] = { ROM_CHILD, "check", "two words", 0 };
	char *fds_a[] = { ROM_CHILD, "fds", "20", "39", "40", "59", 0 };
	char *fds_b[] = { ROM_CHILD, "fds", "40", "59", "20", "39", 0 };
	struct spawner a, b;
	uint32_t prio, mcp, slice;

	expect("fds 20..59 open", open_shared_fds(), 1);
	thread_sched(MICA_BOOT_THREAD, &prio, &mcp, &slice);
	expect("we go below our threads' priority", thread_set_sched(MICA_BOOT_THREAD, prio - 1, slice), 0);
	spawner_init(&a, check_argv, 40, 0);
	spawner_init(&b, many_args(40, 8000), 20, 300);
	spawn_together(&a, &b);
	expect("every child of the first thread got its arguments", a.wrong, 0);
	expect("every child of the second thread got its arguments", b.wrong, 0);
	spawner_init(&a, fds_a, 40, 0);
	spawner_init(&b, fds_b, 20, 300);
	spawn_together(&a, &b);
	expect("every child of the first thread got its descriptors", a.wrong, 0);
	expect("every child of the second thread got its descriptors", b.wrong, 0);
	thread_set_sched(MICA_BOOT_THREAD, prio, slice);
	for (int fd = 20; fd < 20 + 2 * SHARED_FDS; fd++)
		close(fd);
	expect("nothing was left behind", records(), 1);
}

/* A fork while another thread is inside a spawn: that thread holds the
 * spawn lock (from its first Proc.give to its start: 40 descriptors given
 * a spawn here), and the child, which lacks the thread, finds the lock
 * free (libc_spawn_lock_child).  Each child starts a thread of its own,
 * so that its spawn takes the lock, and spawns; a child whose lock were
 * the copy of a held one would wait for ever (the scenario's timeout). */
#define FORKS_WHILE_SPAWNING 12

static volatile int child_thread_stop;

static void *child_thread(void *arg)
{
	(void)arg;
	while (!child_thread_stop)
		sched_yield();
	return 0;
}

static void fork_while_a_thread_spawns(void)
{
	char *exit0[] = { ROM_CHILD, "exit", "0", 0 };
	struct spawner a;
	pthread_t t;
	int wrong = 0;

	expect("fds 20..59 open", open_shared_fds(), 1);
	spawner_init(&a, exit0, 0, 0);   /* closes 0..19 in its children: they exit all the same */
	expect("a thread spawning", pthread_create(&t, 0, spawn_loop, &a), 0);
	for (int i = 0; i < FORKS_WHILE_SPAWNING; i++) {
		pid_t c = fork();
		if (c == 0) {
			pthread_t mine;
			pid_t p;
			int ok = pthread_create(&mine, 0, child_thread, 0) == 0 &&
				 posix_spawn(&p, ROM_CHILD, 0, 0, exit0, child_env) == 0 && reap(p) == 0;
			child_thread_stop = 1;
			_exit(ok ? 0 : 1);
		}
		wrong += c < 0 || reap(c) != 0;
		usleep(500);
	}
	pthread_join(t, 0);
	posix_spawn_file_actions_destroy(&a.actions);
	expect("every child spawned with a thread of its own (exit 0)", wrong, 0);
	expect("... and every spawn of the thread went through", a.wrong, 0);
	for (int fd = 20; fd < 20 + 2 * SHARED_FDS; fd++)
		close(fd);
	expect("nothing was left behind", records(), 1);
}

static void exec_failures(void)
{

	expect("no such file on the disk: ENOENT", spawn("/bin/nothing", 0, 0), -ENOENT);
	expect("no such boot file: ENOENT", spawn("rom/nothing", 0, 0), -ENOENT);
	expect("a file as a directory: ENOTDIR", spawn("/bin/true/x", 0, 0), -ENOTDIR);
	expect("no x bit: EACCES", spawn("/bin/noexec", 0, 0), -EACCES);
	expect("a directory: EACCES", spawn("/bin", 0, 0), -EACCES);
	expect("not an ELF file: ENOEXEC", spawn("/bin/garbage", 0, 0), -ENOEXEC);
	expect("a cut ELF file: ENOEXEC", spawn("/bin/cutelf", 0, 0), -ENOEXEC);
	expect("an ELF file for another machine (the server refuses it): ENOEXEC", spawn("/bin/badelf", 0, 0), -ENOEXEC);
	pid_t p;
	char *none[] = { 0 };
	expect("no argv[0]: E2BIG", posix_spawn(&p, ROM_CHILD, 0, 0, none, child_env), E2BIG);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	expect("a file action on descriptor -1: EBADF", posix_spawn_file_actions_addclose(&fa, -1), EBADF);
	posix_spawn_file_actions_destroy(&fa);
	setenv("PATH", "/bin", 1);
	char *argv[] = { "noexec", 0 };
	expect("posix_spawnp finds it, but it may not run: EACCES", posix_spawnp(&p, "noexec", 0, 0, argv, environ),
	       EACCES);
	expect("posix_spawnp of nothing: ENOENT", posix_spawnp(&p, "nothing", 0, 0, argv, environ), ENOENT);
	/* The file actions run once, whatever the directories before the
	 * file's hold (before 2026-12-08 each directory tried ran them: the
	 * second O_EXCL open failed with EEXIST). */
	char *child[] = { "proc_child", "exit", "0", 0 };
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 5, "/spawnp-once", O_WRONLY | O_CREAT | O_EXCL, 0644);
	setenv("PATH", "/nowhere:/bin", 1);
	expect("posix_spawnp with an O_EXCL open, the file in PATH's second directory",
	       posix_spawnp(&p, "proc_child", &fa, 0, child, environ), 0);
	expect("... it runs", reap(p), 0);
	posix_spawn_file_actions_destroy(&fa);
	unlink("/spawnp-once");
	setenv("PATH", "/bin", 1);
	expect("nothing was left behind", records(), 1);
}

/* A second process to join as, for the cases that need a joined process
 * other than ourselves: rt_child, started by root (Launcher.spawn),
 * publishes its own launcher gate under `name`, and with it we join as
 * its pid (the launcher proves the pid: Proc.join).  The joined gate, or
 * 0; *child is rt_child's Process handle, to kill it with afterwards. */
static mica_cap_t join_as_another(const char *name, mica_cap_t *child)
{
	mica_cap_t self = mica_slot_alloc(), launcher = mica_slot_alloc();
	char args[64];
	int len = snprintf(args, sizeof args, "launcher%c%s", 0, name) + 1;
	uint64_t pid;
	int32_t st;
	bool ended;
	int err;

	*child = mica_slot_alloc();
	if (launcher_spawn(rt_cap("launcher"), "rt_child", args, (uint32_t)len, 0, 0, 0, 2 << 20, child) != 0 ||
	    process_status(*child, &ended, &st, &pid) != 0)
		return 0;
	for (int i = 0; (err = registry_lookup(rt_cap("registry"), name, &launcher)) != 0 && i < 2000; i++)
		usleep(1000);
	if (err || proc_join(served, pid, "joined", launcher, &self) != 0)
		return 0;
	mica_slot_drop(launcher);   /* the server keeps its own */
	return self;
}

/* A joined program that execs (Proc.exec asked directly) is not the
 * server's to end: the new program gets a gate of its own, and the one
 * the old program holds goes (before, the old program could still fork
 * or exec the new one through it). */
static void a_joined_caller_s_gate_goes_at_its_exec(void)
{
	static const char args[] = "proc_child\0exit\0" "0";
	mica_cap_t other, self = join_as_another("proc-execer", &other);
	uint64_t pid, ppid;

	expect("another program joins", self != 0, 1);
	expect("its exec", proc_exec(self, ROM_CHILD, args, sizeof args, "", 0, 0, 0), 0);
	expect("its gate is gone: nothing more through it", proc_self(self, &pid, &ppid) != 0, 1);
	mica_slot_drop(self);
	process_kill(other);
	mica_slot_drop(other);
	for (int i = 0; i < 500 && records() != 1; i++)
		usleep(10000);
	expect("the new program ended and was reaped by 1: our record alone", records(), 1);
}

static void forged_requests(void)
{
	uint64_t pid, ppid, got;
	int32_t st;
	mica_cap_t self = mica_slot_alloc(), child_gate;

	expect("waitpid of a pid never spawned: ECHILD", waitpid(12345, 0, WNOHANG) == -1 && errno == ECHILD, 1);
	expect("kill of a pid nobody has: ESRCH", kill(12345, SIGTERM) == -1 && errno == ESRCH, 1);
	expect("kill with no such signal: EINVAL", kill(12345, 999) == -1 && errno == EINVAL, 1);
	expect("wait on the server's own gate: MICA_EPERM", proc_wait(served, -1, 0, &got, &st), -MICA_EPERM);
	expect("self on the server's own gate: MICA_EPERM", proc_self(served, &pid, &ppid), -MICA_EPERM);
	/* A launcher the server would ask requests on and hand capabilities
	 * to, and which proves the pid: only root's gate of the joiner
	 * itself (Launcher.identify). */
	mica_cap_t fake = mica_slot_alloc(), mine = mica_slot_alloc(), irq = mica_slot_alloc(), again = mica_slot_alloc();
	unsigned before = records();
	expect("our real launcher", task_cap_map(MICA_BOOT_TASK, rt_cap("launcher"), mine, MICA_RWX, false), 0);
	expect("join as pid 1: EINVAL", proc_join(served, 1, "liar", mine, &self), -(MICA_FS_ERRNO + EINVAL));
	expect("join as a pid a record has: EEXIST", proc_join(served, (uint64_t)getpid(), "liar", mine, &self),
	       -(MICA_FS_ERRNO + EEXIST));
	/* Without one, anyone could take a pid root is about to give (a
	 * record's, whose children's ends and zombies it would then get). */
	expect("join without a launcher: EINVAL", proc_join(served, 9996, "nobody", 0, &self),
	       -(MICA_FS_ERRNO + EINVAL));
	expect("a gate of our own as a fake launcher", factory_create_gate(MICA_BOOT_FACTORY, fake, MICA_BOOT_THREAD, 5), 0);
	expect("join with it: EINVAL", proc_join(served, 9996, "fake", fake, &self), -(MICA_FS_ERRNO + EINVAL));
	expect("join with ours as another pid: EINVAL", proc_join(served, 9996, "other", mine, &self),
	       -(MICA_FS_ERRNO + EINVAL));
	expect("nothing joined", records(), before);
	kobject_destroy(fake);
	mica_slot_drop(mine);
	/* The lock owner: the caller's process's, one per process. */
	expect("lock_owner on the server's own gate: MICA_EPERM", proc_lock_owner(served, &irq), -MICA_EPERM);
	bool same = false;
	expect("lock_owner twice: the same irq", proc_lock_owner(libc_proc(), &irq) == 0 &&
	       proc_lock_owner(libc_proc(), &again) == 0 && task_cap_same(MICA_BOOT_TASK, irq, again, &same) == 0 && same,
	       1);
	mica_slot_drop(irq);
	mica_slot_drop(again);

	/* A joined client with a child goes: its child is reparented. */
	mica_cap_t other;
	uint64_t joined;
	expect("join as another program, with its launcher", (self = join_as_another("proc-joiner", &other)) != 0, 1);
	expect("joining again through its own gate: MICA_EPERM", proc_join(self, 9998, "again", 0, &(mica_cap_t){ 0 }),
	       -MICA_EPERM);
	expect("its self", proc_self(self, &joined, &ppid) == 0 && joined != (uint64_t)getpid() &&
	       ppid == MICA_PROC_INIT, 1);
	static const char args[] = ROM_CHILD "\0sleep\0" "200";
	/* argv and envp each within its buffer, too long together (the C
	 * library would not ask). */
	uint32_t alen = PROC_SPAWN_ARGS_MAX / 2 + 1, elen = PROC_SPAWN_ARGS_MAX / 2;
	memset(arg_pool, 'z', alen + elen);
	arg_pool[alen - 1] = arg_pool[alen + elen - 1] = 0;
	memcpy(arg_pool + alen, "Z=", 2);
	expect("argv and envp one byte over the bound together: E2BIG",
	       proc_spawn(self, ROM_CHILD, arg_pool, alen, arg_pool + alen, elen, 0, 0, &got), -(MICA_FS_ERRNO + E2BIG));
	expect("it spawns a child", proc_spawn(self, ROM_CHILD, args, sizeof args, "", 0, 0, 0, &got), 0);
	uint64_t parent;
	uint32_t state;
	expect("the child's parent is the joined one", record_of(got, &parent, &state) && parent == joined, 1);
	child_gate = self;
	mica_slot_drop(child_gate);   /* the client "dies": its last capability goes */
	expect("its record goes", gone(joined), 1);
	expect("its child was reparented to 1 and reaped when it ended", gone(got), 1);
	process_kill(other);
	mica_slot_drop(other);
}

/* idlc's fuzz driver on the server's gate and on a joined process's gate
   (not ours: its notify irq would be replaced): every request answered
   properly, and the server serves on. */
static void fuzzed(void)
{
	mica_cap_t joined, other;
	uint64_t pid, ppid;

	expect("Proc fuzzed on the server's gate: no wrong answer", proc_fuzz(served, 21, 300), 0);
	expect("another program joins", (joined = join_as_another("proc-fuzzed", &other)) != 0, 1);
	expect("... its pid", proc_self(joined, &pid, &ppid), 0);
	expect("Proc fuzzed on its gate: no wrong answer", proc_fuzz(joined, 22, 300), 0);
	mica_slot_drop(joined);
	expect("its record goes with its gate", gone(pid), 1);
	process_kill(other);
	mica_slot_drop(other);
	expect("the server still lists: our record alone", records(), 1);
	expect("and still spawns", reap((pid_t)spawn(ROM_CHILD, "exit", "5")), 5);
}

/* Many spawns and reaps (from rom/ and the disk, a killed one, failures):
   every record and every kernel object comes back. */
/* A copy of the file `from` as `to` (rewritten in place when it exists:
 * the same inode), mode 0755; whether it was made. */
static int copy_file(const char *from, const char *to)
{
	static char buf[4096];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755), ok = in >= 0 && out >= 0;
	ssize_t n;

	while (ok && (n = read(in, buf, sizeof buf)) > 0)
		ok = write(out, buf, (size_t)n) == n;
	close(in);
	close(out);
	return ok;
}

/* The next second of the clock: files changed before it are older than it. */
static void next_second(void)
{
	time_t t = time(0);

	while (time(0) == t)
		usleep(10000);
}

/* The server keeps what it needs of the programs it ran (headers, plan,
 * text mapping), by the file's inode, size and times (docs/processes.md,
 * "Programs kept"): a program file rewritten in place, in the same second
 * or a later one, runs as it is now. */
static void changed_program_files_are_read_again(void)
{
	expect("proc_child copied to /pc", copy_file(DISK_CHILD, "/pc"), 1);
	next_second();
	expect("/pc exit 3", reap((pid_t)spawn("/pc", "exit", "3")), 3);
	expect("/pc exit 4 (kept)", reap((pid_t)spawn("/pc", "exit", "4")), 4);
	expect("true copied over it: the same inode, a new size", copy_file("/bin/true", "/pc"), 1);
	expect("/pc is true now", reap((pid_t)spawn("/pc", "exit", "5")), 0);
	next_second();
	expect("true kept", reap((pid_t)spawn("/pc", "exit", "5")), 0);
	expect("proc_child back, in the same second as that spawn", copy_file(DISK_CHILD, "/pc"), 1);
	expect("/pc is proc_child again", reap((pid_t)spawn("/pc", "exit", "6")), 6);
	expect("/pc unlinked", unlink("/pc"), 0);
	expect("gone", spawn("/pc", "exit", "6"), -ENOENT);
}

/* Where "exit" (a NUL before and after: proc_child's command) first is in
 * the file `path`, or -1. */
static off_t exit_command_at(const char *path)
{
	static char buf[4096 + 5];
	int fd = open(path, O_RDONLY);
	off_t at = 0, found = -1;
	ssize_t n;

	while (fd >= 0 && found < 0 && (n = pread(fd, buf, sizeof buf, at)) > 6) {
		for (ssize_t i = 0; i + 6 <= n && found < 0; i++)
			if (!memcmp(buf + i, "\0exit\0", 6))
				found = at + i + 1;
		at += n - 5;
	}
	close(fd);
	return found;
}

/* A program file changed twice in one second, its size the same: headers
 * read between the two changes must not be kept (the times do not move). */
static void changes_in_one_second(void)
{
	int within = 0;

	for (int attempt = 0; attempt < 5 && !within; attempt++) {
		expect("proc_child copied to /pc", copy_file(DISK_CHILD, "/pc"), 1);
		off_t at = exit_command_at("/pc");
		time_t t = time(0);
		long first = reap((pid_t)spawn("/pc", "exit", "8"));
		int fd = open("/pc", O_WRONLY);
		int patched = at >= 0 && fd >= 0 && pwrite(fd, "exiT", 4, at) == 4;
		close(fd);
		long second = reap((pid_t)spawn("/pc", "exit", "8"));
		if (time(0) != t)
			continue;   /* the second turned: again */
		within = 1;
		expect("/pc exit 8", first, 8);
		expect("its command renamed in place (the same size)", patched, 1);
		expect("... and the program run is the renamed one (no `exit` command: 100)", second, 100);
	}
	expect("both changes and spawns within one second", within, 1);
	unlink("/pc");
}

/* ETXTBSY both ways (docs/processes.md, "Loading"): a file open for
 * writing is not run (spawn, exec), and the file of a running program
 * (spawned, exec'd) is not opened for writing or truncated, until it ends. */
static void running_program_files_are_busy(void)
{
	char *argv[] = { "/pb", "forever", 0 };
	int status, w, busy = 0;

	expect("proc_child copied to /pb", copy_file(DISK_CHILD, "/pb"), 1);
	w = open("/pb", O_WRONLY);
	expect("/pb open for writing", w >= 0, 1);
	expect("spawn of it: ETXTBSY", spawn("/pb", "exit", "1"), -ETXTBSY);
	pid_t pid = fork();
	if (pid == 0) {
		execv("/pb", argv);
		_exit(errno == ETXTBSY ? 7 : 8);
	}
	expect("exec of it in a forked child: ETXTBSY", reap(pid), 7);
	close(w);
	long run = spawn("/pb", "forever", 0);
	expect("closed, it runs", run > 0, 1);
	expect("open O_WRONLY of the running program's file: ETXTBSY",
	       open("/pb", O_WRONLY) == -1 && errno == ETXTBSY, 1);
	expect("O_RDWR: ETXTBSY", open("/pb", O_RDWR) == -1 && errno == ETXTBSY, 1);
	expect("O_TRUNC: ETXTBSY", open("/pb", O_WRONLY | O_TRUNC) == -1 && errno == ETXTBSY, 1);
	expect("truncate: ETXTBSY", truncate("/pb", 0) == -1 && errno == ETXTBSY, 1);
	int r = open("/pb", O_RDONLY);
	expect("reading it is fine", r >= 0, 1);
	close(r);
	expect("a second program from it runs too", reap((pid_t)spawn("/pb", "exit", "3")), 3);
	expect("still busy: the first runs", open("/pb", O_WRONLY) == -1 && errno == ETXTBSY, 1);
	expect("killed and reaped", kill((pid_t)run, SIGKILL) == 0 && reap((pid_t)run) == -SIGKILL, 1);
	w = open("/pb", O_WRONLY);
	expect("then it opens for writing (the hold went with the program)", w >= 0, 1);
	close(w);
	pid = fork();
	if (pid == 0) {
		execv("/pb", argv);
		_exit(101);
	}
	for (int i = 0; i < 3000 && !busy; i++) {   /* until its record is pb's: the exec is done */
		uint64_t p, pp;
		uint32_t state;
		int32_t st;
		char name[PROC_LIST_PROGRAM_MAX + 1] = "";
		for (unsigned k = 0; proc_list(served, k, &p, &pp, &state, &st, name) == 0 && p != (uint64_t)pid; k++)
			;
		if (!(busy = !strcmp(name, "pb")))
			usleep(10000);
	}
	expect("the forked child exec'd /pb", busy, 1);
	expect("a program exec'd from it makes it busy", open("/pb", O_WRONLY) == -1 && errno == ETXTBSY, 1);
	expect("killed and reaped", kill(pid, SIGKILL) == 0 && waitpid(pid, &status, 0) == pid, 1);
	w = open("/pb", O_WRONLY);
	expect("then it opens for writing again", w >= 0, 1);
	close(w);
	unlink("/pb");
}

/* posix_spawn with a mask and ignored signals: the child has our mask and
 * ignores what we ignore, or the attributes' mask and defaults. */
static long spawn_sigstate(posix_spawnattr_t *attr, unsigned long blocked, unsigned long ignored)
{
	char b[24], i[24];
	char *argv[] = { DISK_CHILD, "sigstate", b, i, 0 };
	pid_t pid;

	snprintf(b, sizeof b, "%lu", blocked);
	snprintf(i, sizeof i, "%lu", ignored);
	int err = posix_spawn(&pid, DISK_CHILD, 0, attr, argv, child_env);
	return err ? -err : reap(pid);
}

static void spawned_children_keep_the_mask_and_ignored_signals(void)
{
	sigset_t usr2, none, usr1;
	posix_spawnattr_t attr;
	short flags;
	unsigned long bit1 = 1ul << SIGUSR1, bit2 = 1ul << SIGUSR2;

	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigemptyset(&none);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	expect("no mask, nothing ignored: the child has none", spawn_sigstate(0, 0, 0), 0);
	signal(SIGUSR1, SIG_IGN);
	sigprocmask(SIG_BLOCK, &usr2, 0);
	expect("SIGUSR1 ignored, SIGUSR2 blocked: the child's the same", spawn_sigstate(0, bit2, bit1), 0);
	expect("posix_spawnattr_init", posix_spawnattr_init(&attr), 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &usr1);
	expect("SETSIGMASK (none) and SETSIGDEF (SIGUSR1): neither", spawn_sigstate(&attr, 0, 0), 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	posix_spawnattr_setsigmask(&attr, &usr1);
	expect("SETSIGMASK alone (SIGUSR1): that mask, SIGUSR1 still ignored", spawn_sigstate(&attr, bit1, bit1), 0);
	sigset_t got;
	expect("getsigmask", posix_spawnattr_getsigmask(&attr, &got) == 0 && sigismember(&got, SIGUSR1), 1);
	expect("getflags", posix_spawnattr_getflags(&attr, &flags) == 0 && flags == POSIX_SPAWN_SETSIGMASK, 1);
	pid_t pid;
	char *argv[] = { DISK_CHILD, "exit", "0", 0 };
	posix_spawnattr_setflags(&attr, 0x4000);
	expect("a flag POSIX does not define: EINVAL", posix_spawn(&pid, DISK_CHILD, 0, &attr, argv, child_env), EINVAL);
	posix_spawnattr_destroy(&attr);
	sigprocmask(SIG_UNBLOCK, &usr2, 0);
	signal(SIGUSR1, SIG_DFL);
	expect("... and back to none", spawn_sigstate(0, 0, 0), 0);
}

/* posix_spawn's child with the attributes' group: reports whether its
 * main started in group `want` ("self": its own); -errno when the spawn
 * failed.  *group: the group it was in when posix_spawn returned. */
static long spawn_in_group(posix_spawnattr_t *attr, const char *want, pid_t *group)
{
	char *argv[] = { DISK_CHILD, "pgrp", (char *)want, 0 };
	pid_t pid;

	int err = posix_spawn(&pid, DISK_CHILD, 0, attr, argv, child_env);
	if (err)
		return -err;
	*group = getpgid(pid);
	return reap(pid);
}

static void spawned_children_join_the_group_asked_for(void)
{
	posix_spawnattr_t attr;
	pid_t got = -1, leader, mine = getpgrp();
	char ours[24], theirs[24];
	struct sched_param p = { 0 };
	int policy;

	snprintf(ours, sizeof ours, "%ld", (long)mine);
	expect("posix_spawnattr_init", posix_spawnattr_init(&attr), 0);
	expect("no flag: the child starts in our group", spawn_in_group(&attr, ours, &got), 0);
	expect("... and is there when posix_spawn returns", got, mine);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	expect("SETPGROUP 0: its main starts in a group of its own", spawn_in_group(&attr, "self", &got), 0);
	expect("... which is not ours when posix_spawn returns", got != mine && got > 0, 1);
	/* A group of our session for the next one: a sleeper leading its own. */
	char *sleeper[] = { DISK_CHILD, "sleep", "100000", 0 };
	expect("a sleeper in a group of its own", posix_spawn(&leader, DISK_CHILD, 0, &attr, sleeper, child_env), 0);
	snprintf(theirs, sizeof theirs, "%ld", (long)leader);
	posix_spawnattr_setpgroup(&attr, leader);
	expect("SETPGROUP of the sleeper's group: its main starts there", spawn_in_group(&attr, theirs, &got), 0);
	expect("... and is there when posix_spawn returns", got, leader);
	pid_t back = -1;
	expect("getpgroup", posix_spawnattr_getpgroup(&attr, &back) == 0 && back == leader, 1);
	kill(leader, SIGKILL);
	reap(leader);
	posix_spawnattr_setpgroup(&attr, leader);
	expect("SETPGROUP of a group that is gone: the child ends with 127", spawn_in_group(&attr, theirs, &got), 127);
	posix_spawnattr_setpgroup(&attr, -1);
	expect("SETPGROUP -1: EINVAL, no child", spawn_in_group(&attr, "self", &got), -EINVAL);

	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSCHEDULER | POSIX_SPAWN_SETSCHEDPARAM);
	posix_spawnattr_setschedpolicy(&attr, SCHED_OTHER);
	posix_spawnattr_setschedparam(&attr, &p);
	expect("SETSCHEDULER SCHED_OTHER, priority 0: spawned", spawn_in_group(&attr, ours, &got), 0);
	expect("getschedpolicy", posix_spawnattr_getschedpolicy(&attr, &policy) == 0 && policy == SCHED_OTHER, 1);
	posix_spawnattr_setschedpolicy(&attr, SCHED_FIFO);
	expect("SETSCHEDULER SCHED_FIFO: ENOTSUP, no child", spawn_in_group(&attr, ours, &got), -ENOTSUP);
	posix_spawnattr_setschedpolicy(&attr, 77);
	expect("SETSCHEDULER of no policy: EINVAL", spawn_in_group(&attr, ours, &got), -EINVAL);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSCHEDPARAM);
	p.sched_priority = 5;
	posix_spawnattr_setschedparam(&attr, &p);
	expect("SETSCHEDPARAM priority 5 (SCHED_OTHER has 0 only): EINVAL", spawn_in_group(&attr, ours, &got), -EINVAL);
	struct sched_param q;
	expect("getschedparam", posix_spawnattr_getschedparam(&attr, &q) == 0 && q.sched_priority == 5, 1);
	posix_spawnattr_destroy(&attr);
}

/* The kernel objects as many as in `before` again (root's last-reference
 * irqs come within 2 s), each kind expected back. */
static void objects_back(const struct mica_meminfo *before)
{
	struct mica_meminfo now;

	for (int i = 0; i < 200; i++) {
		mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&now, sizeof now);
		if (!memcmp(now.objects, before->objects, sizeof now.objects))
			break;
		usleep(10000);
	}
	expect("tasks back", now.objects[MICA_KOBJ_TASK], before->objects[MICA_KOBJ_TASK]);
	expect("threads back", now.objects[MICA_KOBJ_THREAD], before->objects[MICA_KOBJ_THREAD]);
	expect("gates back", now.objects[MICA_KOBJ_GATE], before->objects[MICA_KOBJ_GATE]);
	expect("irqs back", now.objects[MICA_KOBJ_IRQ], before->objects[MICA_KOBJ_IRQ]);
	expect("factories back", now.objects[MICA_KOBJ_FACTORY], before->objects[MICA_KOBJ_FACTORY]);
}

static void records_come_back(void)
{
	struct mica_meminfo before;

	/* The server keeps the programs it ran (their text mappings): each once first. */
	reap((pid_t)spawn(DISK_CHILD, "exit", "0"));
	reap((pid_t)spawn("/bin/true", 0, 0));
	spawn("/bin/badelf", 0, 0);
	meminfo(&before);
	for (int i = 0; i < 20; i++) {
		long pid = spawn(i % 2 ? ROM_CHILD : DISK_CHILD, "forever", 0);
		kill((pid_t)pid, SIGKILL);
		reap((pid_t)pid);
		spawn("/bin/nothing", 0, 0);
		spawn("/bin/badelf", 0, 0);
	}
	for (int i = 0; i < 20; i++)
		reap((pid_t)spawn("/bin/true", 0, 0));
	expect("after 80 more spawns, one record (ours)", records(), 1);
	objects_back(&before);
}

/* Free pages of root's pool (Memory.stats). */
static uint64_t free_pages(void)
{
	uint64_t quota, used, pages, free;

	memory_stats(rt_cap("mem"), &quota, &used, &pages, &free);
	return free;
}

/* A program from the disk is mapped from the file server's page cache,
 * not copied (docs/processes.md, "Starting"): 1.5 MiB of read-only data
 * run through and the program reaped, root's pool has not given 1.5 MiB
 * (the file server's cache is its memory already; the program's data,
 * bss and stack went with it).  The file is a new one, from a second
 * before: the server used to keep a copy of it (a program image). */
static void disk_programs_are_mapped_not_copied(void)
{
	expect("proc_big copied to /big", copy_file("/bin/proc_big", "/big"), 1);
	next_second();
	uint64_t before = free_pages();
	long pid = spawn("/big", 0, 0);
	expect("/big (1.5 MiB of read-only data) runs through it: exit 0", reap((pid_t)pid), 0);
	uint64_t after = free_pages();
	expect("root's pool gave less than 256 KiB for it (a copy is 384 pages)", before - after < 64, 1);
	if (before - after >= 64)
		printf("# %lu pages\n", (unsigned long)(before - after));
	expect("and again: exit 0", reap((pid_t)spawn("/big", 0, 0)), 0);
	expect("pool as after the first run, within 16 pages", free_pages() + 16 >= after, 1);
	unlink("/big");
}

/* A program cannot drive the process server's exception path
 * (srv/proc/pages.c) itself: proc_child from the disk sends its `proc`
 * gate an exception message, which the kernel refuses (its exit status
 * says which check failed). */
static void forged_exceptions_never_reach_the_server(void)
{
	expect("proc_child exception: refused, nothing mapped (exit 0)", reap((pid_t)spawn("/bin/proc_child", "exception", 0)),
	       0);
}

/* In a forked child: a gate of its own with W only, handed to the
 * server as an irq it would trigger later (Irq.trigger through it would
 * be a call to the child that nobody answers, holding the server): notify,
 * sigstate and set_foreground each refuse it with MICA_EINVAL.  0, or the
 * step that failed. */
static int hand_the_server_a_gate(void)
{
	mica_cap_t me = libc_proc(), gate = mica_slot_alloc(), w = mica_slot_alloc();
	uint64_t sid;

	if (factory_create_gate(MICA_BOOT_FACTORY, gate, MICA_BOOT_THREAD, 77) != 0 ||
	    task_cap_map(MICA_BOOT_TASK, gate, w, MICA_W, false) != 0)
		return 1;
	if (proc_notify(me, w) != -MICA_EINVAL)
		return 2;
	if (proc_sigstate(me, 1u << SIGUSR1, 0, 0, w) != -MICA_EINVAL)
		return 3;
	if (proc_set_foreground(me, getpgrp(), w, me, &sid) != -MICA_EINVAL)
		return 4;
	return 0;
}

/* A signal queued for a handler of the old program and not yet taken when
 * an exec is done meets the new program's disposition.  The child tells
 * the server it takes SIGUSR2 with an irq nobody waits on, so that the
 * SIGUSR2 we send it stays queued, and stops itself; we send it, continue
 * it, and it execs proc_child, whose SIGUSR2 is at its default, which
 * ends it (before 2026-12-07 the signal was dropped: exit 0). */
static void a_signal_queued_at_exec_meets_the_new_default(void)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		mica_cap_t idle = mica_slot_alloc();
		if (factory_create_irq(MICA_BOOT_FACTORY, idle, 79) != 0 ||
		    proc_sigstate(libc_proc(), 1u << SIGUSR2, 0, 0, idle) != 0)
			_exit(90);
		raise(SIGSTOP);
		execl(DISK_CHILD, "proc_child", "exit", "0", (char *)0);
		_exit(92);
	}
	expect("the child, taking SIGUSR2 as far as the server knows, stopped",
	       waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st), 1);
	expect("SIGUSR2 sent to it", kill(pid, SIGUSR2), 0);
	expect("... then SIGCONT: it execs", kill(pid, SIGCONT), 0);
	expect("the exec'd program ended by the queued SIGUSR2", reap(pid), -SIGUSR2);
}

/* The process server keeps only irqs as the irqs it triggers: a child
 * hands it a gate three ways and is refused each time, and the server
 * answers on. */
static void a_gate_is_no_irq_for_the_server(void)
{
	pid_t pid = fork();
	uint64_t self, parent;

	if (pid == 0)
		_exit(hand_the_server_a_gate());
	expect("notify, sigstate and set_foreground refuse a gate (exit 0)", reap(pid), 0);
	expect("the server answers on", proc_self(libc_proc(), &self, &parent) == 0 && self == (uint64_t)getpid(), 1);
}

/* A program that faults before any start-up code handles its exceptions
 * (tests/qemu/progs/entryfault.c, from rom/: the process server is its
 * exception handler) ends by the fault's signal, as the wait status says:
 * ud2 SIGILL, a division by zero SIGFPE; and nothing of them is left. */
static void a_fault_before_the_c_library_ends_by_its_signal(void)
{
	static const struct {
		const char *path;
		int sig;
	} faults[] = {
		{ "rom/badop", SIGILL }, { "rom/baddiv", SIGFPE },
	};
	unsigned before = records();

	for (unsigned i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		char what[64];
		snprintf(what, sizeof what, "%s: ended by signal %d", faults[i].path, faults[i].sig);
		expect(what, reap((pid_t)spawn(faults[i].path, 0, 0)), -faults[i].sig);
	}
	expect("no record left", records(), before);
}

/* The file server refusing a program's mapping (every mapping of the
 * server taken: a session of ours asks OpenFile.mmap until ENFILE): the
 * spawn fails with EAGAIN, and once the mappings are given back it works,
 * and nothing is left of the failed ones (records, kernel objects, the
 * file server's mappings). */
static void refused_mapping_fails_clean(void)
{
	static mica_cap_t maps[1100];
	struct mica_meminfo before;
	mica_cap_t fs = mica_slot_alloc(), gate = mica_slot_alloc(), buffer = mica_slot_alloc();
	uint32_t size, type;
	unsigned n = 0, more;
	int err = 0, scratch = 0;

	reap((pid_t)spawn("/bin/true", 0, 0));   /* its text mapping kept by the server */
	expect("proc_child copied to /pm", copy_file(DISK_CHILD, "/pm"), 1);
	meminfo(&before);
	expect("the file server from the registry", registry_lookup(rt_cap("registry"), "fs", &fs), 0);
	expect("a session of /bin/true", file_system_open(fs, "/bin/true", MICA_FS_O_READ, 0, &gate, &buffer, &size,
							  &type), 0);
	n = mappings_take_all(gate, maps, sizeof maps / sizeof maps[0], &err);
	expect("mappings until ENFILE", err, -(MICA_FS_ERRNO + ENFILE));
	expect("spawn /bin/true (its data mapping refused): EAGAIN", spawn("/bin/true", 0, 0), -EAGAIN);
	expect("spawn /bin/proc_child: EAGAIN", spawn(DISK_CHILD, "exit", "0"), -EAGAIN);
	expect("spawn from rom/ still works (no mapping)", reap((pid_t)spawn(ROM_CHILD, "exit", "4")), 4);
	/* Three mappings free: a program file changed this second (not kept,
	 * made for one start) is read through one (the C library's, while the
	 * server reads its headers), gets its text and data mappings, and
	 * then its start's copy of the data mapping is refused: EAGAIN, and
	 * the two go with the failed start (they stayed, and were lost at the
	 * next such load, before 2026-12-08). */
	mappings_give_back(maps + n - 3, 3);
	n -= 3;
	time_t t = time(0);
	utimensat(AT_FDCWD, "/pm", 0, 0);
	long got = spawn("/pm", "exit", "0");
	scratch = time(0) == t;
	if (got > 0)
		reap((pid_t)got);
	more = mappings_take_all(gate, maps + n, sizeof maps / sizeof maps[0] - n, &err);
	n += more;
	if (scratch) {
		expect("spawn of a file of this second with three mappings left: EAGAIN", got, -EAGAIN);
		expect("all three are the server's again", more, 3);
	} else   /* the second turned: the program may have been kept, and its mappings with it */
		printf("proc_test: # the second turned during the spawn of /pm: its mappings not counted\n");
	mappings_give_back(maps, n);
	expect("close the session", open_file_close(gate), 0);
	mica_slot_drop(gate);
	mica_slot_drop(buffer);
	mica_slot_drop(fs);
	expect("mappings back: spawn /bin/true works", reap((pid_t)spawn("/bin/true", 0, 0)), 0);
	expect("one record (ours)", records(), 1);
	unlink("/pm");
	objects_back(&before);
}

/* pidfd_open (<sys/pidfd.h>, docs/poll.md): a child's end as a notifier's
 * source, beside another child's that stays quiet; WNOWAIT leaves the
 * zombie. */
static void a_child_s_end_wakes_a_notifier(void)
{
	struct pollfd ready[2];
	int st = 0;

	expect("pidfd_open of no child: ESRCH", pidfd_open(getpid(), 0) == -1 && errno == ESRCH, 1);
	expect("pidfd_open with flags: EINVAL", pidfd_open(1, 1) == -1 && errno == EINVAL, 1);
	expect("pidfd_open of pid 0: EINVAL", pidfd_open(0, 0) == -1 && errno == EINVAL, 1);
	long pid = spawn(ROM_CHILD, "sleep", "1000"), other = spawn(ROM_CHILD, "forever", 0);
	int fd = pidfd_open((pid_t)pid, 0), quiet = pidfd_open((pid_t)other, 0);
	expect("pidfd_open of two running children", fd >= 0 && quiet >= 0, 1);
	expect("it is close-on-exec", fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	char c;
	expect("reading it: EINVAL", read(fd, &c, 1) == -1 && errno == EINVAL, 1);
	struct notifier *n = notifier_new();
	expect("both subscribed", notifier_add(n, quiet, POLLIN) | notifier_add(n, fd, POLLIN), 0);
	expect("while the children run, nothing is ready", notifier_wait(n, ready, 2, 0), 0);
	expect("the notifier wakes at the first child's end", notifier_wait(n, ready, 2, 5000), 1);
	expect("... for its descriptor", ready[0].fd, fd);
	expect("... readable", ready[0].revents, POLLIN);
	expect("waitpid WNOWAIT reports it", waitpid((pid_t)pid, &st, WNOHANG | WNOWAIT), pid);
	expect("... exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
	expect("and leaves the zombie: still readable", notifier_wait(n, ready, 2, 0), 1);
	expect("waitpid reaps it", reap((pid_t)pid), 0);
	struct pollfd pf = { fd, POLLIN, 0 };
	expect("reaped: poll says readable and hung up", poll(&pf, 1, 0), 1);
	expect("... POLLIN | POLLHUP", pf.revents, POLLIN | POLLHUP);
	kill((pid_t)other, SIGKILL);
	pf = (struct pollfd){ quiet, POLLIN, 0 };
	expect("poll with no limit returns at a killed child's end", poll(&pf, 1, -1), 1);
	expect("wait() still reaps it with its signal", reap((pid_t)other), -SIGKILL);
	notifier_free(n);
	expect("close", close(fd) | close(quiet), 0);
}

static const struct qtest_case cases[] = {
	{ "setup", setup },
	{ "spawn_from_rom_and_disk", spawn_from_rom_and_disk },
	{ "exit_statuses", exit_statuses },
	{ "nohang_zombies_and_kill", nohang_zombies_and_kill },
	{ "reparenting", reparenting },
	{ "parent_dies_mid_request", parent_dies_mid_request },
	{ "arg_max", arg_max },
	{ "threads_spawn_at_once", threads_spawn_at_once },
	{ "fork_while_a_thread_spawns", fork_while_a_thread_spawns },
	{ "exec_failures", exec_failures },
	{ "changed_program_files_are_read_again", changed_program_files_are_read_again },
	{ "changes_in_one_second", changes_in_one_second },
	{ "running_program_files_are_busy", running_program_files_are_busy },
	{ "spawned_children_keep_the_mask_and_ignored_signals", spawned_children_keep_the_mask_and_ignored_signals },
	{ "spawned_children_join_the_group_asked_for", spawned_children_join_the_group_asked_for },
	{ "disk_programs_are_mapped_not_copied", disk_programs_are_mapped_not_copied },
	{ "refused_mapping_fails_clean", refused_mapping_fails_clean },
	{ "forged_exceptions_never_reach_the_server", forged_exceptions_never_reach_the_server },
	{ "a_fault_before_the_c_library_ends_by_its_signal", a_fault_before_the_c_library_ends_by_its_signal },
	{ "a_gate_is_no_irq_for_the_server", a_gate_is_no_irq_for_the_server },
	{ "a_signal_queued_at_exec_meets_the_new_default", a_signal_queued_at_exec_meets_the_new_default },
	{ "a_joined_caller_s_gate_goes_at_its_exec", a_joined_caller_s_gate_goes_at_its_exec },
	{ "forged_requests", forged_requests },
	{ "fuzzed", fuzzed },
	{ "a_child_s_end_wakes_a_notifier", a_child_s_end_wakes_a_notifier },
	{ "records_come_back", records_come_back },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
