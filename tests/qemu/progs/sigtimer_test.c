/*
 * sigtimer_test.c - alarm, setitimer, getitimer, pause and sleeps ended
 * early by signals (docs/libc.md "Signals"): alarm interrupting pause
 * (EINTR, si_code SI_TIMER) and what alarm answers; a one-shot timer
 * interrupting nanosleep (EINTR with the time left) and sleep (the
 * seconds left), poll and ppoll (its mask letting a pending SIGALRM
 * through); a periodic timer counted through pause, then disarmed;
 * a blocked SIGALRM pending until sigsuspend lets it through; the default
 * action ending a child (WTERMSIG is SIGALRM); a forked child's timer not
 * armed; setitimer's errors; what exec keeps: the time left of alarm
 * (the new program's alarm(0) answers it, and the timer ends a new
 * program that catches nothing), the mask, a pending signal, an ignored
 * one, and a caught one back at its default; a handler run on another
 * thread (pthread_kill) interrupting none of the main thread's nanosleep,
 * poll and pipe read, though their thread is woken meanwhile.
 * sigtimer.scenario boots it
 * with the pipe and process servers; it joins the process server as a
 * program boot.cfg started and forks its children, which exec it again
 * (`sigtimer_test after-exec CHECK`).
 */
#define _GNU_SOURCE   /* ppoll */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "qtest.h"

static volatile int alarms, alarm_code;

static void on_alarm(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (sig == SIGALRM && si->si_signo == SIGALRM)
		alarms++;
	alarm_code = si->si_code;
}

static void catch_alarm(void)
{
	struct sigaction sa = { .sa_sigaction = on_alarm, .sa_flags = SA_SIGINFO };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, 0);
}

/* A one-shot timer of ms milliseconds. */
static int arm_ms(long ms, long every_ms)
{
	struct itimerval v = { .it_value = { ms / 1000, (ms % 1000) * 1000 },
			       .it_interval = { every_ms / 1000, (every_ms % 1000) * 1000 } };
	return setitimer(ITIMER_REAL, &v, 0);
}

static void disarm(void)
{
	arm_ms(0, 0);
}

static void alarm_interrupts_pause(void)
{
	catch_alarm();
	alarms = 0;
	expect("alarm(1) with none armed answers 0", alarm(1), 0);
	errno = 0;
	expect("pause returns -1", pause(), -1);
	expect("with EINTR", errno, EINTR);
	expect("the handler ran once", alarms, 1);
	expect("si_code is SI_TIMER", alarm_code, SI_TIMER);
	expect("nothing armed after it: alarm(0) answers 0", alarm(0), 0);
	expect("alarm(100)", alarm(100), 0);
	expect("alarm(0) answers what was left, 100", alarm(0), 100);
	struct itimerval v;
	expect("getitimer", getitimer(ITIMER_REAL, &v), 0);
	expect("disarmed: it_value 0", v.it_value.tv_sec == 0 && v.it_value.tv_usec == 0, 1);
}

static void timer_interrupts_nanosleep(void)
{
	struct timespec ten = { 10, 0 }, rem = { -1, -1 };

	catch_alarm();
	alarms = 0;
	expect("setitimer 20 ms", arm_ms(20, 0), 0);
	errno = 0;
	expect("nanosleep(10 s) returns -1", nanosleep(&ten, &rem), -1);
	expect("with EINTR", errno, EINTR);
	expect("the handler ran once", alarms, 1);
	expect("rem: some of the 10 s left", rem.tv_sec >= 0 && rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000 &&
						      (rem.tv_sec > 0 || rem.tv_nsec > 0) && rem.tv_sec < 10,
	       1);
	expect("setitimer 20 ms", arm_ms(20, 0), 0);
	unsigned left = sleep(10);
	expect("sleep(10) answers the seconds left", left >= 1 && left <= 10, 1);
	expect("the handler ran again", alarms, 2);
	expect("setitimer 20 ms", arm_ms(20, 0), 0);
	errno = 0;
	expect("usleep(10 s): -1 with EINTR", usleep(10000000) == -1 && errno == EINTR, 1);
	/* A sleep that ends before the timer: not interrupted. */
	expect("setitimer 10 s", arm_ms(10000, 0), 0);
	struct timespec short_sleep = { 0, 1000000 };
	expect("nanosleep(1 ms) sleeps it all", nanosleep(&short_sleep, 0), 0);
	disarm();
}

static void periodic_timer_counts(void)
{
	struct itimerval v;

	catch_alarm();
	alarms = 0;
	expect("setitimer 10 ms, every 10 ms", arm_ms(10, 10), 0);
	for (int i = 0; i < 1000 && alarms < 5; i++)
		pause();
	expect("five SIGALRMs came, pause returning after each", alarms >= 5, 1);
	expect("getitimer", getitimer(ITIMER_REAL, &v), 0);
	expect("it_interval is 10 ms", v.it_interval.tv_sec == 0 && v.it_interval.tv_usec == 10000, 1);
	expect("it_value at most 10 ms", v.it_value.tv_sec == 0 && v.it_value.tv_usec <= 10000, 1);
	disarm();
	int seen = alarms;
	struct timespec wait = { 0, 50000000 };
	expect("disarmed: a 50 ms sleep is not interrupted", nanosleep(&wait, 0), 0);
	expect("and no SIGALRM came", alarms, seen);
	expect("getitimer after", getitimer(ITIMER_REAL, &v) == 0 && v.it_interval.tv_usec == 0 &&
					  v.it_value.tv_sec == 0 && v.it_value.tv_usec == 0,
	       1);
}

/* SIGALRM blocked (the mask before in *old), a 10 ms timer expired during a
 * 50 ms sleep it does not interrupt: the signal is pending. */
static void alarm_blocked_and_pending(sigset_t *old)
{
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, old);
	expect("setitimer 10 ms", arm_ms(10, 0), 0);
	struct timespec wait = { 0, 50000000 };
	expect("blocked: a 50 ms sleep is not interrupted", nanosleep(&wait, 0), 0);
}

static void blocked_alarm_waits_for_sigsuspend(void)
{
	sigset_t none, old;

	catch_alarm();
	alarms = 0;
	sigemptyset(&none);
	alarm_blocked_and_pending(&old);
	sigset_t pending;
	sigpending(&pending);
	expect("SIGALRM is pending", sigismember(&pending, SIGALRM), 1);
	expect("no handler ran yet", alarms, 0);
	errno = 0;
	expect("sigsuspend lets it through: -1 EINTR", sigsuspend(&none) == -1 && errno == EINTR, 1);
	expect("the handler ran", alarms, 1);
	sigprocmask(SIG_SETMASK, &old, 0);
}

static void timer_interrupts_poll(void)
{
	int fds[2];
	sigset_t none, old;

	catch_alarm();
	alarms = 0;
	expect("a pipe", pipe(fds), 0);
	struct pollfd p = { .fd = fds[0], .events = POLLIN };
	expect("setitimer 20 ms", arm_ms(20, 0), 0);
	errno = 0;
	expect("poll of an empty pipe, no limit: -1 with EINTR", poll(&p, 1, -1) == -1 && errno == EINTR, 1);
	expect("the handler ran once", alarms, 1);
	/* Blocked, pending, then let through by ppoll's mask. */
	sigemptyset(&none);
	alarm_blocked_and_pending(&old);
	errno = 0;
	expect("ppoll with an empty mask: -1 with EINTR", ppoll(&p, 1, 0, &none) == -1 && errno == EINTR, 1);
	expect("the handler ran in it", alarms, 2);
	sigset_t now;
	sigprocmask(SIG_BLOCK, 0, &now);
	expect("the mask is back: SIGALRM blocked", sigismember(&now, SIGALRM), 1);
	sigprocmask(SIG_SETMASK, &old, 0);
	/* Readiness wins: data there, a poll answers it. */
	expect("a byte into the pipe", write(fds[1], "x", 1), 1);
	expect("poll finds it", poll(&p, 1, -1), 1);
	close(fds[0]);
	close(fds[1]);
}

static void default_alarm_ends_a_child(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGALRM, SIG_DFL);
		alarm(1);
		pause();
		_exit(1);
	}
	int st = child_status(pid);
	expect("WTERMSIG is SIGALRM", st >= 0 && WIFSIGNALED(st) ? WTERMSIG(st) : -1, SIGALRM);
}

static void forked_child_has_no_timer(void)
{
	expect("setitimer 10 s", arm_ms(10000, 0), 0);
	pid_t pid = fork();
	if (pid == 0) {
		struct itimerval v;
		_exit(getitimer(ITIMER_REAL, &v) == 0 && v.it_value.tv_sec == 0 && v.it_value.tv_usec == 0 ? 0 : 1);
	}
	int st = child_status(pid);
	expect("the child's timer is not armed", st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
	struct itimerval v;
	expect("ours still is", getitimer(ITIMER_REAL, &v) == 0 && v.it_value.tv_sec > 0, 1);
	disarm();
}

static void setitimer_errors(void)
{
	struct itimerval v = { .it_value = { 1, 0 } };

	errno = 0;
	expect("ITIMER_VIRTUAL: EINVAL", setitimer(ITIMER_VIRTUAL, &v, 0) == -1 && errno == EINVAL, 1);
	errno = 0;
	expect("getitimer(ITIMER_PROF): EINVAL", getitimer(ITIMER_PROF, &v) == -1 && errno == EINVAL, 1);
	v.it_value.tv_usec = 1000000;
	errno = 0;
	expect("tv_usec 1000000: EINVAL", setitimer(ITIMER_REAL, &v, 0) == -1 && errno == EINVAL, 1);
	v.it_value = (struct timeval){ -1, 0 };
	errno = 0;
	expect("a negative time: EINVAL", setitimer(ITIMER_REAL, &v, 0) == -1 && errno == EINVAL, 1);
}

/* ---- a signal interrupts only its own thread --------------------------- */

static int waker_pipe[2];
static volatile int usr1_runs;
static pthread_t usr1_thread;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_thread = pthread_self();
	usr1_runs++;
}

/* On another thread, once the main thread waits (100 ms, as far as it can
 * tell): SIGUSR1 to itself, its handler run there; then a byte through
 * the pipe, which wakes the main thread (its wait irq is subscribed to
 * the pipe's read end), taken back at once when `take_back` (the wake
 * finds nothing); then, when `last` is given, that byte. */
struct waker {
	int take_back;
	const char *last;
};

static void *waker(void *arg)
{
	const struct waker *w = arg;
	char c;

	usleep(100000);
	pthread_kill(pthread_self(), SIGUSR1);
	if (write(waker_pipe[1], "x", 1) == 1 && w->take_back)
		read(waker_pipe[0], &c, 1);
	if (w->last) {
		usleep(100000);
		write(waker_pipe[1], w->last, 1);
	}
	return 0;
}

static void start_waker(pthread_t *t, const struct waker *w)
{
	struct sigaction sa = { .sa_handler = on_usr1 };   /* no SA_RESTART */
	struct pollfd p = { waker_pipe[0], POLLIN, 0 };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, 0);
	usr1_runs = 0;
	poll(&p, 1, 0);   /* the main thread's wait irq subscribed to the read end */
	pthread_create(t, 0, waker, (void *)w);
}

static void handler_on_another_thread_interrupts_no_wait_here(void)
{
	static const struct waker sleeping = { 1, 0 }, polling = { 1, "y" }, reading = { 0, 0 };
	struct timespec ts = { 0, 400000000 }, rem;
	struct pollfd p;
	pthread_t t;
	char c;

	expect("a pipe", pipe(waker_pipe), 0);
	start_waker(&t, &sleeping);
	expect("nanosleep of 400 ms while another thread runs a handler: 0, not EINTR", nanosleep(&ts, &rem), 0);
	pthread_join(t, 0);
	expect("the handler ran once, on the other thread", usr1_runs == 1 && !pthread_equal(usr1_thread,
	       pthread_self()), 1);
	start_waker(&t, &polling);
	p = (struct pollfd){ waker_pipe[0], POLLIN, 0 };
	expect("poll woken by a byte taken back meanwhile: waits on, then 1", poll(&p, 1, 5000), 1);
	pthread_join(t, 0);
	expect("... the last byte", read(waker_pipe[0], &c, 1) == 1 && c == 'y' && usr1_runs == 1, 1);
	start_waker(&t, &reading);
	expect("a blocking read of the pipe: the byte, not EINTR", read(waker_pipe[0], &c, 1) == 1 && c == 'x', 1);
	pthread_join(t, 0);
	expect("the handler ran on the other thread", usr1_runs, 1);
	signal(SIGUSR1, SIG_DFL);
	close(waker_pipe[0]);
	close(waker_pipe[1]);
}

/* ---- exec -------------------------------------------------------------- */

#define SELF "rom/sigtimer_test"

static void caught_usr2(int sig)
{
	(void)sig;
}

/* A forked child that sets things up with `prepare` and execs this
 * program to check `what`: its wait status. */
static int exec_child(void (*prepare)(void), const char *what)
{
	pid_t pid = fork();

	if (pid == 0) {
		prepare();
		execl(SELF, "sigtimer_test", "after-exec", what, (char *)0);
		_exit(99);
	}
	return child_status(pid);
}

static void alarm_of_7(void)
{
	alarm(7);
}

static void timer_of_300ms(void)
{
	arm_ms(300, 0);
}

static void blocked_pending_ignored_caught(void)
{
	sigset_t set;
	struct sigaction sa = { .sa_handler = caught_usr2 };

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, 0);
	raise(SIGUSR1);   /* pending: blocked */
	signal(SIGINT, SIG_IGN);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, 0);
}

static void exec_keeps_the_alarm(void)
{
	int st = exec_child(alarm_of_7, "left");
	int left = st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	expect("alarm(7) before exec: the new program's alarm(0) answers 6 or 7", left == 6 || left == 7, 1);
	st = exec_child(timer_of_300ms, "sleep");
	expect("a timer of 300 ms ends the new program, which sleeps 3 s: WTERMSIG is SIGALRM",
	       st >= 0 && WIFSIGNALED(st) ? WTERMSIG(st) : -1, SIGALRM);
}

static void exec_keeps_mask_pending_and_ignored(void)
{
	int st = exec_child(blocked_pending_ignored_caught, "state");
	expect("the new program's checks (exit 0: none failed)", st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : 0, 0);
	expect("SIGUSR1, pending through exec, ends it once unblocked: WTERMSIG is SIGUSR1",
	       st >= 0 && WIFSIGNALED(st) ? WTERMSIG(st) : -1, SIGUSR1);
}

/* An exec that fails leaves the caller's handlers: a signal that arrives
 * while the exec is asked meets them, not the new program's defaults.  A
 * child sends us SIGUSR1 every 200 us while we ask to exec a file that
 * is not there, over and over; had the server taken the new program's
 * summary before the exec was done, one of them would end us (SIGUSR1's
 * default), and the scenario would miss our exit line. */
#define FAILED_EXEC_SIGNALS 100

static volatile int usr1_caught;

static void count_usr1(int sig)
{
	(void)sig;
	usr1_caught++;
}

static void failed_execs_keep_the_handlers(void)
{
	struct sigaction sa = { .sa_handler = count_usr1 }, old;
	pid_t us = getpid(), sender;
	int execs = 0, refused = 0, st = 0;

	sigemptyset(&sa.sa_mask);
	expect("a handler for SIGUSR1", sigaction(SIGUSR1, &sa, &old), 0);
	if ((sender = fork()) == 0) {
		for (int i = 0; i < FAILED_EXEC_SIGNALS; i++) {
			usleep(200);
			kill(us, SIGUSR1);
		}
		_exit(0);
	}
	expect("a child sending SIGUSR1", sender > 0, 1);
	while (waitpid(sender, &st, WNOHANG) == 0) {
		refused += execl("rom/nothing", "nothing", (char *)0) == -1 && errno == ENOENT;
		execs++;
	}
	printf("# %d execs refused of %d, %d signals caught\n", refused, execs, usr1_caught);
	expect("every exec refused with ENOENT", refused, execs);
	expect("we are still here, and caught signals meanwhile", usr1_caught > 0, 1);
	sigaction(SIGUSR1, &old, 0);
}

/* In the program exec'd: `left` exits with alarm(0)'s answer; `sleep`
 * sleeps 3 s and exits 0 (unless the alarm ends it first); `state` exits
 * with a bit for each check that fails (1: the mask, 2: SIGUSR1 not
 * pending, 4: SIGINT not ignored, 8: SIGUSR2 not at its default), else
 * unblocks SIGUSR1, which should end it, and exits 64. */
static int after_exec(const char *what)
{
	if (!strcmp(what, "left"))
		return (int)alarm(0);
	if (!strcmp(what, "sleep")) {
		sleep(3);
		return 0;
	}
	sigset_t mask, pending, one;
	struct sigaction sa;
	int failed = 0;
	sigprocmask(SIG_SETMASK, 0, &mask);
	sigpending(&pending);
	failed |= !sigismember(&mask, SIGUSR1) || !sigismember(&mask, SIGUSR2) ? 1 : 0;
	failed |= !sigismember(&pending, SIGUSR1) ? 2 : 0;
	sigaction(SIGINT, 0, &sa);
	failed |= sa.sa_handler != SIG_IGN ? 4 : 0;
	sigaction(SIGUSR2, 0, &sa);
	failed |= sa.sa_handler != SIG_DFL ? 8 : 0;
	if (failed)
		return failed;
	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &one, 0);
	return 64;
}

static const struct qtest_case cases[] = {
	{ "alarm_interrupts_pause", alarm_interrupts_pause },
	{ "timer_interrupts_nanosleep", timer_interrupts_nanosleep },
	{ "timer_interrupts_poll", timer_interrupts_poll },
	{ "periodic_timer_counts", periodic_timer_counts },
	{ "blocked_alarm_waits_for_sigsuspend", blocked_alarm_waits_for_sigsuspend },
	{ "default_alarm_ends_a_child", default_alarm_ends_a_child },
	{ "forked_child_has_no_timer", forked_child_has_no_timer },
	{ "setitimer_errors", setitimer_errors },
	{ "handler_on_another_thread_interrupts_no_wait_here", handler_on_another_thread_interrupts_no_wait_here },
	{ "exec_keeps_the_alarm", exec_keeps_the_alarm },
	{ "exec_keeps_mask_pending_and_ignored", exec_keeps_mask_pending_and_ignored },
	{ "failed_execs_keep_the_handlers", failed_execs_keep_the_handlers },
};

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "after-exec"))
		return after_exec(argv[2]);
	return QTEST_RUN(argv[0], cases);
}
