/*
 * sig_test.c - signals between programs (docs/processes.md "Signals
 * between programs", docs/libc.md "Signals"): a handler in a forked
 * child runs on the child's main thread with SA_SIGINFO's fields and its
 * mask, and the child's blocked read returns EINTR (or reads on with
 * SA_RESTART); a child computing in registers is diverted and goes on
 * with every register as it was; default termination (WIFSIGNALED,
 * WTERMSIG), also of a signal raised in the program and of abort;
 * ignoring; the alternate signal stack and the System V calls (sighold,
 * sigset...); a blocked signal pending until unblocked, with a handler
 * and by default; SIGKILL uncatchable; stop (SIGSTOP, SIGTSTP by default,
 * a raised SIGSTOP) and continue, reported by waitpid with WUNTRACED and
 * WCONTINUED; process groups (setpgid, getpgid,
 * kill of a group reaching two children and not a third, waitpid of a
 * group) and sessions; SIGCHLD with its si_code and si_status, and its
 * SA_NOCLDWAIT, SA_NOCLDSTOP and SIG_IGN (no zombies); SIGPIPE,
 * default and ignored; kill's errors; a target that ends while signals
 * are on their way.  sig.scenario boots it with the pipe and process
 * servers; it joins the process server as a program boot.cfg started.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <idl/kernel/thread.h>

#include "child.h"
#include "qtest.h"

/* Let the other threads run (the signal thread, the other process). */
static int yield(void)
{
	thread_yield(MICA_BOOT_THREAD);
	return 0;
}

/* A child's exit status for its first failed check: 10 + the check. */
#define CHILD_CHECK(n, cond)                                                                                      \
	do {                                                                                                      \
		if (!(cond))                                                                                      \
			_exit(10 + (n));                                                                          \
	} while (0)

static int sync_pipe[2], go_pipe[2];

static void pipes(void)
{
	if (pipe(sync_pipe) || pipe(go_pipe))
		expect("pipes", errno, 0);
}

static void close_pipes(void)
{
	close(sync_pipe[0]), close(sync_pipe[1]), close(go_pipe[0]), close(go_pipe[1]);
}

/* The child says it is ready; the parent waits for that. */
static void child_ready(void)
{
	char c = 'r';
	(void)!write(sync_pipe[1], &c, 1);
}

static int parent_wait_ready(void)
{
	char c;
	return read(sync_pipe[0], &c, 1) == 1;
}

static void parent_go(void)
{
	char c = 'g';
	(void)!write(go_pipe[1], &c, 1);
}

static int term_sig(int st)
{
	return st >= 0 && WIFSIGNALED(st) ? WTERMSIG(st) : -1;
}

/* ---- a handler in the child ------------------------------------------- */

static volatile int got_sig, got_code, got_count;
static volatile pid_t got_pid;
static volatile sigset_t mask_in_handler;

static void info_handler(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	sigset_t now;
	sigprocmask(SIG_BLOCK, 0, &now);
	mask_in_handler = now;
	got_sig = si->si_signo == sig ? sig : -1;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_count++;
}

static void catch_usr1(int flags)
{
	struct sigaction sa = { .sa_sigaction = info_handler, .sa_flags = SA_SIGINFO | flags };
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, 0);
}

static void handler_in_child(void)
{
	pipes();
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		catch_usr1(0);
		child_ready();
		ssize_t n = read(go_pipe[0], &c, 1);   /* blocks until the signal */
		CHILD_CHECK(1, n == -1 && errno == EINTR);
		CHILD_CHECK(2, got_count == 1 && got_sig == SIGUSR1);
		CHILD_CHECK(3, got_code == SI_USER);
		CHILD_CHECK(4, got_pid == getppid());
		CHILD_CHECK(5, sigismember((sigset_t *)&mask_in_handler, SIGUSR1) &&
				       sigismember((sigset_t *)&mask_in_handler, SIGUSR2));
		sigset_t now;
		sigprocmask(SIG_BLOCK, 0, &now);
		CHILD_CHECK(6, !sigismember(&now, SIGUSR1));   /* the mask is back */
		_exit(0);
	}
	expect("the child with a handler is ready", parent_wait_ready(), 1);
	expect("kill(child, SIGUSR1)", kill(pid, SIGUSR1), 0);
	int st = child_status(pid);
	expect("its handler ran with SA_SIGINFO's fields and its mask, its read said EINTR (exit 0)", child_exit_code(st),
	       0);
	close_pipes();
}

/* Says the handler ran (write is async-signal-safe). */
static void tell_handled(int sig)
{
	(void)sig;
	got_count++;
	child_ready();
}

static void restart_reads_on(void)
{
	pipes();
	pid_t pid = fork();
	if (pid == 0) {
		char c = 0;
		struct sigaction sa = { .sa_handler = tell_handled, .sa_flags = SA_RESTART };
		sigemptyset(&sa.sa_mask);
		sigaction(SIGUSR1, &sa, 0);
		child_ready();
		ssize_t n = read(go_pipe[0], &c, 1);   /* the handler runs, the read goes on */
		CHILD_CHECK(1, n == 1 && c == 'g');
		CHILD_CHECK(2, got_count == 1);
		_exit(0);
	}
	expect("the child with an SA_RESTART handler is ready", parent_wait_ready(), 1);
	expect("kill(child, SIGUSR1)", kill(pid, SIGUSR1), 0);
	expect("its handler ran", parent_wait_ready(), 1);
	parent_go();
	expect("SA_RESTART: its read went on and got the byte after the handler", child_exit_code(child_status(pid)), 0);
	close_pipes();
}

static volatile int stop_loop;

static void set_stop(int sig)
{
	(void)sig;
	stop_loop = 1;
}

/* Registers and SSE state across a diversion that lands anywhere in a loop. */
static void computing_child_keeps_its_registers(void)
{
	pipes();
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGUSR1, set_stop);
		child_ready();
		unsigned long i = 0, a = 0, b = 7;
		double x = 0;
		while (!stop_loop) {
			i++;
			a += 3;
			b += 5;
			x += 0.5;
		}
		CHILD_CHECK(1, a == 3 * i && b == 7 + 5 * i && x == 0.5 * (double)i);
		_exit(0);
	}
	expect("the computing child is ready", parent_wait_ready(), 1);
	for (int i = 0; i < 100; i++)
		yield();
	expect("kill(child, SIGUSR1)", kill(pid, SIGUSR1), 0);
	expect("its loop ended by the handler with every register right", child_exit_code(child_status(pid)), 0);
	close_pipes();
}

/* ---- default actions, ignoring, blocking -------------------------------- */

static void default_terminates(void)
{
	pipes();
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		child_ready();
		(void)!read(go_pipe[0], &c, 1);
		_exit(1);
	}
	expect("the child is ready", parent_wait_ready(), 1);
	expect("kill(child, SIGTERM)", kill(pid, SIGTERM), 0);
	int st = child_status(pid);
	expect("WIFSIGNALED", st >= 0 && WIFSIGNALED(st), 1);
	expect("WTERMSIG is SIGTERM", term_sig(st), SIGTERM);
	close_pipes();

	pid = fork();
	if (pid == 0) {
		raise(SIGUSR2);   /* no handler: the server ends it */
		_exit(1);
	}
	expect("a child that raises SIGUSR2 with no handler: WTERMSIG", term_sig(child_status(pid)), SIGUSR2);
	pid = fork();
	if (pid == 0)
		abort();
	expect("a child that aborts: WTERMSIG is SIGABRT", term_sig(child_status(pid)), SIGABRT);
}

static char alt_mem[SIGSTKSZ] __attribute__((aligned(16)));
static volatile uintptr_t handler_sp;
static volatile int handler_flags, usr2_seen;

static void note_stack(int sig)
{
	stack_t ss;
	char here;

	(void)sig;
	handler_sp = (uintptr_t)&here;
	sigaltstack(0, &ss);
	handler_flags = ss.ss_flags;
}

static void count_usr2(int sig)
{
	(void)sig;
	usr2_seen++;
}

static int on_alt_mem(uintptr_t sp)
{
	return sp > (uintptr_t)alt_mem && sp < (uintptr_t)alt_mem + sizeof alt_mem;
}

/* In a child, whose handlers stay its own: a handler with SA_ONSTACK runs
 * on the alternate stack and sees SS_ONSTACK, one without on its own; the
 * System V calls hold, release, set and ignore. */
static void altstack_and_xsi_calls(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		stack_t ss = { .ss_sp = alt_mem, .ss_size = sizeof alt_mem }, old;
		struct sigaction a = { .sa_handler = note_stack, .sa_flags = SA_ONSTACK };
		sigemptyset(&a.sa_mask);
		CHILD_CHECK(1, sigaltstack(0, &old) == 0 && (old.ss_flags & SS_DISABLE));
		CHILD_CHECK(2, sigaltstack(&(stack_t){ .ss_sp = alt_mem, .ss_size = MINSIGSTKSZ - 1 }, 0) == -1 &&
				       errno == ENOMEM);
		CHILD_CHECK(3, sigaltstack(&(stack_t){ .ss_sp = alt_mem, .ss_size = sizeof alt_mem, .ss_flags = 8 }, 0) ==
					       -1 &&
				       errno == EINVAL);
		CHILD_CHECK(4, sigaltstack(&ss, 0) == 0 && sigaction(SIGUSR1, &a, 0) == 0 && raise(SIGUSR1) == 0);
		CHILD_CHECK(5, on_alt_mem(handler_sp) && handler_flags == SS_ONSTACK);
		a.sa_flags = 0;
		CHILD_CHECK(6, sigaction(SIGUSR1, &a, 0) == 0 && raise(SIGUSR1) == 0);
		CHILD_CHECK(7, !on_alt_mem(handler_sp) && handler_flags == 0);
		CHILD_CHECK(8, sigaltstack(&(stack_t){ .ss_flags = SS_DISABLE }, &old) == 0 && old.ss_sp == alt_mem &&
				       old.ss_size == sizeof alt_mem);
		a.sa_flags = SA_ONSTACK;
		CHILD_CHECK(9, sigaction(SIGUSR1, &a, 0) == 0 && raise(SIGUSR1) == 0 && !on_alt_mem(handler_sp));
		signal(SIGUSR2, count_usr2);
		CHILD_CHECK(10, sighold(SIGUSR2) == 0 && raise(SIGUSR2) == 0 && usr2_seen == 0);
		CHILD_CHECK(11, sigrelse(SIGUSR2) == 0 && usr2_seen == 1);
		CHILD_CHECK(12, sigset(SIGUSR2, SIG_HOLD) == count_usr2 && sigset(SIGUSR2, count_usr2) == SIG_HOLD);
		CHILD_CHECK(13, sigignore(SIGUSR2) == 0 && raise(SIGUSR2) == 0 && usr2_seen == 1);
		CHILD_CHECK(14, sighold(999) == -1 && errno == EINVAL && sigset(SIGKILL, SIG_HOLD) == SIG_ERR);
		_exit(0);
	}
	expect("sigaltstack and SA_ONSTACK, sighold, sigrelse, sigset, sigignore (a child: 0, else 10 + its check)",
	       child_exit_code(child_status(pid)), 0);
}

/* SIGUSR1 to pid until the child says it moved on (its handler may run
 * before it starts to wait, and then the wait would not end). */
static int signal_until_ready(pid_t pid)
{
	struct pollfd p = { sync_pipe[0], POLLIN, 0 };

	do
		if (kill(pid, SIGUSR1))
			return 0;
	while (poll(&p, 1, 50) == 0);
	return parent_wait_ready();
}

/* A handler that runs ends a sleep, select and poll with EINTR (they are
 * not restarted), nanosleep saying the time left. */
static void waits_end_by_a_handler(void)
{
	pipes();
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec ts = { 30, 0 }, rem = { 0, 0 };
		struct timeval tv = { 30, 0 };
		signal(SIGUSR1, count_usr2);
		child_ready();
		CHILD_CHECK(1, nanosleep(&ts, &rem) == -1 && errno == EINTR && rem.tv_sec > 0 && rem.tv_sec <= 30);
		child_ready();
		CHILD_CHECK(2, select(0, 0, 0, 0, &tv) == -1 && errno == EINTR);
		child_ready();
		CHILD_CHECK(3, poll(0, 0, 30000) == -1 && errno == EINTR && usr2_seen >= 3);
		child_ready();
		_exit(0);
	}
	expect("the child is ready", parent_wait_ready(), 1);
	for (int i = 0; i < 3; i++)
		expect("SIGUSR1 until it moves on", signal_until_ready(pid), 1);
	expect("nanosleep, select and poll end with EINTR (a child: 0, else 10 + its check)", child_exit_code(child_status(pid)),
	       0);
	close_pipes();
}

static void ignored_is_dropped(void)
{
	pipes();
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		signal(SIGUSR1, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		child_ready();
		ssize_t n = read(go_pipe[0], &c, 1);
		_exit(n == 1 ? 5 : 6);
	}
	expect("the ignoring child is ready", parent_wait_ready(), 1);
	expect("kill(child, SIGUSR1)", kill(pid, SIGUSR1), 0);
	expect("kill(child, SIGTERM)", kill(pid, SIGTERM), 0);
	parent_go();
	expect("it read on undisturbed and exited 5", child_exit_code(child_status(pid)), 5);
	close_pipes();
}

static void blocked_waits_until_unblocked(void)
{
	pipes();
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		sigset_t set, p;
		catch_usr1(0);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_BLOCK, &set, 0);
		child_ready();
		CHILD_CHECK(1, read(go_pipe[0], &c, 1) == 1);   /* not interrupted: blocked */
		CHILD_CHECK(2, got_count == 0);
		int spins = 0;
		do
			sigpending(&p);
		while (!(sigismember(&p, SIGUSR1) && sigismember(&p, SIGTERM)) && ++spins < 100000 && !yield());
		CHILD_CHECK(3, sigismember(&p, SIGUSR1) && sigismember(&p, SIGTERM));
		sigdelset(&set, SIGTERM);
		sigprocmask(SIG_UNBLOCK, &set, 0);   /* SIGUSR1: the handler now */
		CHILD_CHECK(4, got_count == 1 && got_sig == SIGUSR1);
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_UNBLOCK, &set, 0);   /* SIGTERM: the end */
		_exit(7);
	}
	expect("the blocking child is ready", parent_wait_ready(), 1);
	expect("kill(child, SIGUSR1)", kill(pid, SIGUSR1), 0);
	expect("kill(child, SIGTERM)", kill(pid, SIGTERM), 0);
	parent_go();
	expect("pending until unblocked: the handler ran, then SIGTERM ended it", term_sig(child_status(pid)), SIGTERM);
	close_pipes();
}

static void sigkill_cannot_be_caught(void)
{
	struct sigaction sa = { .sa_handler = SIG_IGN };
	expect("sigaction(SIGKILL, SIG_IGN): EINVAL", sigaction(SIGKILL, &sa, 0) == -1 && errno == EINVAL, 1);
	pipes();
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		sigset_t all;
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, 0);
		catch_usr1(0);
		child_ready();
		(void)!read(go_pipe[0], &c, 1);
		_exit(1);
	}
	expect("the child blocking everything is ready", parent_wait_ready(), 1);
	expect("kill(child, SIGKILL)", kill(pid, SIGKILL), 0);
	expect("it ended by SIGKILL", term_sig(child_status(pid)), SIGKILL);
	close_pipes();
}

/* ---- groups and sessions ------------------------------------------------ */

static pid_t sleeper(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		(void)!read(go_pipe[0], &c, 1);
		_exit(3);
	}
	return pid;
}

static void groups(void)
{
	pipes();
	pid_t me = getpid();
	expect("getpgrp: we lead our group (boot.cfg started us)", getpgrp(), me);
	expect("getsid: and our session", getsid(0), me);
	pid_t a = sleeper(), b = sleeper(), c = sleeper();
	expect("children start in our group", getpgid(c), me);
	expect("setpgid(a, a): a group of its own", setpgid(a, a), 0);
	expect("setpgid(b, a): b joins it", setpgid(b, a), 0);
	expect("getpgid(b)", getpgid(b), a);
	expect("setpgid into a group that does not exist: EPERM", setpgid(c, 99999) == -1 && errno == EPERM, 1);
	expect("setpgid of no child of ours: ESRCH", setpgid(99999, 0) == -1 && errno == ESRCH, 1);
	expect("setpgid with pgid < 0: EINVAL", setpgid(c, -2) == -1 && errno == EINVAL, 1);
	expect("setsid as a group leader: EPERM", setsid() == -1 && errno == EPERM, 1);
	expect("waitpid(-a, WNOHANG): none has ended", waitpid(-a, 0, WNOHANG), 0);
	expect("killpg(a, SIGTERM)", killpg(a, SIGTERM), 0);
	int st1, st2;
	pid_t g1 = waitpid(-a, &st1, 0), g2 = waitpid(-a, &st2, 0);
	expect("waitpid(-a) reaps both of the group", (g1 == a && g2 == b) || (g1 == b && g2 == a), 1);
	expect("both ended by SIGTERM", term_sig(st1) == SIGTERM && term_sig(st2) == SIGTERM, 1);
	expect("waitpid(-a) then: ECHILD", waitpid(-a, 0, WNOHANG) == -1 && errno == ECHILD, 1);
	expect("the third, in our group, lives", waitpid(c, 0, WNOHANG), 0);
	expect("kill of a group nobody has: ESRCH", kill(-99999, SIGTERM) == -1 && errno == ESRCH, 1);
	parent_go();
	expect("it exits by itself", child_exit_code(child_status(c)), 3);

	pid_t s = fork();
	if (s == 0) {
		pid_t sid = setsid();
		CHILD_CHECK(1, sid == getpid() && getsid(0) == getpid() && getpgrp() == getpid());
		CHILD_CHECK(2, setsid() == -1 && errno == EPERM);
		_exit(0);
	}
	expect("setsid in a child: it leads a session and a group", child_exit_code(child_status(s)), 0);
	close_pipes();
}

/* ---- SIGCHLD, SIGPIPE ----------------------------------------------------- */

static volatile int chld_count, chld_code, chld_status;
static volatile pid_t chld_pid;

static void on_chld(int sig, siginfo_t *si, void *ctx)
{
	(void)sig, (void)ctx;
	chld_count++;
	chld_pid = si->si_pid;
	chld_code = si->si_code;
	chld_status = si->si_status;
}

static void sigchld(void)
{
	struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_RESTART }, dfl = { 0 };
	sigset_t none, chld;
	sigemptyset(&none);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigemptyset(&sa.sa_mask);
	expect("catch SIGCHLD", sigaction(SIGCHLD, &sa, 0), 0);
	sigprocmask(SIG_BLOCK, &chld, 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	while (chld_count == 0)
		sigsuspend(&none);
	sigprocmask(SIG_UNBLOCK, &chld, 0);
	expect("SIGCHLD came once", chld_count, 1);
	expect("si_pid is the child", chld_pid, pid);
	expect("si_code CLD_EXITED", chld_code, CLD_EXITED);
	expect("si_status its exit status", chld_status, 7);
	expect("reaped", child_exit_code(child_status(pid)), 7);
	sigaction(SIGCHLD, &dfl, 0);
}

/* SA_NOCLDWAIT, and SIGCHLD ignored: children leave no zombie, so a wait
 * that finds them all gone says ECHILD; SA_NOCLDSTOP: no SIGCHLD for a
 * stop or a continue, while waitpid still reports them. */
static void sigchld_flags(void)
{
	struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_NOCLDWAIT }, dfl = { 0 };
	struct timespec brief = { 0, 100 * 1000 * 1000 };
	sigset_t chld, none;
	int st;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&none);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	chld_count = 0;
	expect("SA_NOCLDWAIT with a handler", sigaction(SIGCHLD, &sa, 0), 0);
	sigprocmask(SIG_BLOCK, &chld, 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(3);
	expect("wait waits for the child, which leaves no zombie: ECHILD", wait(&st) == -1 && errno == ECHILD, 1);
	while (chld_count == 0)
		sigsuspend(&none);
	sigprocmask(SIG_UNBLOCK, &chld, 0);
	expect("... and SIGCHLD still came", chld_count == 1 && chld_pid == pid && chld_code == CLD_EXITED, 1);
	expect("the child is no more", waitpid(pid, &st, WNOHANG) == -1 && errno == ECHILD, 1);

	expect("SIGCHLD ignored", signal(SIGCHLD, SIG_IGN) != SIG_ERR, 1);
	pid = fork();
	if (pid == 0)
		_exit(4);
	pid_t second = fork();
	if (second == 0)
		_exit(5);
	expect("two children, no zombies: wait says ECHILD", wait(&st) == -1 && errno == ECHILD, 1);
	expect("neither is left", waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, 1);
	sigaction(SIGCHLD, &dfl, 0);

	sigprocmask(SIG_BLOCK, &chld, 0);
	sa.sa_flags = SA_SIGINFO | SA_NOCLDSTOP;
	expect("SA_NOCLDSTOP", sigaction(SIGCHLD, &sa, 0), 0);
	pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(6);
	}
	expect("the child stops: waitpid(WUNTRACED) says so", waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st), 1);
	expect("... and no SIGCHLD came for it", sigtimedwait(&chld, 0, &brief) == -1 && errno == EAGAIN, 1);
	expect("kill(child, SIGCONT)", kill(pid, SIGCONT), 0);
	expect("it exits 6, a zombie reaped as ever", child_exit_code(child_status(pid)), 6);
	expect("SIGCHLD came for its end alone", sigtimedwait(&chld, 0, &brief), SIGCHLD);
	sigaction(SIGCHLD, &dfl, 0);
	sigprocmask(SIG_UNBLOCK, &chld, 0);
}

static void sigpipe(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int p[2];
		CHILD_CHECK(1, pipe(p) == 0);
		close(p[0]);
		(void)!write(p[1], "x", 1);
		_exit(2);
	}
	expect("a write to a pipe with no reader: SIGPIPE ends the writer", term_sig(child_status(pid)), SIGPIPE);
	pid = fork();
	if (pid == 0) {
		int p[2];
		signal(SIGPIPE, SIG_IGN);
		CHILD_CHECK(1, pipe(p) == 0);
		close(p[0]);
		CHILD_CHECK(2, write(p[1], "x", 1) == -1 && errno == EPIPE);
		_exit(0);
	}
	expect("SIGPIPE ignored: the write says EPIPE", child_exit_code(child_status(pid)), 0);
}

/* ---- stop and continue -------------------------------------------------- */

static void stop_and_continue(void)
{
	/* A handler without SA_RESTART ran in the parent before the fork:
	 * the child's read, broken off by the stop, still reads on. */
	catch_usr1(0);
	raise(SIGUSR1);
	signal(SIGUSR1, SIG_DFL);
	pipes();
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		child_ready();
		CHILD_CHECK(1, read(go_pipe[0], &c, 1) == 1);
		_exit(4);
	}
	int st = 0;
	expect("the child is ready", parent_wait_ready(), 1);
	expect("waitpid(WUNTRACED) of a running child: nothing", waitpid(pid, &st, WNOHANG | WUNTRACED), 0);
	expect("kill(child, SIGSTOP)", kill(pid, SIGSTOP), 0);
	expect("waitpid(WUNTRACED) reports it stopped", waitpid(pid, &st, WUNTRACED), pid);
	expect("WIFSTOPPED, WSTOPSIG is SIGSTOP", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, 1);
	expect("once: then nothing", waitpid(pid, &st, WNOHANG | WUNTRACED), 0);
	parent_go();   /* a stopped child does not read it */
	expect("stopped, it did not end", waitpid(pid, &st, WNOHANG), 0);
	expect("kill(child, SIGCONT)", kill(pid, SIGCONT), 0);
	expect("waitpid(WCONTINUED) reports it continued", waitpid(pid, &st, WCONTINUED), pid);
	expect("WIFCONTINUED", WIFCONTINUED(st), 1);
	expect("it read on and exited 4", child_exit_code(child_status(pid)), 4);
	close_pipes();

	pipes();
	pid = fork();
	if (pid == 0) {
		char c;
		child_ready();
		(void)!read(go_pipe[0], &c, 1);
		_exit(5);
	}
	expect("a second child is ready", parent_wait_ready(), 1);
	expect("kill(child, SIGTSTP): stops it by default", kill(pid, SIGTSTP), 0);
	expect("WSTOPSIG is SIGTSTP", waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP,
	       1);
	expect("SIGKILL ends a stopped child", kill(pid, SIGKILL), 0);
	expect("by SIGKILL", term_sig(child_status(pid)), SIGKILL);
	close_pipes();

	pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);   /* stops itself until continued */
		_exit(6);
	}
	expect("a child that raises SIGSTOP stops", waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st), 1);
	expect("kill(child, SIGCONT)", kill(pid, SIGCONT), 0);
	expect("continued, it exits 6", child_exit_code(child_status(pid)), 6);
}

/* ---- what a killer can get wrong ---------------------------------------- */

static void kill_errors(void)
{
	expect("kill of a pid nobody has: ESRCH", kill(99999, SIGTERM) == -1 && errno == ESRCH, 1);
	expect("kill with signal 99: EINVAL", kill(getppid(), 99) == -1 && errno == EINVAL, 1);
	expect("kill with signal -1: EINVAL", kill(99999, -1) == -1 && errno == EINVAL, 1);
	expect("killpg(-3): EINVAL", killpg(-3, SIGTERM) == -1 && errno == EINVAL, 1);
	expect("kill(self, 0): we live", kill(getpid(), 0), 0);
}

static void target_ends_while_signalled(void)
{
	for (int round = 0; round < 8; round++) {
		pid_t pid = fork();
		if (pid == 0) {
			catch_usr1(0);
			for (int i = 0; i < round * 50; i++)
				yield();
			_exit(0);
		}
		int fails = 0;
		for (int i = 0; i < 200; i++)
			if (kill(pid, SIGUSR1) != 0 && errno != ESRCH)
				fails++;
		expect("signals to a child that ends meanwhile: no error but ESRCH", fails, 0);
		int st = child_status(pid);
		expect("it ended, by itself or by SIGUSR1 before its handler was there",
		       child_exit_code(st) == 0 || term_sig(st) == SIGUSR1, 1);
	}
}

static const struct qtest_case cases[] = {
	{ "handler_in_child", handler_in_child },
	{ "restart_reads_on", restart_reads_on },
	{ "computing_child_keeps_its_registers", computing_child_keeps_its_registers },
	{ "default_terminates", default_terminates },
	{ "ignored_is_dropped", ignored_is_dropped },
	{ "altstack_and_xsi_calls", altstack_and_xsi_calls },
	{ "waits_end_by_a_handler", waits_end_by_a_handler },
	{ "blocked_waits_until_unblocked", blocked_waits_until_unblocked },
	{ "sigkill_cannot_be_caught", sigkill_cannot_be_caught },
	{ "groups", groups },
	{ "sigchld", sigchld },
	{ "sigchld_flags", sigchld_flags },
	{ "sigpipe", sigpipe },
	{ "stop_and_continue", stop_and_continue },
	{ "kill_errors", kill_errors },
	{ "target_ends_while_signalled", target_ends_while_signalled },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
