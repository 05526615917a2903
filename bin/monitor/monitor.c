/*
 * monitor.c - the first prompt (docs/monitor.md): a banner, then "mica> "
 * and one command a line, from a table.  It shows what the system has
 * (memory, boot files, registered services, processes), runs boot files as
 * programs on the same console and waits for them, starts program files
 * through the process server and waits for them, and halts the machine, also at
 * the end of its input.  Started with `--shell PATH`, it first runs that shell
 * as a login shell and halts when it ends; the prompt is the fallback when
 * the shell cannot start (no disk, no file system, no such file).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <libsys/error.h>
#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/kip.h>
#include <mica/object.h>
#include <mica/proc.h>
#include <mica/syscall.h>
#include <rt/rt.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/rt/memory.h>
#include <idl/rt/proc.h>
#include <idl/rt/process.h>
#include <idl/rt/registry.h>
#include <idl/rt/rom.h>
#include <idl/kernel/task.h>

#define INPUT_MAX 1024        /* a command line */
#define ARGS_MAX 32
/* The label of the irq that says a program ran by `run` has ended: any
 * other notification of this thread (the C library's stdin irq) is not it. */
#define RUN_IRQ_LABEL 0x72756e   /* "run" */

struct command {
	const char *name;
	const char *args;
	const char *help;
	void (*run)(int argc, char **argv);
};

static void fail(const char *what, int err)
{
	printf("%s: %s\n", what, mica_strerror(err));
}

static void cmd_help(int argc, char **argv);

static void cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
}

static const char *const kobj_names[MICA_MEMINFO_TYPES] = {
	[MICA_KOBJ_TASK] = "tasks", [MICA_KOBJ_THREAD] = "threads", [MICA_KOBJ_GATE] = "gates", [MICA_KOBJ_IRQ] = "irqs",
	[MICA_KOBJ_FACTORY] = "factories", [MICA_KOBJ_ICU] = "icus", [MICA_KOBJ_LOG] = "logs",
};

static void cmd_mem(int argc, char **argv)
{
	uint64_t quota, used, pool, pool_free;
	struct mica_meminfo mi;
	int err;

	(void)argc;
	(void)argv;
	err = memory_stats(rt_cap("mem"), &quota, &used, &pool, &pool_free);
	if (err < 0)
		fail("mem: Memory.stats", err);
	else
		printf("memory server: session %llu of %llu KiB used; pool %llu pages, %llu free\n",
		       (unsigned long long)used >> 10, (unsigned long long)quota >> 10, (unsigned long long)pool,
		       (unsigned long long)pool_free);
	err = (int)mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&mi, sizeof mi);
	if (err) {
		fail("mem: kernel meminfo", err);
		return;
	}
	printf("kernel: %llu pages free in the kernel pool, %llu in the user pool\nkernel objects:",
	       (unsigned long long)mi.kernel_free_pages, (unsigned long long)mi.user_free_pages);
	for (int t = 1; t < MICA_MEMINFO_TYPES; t++)
		printf(" %llu %s%s", (unsigned long long)mi.objects[t], kobj_names[t], t + 1 < MICA_MEMINFO_TYPES ? "," : "\n");
}

static void cmd_ls(int argc, char **argv)
{
	char name[ROM_LIST_NAME_MAX + 1];
	uint64_t size;
	uint32_t i;
	int err;

	(void)argc;
	(void)argv;
	for (i = 0; (err = rom_list(rt_cap("rom"), i, name, &size)) == 0; i++)
		printf("rom/%-24s %10llu bytes\n", name, (unsigned long long)size);
	if (err != -MICA_ENOENT)
		fail("ls: Rom.list", err);
	for (i = 0; (err = registry_entry(rt_cap("registry"), i, name)) == 0; i++)
		printf("registry/%s\n", name);
	if (err != -MICA_ENOENT)
		fail("ls: Registry.entry", err);
}

/* Wait until the program has ended (its irq came), then its status. */
static int wait_end(mica_cap_t proc, int32_t *status)
{
	mica_word_t tag, label;
	uint64_t pid;
	bool ended;
	int err;

	for (;;) {
		if ((err = process_status(proc, &ended, status, &pid)) < 0 || ended)
			return err;
		do
			err = mica_ipc_wait(0, &tag, &label);
		while (!err && !((mica_tag_flags(tag) & MICA_TAG_F_IRQ) && label == RUN_IRQ_LABEL));
		if (err)
			return -err;
	}
}

/* Launcher.spawn's argument buffer: each argument followed by a NUL. */
static int pack_args(int argc, char **argv, char *buf, uint32_t *len)
{
	*len = 0;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;
		if (n > LAUNCHER_SPAWN_ARGS_MAX - *len)
			return -MICA_EINVAL;
		memcpy(buf + *len, argv[i], n);
		*len += (uint32_t)n;
	}
	return 0;
}

/* Start the program with an irq that its end triggers, wait for that. */
static int run_program(const char *name, const char *args, uint32_t len, mica_cap_t irq, mica_cap_t proc)
{
	mica_cap_t got = proc;
	int32_t status;
	int err;

	if ((err = factory_create_irq(MICA_BOOT_FACTORY, irq, RUN_IRQ_LABEL)) < 0 ||
	    (err = irq_bind(irq, MICA_BOOT_THREAD)) < 0)
		return err;
	fflush(stdout);   /* what we printed comes before what it prints */
	err = launcher_spawn(rt_cap("launcher"), name, args, len, rt_cap("stdout"), rt_cap("stdin"), irq, 0, &got);
	if (err < 0)
		return err;
	if (got != proc)
		return -MICA_EMSG;
	if ((err = wait_end(proc, &status)) < 0) {
		process_kill(proc);   /* nobody would wait for it */
		return err;
	}
	printf("[%s exited with status %d]\n", name, (int)status);
	return 0;
}

static void cmd_run(int argc, char **argv)
{
	char args[LAUNCHER_SPAWN_ARGS_MAX];
	mica_cap_t irq, proc;
	uint32_t len;
	int err;

	if (argc < 2) {
		printf("usage: run NAME ARGS...\n");
		return;
	}
	if ((err = pack_args(argc - 2, argv + 2, args, &len)) < 0) {
		printf("run: arguments longer than %d bytes\n", LAUNCHER_SPAWN_ARGS_MAX);
		return;
	}
	irq = mica_slot_alloc();
	proc = mica_slot_alloc();
	err = irq && proc ? run_program(argv[1], args, len, irq, proc) : -MICA_ENOMEM;
	if (err < 0)
		printf("run: %s: %s\n", argv[1], mica_strerror(err));
	if (irq) {
		kobject_destroy(irq);   /* ours: the launcher's copy goes with it */
		mica_slot_free(irq);
	}
	mica_slot_drop(proc);
}

/* How a child we waited for ended (its wait status st). */
static void report_end(const char *name, pid_t pid, int st)
{
	if (WIFSIGNALED(st))
		printf("[%s (pid %d) killed by signal %d]\n", name, (int)pid, WTERMSIG(st));
	else
		printf("[%s (pid %d) exited with status %d]\n", name, (int)pid, WEXITSTATUS(st));
}

/* A program file through the process server (docs/processes.md), waited for. */
static void cmd_spawn(int argc, char **argv)
{
	extern char **environ;
	pid_t pid;
	int err, st;

	if (argc < 2) {
		printf("usage: spawn PATH ARGS...\n");
		return;
	}
	if ((err = posix_spawnp(&pid, argv[1], 0, 0, argv + 1, environ)) != 0) {
		printf("spawn: %s: %s\n", argv[1], strerror(err));
		return;
	}
	if (waitpid(pid, &st, 0) != pid)
		printf("spawn: %s: waitpid: %s\n", argv[1], strerror(errno));
	else
		report_end(argv[1], pid, st);
}

/* The process server's records. */
static void cmd_ps(int argc, char **argv)
{
	static const char *const states[] = { [MICA_PROC_RUNNING] = "running", [MICA_PROC_ZOMBIE] = "zombie" };
	char name[PROC_LIST_PROGRAM_MAX + 1];
	mica_cap_t proc = mica_slot_alloc();
	uint64_t pid, ppid;
	uint32_t state;
	int32_t status;

	(void)argc;
	(void)argv;
	if (!proc || registry_lookup(rt_cap("registry"), "proc", &proc) != 0) {
		printf("ps: no process server\n");
		mica_slot_free(proc);
		return;
	}
	printf("  PID  PPID  PGID STATE    PROGRAM\n");
	for (uint32_t i = 0; proc_list(proc, i, &pid, &ppid, &state, &status, name) == 0; i++) {
		uint64_t id, pgid, sid;
		if (proc_list_group(proc, i, &id, &pgid, &sid) != 0 || id != pid)
			pgid = 0;   /* the records changed between the two questions */
		printf("%5lu %5lu %5lu %-8s %s\n", (unsigned long)pid, (unsigned long)ppid, (unsigned long)pgid,
		       state < 3 && states[state] ? states[state] : "?", name);
	}
	mica_slot_drop(proc);
}

/* Returns only when the launcher refused. */
static void cmd_halt(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fflush(stdout);
	int err = launcher_halt(rt_cap("launcher"));
	if (err < 0) {
		fail("halt", err);
		return;
	}
	exit(0);
}

static const struct command commands[] = {
	{ "help", "", "list the commands", cmd_help },
	{ "echo", "ARGS...", "print the arguments", cmd_echo },
	{ "mem", "", "memory: this session, the memory server's pool, the kernel's", cmd_mem },
	{ "ls", "", "boot files (rom/) with sizes, and registered names", cmd_ls },
	{ "run", "NAME ARGS...", "run boot file NAME on this console and wait for it", cmd_run },
	{ "spawn", "PATH ARGS...", "start a program file (/bin/NAME, rom/NAME) through the process server, wait", cmd_spawn },
	{ "ps", "", "the process server's processes", cmd_ps },
	{ "halt", "", "stop every program and the machine", cmd_halt },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void cmd_help(int argc, char **argv)
{
	char usage[32];

	(void)argc;
	(void)argv;
	for (unsigned i = 0; i < NCOMMANDS; i++) {
		snprintf(usage, sizeof usage, "%s %s", commands[i].name, commands[i].args);
		printf("  %-18s %s\n", usage, commands[i].help);
	}
}

#define SPLIT_TOO_MANY (-1)
#define SPLIT_OPEN_QUOTE (-2)

/* Split line into words at spaces and tabs, in place, as a shell does with
 * quotes: '...' keeps everything inside as it is, "..." too but for \"
 * and \\, a backslash outside quotes keeps the next character; quoted
 * and unquoted parts next to each other make one word ('' is an empty
 * word).  The number of words, SPLIT_TOO_MANY past ARGS_MAX, or
 * SPLIT_OPEN_QUOTE for a quote that is not closed; argv ends with a null
 * pointer, as a program's does (spawn passes it on). */
static int split(char *line, char **argv)
{
	int argc = 0;
	char *p = line, *w;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p) {
			argv[argc] = 0;
			return argc;
		}
		if (argc == ARGS_MAX)
			return SPLIT_TOO_MANY;
		argv[argc++] = w = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			char q = *p;
			if (q == '\'' || q == '"') {
				for (p++; *p && *p != q; p++) {
					if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
						p++;
					*w++ = *p;
				}
				if (!*p)
					return SPLIT_OPEN_QUOTE;
				p++;
			} else {
				if (q == '\\' && p[1] && p[1] != '\n')
					p++;
				*w++ = *p++;
			}
		}
		if (*p)
			p++;
		*w = 0;   /* w never passes p: the word ends where it was read */
	}
}

static void execute(int argc, char **argv)
{
	for (unsigned i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[0], commands[i].name)) {
			commands[i].run(argc, argv);
			return;
		}
	printf("%s: unknown command (try help)\n", argv[0]);
}

static void banner(void)
{
	const struct mica_kip *kip = (const struct mica_kip *)MICA_KIP_ADDR;
	uint64_t quota, used, pool, pool_free;

	printf("Mica %u.%u", kip->kernel_version >> 16, kip->kernel_version & 0xffff);
	if (memory_stats(rt_cap("mem"), &quota, &used, &pool, &pool_free) == 0)
		printf(" \u2014 %llu MiB free", (unsigned long long)(pool_free * MICA_PAGE_SIZE) >> 20);
	printf("\n");
}

/* The child side of login_shell: a process group of its own, made the
 * console's foreground group (so that the shell's job control finds the
 * terminal its own, and Ctrl-C reaches it), then the shell.  An exec that
 * fails writes its errno to `report`; one that works closes it. */
static void become_shell(const char *path, int report)
{
	char *argv[] = { "-sh", 0 };
	int err;

	setpgid(0, 0);
	tcsetpgrp(STDIN_FILENO, getpid());
	execv(path, argv);
	err = errno;
	(void)!write(report, &err, sizeof err);
	_exit(127);
}

/* The console's foreground group back to ours from the background: with
 * SIGTTOU blocked, as a shell does, or tcsetpgrp would stop us. */
static void take_terminal_back(void)
{
	sigset_t ttou, old;

	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	tcsetpgrp(STDIN_FILENO, getpgrp());
	sigprocmask(SIG_SETMASK, &old, 0);
}

/* The login shell of `--shell PATH`: argv[0] "-sh" makes it read
 * /etc/profile; HOME is the root directory (the one user's, /etc/passwd).
 * It is forked, not spawned, so that it leads the console's foreground
 * group before it runs.  Returns only when the shell could not be started,
 * the console's foreground group back to ours. */
static void login_shell(const char *path)
{
	int report[2], err = 0, st;
	ssize_t n;
	pid_t pid;

	setenv("HOME", "/", 0);
	if (pipe(report) != 0 || fcntl(report[1], F_SETFD, FD_CLOEXEC) != 0) {
		printf("%s: pipe: %s: the monitor's prompt instead\n", path, strerror(errno));
		return;
	}
	fflush(stdout);
	if ((pid = fork()) == 0)
		become_shell(path, report[1]);
	close(report[1]);
	if (pid < 0) {
		close(report[0]);
		printf("%s: fork: %s: the monitor's prompt instead\n", path, strerror(errno));
		return;
	}
	setpgid(pid, pid);   /* both sides: whichever runs first */
	while ((n = read(report[0], &err, sizeof err)) < 0 && errno == EINTR)
		;
	close(report[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (n == sizeof err) {
		take_terminal_back();
		printf("%s: %s: the monitor's prompt instead\n", path, strerror(err));
		return;
	}
	report_end(path, pid, st);
	cmd_halt(0, 0);
}

int main(int argc0, char **argv0)
{
	char line[INPUT_MAX], *argv[ARGS_MAX + 1];
	int argc;

	banner();
	if (argc0 == 3 && strcmp(argv0[1], "--shell") == 0)
		login_shell(argv0[2]);
	else if (argc0 > 1)
		printf("usage: monitor [--shell PATH]\n");
	for (;;) {
		printf("mica> ");
		fflush(stdout);
		if (!fgets(line, sizeof line, stdin)) {
			if (feof(stdin))
				break;
			/* A failed read is not the end of input: say so, go on. */
			printf("stdin: %s\n", strerror(errno));
			clearerr(stdin);
			continue;
		}
		if ((argc = split(line, argv)) == SPLIT_TOO_MANY)
			printf("more than %d words\n", ARGS_MAX);
		else if (argc == SPLIT_OPEN_QUOTE)
			printf("a quote is not closed\n");
		else if (argc > 0)
			execute(argc, argv);
	}
	printf("\n");   /* the end of input came where the next command would have */
	cmd_halt(0, 0);
	return 1;
}
