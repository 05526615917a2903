/*
 * cputime.c - CPU time (docs/libc.md "Time"): the CPU-time clocks
 * CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID (clock_gettime and
 * clock_getres, time.c, ask here), a thread's clock as pthread_getcpuclockid
 * names it, clock_getcpuclockid, clock(), times() and getrusage().
 *
 * The kernel counts the time each thread holds the CPU with the
 * time-stamp counter, at every switch, and answers it in nanoseconds:
 * Thread.cpu_time for a thread, Task.cpu_time for all threads the task
 * ever had.  A thread's time in the kernel is in it (the kernel does not
 * tell user from system time), so getrusage and times() report it all as
 * user time.  What children used is not known (the process server does
 * not keep it): their fields are 0.
 */
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include <mica/boot.h>
#include <mica/kip.h>
#include <mica/ipc.h>

#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>

#include "cputime.h"
#include "glue.h"
#include "pthread_impl.h"
#include "sigstate.h"

#define NS_PER_SEC 1000000000ull
#define NS_PER_US 1000u

/* The calling thread's Thread capability: the main thread's is the boot
 * slot, another's is in its struct pthread (read without linking the
 * thread functions: the UTCB word is 0 on the main thread). */
static mica_cap_t self_thread(void)
{
	const struct pthread *t = (const struct pthread *)mica_utcb()->user[LIBC_UTCB_PTHREAD];

	return t ? t->thread : MICA_BOOT_THREAD;
}

int libc_cpuclock_is(clockid_t id)
{
	return id == CLOCK_PROCESS_CPUTIME_ID || id == CLOCK_THREAD_CPUTIME_ID ||
	       (id & ~LIBC_CPUCLOCK_SLOT_MASK) == LIBC_CPUCLOCK_THREAD;
}

int libc_cpuclock_ns(clockid_t id, uint64_t *ns)
{
	int err;

	if (id == CLOCK_PROCESS_CPUTIME_ID)
		err = task_cpu_time(MICA_BOOT_TASK, ns);
	else if (id == CLOCK_THREAD_CPUTIME_ID)
		err = thread_cpu_time(self_thread(), ns);
	else if ((id & ~LIBC_CPUCLOCK_SLOT_MASK) == LIBC_CPUCLOCK_THREAD)
		err = thread_cpu_time((mica_cap_t)(id & LIBC_CPUCLOCK_SLOT_MASK), ns);   /* gone: not a thread */
	else
		err = -MICA_EINVAL;
	return err ? EINVAL : 0;
}

/* One cycle of the time-stamp counter, rounded up to a nanosecond. */
long libc_cpuclock_res_ns(void)
{
	uint64_t khz = ((const volatile struct mica_kip *)MICA_KIP_ADDR)->tsc_khz;

	return khz >= 1000000 ? 1 : (long)((1000000 + khz - 1) / khz);
}

/* The process's CPU time, 0 if the kernel did not answer. */
static uint64_t process_ns(void)
{
	uint64_t ns;

	return libc_cpuclock_ns(CLOCK_PROCESS_CPUTIME_ID, &ns) ? 0 : ns;
}

int clock_getcpuclockid(pid_t pid, clockid_t *id)
{
	if (pid != 0 && pid != getpid())
		return kill(pid, 0) ? ESRCH : EPERM;   /* another's time is not ours to read */
	*id = CLOCK_PROCESS_CPUTIME_ID;
	return 0;
}

/* CLOCKS_PER_SEC is XSI's 1,000,000 (include/machine/time.h): microseconds. */
clock_t clock(void)
{
	return (clock_t)(process_ns() / (NS_PER_SEC / CLOCKS_PER_SEC));
}

/* In sysconf(_SC_CLK_TCK)'s ticks (CLOCKS_PER_SEC): the CPU time as user
 * time, and the monotonic clock as the elapsed real time. */
clock_t times(struct tms *t)
{
	uint64_t per_tick = NS_PER_SEC / CLOCKS_PER_SEC;

	if (t)
		*t = (struct tms){ (clock_t)(process_ns() / per_tick), 0, 0, 0 };
	return (clock_t)(libc_now_us() * NS_PER_US / per_tick);
}

int getrusage(int who, struct rusage *usage)
{
	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN)
		return libc_fail(EINVAL);
	*usage = (struct rusage){ 0 };
	if (who == RUSAGE_SELF) {
		uint64_t us = process_ns() / NS_PER_US;
		usage->ru_utime = (struct timeval){ (time_t)(us / 1000000), (suseconds_t)(us % 1000000) };
	}
	return 0;
}
