/*
 * cputime_test.c - CPU time (docs/libc.md "Time", docs/objects.md
 * Thread.cpu_time and Task.cpu_time): a spinning thread's clock grows past
 * a sleeping one's, each clock never goes back, the process's clock
 * counts threads that ended, a sleeping program's clock grows less than
 * the time it slept; clock(), times() and getrusage() count CPU time;
 * clock_getres, clock_getcpuclockid and pthread_getcpuclockid with their
 * errors; the kernel operations' rights and types.  No figure is
 * compared with a bound: only clocks with clocks.  cputime.scenario boots
 * it with the pipe and process servers.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>
#include <libsys/slot.h>

#include "qtest.h"

#define MS 1000000L   /* nanoseconds */

static uint64_t ns_of(clockid_t c)
{
	struct timespec ts = { -1, -1 };

	if (clock_gettime(c, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Spin until the calling thread's own clock has grown by ns. */
static void spin_for_cpu(uint64_t ns)
{
	uint64_t start = ns_of(CLOCK_THREAD_CPUTIME_ID);

	while (ns_of(CLOCK_THREAD_CPUTIME_ID) - start < ns)
		qtest_spin(1000);
}

static volatile int stop, started;
static volatile int backwards;

static void *spinner(void *arg)
{
	uint64_t last = 0;

	(void)arg;
	__atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
	while (!stop) {
		uint64_t now = ns_of(CLOCK_THREAD_CPUTIME_ID);
		if (now < last)
			backwards = 1;
		last = now;
		qtest_spin(1000);
	}
	return 0;
}

static void *sleeper(void *arg)
{
	struct timespec t = { 0, 10 * MS };

	(void)arg;
	__atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
	while (!stop)
		nanosleep(&t, 0);
	return 0;
}

static void spinner_gains_more_than_sleeper(void)
{
	pthread_t s, z;
	clockid_t cs, cz;
	struct timespec t = { 0, 200 * MS };

	stop = started = backwards = 0;
	if (pthread_create(&s, 0, spinner, 0) || pthread_create(&z, 0, sleeper, 0)) {
		expect("pthread_create", errno, 0);
		return;
	}
	expect("pthread_getcpuclockid of the spinner", pthread_getcpuclockid(s, &cs), 0);
	expect("and of the sleeper", pthread_getcpuclockid(z, &cz), 0);
	uint64_t s0 = ns_of(cs), z0 = ns_of(cz);
	nanosleep(&t, 0);
	uint64_t s1 = ns_of(cs), z1 = ns_of(cz);
	nanosleep(&t, 0);
	uint64_t s2 = ns_of(cs), z2 = ns_of(cz);
	expect("the spinner's clock does not go back", s0 <= s1 && s1 <= s2, 1);
	expect("nor the sleeper's", z0 <= z1 && z1 <= z2, 1);
	expect("the spinner's grew", s2 > s0, 1);
	expect("the spinner gained more than the sleeper", s2 - s0 > z2 - z0, 1);
	expect("the spinner's own readings never went back", backwards, 0);
	stop = 1;
	pthread_join(s, 0);
	pthread_join(z, 0);
}

static volatile uint64_t ended_ns;

static void *spin_then_end(void *arg)
{
	(void)arg;
	spin_for_cpu(20 * MS);
	ended_ns = ns_of(CLOCK_THREAD_CPUTIME_ID);
	return 0;
}

static void process_clock_counts_ended_threads(void)
{
	pthread_t t;

	uint64_t before = ns_of(CLOCK_PROCESS_CPUTIME_ID);
	if (pthread_create(&t, 0, spin_then_end, 0)) {
		expect("pthread_create", errno, 0);
		return;
	}
	pthread_join(t, 0);
	uint64_t after = ns_of(CLOCK_PROCESS_CPUTIME_ID);
	expect("the ended thread's clock read", ended_ns > 0, 1);
	expect("the process's clock grew by at least the ended thread's time", after - before >= ended_ns, 1);
}

static void sleeping_program_uses_less_than_it_sleeps(void)
{
	struct timespec t = { 0, 100 * MS };

	uint64_t cpu0 = ns_of(CLOCK_PROCESS_CPUTIME_ID), t0 = ns_of(CLOCK_MONOTONIC);
	nanosleep(&t, 0);
	uint64_t cpu = ns_of(CLOCK_PROCESS_CPUTIME_ID) - cpu0, elapsed = ns_of(CLOCK_MONOTONIC) - t0;
	expect("the process used less CPU time than the time it slept", cpu < elapsed, 1);
}

static void clock_times_getrusage_count_cpu_time(void)
{
	struct tms a, b;
	struct rusage ra, rb;

	expect("CLOCKS_PER_SEC is XSI's", CLOCKS_PER_SEC, 1000000);
	expect("sysconf(_SC_CLK_TCK) is what times() counts in", sysconf(_SC_CLK_TCK), CLOCKS_PER_SEC);
	clock_t c0 = clock();
	times(&a);
	getrusage(RUSAGE_SELF, &ra);
	spin_for_cpu(20 * MS);
	clock_t c1 = clock();
	clock_t real = times(&b);
	clock_t later = times(0);
	getrusage(RUSAGE_SELF, &rb);
	expect("clock() grew", c1 > c0, 1);
	expect("by at least the 20 ms spun", c1 - c0 >= 20000, 1);
	expect("clock() is the process clock in µs", (uint64_t)clock() <= ns_of(CLOCK_PROCESS_CPUTIME_ID) / 1000, 1);
	expect("times(): user time grew", b.tms_utime > a.tms_utime, 1);
	expect("its elapsed time does not go back", later >= real && real > 0, 1);
	long ua = ra.ru_utime.tv_sec * 1000000L + ra.ru_utime.tv_usec, ub = rb.ru_utime.tv_sec * 1000000L + rb.ru_utime.tv_usec;
	expect("getrusage: ru_utime grew by at least the 20 ms", ub - ua >= 20000, 1);
	expect("RUSAGE_CHILDREN answers", getrusage(RUSAGE_CHILDREN, &ra), 0);
	errno = 0;
	expect("getrusage of an unknown who: -1", getrusage(42, &ra), -1);
	expect("EINVAL", errno, EINVAL);
}

static void resolution_and_clock_ids(void)
{
	struct timespec res = { -1, -1 };
	clockid_t id = 0;

	expect("clock_getres(CLOCK_PROCESS_CPUTIME_ID)", clock_getres(CLOCK_PROCESS_CPUTIME_ID, &res), 0);
	expect("a nanosecond or more, under a microsecond", res.tv_sec == 0 && res.tv_nsec >= 1 && res.tv_nsec < 1000,
	       1);
	expect("clock_getres(CLOCK_THREAD_CPUTIME_ID)", clock_getres(CLOCK_THREAD_CPUTIME_ID, &res), 0);
	expect("sysconf(_SC_CPUTIME) is the option's value", sysconf(_SC_CPUTIME), _POSIX_CPUTIME);
	expect("sysconf(_SC_THREAD_CPUTIME) too", sysconf(_SC_THREAD_CPUTIME), _POSIX_THREAD_CPUTIME);
	expect("clock_getcpuclockid(0)", clock_getcpuclockid(0, &id), 0);
	expect("is the process clock", id, CLOCK_PROCESS_CPUTIME_ID);
	id = 0;
	expect("clock_getcpuclockid(getpid())", clock_getcpuclockid(getpid(), &id), 0);
	expect("is the process clock", id, CLOCK_PROCESS_CPUTIME_ID);
	pid_t pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	expect("another process's: EPERM", clock_getcpuclockid(pid, &id), EPERM);
	kill(pid, SIGKILL);
	waitpid(pid, 0, 0);
	expect("a process that is gone: ESRCH", clock_getcpuclockid(pid, &id), ESRCH);
	expect("pthread_getcpuclockid(pthread_self())", pthread_getcpuclockid(pthread_self(), &id), 0);
	uint64_t a = ns_of(id), b = ns_of(CLOCK_THREAD_CPUTIME_ID);
	expect("is the calling thread's clock (read before it)", a > 0 && a <= b, 1);
	expect("pthread_getcpuclockid of no thread: ESRCH", pthread_getcpuclockid((pthread_t)&res, &id), ESRCH);
	errno = 0;
	expect("clock_gettime of an unknown clock: -1", clock_gettime((clockid_t)12345, &res), -1);
	expect("EINVAL", errno, EINVAL);
	errno = 0;
	expect("clock_getres of an unknown clock: -1", clock_getres((clockid_t)12345, &res), -1);
	expect("EINVAL", errno, EINVAL);
}

static void *quick(void *arg)
{
	return arg;
}

static void ended_threads_clock_is_gone(void)
{
	pthread_t t;
	clockid_t id;
	struct timespec ts;

	if (pthread_create(&t, 0, quick, 0)) {
		expect("pthread_create", errno, 0);
		return;
	}
	expect("pthread_getcpuclockid of a running thread", pthread_getcpuclockid(t, &id), 0);
	pthread_join(t, 0);
	errno = 0;
	expect("its clock after the join: -1", clock_gettime(id, &ts), -1);
	expect("EINVAL", errno, EINVAL);
}

static void kernel_operations_rights_and_types(void)
{
	mica_cap_t ro = mica_slot_alloc(), w = mica_slot_alloc();
	uint64_t ns = 0, ns2 = 0;

	expect("Thread.cpu_time of our own thread", thread_cpu_time(MICA_BOOT_THREAD, &ns), 0);
	expect("Task.cpu_time of our task", task_cpu_time(MICA_BOOT_TASK, &ns2), 0);
	expect("the task's time is not below its thread's", ns2 >= ns, 1);
	expect("a copy with R only", task_cap_map(MICA_BOOT_TASK, MICA_BOOT_THREAD, ro, MICA_R, 0), 0);
	expect("reads the time", thread_cpu_time(ro, &ns), 0);
	expect("a copy with W only", task_cap_map(MICA_BOOT_TASK, MICA_BOOT_THREAD, w, MICA_W, 0), 0);
	expect("is refused: EPERM", thread_cpu_time(w, &ns), -MICA_EPERM);
	task_cap_unmap(MICA_BOOT_TASK, w, 1);
	expect("a task's copy with W only", task_cap_map(MICA_BOOT_TASK, MICA_BOOT_TASK, w, MICA_W, 0), 0);
	expect("Task.cpu_time through it is refused: EPERM", task_cpu_time(w, &ns), -MICA_EPERM);
	expect("Task.cpu_time of a thread: not its protocol, ENOSYS", task_cpu_time(MICA_BOOT_THREAD, &ns), -MICA_ENOSYS);
	expect("Thread.cpu_time of a task: ENOSYS", thread_cpu_time(MICA_BOOT_TASK, &ns), -MICA_ENOSYS);
	task_cap_unmap(MICA_BOOT_TASK, ro, 1);
	task_cap_unmap(MICA_BOOT_TASK, w, 1);
	expect("an empty slot: an error", thread_cpu_time(ro, &ns) < 0, 1);
	mica_slot_free(ro);
	mica_slot_free(w);
}

static const struct qtest_case cases[] = {
	{ "spinner_gains_more_than_sleeper", spinner_gains_more_than_sleeper },
	{ "process_clock_counts_ended_threads", process_clock_counts_ended_threads },
	{ "sleeping_program_uses_less_than_it_sleeps", sleeping_program_uses_less_than_it_sleeps },
	{ "clock_times_getrusage_count_cpu_time", clock_times_getrusage_count_cpu_time },
	{ "resolution_and_clock_ids", resolution_and_clock_ids },
	{ "ended_threads_clock_is_gone", ended_threads_clock_is_gone },
	{ "kernel_operations_rights_and_types", kernel_operations_rights_and_types },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
