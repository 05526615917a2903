/*
 * pthread_sched.c - scheduling and signals as they concern threads
 * (docs/libc.md "Threads").  All threads of a program run at the priority
 * of the thread that made them, with SCHED_OTHER (a thread's signals,
 * pthread_sigmask and pthread_kill, are sigdeliver.c's; its CPU-time
 * clock is cputime.c's).
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include "cputime.h"
#include "pthread_impl.h"

/* The scheduling of a process: the caller's (0 or its own pid) is
 * SCHED_OTHER at priority 0; another process's is not the caller's to
 * see (ESRCH: Mica has no such query), and nothing can be changed. */
int sched_getscheduler(pid_t pid)
{
	if (pid != 0 && pid != getpid()) {
		errno = pid < 0 ? EINVAL : ESRCH;
		return -1;
	}
	return SCHED_OTHER;
}

int sched_getparam(pid_t pid, struct sched_param *param)
{
	if (sched_getscheduler(pid) < 0)
		return -1;
	*param = (struct sched_param){ .sched_priority = 0 };
	return 0;
}

int sched_yield(void)
{
	libc_thread_yield();
	return 0;
}

int pthread_getschedparam(pthread_t id, int *policy, struct sched_param *param)
{
	pthread_mutex_lock(&libc_threads_lock);
	struct pthread *t = libc_thread_find(id);
	pthread_mutex_unlock(&libc_threads_lock);
	if (!t)
		return ESRCH;
	*policy = SCHED_OTHER;
	*param = (struct sched_param){ .sched_priority = 0 };
	return 0;
}

int pthread_setschedparam(pthread_t id, int policy, const struct sched_param *param)
{
	pthread_mutex_lock(&libc_threads_lock);
	struct pthread *t = libc_thread_find(id);
	pthread_mutex_unlock(&libc_threads_lock);
	if (!t)
		return ESRCH;
	if (policy != SCHED_OTHER && policy != SCHED_FIFO && policy != SCHED_RR)
		return EINVAL;
	return policy == SCHED_OTHER && param->sched_priority == 0 ? 0 : ENOTSUP;
}

int pthread_setschedprio(pthread_t id, int prio)
{
	struct sched_param p = { .sched_priority = prio };

	return pthread_setschedparam(id, SCHED_OTHER, &p);
}

/* The thread's CPU-time clock (cputime.c): its capability's slot. */
int pthread_getcpuclockid(pthread_t id, clockid_t *clock)
{
	pthread_mutex_lock(&libc_threads_lock);
	struct pthread *t = libc_thread_find(id);
	if (t)
		*clock = LIBC_CPUCLOCK_THREAD | (clockid_t)t->thread;
	pthread_mutex_unlock(&libc_threads_lock);
	return t ? 0 : ESRCH;
}

/* Priorities a policy takes: SCHED_OTHER's only one, 0 (all threads of a
 * program run at one priority); the real-time policies are not there. */
int sched_get_priority_max(int policy)
{
	if (policy == SCHED_OTHER)
		return 0;
	errno = policy == SCHED_FIFO || policy == SCHED_RR ? ENOTSUP : EINVAL;
	return -1;
}

int sched_get_priority_min(int policy)
{
	return sched_get_priority_max(policy);
}
