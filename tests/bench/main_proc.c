/*
 * main_proc.c - mica-bench-proc, the process server's figure: a C-library
 * program root starts after the block, file and process servers
 * (tests/bench/proc.cfg), on a copy of build/tests/qemu/proc.img.
 *
 *   spawn_wait_disk  posix_spawn of the static newlib `true` from the ext2
 *                    disk (/bin/true, cached by the file server after the
 *                    warm-up) and waitpid for it, which must say it exited
 *                    0: the process server's open, read of the file into a
 *                    dataspace, root's copy of it and the start of the
 *                    program as spawn_wait's, `true`'s run, its end, the
 *                    end irq, the zombie and the reaping.
 *   fork_wait        fork, the child _exit(0)s, waitpid: Proc.fork and
 *                    root's Parent.fork (the child's objects, its initial
 *                    regions forked copy-on-write, its region mapper), the
 *                    parent's heap forked and its capabilities copied, the
 *                    child's start, its copies of the pages both write, its
 *                    end and the reaping (docs/processes.md, "fork").
 *   fork_exec_wait   fork, the child execs /bin/true from the disk, waitpid:
 *                    fork_wait's path, then Proc.exec (spawn_wait_disk's
 *                    load and start) in place of the child's exit.
 *   sh_pipeline      system("echo x | cat | wc -c >/dev/null"), which must
 *                    say the shell exited 0: posix_spawn of dash
 *                    (/bin/sh on the disk) with -c, and waitpid; dash
 *                    makes two pipes and forks once per command, echo is
 *                    its builtin (run in its fork), cat and wc are
 *                    toybox's, exec'd through their links to /bin/toybox.
 *                    The Linux baseline's figure of the same name is the
 *                    same call with busybox's sh, cat and wc.
 *   signal_rtt       kill(getpid(), SIGUSR1) with a handler that returns:
 *                    the C library's raise, the handler with its mask set
 *                    and restored (no request: a program's own signal is
 *                    delivered in it, docs/libc.md "Signals").  Its
 *                    handler starts the signal thread, which the forks
 *                    before it would otherwise copy.
 *   fault_signal_rtt a load from NULL with a SIGSEGV handler that steps
 *                    over it (uc_mcontext's ip) and returns: the page
 *                    fault, the region mapper's refusal, the exception it
 *                    turns into a signal, the handler on the faulting
 *                    thread and the way back (docs/processes.md "Signals
 *                    from faults").
 *   sqlite_speedtest_mem   one whole run of SQLite's speedtest1 (ports/sqlite3)
 *                    with --size 5 --memdb (bench_measure_whole: one untimed
 *                    run, the median of 3): posix_spawn with its report
 *                    sent to /dev/null and no environment, waitpid, exit 0.
 *   sqlite_speedtest_disk  the same with the database a file on the disk
 *                    (/speed.db, rollback journal): before each run,
 *                    untimed, the database and its journal are removed
 *                    and sync() writes back what that dirtied.  It waits
 *                    for the disk: the spinner runs (spinner.h) and its
 *                    rounds are taken off, as the Linux baseline does.
 *
 * Same output and "short" argument as mica-bench-rt.
 */
#define _GNU_SOURCE   /* REG_RIP */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "bench.h"
#include "spinner.h"

extern char **environ;

static uint64_t spawn_wait_disk_batch(unsigned n)
{
	static char *argv[] = { "/bin/true", 0 };
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++) {
		pid_t pid;
		int st, err = posix_spawn(&pid, "/bin/true", 0, 0, argv, environ);
		if (err) {
			bench_fail("posix_spawn /bin/true: errno %d", err);
			return 1;
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			bench_fail("/bin/true did not exit 0 (status %#x)", st);
			return 1;
		}
	}
	return bench_now() - t0;
}

static uint64_t spawn_wait_disk(void)
{
	return bench_measure(spawn_wait_disk_batch, 20);
}

/* n forks whose child runs `child` (which does not return); each must exit 0. */
static uint64_t fork_batch(unsigned n, void (*child)(void))
{
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++) {
		int st;
		pid_t pid = fork();
		if (pid == 0)
			child();
		if (pid < 0) {
			bench_fail("fork: errno %d", errno);
			return 1;
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			bench_fail("the child did not exit 0 (status %#x)", st);
			return 1;
		}
	}
	return bench_now() - t0;
}

static void child_exit(void)
{
	_exit(0);
}

static void child_exec_true(void)
{
	execl("/bin/true", "true", (char *)0);
	_exit(1);
}

static uint64_t fork_wait_batch(unsigned n)
{
	return fork_batch(n, child_exit);
}

static uint64_t fork_exec_wait_batch(unsigned n)
{
	return fork_batch(n, child_exec_true);
}

static uint64_t fork_wait(void)
{
	return bench_measure(fork_wait_batch, 20);
}

static uint64_t fork_exec_wait(void)
{
	return bench_measure(fork_exec_wait_batch, 20);
}

static uint64_t sh_pipeline_batch(unsigned n)
{
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++) {
		int st = system("echo x | cat | wc -c >/dev/null");
		if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			bench_fail("system: the shell did not exit 0 (status %#x, errno %d)", st, errno);
			return 1;
		}
	}
	return bench_now() - t0;
}

static uint64_t sh_pipeline(void)
{
	return bench_measure(sh_pipeline_batch, 2);
}

static volatile unsigned long handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static uint64_t signal_rtt_batch(unsigned n)
{
	unsigned long before = handled;
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++)
		kill(getpid(), SIGUSR1);
	uint64_t t = bench_now() - t0;
	if (handled - before != n) {
		bench_fail("signal_rtt: %lu of %u handlers ran", handled - before, n);
		return 1;
	}
	return t;
}

static uint64_t signal_rtt(void)
{
	signal(SIGUSR1, on_usr1);
	return bench_measure(signal_rtt_batch, 1000);
}

static volatile unsigned long faults;
static long *volatile null_pointer;

/* Steps over the 3-byte load of fault_once. */
static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_RIP] += 3;
	faults++;
}

static void fault_once(void)
{
	long *p = null_pointer;

	__asm__ volatile("mov (%0), %0\n" : "+a"(p)::"memory");   /* 48 8b 00: 3 bytes */
}

static uint64_t fault_signal_rtt_batch(unsigned n)
{
	unsigned long before = faults;
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++)
		fault_once();
	uint64_t t = bench_now() - t0;
	if (faults - before != n) {
		bench_fail("fault_signal_rtt: %lu of %u handlers ran", faults - before, n);
		return 1;
	}
	return t;
}

static uint64_t fault_signal_rtt(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, 0);
	return bench_measure(fault_signal_rtt_batch, 1000);
}

#define SPEEDTEST "/bin/speedtest1"
#define SPEED_DB "/speed.db"

/* One run of speedtest1 with argv, its report to /dev/null; the spinner's
 * rounds meanwhile (none unless it was started) taken off. */
static uint64_t speedtest_run(char **argv)
{
	static char *no_env[] = { 0 };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, err;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	uint64_t s0 = spinner_rounds(), t0 = bench_now();
	err = posix_spawn(&pid, SPEEDTEST, &fa, 0, argv, no_env);
	if (!err && (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0))
		err = -1;
	uint64_t t = bench_now() - t0, spun = SPINNER_ROUND * (spinner_rounds() - s0);
	t = t > spun ? t - spun : 1;
	posix_spawn_file_actions_destroy(&fa);
	if (err > 0)
		bench_fail("posix_spawn " SPEEDTEST ": errno %d", err);
	else if (err)
		bench_fail(SPEEDTEST " did not exit 0 (status %#x)", st);
	return t;
}

static uint64_t speedtest_mem_batch(unsigned n)
{
	static char *argv[] = { "speedtest1", "--size", "5", "--memdb", 0 };
	uint64_t t = 0;

	for (unsigned i = 0; i < n; i++)
		t += speedtest_run(argv);
	return t;
}

static uint64_t speedtest_disk_batch(unsigned n)
{
	static char *argv[] = { "speedtest1", "--size", "5", SPEED_DB, 0 };
	uint64_t t = 0;

	for (unsigned i = 0; i < n; i++) {
		unlink(SPEED_DB);
		unlink(SPEED_DB "-journal");
		sync();
		t += speedtest_run(argv);
	}
	return t;
}

static uint64_t sqlite_speedtest_mem(void)
{
	return bench_measure_whole(speedtest_mem_batch);
}

static uint64_t sqlite_speedtest_disk(void)
{
	if (spinner_start()) {
		bench_fail("no spinner thread");
		return 0;
	}
	return bench_measure_whole(speedtest_disk_batch);
}

static const struct bench_figure figures[] = {
	{ "spawn_wait_disk", spawn_wait_disk },
	{ "fork_wait", fork_wait },
	{ "fork_exec_wait", fork_exec_wait },
	{ "sh_pipeline", sh_pipeline },
	{ "signal_rtt", signal_rtt },
	{ "fault_signal_rtt", fault_signal_rtt },
	{ "sqlite_speedtest_mem", sqlite_speedtest_mem },
	{ "sqlite_speedtest_disk", sqlite_speedtest_disk },
};

int main(int argc, char **argv)
{
	if (bench_args("mica-bench-proc", argc, argv) < 0)
		return 2;
	return BENCH_RUN_TABLE("mica-bench-proc", figures);
}
