/*
 * ptimer_test.c - POSIX per-process timers (docs/libc.md "Timers"):
 * timer_create on CLOCK_MONOTONIC and CLOCK_REALTIME; SIGEV_SIGNAL with
 * its si_value (and the default sigevent: SIGALRM with the timer's id),
 * SIGEV_NONE, SIGEV_THREAD (also deleted while it fires); timer_settime
 * relative, TIMER_ABSTIME (also a time already past) and periodic, with
 * the old value; timer_gettime;
 * timer_getoverrun counting the expiries that came while the signal was
 * blocked; a timer and alarm side by side on the one mechanism;
 * timer_delete disarming; every EINVAL and EAGAIN (and sysconf's
 * figures); a forked child
 * without its parent's timers, and an exec'd program without them (its
 * old image's timer, whose signal's default would end it, never fires).
 * ptimer.scenario boots it with the pipe and process servers.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "qtest.h"

#define MS 1000000L   /* ns */

static volatile int caught, caught_code, caught_value, caught_overrun = -1;
static timer_t overrun_of;

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	caught++;
	caught_code = si->si_code;
	caught_value = si->si_value.sival_int;
	if (overrun_of)
		caught_overrun = timer_getoverrun(overrun_of);
}

static void catch(int sig)
{
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO };
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, 0);
	caught = 0;
	caught_code = caught_value = 0;
	caught_overrun = -1;
	overrun_of = 0;
}

/* Wait for the handler to have run n times in all (an event, not a time). */
static void wait_caught(int n)
{
	sigset_t none;

	sigemptyset(&none);
	while (caught < n)
		sigsuspend(&none);
}

static int make(clockid_t clock, int notify, int sig, int value, timer_t *id)
{
	struct sigevent ev = { .sigev_notify = notify, .sigev_signo = sig, .sigev_value.sival_int = value };

	return timer_create(clock, &ev, id);
}

static int arm(timer_t id, int flags, time_t s, long ns, time_t every_s, long every_ns)
{
	struct itimerspec v = { .it_value = { s, ns }, .it_interval = { every_s, every_ns } };

	return timer_settime(id, flags, &v, 0);
}

static void signal_carries_the_value(void)
{
	timer_t id;

	catch(SIGUSR1);
	expect("timer_create CLOCK_MONOTONIC, SIGUSR1", make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 4242, &id), 0);
	expect("timer_settime 20 ms", arm(id, 0, 0, 20 * MS, 0, 0), 0);
	wait_caught(1);
	expect("the handler ran once", caught, 1);
	expect("si_code SI_TIMER", caught_code, SI_TIMER);
	expect("si_value is sigev_value", caught_value, 4242);
	struct itimerspec v;
	expect("timer_gettime", timer_gettime(id, &v), 0);
	expect("a one-shot timer is disarmed after it", v.it_value.tv_sec == 0 && v.it_value.tv_nsec == 0, 1);
	expect("timer_delete", timer_delete(id), 0);
}

static void default_sigevent_is_sigalrm_with_the_id(void)
{
	timer_t id;

	catch(SIGALRM);
	expect("timer_create without a sigevent", timer_create(CLOCK_REALTIME, 0, &id), 0);
	expect("timer_settime 10 ms", arm(id, 0, 0, 10 * MS, 0, 0), 0);
	wait_caught(1);
	expect("SIGALRM came, si_code SI_TIMER", caught_code, SI_TIMER);
	expect("its si_value is the timer's id", caught_value, (int)id);
	timer_delete(id);
}

static void absolute_time_on_either_clock(void)
{
	static const clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC };

	for (int i = 0; i < 2; i++) {
		timer_t id;
		struct timespec at, now;
		catch(SIGUSR1);
		expect("timer_create", make(clocks[i], SIGEV_SIGNAL, SIGUSR1, i, &id), 0);
		clock_gettime(clocks[i], &at);
		at.tv_nsec += 30 * MS;
		if (at.tv_nsec >= 1000 * MS) {
			at.tv_sec++;
			at.tv_nsec -= 1000 * MS;
		}
		expect("TIMER_ABSTIME 30 ms ahead", arm(id, TIMER_ABSTIME, at.tv_sec, at.tv_nsec, 0, 0), 0);
		wait_caught(1);
		clock_gettime(clocks[i], &now);
		expect("it expired no earlier than the time given",
		       now.tv_sec > at.tv_sec || (now.tv_sec == at.tv_sec && now.tv_nsec >= at.tv_nsec), 1);
		/* A time already past: at once. */
		expect("TIMER_ABSTIME in the past", arm(id, TIMER_ABSTIME, 1, 0, 0, 0), 0);
		wait_caught(2);
		expect("expired at once: the handler ran again", caught, 2);
		timer_delete(id);
	}
}

static void periodic_timer_and_gettime(void)
{
	timer_t id;
	struct itimerspec v = { .it_value = { 0, 5 * MS }, .it_interval = { 0, 5 * MS } }, old;

	catch(SIGUSR2);
	expect("timer_create", make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR2, 7, &id), 0);
	expect("timer_settime every 5 ms", timer_settime(id, 0, &v, 0), 0);
	wait_caught(3);
	expect("three expiries came", caught >= 3, 1);
	v = (struct itimerspec){ .it_value = { 100, 0 }, .it_interval = { 1, 500 * MS } };
	expect("timer_settime 100 s, every 1.5 s, with the old value", timer_settime(id, 0, &v, &old), 0);
	expect("the old interval: 5 ms", old.it_interval.tv_sec == 0 && old.it_interval.tv_nsec == 5 * MS, 1);
	expect("the old value: armed, at most 5 ms", old.it_value.tv_sec == 0 && old.it_value.tv_nsec > 0 &&
	       old.it_value.tv_nsec <= 5 * MS, 1);
	expect("timer_gettime", timer_gettime(id, &v), 0);
	expect("it_interval 1.5 s", v.it_interval.tv_sec == 1 && v.it_interval.tv_nsec == 500 * MS, 1);
	expect("it_value armed, at most 100 s", (v.it_value.tv_sec > 0 || v.it_value.tv_nsec > 0) &&
	       (v.it_value.tv_sec < 100 || (v.it_value.tv_sec == 100 && v.it_value.tv_nsec == 0)), 1);
	expect("timer_settime 0 disarms", arm(id, 0, 0, 0, 1, 0), 0);
	timer_gettime(id, &v);
	expect("disarmed: it_value and it_interval 0", v.it_value.tv_sec == 0 && v.it_value.tv_nsec == 0 &&
	       v.it_interval.tv_sec == 0 && v.it_interval.tv_nsec == 0, 1);
	timer_delete(id);
}

static void overruns_counted_while_pending(void)
{
	timer_t id;
	sigset_t usr1, old;
	struct timespec t50 = { 0, 50 * MS };

	catch(SIGUSR1);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	expect("timer_create", make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 1, &id), 0);
	overrun_of = id;
	expect("timer_getoverrun before any expiry: 0", timer_getoverrun(id), 0);
	expect("timer_settime every 5 ms", arm(id, 0, 0, 5 * MS, 0, 5 * MS), 0);
	nanosleep(&t50, 0);   /* ten periods by the clock, whenever the signal thread looks */
	expect("blocked: no handler yet", caught, 0);
	expect("while pending, the count of the last one delivered: 0", timer_getoverrun(id), 0);
	arm(id, 0, 0, 0, 0, 0);
	sigprocmask(SIG_SETMASK, &old, 0);
	expect("unblocked: the handler ran once", caught, 1);
	expect("in it, timer_getoverrun counted the expiries while pending (at least 8)", caught_overrun >= 8, 1);
	expect("and after it, the same count", timer_getoverrun(id), caught_overrun);
	timer_delete(id);
}

static void sigev_none_only_counts_down(void)
{
	timer_t id;
	struct itimerspec v;
	struct timespec t20 = { 0, 20 * MS };

	catch(SIGALRM);
	expect("timer_create SIGEV_NONE", make(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, &id), 0);
	expect("timer_settime 10 ms", arm(id, 0, 0, 10 * MS, 0, 0), 0);
	expect("timer_gettime: armed", timer_gettime(id, &v) == 0 && (v.it_value.tv_sec || v.it_value.tv_nsec), 1);
	nanosleep(&t20, 0);
	timer_gettime(id, &v);
	expect("after it: expired, disarmed", v.it_value.tv_sec == 0 && v.it_value.tv_nsec == 0, 1);
	expect("no signal", caught, 0);
	timer_delete(id);
}

static sem_t notified;
static volatile int notify_value;
static volatile pthread_t notify_thread;

static void on_expiry(union sigval v)
{
	notify_value = v.sival_int;
	notify_thread = pthread_self();
	sem_post(&notified);
}

static void sigev_thread_calls_the_function(void)
{
	timer_t id;
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD, .sigev_value.sival_int = 99,
			       .sigev_notify_function = on_expiry };

	sem_init(&notified, 0, 0);
	expect("timer_create SIGEV_THREAD", timer_create(CLOCK_MONOTONIC, &ev, &id), 0);
	expect("timer_settime every 5 ms", arm(id, 0, 0, 5 * MS, 0, 5 * MS), 0);
	for (int i = 0; i < 3; i++)
		sem_wait(&notified);
	expect("the function ran three times with sigev_value", notify_value, 99);
	expect("on a thread of its own", !pthread_equal(notify_thread, pthread_self()), 1);
	expect("timer_getoverrun", timer_getoverrun(id) >= 0, 1);
	expect("timer_delete", timer_delete(id), 0);
	sem_destroy(&notified);
}

/* timer_delete while the signal thread hands expiries to the timer's
 * thread (every 100 µs): it waits for an expiry under way before the
 * thread's state goes, so nothing runs on freed memory. */
static void sigev_thread_deleted_while_expiring(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD, .sigev_notify_function = on_expiry };
	int ok = 1;

	sem_init(&notified, 0, 0);
	for (int i = 0; i < 50 && ok; i++) {
		timer_t id;
		ok &= timer_create(CLOCK_MONOTONIC, &ev, &id) == 0 && arm(id, 0, 0, 100000, 0, 100000) == 0;
		sem_wait(&notified);
		ok &= timer_delete(id) == 0;
	}
	expect("50 timers made, fired and deleted while firing", ok, 1);
	void *p = malloc(4096);
	expect("the heap is sound afterwards", p != 0, 1);
	free(p);
	sem_destroy(&notified);
}

static void alarm_and_timer_side_by_side(void)
{
	timer_t id;

	catch(SIGUSR1);
	expect("alarm(100)", alarm(100), 0);
	expect("timer_create", make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 3, &id), 0);
	expect("timer_settime 10 ms", arm(id, 0, 0, 10 * MS, 0, 0), 0);
	wait_caught(1);
	expect("the timer's signal came", caught_value, 3);
	unsigned left = alarm(0);
	expect("the alarm still armed (answers 99 or 100)", left == 99 || left == 100, 1);
	timer_delete(id);
}

static void delete_disarms(void)
{
	timer_t id;
	struct timespec t30 = { 0, 30 * MS };

	catch(SIGUSR1);
	expect("timer_create", make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0, &id), 0);
	expect("timer_settime 10 ms", arm(id, 0, 0, 10 * MS, 0, 0), 0);
	expect("timer_delete", timer_delete(id), 0);
	nanosleep(&t30, 0);
	expect("no signal came", caught, 0);
	struct itimerspec v;
	errno = 0;
	expect("a deleted timer: timer_gettime EINVAL", timer_gettime(id, &v) == -1 && errno == EINVAL, 1);
	errno = 0;
	expect("timer_delete again: EINVAL", timer_delete(id) == -1 && errno == EINVAL, 1);
}

static void create_errors(void)
{
	timer_t id, ids[64];
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };

	errno = 0;
	expect("an unknown clock: EINVAL", timer_create(12345, &ev, &id) == -1 && errno == EINVAL, 1);
	ev.sigev_signo = 0;
	errno = 0;
	expect("signal 0: EINVAL", timer_create(CLOCK_MONOTONIC, &ev, &id) == -1 && errno == EINVAL, 1);
	ev.sigev_signo = NSIG;
	errno = 0;
	expect("signal NSIG: EINVAL", timer_create(CLOCK_MONOTONIC, &ev, &id) == -1 && errno == EINVAL, 1);
	ev = (struct sigevent){ .sigev_notify = 12345 };
	errno = 0;
	expect("an unknown sigev_notify: EINVAL", timer_create(CLOCK_MONOTONIC, &ev, &id) == -1 && errno == EINVAL,
	       1);
	ev = (struct sigevent){ .sigev_notify = SIGEV_THREAD };
	errno = 0;
	expect("SIGEV_THREAD without a function: EINVAL",
	       timer_create(CLOCK_MONOTONIC, &ev, &id) == -1 && errno == EINVAL, 1);
	ev = (struct sigevent){ .sigev_notify = SIGEV_NONE };
	int n = 0;
	while (n < 64 && timer_create(CLOCK_MONOTONIC, &ev, &ids[n]) == 0)
		n++;
	expect("32 timers (_POSIX_TIMER_MAX), then EAGAIN", n == 32 && errno == EAGAIN, 1);
	expect("sysconf(_SC_TIMER_MAX) says so", sysconf(_SC_TIMER_MAX), n);
	expect("sysconf(_SC_TIMERS): the option's value", sysconf(_SC_TIMERS), _POSIX_TIMERS);
	expect("sysconf(_SC_MONOTONIC_CLOCK): the option's value", sysconf(_SC_MONOTONIC_CLOCK) > 0, 1);
	for (int i = 0; i < n; i++)
		timer_delete(ids[i]);
	expect("after deleting them, one more", timer_create(CLOCK_MONOTONIC, &ev, &id), 0);
	timer_delete(id);
}

static void settime_errors(void)
{
	timer_t id;
	struct itimerspec v;

	expect("timer_create", make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0, &id), 0);
	errno = 0;
	expect("tv_nsec 1e9: EINVAL", arm(id, 0, 0, 1000 * MS, 0, 0) == -1 && errno == EINVAL, 1);
	errno = 0;
	expect("tv_nsec -1: EINVAL", arm(id, 0, 0, -1, 0, 0) == -1 && errno == EINVAL, 1);
	errno = 0;
	expect("an interval's tv_nsec 1e9: EINVAL", arm(id, 0, 1, 0, 0, 1000 * MS) == -1 && errno == EINVAL, 1);
	errno = 0;
	expect("a negative time: EINVAL", arm(id, 0, -1, 0, 0, 0) == -1 && errno == EINVAL, 1);
	errno = 0;
	expect("unknown flags: EINVAL", arm(id, 0x100, 1, 0, 0, 0) == -1 && errno == EINVAL, 1);
	timer_gettime(id, &v);
	expect("none of them armed it", v.it_value.tv_sec == 0 && v.it_value.tv_nsec == 0, 1);
	timer_delete(id);
	timer_t bad[] = { 0, 33, (timer_t)-1, 1000 };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int ok = 1;
		errno = 0;
		ok &= arm(bad[i], 0, 1, 0, 0, 0) == -1 && errno == EINVAL;
		errno = 0;
		ok &= timer_gettime(bad[i], &v) == -1 && errno == EINVAL;
		errno = 0;
		ok &= timer_getoverrun(bad[i]) == -1 && errno == EINVAL;
		errno = 0;
		ok &= timer_delete(bad[i]) == -1 && errno == EINVAL;
		expect("a timer that is not one: EINVAL from each call", ok, 1);
	}
}

static void forked_child_has_no_timers(void)
{
	timer_t id;
	struct itimerspec v;

	expect("timer_create", make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0, &id), 0);
	expect("timer_settime 10 s", arm(id, 0, 10, 0, 0, 0), 0);
	pid_t pid = fork();
	if (pid == 0) {
		timer_t mine;
		int bad = timer_gettime(id, &v) != -1 || errno != EINVAL;
		bad |= (make(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, &mine) != 0) << 1;
		_exit(bad);
	}
	int st = child_status(pid);
	expect("the child: the parent's timer is not there, a new one can be made",
	       st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
	expect("ours is still armed", timer_gettime(id, &v) == 0 && v.it_value.tv_sec > 0, 1);
	timer_delete(id);
}

/* In the exec'd program ("exec-child"): sleep past the old image's timer,
 * which would have ended us with SIGUSR1, and find no timer.  (The timer
 * is long enough for the exec to come first: a timer that expires before
 * the exec ends the old program, as it should.) */
static int exec_child(void)
{
	struct timespec t500 = { 0, 500 * MS };
	struct itimerspec v;

	nanosleep(&t500, 0);
	return timer_gettime(1, &v) == -1 && errno == EINVAL ? 0 : 1;
}

static void exec_drops_timers(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		timer_t id;
		signal(SIGUSR1, SIG_DFL);
		if (make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0, &id) || arm(id, 0, 0, 300 * MS, 0, 0))
			_exit(2);
		execl("rom/ptimer_test", "ptimer_test", "exec-child", (char *)0);
		_exit(3);
	}
	int st = child_status(pid);
	expect("the exec'd program ran to its end (status 0), no SIGUSR1",
	       st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1000 - (WIFSIGNALED(st) ? WTERMSIG(st) : 0), 0);
}

static const struct qtest_case cases[] = {
	{ "signal_carries_the_value", signal_carries_the_value },
	{ "default_sigevent_is_sigalrm_with_the_id", default_sigevent_is_sigalrm_with_the_id },
	{ "absolute_time_on_either_clock", absolute_time_on_either_clock },
	{ "periodic_timer_and_gettime", periodic_timer_and_gettime },
	{ "overruns_counted_while_pending", overruns_counted_while_pending },
	{ "sigev_none_only_counts_down", sigev_none_only_counts_down },
	{ "sigev_thread_calls_the_function", sigev_thread_calls_the_function },
	{ "sigev_thread_deleted_while_expiring", sigev_thread_deleted_while_expiring },
	{ "alarm_and_timer_side_by_side", alarm_and_timer_side_by_side },
	{ "delete_disarms", delete_disarms },
	{ "create_errors", create_errors },
	{ "settime_errors", settime_errors },
	{ "forked_child_has_no_timers", forked_child_has_no_timers },
	{ "exec_drops_timers", exec_drops_timers },
};

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "exec-child") == 0)
		return exec_child();
	return QTEST_RUN(argv[0], cases);
}
