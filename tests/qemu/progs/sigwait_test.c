/*
 * sigwait_test.c - sigwait, sigwaitinfo and sigtimedwait (docs/libc.md
 * "Signals"): a blocked pending signal is taken without its handler
 * running, the lowest first, with its siginfo; a wait for a signal
 * another program sends blocks (using next to no CPU time) until it
 * comes; SIGCHLD, ignored by default, is waited for when blocked; a
 * timeout gives EAGAIN, a bad one EINVAL; a handler of an unblocked
 * signal ends sigwaitinfo with EINTR while sigwait waits on; a thread
 * other than the main one waits too; a timer's signal ends the wait; a
 * caught signal of the set that was left unblocked is taken, not
 * handled.  sigwait.scenario boots it with the
 * pipe and process servers.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "qtest.h"

#define MS 1000000L   /* nanoseconds */

static volatile int handled[NSIG];

static void count(int sig)
{
	handled[sig]++;
}

static void catch(int sig)
{
	struct sigaction a = { .sa_handler = count };

	sigemptyset(&a.sa_mask);
	sigaction(sig, &a, 0);
}

static void set_mask(int how, int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(how, &s, 0);
}

static uint64_t ns_of(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void pending_signal_taken_without_its_handler(void)
{
	sigset_t set = sigset_of(SIGUSR1), pend;
	int sig = 0;

	catch(SIGUSR1);
	handled[SIGUSR1] = 0;
	set_mask(SIG_BLOCK, SIGUSR1);
	raise(SIGUSR1);
	expect("sigwait answers 0", sigwait(&set, &sig), 0);
	expect("with SIGUSR1", sig, SIGUSR1);
	expect("its handler did not run", handled[SIGUSR1], 0);
	sigpending(&pend);
	expect("it is no longer pending", sigismember(&pend, SIGUSR1), 0);
	set_mask(SIG_UNBLOCK, SIGUSR1);
	expect("nor runs when unblocked", handled[SIGUSR1], 0);
}

static void lowest_first_with_its_info(void)
{
	sigset_t set;
	siginfo_t info;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, 0);
	raise(SIGUSR2);
	raise(SIGUSR1);
	memset(&info, 0, sizeof info);
	expect("sigwaitinfo takes SIGUSR1 first", sigwaitinfo(&set, &info), SIGUSR1);
	expect("si_signo", info.si_signo, SIGUSR1);
	expect("si_code SI_USER", info.si_code, SI_USER);
	expect("si_pid ours", info.si_pid, getpid());
	expect("then SIGUSR2", sigwaitinfo(&set, &info), SIGUSR2);
	sigprocmask(SIG_UNBLOCK, &set, 0);
}

static void waits_for_another_programs_signal(void)
{
	sigset_t set = sigset_of(SIGUSR1);
	siginfo_t info;
	int go[2];
	char c = 0;

	set_mask(SIG_BLOCK, SIGUSR1);
	if (pipe(go)) {
		expect("pipe", errno, 0);
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		/* After the parent's word, and a while later still: it waits. */
		struct timespec t = { 0, 200 * MS };
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		nanosleep(&t, 0);
		_exit(kill(getppid(), SIGUSR1) ? 3 : 0);
	}
	uint64_t cpu0 = ns_of(CLOCK_THREAD_CPUTIME_ID), t0 = ns_of(CLOCK_MONOTONIC);
	if (write(go[1], &c, 1) != 1)
		expect("write", errno, 0);
	int got = sigwaitinfo(&set, &info);
	uint64_t cpu = ns_of(CLOCK_THREAD_CPUTIME_ID) - cpu0, elapsed = ns_of(CLOCK_MONOTONIC) - t0;
	expect("sigwaitinfo answers SIGUSR1", got, SIGUSR1);
	expect("from the child", info.si_pid, pid);
	expect("the wait used less CPU time than half the time it took (no spinning)", cpu * 2 < elapsed, 1);
	expect("the child ended with 0", child_status(pid), 0);
	close(go[0]);
	close(go[1]);
	set_mask(SIG_UNBLOCK, SIGUSR1);
}

static void blocked_sigchld_is_waited_for(void)
{
	sigset_t set = sigset_of(SIGCHLD);
	siginfo_t info;
	struct timespec limit = { 30, 0 };   /* a bound for a failure, not a measure */

	set_mask(SIG_BLOCK, SIGCHLD);
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	uint64_t t0 = ns_of(CLOCK_MONOTONIC);
	int got = sigtimedwait(&set, &info, &limit);
	expect("sigtimedwait answers SIGCHLD (ignored by default, kept while blocked)", got, SIGCHLD);
	expect("woken by it, before its 30 s timeout", ns_of(CLOCK_MONOTONIC) - t0 < 30000 * MS, 1);
	expect("from the child", info.si_pid, pid);
	expect("si_code CLD_EXITED", info.si_code, CLD_EXITED);
	expect("si_status 7", info.si_status, 7);
	int st = child_status(pid);
	expect("waitpid: exit 7", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 7);
	set_mask(SIG_UNBLOCK, SIGCHLD);
}

static void timeout_gives_eagain(void)
{
	sigset_t set = sigset_of(SIGUSR1);
	struct timespec zero = { 0, 0 }, short_wait = { 0, 30 * MS };

	set_mask(SIG_BLOCK, SIGUSR1);
	errno = 0;
	expect("a zero timeout with nothing pending: -1", sigtimedwait(&set, 0, &zero), -1);
	expect("EAGAIN", errno, EAGAIN);
	uint64_t t0 = ns_of(CLOCK_MONOTONIC);
	errno = 0;
	expect("30 ms with nothing coming: -1", sigtimedwait(&set, 0, &short_wait), -1);
	expect("EAGAIN", errno, EAGAIN);
	expect("not before the 30 ms passed", ns_of(CLOCK_MONOTONIC) - t0 >= 30 * MS, 1);
	set_mask(SIG_UNBLOCK, SIGUSR1);
}

static void bad_timeout_is_einval_only_when_it_would_wait(void)
{
	sigset_t set = sigset_of(SIGUSR1);
	struct timespec bad = { 0, 1000000000 }, negative = { -1, 0 };

	set_mask(SIG_BLOCK, SIGUSR1);
	errno = 0;
	expect("tv_nsec 1e9: -1", sigtimedwait(&set, 0, &bad), -1);
	expect("EINVAL", errno, EINVAL);
	errno = 0;
	expect("tv_sec -1: -1", sigtimedwait(&set, 0, &negative), -1);
	expect("EINVAL", errno, EINVAL);
	raise(SIGUSR1);
	expect("a pending one is taken whatever the timeout", sigtimedwait(&set, 0, &bad), SIGUSR1);
	set_mask(SIG_UNBLOCK, SIGUSR1);
}

/* A child that sends SIGUSR2 to its parent every 10 ms until killed (so
 * that one comes while the parent waits, whenever it begins). */
static pid_t pester(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec t = { 0, 10 * MS };
		for (;;) {
			kill(getppid(), SIGUSR2);
			nanosleep(&t, 0);
		}
	}
	return pid;
}

static void handler_ends_sigwaitinfo_with_eintr(void)
{
	sigset_t set = sigset_of(SIGUSR1);
	struct timespec limit = { 30, 0 };   /* a bound for a failure, not a measure */

	catch(SIGUSR2);
	handled[SIGUSR2] = 0;
	set_mask(SIG_BLOCK, SIGUSR1);
	pid_t pid = pester();
	errno = 0;
	expect("sigtimedwait for SIGUSR1: -1", sigtimedwait(&set, 0, &limit), -1);
	expect("EINTR", errno, EINTR);
	expect("SIGUSR2's handler ran", handled[SIGUSR2] > 0, 1);
	kill(pid, SIGKILL);
	int st = child_status(pid);
	expect("the child killed", WIFSIGNALED(st) ? WTERMSIG(st) : -1, SIGKILL);
	set_mask(SIG_UNBLOCK, SIGUSR1);
}

static void sigwait_waits_on_through_handlers(void)
{
	sigset_t set = sigset_of(SIGUSR1);
	int sig = 0;

	catch(SIGUSR2);
	handled[SIGUSR2] = 0;
	set_mask(SIG_BLOCK, SIGUSR1);
	pid_t pid = pester();
	pid_t sender = fork();
	if (sender == 0) {
		struct timespec t = { 0, 300 * MS };
		nanosleep(&t, 0);   /* some SIGUSR2 first */
		_exit(kill(getppid(), SIGUSR1) ? 3 : 0);
	}
	expect("sigwait answers 0", sigwait(&set, &sig), 0);
	expect("with SIGUSR1", sig, SIGUSR1);
	expect("after SIGUSR2's handler ran", qtest_wait(&handled[SIGUSR2]) > 0, 1);
	kill(pid, SIGKILL);
	child_status(pid);
	expect("the sender ended with 0", child_status(sender), 0);
	set_mask(SIG_UNBLOCK, SIGUSR1);
}

static void timer_signal_wakes_the_wait(void)
{
	sigset_t set = sigset_of(SIGUSR1);
	siginfo_t info;
	timer_t id;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1, .sigev_value.sival_int = 77 };
	struct itimerspec in50ms = { { 0, 0 }, { 0, 50 * MS } };
	struct timespec limit = { 30, 0 };   /* a bound for a failure, not a measure */

	set_mask(SIG_BLOCK, SIGUSR1);
	if (timer_create(CLOCK_MONOTONIC, &ev, &id) || timer_settime(id, 0, &in50ms, 0)) {
		expect("timer_create, timer_settime", errno, 0);
		return;
	}
	uint64_t t0 = ns_of(CLOCK_MONOTONIC);
	expect("sigtimedwait answers the timer's SIGUSR1", sigtimedwait(&set, &info, &limit), SIGUSR1);
	expect("woken by it, before its 30 s timeout", ns_of(CLOCK_MONOTONIC) - t0 < 30000 * MS, 1);
	expect("si_code SI_TIMER", info.si_code, SI_TIMER);
	expect("with the timer's value", info.si_value.sival_int, 77);
	timer_delete(id);
	set_mask(SIG_UNBLOCK, SIGUSR1);
}

/* A caught signal of the set left unblocked is blocked while the main
 * thread waits (as Linux does): taken, its handler not run.  One that
 * comes before the wait runs its handler and ends it with EINTR: the
 * child sends until one is taken. */
static void unblocked_caught_signal_of_the_set_is_taken(void)
{
	sigset_t set = sigset_of(SIGUSR2), mask;
	struct timespec limit = { 30, 0 };   /* a bound for a failure, not a measure */
	int got = -1, tries = 0, handled_in_call = 0;

	catch(SIGUSR2);
	pid_t pid = pester();
	do {
		int before = handled[SIGUSR2];
		got = sigtimedwait(&set, 0, &limit);
		handled_in_call = got == SIGUSR2 && handled[SIGUSR2] != before;
	} while (got == -1 && errno == EINTR && ++tries < 1000);
	expect("sigtimedwait took SIGUSR2", got, SIGUSR2);
	expect("without its handler running in that call", handled_in_call, 0);
	sigprocmask(SIG_BLOCK, 0, &mask);
	expect("the mask is as it was: SIGUSR2 unblocked", sigismember(&mask, SIGUSR2), 0);
	kill(pid, SIGKILL);
	child_status(pid);
}

static volatile int thread_sig;

static void *thread_waits(void *arg)
{
	sigset_t set = sigset_of(SIGUSR1);
	int sig = 0;

	(void)arg;
	thread_sig = sigwait(&set, &sig) ? -1 : sig;
	return 0;
}

static void another_thread_waits_too(void)
{
	pthread_t t;

	set_mask(SIG_BLOCK, SIGUSR1);
	thread_sig = 0;
	if (pthread_create(&t, 0, thread_waits, 0)) {
		expect("pthread_create", errno, 0);
		return;
	}
	struct timespec t50 = { 0, 50 * MS };
	nanosleep(&t50, 0);   /* let it wait (it takes the signal either way) */
	expect("kill of our own pid", kill(getpid(), SIGUSR1), 0);
	pthread_join(t, 0);
	expect("the thread's sigwait took SIGUSR1", thread_sig, SIGUSR1);
	set_mask(SIG_UNBLOCK, SIGUSR1);
}

static const struct qtest_case cases[] = {
	{ "pending_signal_taken_without_its_handler", pending_signal_taken_without_its_handler },
	{ "lowest_first_with_its_info", lowest_first_with_its_info },
	{ "waits_for_another_programs_signal", waits_for_another_programs_signal },
	{ "blocked_sigchld_is_waited_for", blocked_sigchld_is_waited_for },
	{ "timeout_gives_eagain", timeout_gives_eagain },
	{ "bad_timeout_is_einval_only_when_it_would_wait", bad_timeout_is_einval_only_when_it_would_wait },
	{ "handler_ends_sigwaitinfo_with_eintr", handler_ends_sigwaitinfo_with_eintr },
	{ "sigwait_waits_on_through_handlers", sigwait_waits_on_through_handlers },
	{ "timer_signal_wakes_the_wait", timer_signal_wakes_the_wait },
	{ "unblocked_caught_signal_of_the_set_is_taken", unblocked_caught_signal_of_the_set_is_taken },
	{ "another_thread_waits_too", another_thread_waits_too },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
