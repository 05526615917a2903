/*
 * thrsig_test.c - what reaches a thread other than the main one
 * (docs/processes.md "Signals between programs", docs/libc.md "Signals",
 * docs/poll.md "Which thread it wakes"): a signal from another program
 * that the main thread blocks goes to the thread that lets it through,
 * ending its sigsuspend or its blocked read, and so does the program's
 * kill of its own pid; pthread_kill ends a thread's pause and sigpause,
 * its handler on that thread; each thread has its own mask; and poll,
 * read and waitpid in a second thread are woken by another program's
 * write and by a child's end; SIGSTOP stops every thread of a program and
 * SIGCONT lets them all go on.  thrsig.scenario boots it with
 * the pipe and process servers; it joins the process server as a program
 * boot.cfg started and forks its children.
 */
#define _XOPEN_SOURCE 700   /* sigpause: the System V one, as POSIX's XSI has it */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "qtest.h"

#define RETRY_MS 20   /* between signals sent again: no time is checked */

/* A child's exit status for its first failed check: 10 + the check. */
#define CHILD_CHECK(n, cond)                                                                                      \
	do {                                                                                                      \
		if (!(cond))                                                                                      \
			_exit(10 + (n));                                                                          \
	} while (0)

static pthread_t worker;
static volatile int on_worker, on_other;

/* Which thread ran the handler. */
static void note_thread(int sig)
{
	(void)sig;
	if (pthread_equal(pthread_self(), worker))
		on_worker++;
	else
		on_other++;
}

static void catch_usr1(void)
{
	struct sigaction sa = { .sa_handler = note_thread };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, 0);
}

/* SIGUSR1 to pid until its end of `done` (the read end, ours: the child
 * holds the only write end) says it moved on or ended; 0 if kill failed. */
static int signal_until_done(pid_t pid, int done)
{
	struct pollfd p = { done, POLLIN, 0 };

	do
		if (kill(pid, SIGUSR1))
			return 0;
	while (poll(&p, 1, RETRY_MS) == 0);
	return 1;
}

/* A child whose main thread blocks SIGUSR1 and whose worker runs `work`
 * with it blocked too (inherited); it says on `done` when it catches
 * SIGUSR1 (the child's pid is answered then), and writes (or closes, by
 * its end) its end again once the worker moved on.  The parent signals it
 * until then; the child's status says how it went. */
static int child_with_worker(void *(*work)(void *), int done[2])
{
	pid_t pid = fork();
	if (pid == 0) {
		close(done[0]);
		catch_usr1();
		sigset_t usr1 = sigset_of(SIGUSR1), now;
		CHILD_CHECK(1, pthread_sigmask(SIG_BLOCK, &usr1, 0) == 0);
		(void)!write(done[1], "r", 1);   /* caught from now on */
		void *result;
		CHILD_CHECK(2, pthread_create(&worker, 0, work, 0) == 0);
		CHILD_CHECK(3, pthread_join(worker, &result) == 0);
		CHILD_CHECK(4, on_other == 0);   /* the main thread blocks it: never here */
		CHILD_CHECK(5, on_worker >= 1);
		CHILD_CHECK(6, pthread_sigmask(SIG_BLOCK, 0, &now) == 0 && sigismember(&now, SIGUSR1));
		CHILD_CHECK(7, (intptr_t)result == 0);   /* the worker's own checks */
		char c = 'd';
		(void)!write(done[1], &c, 1);
		_exit(0);
	}
	close(done[1]);
	char c;
	return read(done[0], &c, 1) == 1 && c == 'r' ? pid : -1;
}

/* The worker's own mask: SIGUSR1 blocked, inherited; sigsuspend with an
 * empty mask ends by the handler, the mask back afterwards. */
static void *suspend_worker(void *arg)
{
	(void)arg;
	sigset_t mine, none;
	sigemptyset(&none);
	pthread_sigmask(SIG_BLOCK, 0, &mine);
	if (!sigismember(&mine, SIGUSR1))
		return (void *)1;
	if (sigsuspend(&none) != -1 || errno != EINTR || on_worker != 1)
		return (void *)2;
	pthread_sigmask(SIG_BLOCK, 0, &mine);
	return sigismember(&mine, SIGUSR1) ? 0 : (void *)3;
}

static void sigsuspend_in_thread_woken_by_kill(void)
{
	int done[2];
	expect("pipe", pipe(done), 0);
	pid_t pid = child_with_worker(suspend_worker, done);
	expect("the child catches SIGUSR1", pid > 0, 1);
	expect("SIGUSR1 to the child until it moved on", signal_until_done(pid, done[0]), 1);
	expect("the worker's sigsuspend ended by its handler, the main thread (blocking it) untouched (0, else 10 + "
	       "the check)",
	       child_exit_code(child_status(pid)), 0);
	close(done[0]);
}

static int read_end;

/* SIGUSR1 let through in this thread alone: a blocking read ends with
 * EINTR, the handler on this thread. */
static void *read_worker(void *arg)
{
	(void)arg;
	sigset_t usr1 = sigset_of(SIGUSR1);
	char c;
	pthread_sigmask(SIG_UNBLOCK, &usr1, 0);
	ssize_t n = read(read_end, &c, 1);
	return n == -1 && errno == EINTR && on_worker >= 1 ? 0 : (void *)1;
}

static void blocked_in_main_taken_by_thread(void)
{
	int done[2], never[2];
	expect("pipes", pipe(done) == 0 && pipe(never) == 0, 1);
	read_end = never[0];   /* nobody writes it */
	pid_t pid = child_with_worker(read_worker, done);
	expect("the child catches SIGUSR1", pid > 0, 1);
	expect("SIGUSR1 to the child until it moved on", signal_until_done(pid, done[0]), 1);
	expect("the thread that lets SIGUSR1 through took it: its read said EINTR, the main thread's mask kept it "
	       "out (0, else 10 + the check)",
	       child_exit_code(child_status(pid)), 0);
	close(done[0]), close(never[0]), close(never[1]);
}

/* kill of the program's own pid from a thread that blocks the signal: the
 * thread that lets it through takes it. */
static void own_pid_taken_by_thread(void)
{
	sigset_t usr1 = sigset_of(SIGUSR1), was;
	void *result = (void *)-1;
	on_worker = on_other = 0;
	catch_usr1();
	pthread_sigmask(SIG_BLOCK, &usr1, &was);
	expect("pthread_create", pthread_create(&worker, 0, suspend_worker, 0), 0);
	expect("kill(getpid(), SIGUSR1) with SIGUSR1 blocked here", kill(getpid(), SIGUSR1), 0);
	expect("pthread_join", pthread_join(worker, &result), 0);
	expect("the worker's sigsuspend ended by its handler, its mask back", (intptr_t)result, 0);
	expect("never on the main thread", on_other, 0);
	pthread_sigmask(SIG_SETMASK, &was, 0);
	signal(SIGUSR1, SIG_DFL);
}

/* ---- pthread_kill --------------------------------------------------------- */

static int steps[2];
static volatile int paused, sigpaused;

static void step(char c)
{
	(void)!write(steps[1], &c, 1);
}

static void *pause_worker(void *arg)
{
	(void)arg;
	step('r');
	paused = pause() == -1 && errno == EINTR;
	step('p');
	sighold(SIGUSR1);
	sigpaused = sigpause(SIGUSR1) == -1 && errno == EINTR;
	sigset_t now;
	sigprocmask(SIG_BLOCK, 0, &now);
	sigpaused = sigpaused && sigismember(&now, SIGUSR1);   /* sigpause gave the mask back */
	step('s');
	return 0;
}

/* pthread_kill(worker, SIGUSR1) until the worker says it moved on, or the
 * handler ran on another thread (which the worker's wait would never see). */
static char kill_until_step(void)
{
	struct pollfd p = { steps[0], POLLIN, 0 };
	char c = 0;

	while (!on_other && pthread_kill(worker, SIGUSR1) == 0 && poll(&p, 1, RETRY_MS) == 0)
		;
	return !on_other && read(steps[0], &c, 1) == 1 ? c : 0;
}

static void pthread_kill_wakes_pause_and_sigpause(void)
{
	char c = 0;
	on_worker = on_other = 0;
	catch_usr1();
	expect("pipe", pipe(steps), 0);
	expect("pthread_create", pthread_create(&worker, 0, pause_worker, 0), 0);
	expect("the worker runs", read(steps[0], &c, 1) == 1 && c == 'r', 1);
	expect("pthread_kill until its pause ends", kill_until_step(), 'p');
	expect("its pause said EINTR", paused, 1);
	expect("pthread_kill until its sigpause ends", kill_until_step(), 's');
	expect("its sigpause said EINTR, and its mask is back", sigpaused, 1);
	expect("each handler ran on the worker, never on the caller", on_other == 0 && on_worker >= 2, 1);
	if (!on_other)
		expect("pthread_join", pthread_join(worker, 0), 0);   /* else it waits yet: leave it */
	signal(SIGUSR1, SIG_DFL);
	close(steps[0]), close(steps[1]);
}

/* A signal a thread blocks stays pending for it alone, whatever the
 * others' masks; pthread_kill of signal 0 only asks. */
static int go[2], back[2];
static volatile int own_pending_seen;

static void *pending_worker(void *arg)
{
	(void)arg;
	sigset_t usr1 = sigset_of(SIGUSR1), p;
	char c;
	pthread_sigmask(SIG_BLOCK, &usr1, 0);
	(void)!write(back[1], "b", 1);
	(void)!read(go[0], &c, 1);   /* the main thread's pthread_kill came */
	sigpending(&p);
	own_pending_seen = sigismember(&p, SIGUSR1) && on_worker == 0;
	pthread_sigmask(SIG_UNBLOCK, &usr1, 0);   /* delivered here, now */
	return on_worker == 1 ? 0 : (void *)1;
}

static void masks_are_per_thread(void)
{
	char c = 0;
	void *result = (void *)-1;
	sigset_t now, p;
	on_worker = on_other = 0;
	catch_usr1();
	expect("pipes", pipe(go) == 0 && pipe(back) == 0, 1);
	expect("pthread_create", pthread_create(&worker, 0, pending_worker, 0), 0);
	expect("the worker blocked SIGUSR1", read(back[0], &c, 1) == 1 && c == 'b', 1);
	pthread_sigmask(SIG_BLOCK, 0, &now);
	expect("the main thread's mask is its own: SIGUSR1 not blocked here", sigismember(&now, SIGUSR1), 0);
	expect("pthread_kill(worker, 0)", pthread_kill(worker, 0), 0);
	expect("pthread_kill(worker, 99): EINVAL", pthread_kill(worker, 99), EINVAL);
	expect("pthread_kill(worker, SIGUSR1)", pthread_kill(worker, SIGUSR1), 0);
	sigpending(&p);
	expect("pending for the worker, not for the main thread", sigismember(&p, SIGUSR1), 0);
	expect("go", write(go[1], "g", 1), 1);
	expect("pthread_join", pthread_join(worker, &result), 0);
	expect("the worker saw it pending, then took it when it unblocked it", own_pending_seen && result == 0, 1);
	expect("never on the main thread", on_other, 0);
	signal(SIGUSR1, SIG_DFL);
	close(go[0]), close(go[1]), close(back[0]), close(back[1]);
}

/* ---- the wait irq in a second thread ------------------------------------- */

static int from_child[2], go_child[2], told[2];
static pid_t waited_child;
static volatile int poll_said, read_said, wait_status;
static volatile pid_t wait_said;

static void *waiting_worker(void *arg)
{
	(void)arg;
	struct pollfd p = { from_child[0], POLLIN, 0 };
	char c = 0;
	poll_said = poll(&p, 1, -1) == 1 && (p.revents & POLLIN);
	read_said = read(from_child[0], &c, 1) == 1 && c == 'x';
	(void)!write(told[1], "t", 1);
	int st = 0;
	wait_said = waitpid(waited_child, &st, 0);
	wait_status = st;
	return 0;
}

static void poll_read_waitpid_in_thread(void)
{
	char c;
	expect("pipes", pipe(from_child) == 0 && pipe(go_child) == 0 && pipe(told) == 0, 1);
	waited_child = fork();
	if (waited_child == 0) {
		CHILD_CHECK(1, read(go_child[0], &c, 1) == 1);
		CHILD_CHECK(2, write(from_child[1], "x", 1) == 1);
		CHILD_CHECK(3, read(go_child[0], &c, 1) == 1);
		_exit(5);
	}
	expect("pthread_create", pthread_create(&worker, 0, waiting_worker, 0), 0);
	expect("go: the child writes", write(go_child[1], "g", 1), 1);
	expect("the worker's poll and read came back", read(told[0], &c, 1) == 1 && c == 't', 1);
	expect("its poll saw POLLIN", poll_said, 1);
	expect("its read got the child's byte", read_said, 1);
	expect("go: the child ends", write(go_child[1], "g", 1), 1);
	expect("pthread_join", pthread_join(worker, 0), 0);
	expect("the worker's waitpid returned the child", wait_said, waited_child);
	expect("with its status, exit 5", WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 5, 1);
	close(from_child[0]), close(from_child[1]), close(go_child[0]), close(go_child[1]);
	close(told[0]), close(told[1]);
}

#define COUNTERS 3
#define QUIET_YIELDS 200   /* the parent's turns between two looks at stopped counters */
#define MOVE_YIELDS 100000 /* at most, for running ones to move: a failure, not a time */

static volatile uint64_t *counters;   /* a shared page: the child's threads count, the parent looks */

static void *count_worker(void *arg)
{
	volatile uint64_t *c = &counters[(uintptr_t)arg];
	for (;;)
		(*c)++;
	return 0;
}

/* The parent's turns, each giving the CPU to any thread that can run. */
static void yield_times(int n)
{
	for (int i = 0; i < n; i++)
		sched_yield();
}

/* Whether every counter moves past `from` within MOVE_YIELDS turns. */
static int counters_move(const uint64_t *from)
{
	for (int i = 0; i < MOVE_YIELDS; i++) {
		int moved = 0;
		for (int k = 0; k < COUNTERS; k++)
			moved += counters[k] != from[k];
		if (moved == COUNTERS)
			return 1;
		sched_yield();
	}
	return 0;
}

static void counters_now(uint64_t *to)
{
	for (int k = 0; k < COUNTERS; k++)
		to[k] = counters[k];
}

/* A child of COUNTERS counting threads, its main thread blocked reading a
 * pipe nobody writes; it says "r" once they run. */
static pid_t counting_child(void)
{
	int ready[2], never[2];
	char c;
	if (pipe(ready) || pipe(never))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t t;
		for (uintptr_t k = 0; k < COUNTERS; k++)
			CHILD_CHECK(1, pthread_create(&t, 0, count_worker, (void *)k) == 0);
		CHILD_CHECK(2, write(ready[1], "r", 1) == 1);
		read(never[0], &c, 1);
		_exit(3);
	}
	if (pid < 0 || read(ready[0], &c, 1) != 1)
		pid = -1;
	close(ready[0]), close(ready[1]), close(never[0]), close(never[1]);
	return pid;
}

/* SIGSTOP stops every thread of a program, not only its main one: the
 * counters of its three threads stand still across the parent's turns;
 * SIGCONT lets them all count again; SIGKILL ends it stopped. */
static void stop_holds_every_thread(void)
{
	uint64_t zero[COUNTERS] = { 0 }, before[COUNTERS], after[COUNTERS];
	int st;

	counters = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	expect("a shared page", counters != MAP_FAILED, 1);
	if (counters == MAP_FAILED)
		return;
	pid_t pid = counting_child();
	expect("a child of three counting threads", pid > 0, 1);
	expect("they count", counters_move(zero), 1);
	expect("SIGSTOP", kill(pid, SIGSTOP), 0);
	expect("waitpid(WUNTRACED) says stopped",
	       waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, 1);
	counters_now(before);
	yield_times(QUIET_YIELDS);
	counters_now(after);
	for (int k = 0; k < COUNTERS; k++)
		expect("a counter stands still while stopped", after[k], before[k]);
	expect("SIGCONT", kill(pid, SIGCONT), 0);
	expect("waitpid(WCONTINUED) says continued", waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st), 1);
	expect("every counter moves again", counters_move(after), 1);
	expect("SIGSTOP again", kill(pid, SIGSTOP), 0);
	expect("stopped", waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st), 1);
	expect("SIGKILL of the stopped program", kill(pid, SIGKILL), 0);
	st = child_status(pid);
	expect("ended by SIGKILL", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, 1);
	munmap((void *)counters, 4096);
}

static const struct qtest_case cases[] = {
	{ "sigsuspend_in_thread_woken_by_kill", sigsuspend_in_thread_woken_by_kill },
	{ "blocked_in_main_taken_by_thread", blocked_in_main_taken_by_thread },
	{ "own_pid_taken_by_thread", own_pid_taken_by_thread },
	{ "pthread_kill_wakes_pause_and_sigpause", pthread_kill_wakes_pause_and_sigpause },
	{ "masks_are_per_thread", masks_are_per_thread },
	{ "poll_read_waitpid_in_thread", poll_read_waitpid_in_thread },
	{ "stop_holds_every_thread", stop_holds_every_thread },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
