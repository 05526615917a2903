/*
 * proc.c - the process: how it ends, its id, signals to itself.
 *
 * exit() runs atexit handlers and destructors and flushes stdio, then
 * _exit() tells the parent (rt_exit, Parent.exit).  The pid is the process
 * server's record's, or else what the launcher put in the environment as
 * MICA_PID.  kill() of the program's own pid makes the signal pending for
 * the program (signal.c: handlers, masks and default actions); of another process
 * or a group it asks the process server, which delivers it (procsrv.c,
 * docs/processes.md).  posix_spawn (spawn.c) and fork (fork.c) start
 * children, waitpid reaps them (any, one, or of a group), getppid asks;
 * process groups and sessions are the server's records.
 * Mica has no users: every program is user and group 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mica/error.h>
#include <mica/proc.h>
#include <rt/rt.h>

#include <idl/rt/proc.h>

#include "glue.h"
#include "sigstate.h"

/* Destructors (__attribute__((destructor))): the linker's default script
 * gathers them between these symbols; they run last of exit()'s handlers,
 * in reverse order, registered before main by a constructor of ours. */
extern void (*__fini_array_start[])(void) __attribute__((weak));
extern void (*__fini_array_end[])(void) __attribute__((weak));

static void run_destructors(void)
{
	for (void (**f)(void) = __fini_array_end; f > __fini_array_start;)
		(*--f)();
}

__attribute__((constructor(101))) static void destructors_at_exit(void)
{
	if (&__fini_array_end[0] != &__fini_array_start[0])   /* most programs have none */
		atexit(run_destructors);
}

/* How lib/rt ends main's return: through exit(), so atexit handlers run and
 * stdio is flushed. */
__attribute__((noreturn)) void mica_start_exit(int status)
{
	exit(status);
}

void _exit(int status)
{
	rt_exit(status);
}

static pid_t pid;

/* A forked child's pid is not the MICA_PID its copied environment says:
 * the process server's record says it. */
void libc_pid_reset(void)
{
	mica_cap_t proc = libc_proc();
	uint64_t self, parent;

	pid = proc && proc_self(proc, &self, &parent) == 0 ? (pid_t)self : 0;
}

/* A program the process server started (spawned, forked or exec'd: it
 * has `proc`) has the pid of its record; one that root started, its
 * MICA_PID. */
pid_t getpid(void)
{
	if (!pid && rt_cap("proc"))
		libc_pid_reset();
	if (!pid) {
		const char *s = getenv("MICA_PID");
		long v = s ? strtol(s, 0, 10) : 0;
		pid = v > 0 ? (pid_t)v : 1;   /* started some other way: be 1 */
	}
	return pid;
}

uid_t getuid(void) { return 0; }
uid_t geteuid(void) { return 0; }
gid_t getgid(void) { return 0; }
gid_t getegid(void) { return 0; }

/* Another process, a group or all go through the process server, which
 * delivers to each target as its dispositions say; the caller among the
 * targets makes the signal pending itself, so that it is delivered before
 * kill returns (in the calling thread, unless that blocks it). */
int kill(pid_t pid, int sig)
{
	mica_cap_t proc;
	bool to_self = pid == getpid();
	int err;

	if (sig < 0 || sig >= NSIG)
		return libc_fail(EINVAL);
	if (!to_self && (proc = libc_proc()) != 0) {
		if ((err = proc_kill(proc, pid, sig, &to_self)) != 0)
			return libc_fail(libc_proc_errno(err));
	} else if (!to_self && pid != 0) {
		return libc_fail(ESRCH);   /* no process server: no other process */
	} else {
		to_self = true;
	}
	if (to_self && sig)
		libc_signal_to_program(sig);
	return 0;
}

/* A process group is a pid negated (kill's own convention). */
int killpg(pid_t pgrp, int sig)
{
	if (pgrp < 0 || pgrp == 1)
		return libc_fail(pgrp < 0 ? EINVAL : ESRCH);   /* kill(-1) is everyone, not group 1 */
	return kill(-pgrp, sig);
}

/* Process groups and sessions are the process server's records; without
 * one the program is alone, leading its own group and session. */
int setpgid(pid_t pid, pid_t pgid)
{
	mica_cap_t proc = libc_proc();
	int err;

	if (pid < 0 || pgid < 0)
		return libc_fail(EINVAL);
	if (!proc)
		return pid && pid != getpid() ? libc_fail(ESRCH) : 0;
	return (err = proc_setpgid(proc, pid, pgid)) != 0 ? libc_fail(libc_proc_errno(err)) : 0;
}

pid_t getpgid(pid_t pid)
{
	mica_cap_t proc = libc_proc();
	uint64_t pgid, sid;
	int err;

	if (pid < 0)
		return libc_fail(ESRCH);
	if (!proc)
		return pid && pid != getpid() ? libc_fail(ESRCH) : getpid();
	return (err = proc_getpgid(proc, pid, &pgid, &sid)) != 0 ? libc_fail(libc_proc_errno(err)) : (pid_t)pgid;
}

pid_t getpgrp(void)
{
	return getpgid(0);
}

int setpgrp(void)
{
	return setpgid(0, 0);
}

pid_t getsid(pid_t pid)
{
	mica_cap_t proc = libc_proc();
	uint64_t pgid, sid;
	int err;

	if (pid < 0)
		return libc_fail(ESRCH);
	if (!proc)
		return pid && pid != getpid() ? libc_fail(ESRCH) : getpid();
	return (err = proc_getpgid(proc, pid, &pgid, &sid)) != 0 ? libc_fail(libc_proc_errno(err)) : (pid_t)sid;
}

pid_t setsid(void)
{
	mica_cap_t proc = libc_proc();
	uint64_t sid;
	int err;

	if (!proc)
		return libc_fail(EPERM);   /* alone: it leads its group already */
	return (err = proc_setsid(proc, &sid)) != 0 ? libc_fail(libc_proc_errno(err)) : (pid_t)sid;
}

pid_t getppid(void)
{
	mica_cap_t proc = libc_proc();
	uint64_t pid, ppid;

	return proc && proc_self(proc, &pid, &ppid) == 0 ? (pid_t)ppid : 1;
}

/* Proc.wait for `pid` (waitpid's meaning) with the server's `options`,
 * until a child has something to report, or at once with `nohang`. */
static pid_t wait_child(int64_t pid, int32_t *status, uint32_t options, bool nohang)
{
	mica_cap_t proc;
	uint64_t got;
	int32_t st;
	int err;

	if (!(proc = libc_proc()))
		return libc_fail(ECHILD);   /* no process server: no children */
	for (;;) {
		err = proc_wait(proc, pid, options, &got, &st);
		if (!err) {
			if (status)
				*status = st;
			return (pid_t)got;
		}
		if (err != -MICA_EAGAIN)
			return libc_fail(libc_proc_errno(err));
		if (nohang)
			return 0;
		libc_signal_eintr_arm();
		if ((err = libc_proc_wait_child()) == -MICA_ECANCELED && !libc_signal_eintr())
			continue;   /* a handler with SA_RESTART ran: wait on */
		if (err)
			return libc_fail(libc_errno_of(err));
	}
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOWAIT))
		return libc_fail(EINVAL);
	return wait_child(pid, status, (uint32_t)(options & (WUNTRACED | WCONTINUED | WNOWAIT)), options & WNOHANG);
}

/* waitpid's reports as SIGCHLD's siginfo says them.  P_PGID 0 is the
 * caller's group, as on Linux (POSIX leaves it open); P_PGID 1 cannot be
 * told from "any child" by Proc.wait and is EINVAL (process 1's group
 * holds no child of anyone's but its own). */
int waitid(idtype_t idtype, id_t id, siginfo_t *info, int options)
{
	int64_t pid;
	int32_t st;

	if (!info || (options & ~(WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT)) ||
	    !(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return libc_fail(EINVAL);
	if (idtype == P_ALL)
		pid = -1;
	else if (idtype == P_PID && (pid_t)id > 0)
		pid = (pid_t)id;
	else if (idtype == P_PGID && (pid_t)id >= 0 && id != 1)
		pid = -(int64_t)(pid_t)id;   /* 0: the caller's group */
	else
		return libc_fail(EINVAL);
	uint32_t server = (uint32_t)(options & (WCONTINUED | WNOWAIT)) | (options & WSTOPPED ? WUNTRACED : 0) |
			  (options & WEXITED ? 0 : MICA_PROC_WAIT_NO_EXITS);
	pid_t got = wait_child(pid, &st, server, options & WNOHANG);
	if (got < 0)
		return -1;
	memset(info, 0, sizeof *info);
	if (got == 0)
		return 0;   /* WNOHANG, nothing to report: si_pid 0 */
	info->si_signo = SIGCHLD;
	info->si_pid = got;
	if (WIFEXITED(st)) {
		info->si_code = CLD_EXITED;
		info->si_status = WEXITSTATUS(st);
	} else if (WIFSIGNALED(st)) {
		info->si_code = CLD_KILLED;
		info->si_status = WTERMSIG(st);
	} else if (WIFSTOPPED(st)) {
		info->si_code = CLD_STOPPED;
		info->si_status = WSTOPSIG(st);
	} else {
		info->si_code = CLD_CONTINUED;
		info->si_status = SIGCONT;
	}
	return 0;
}

pid_t wait(int *status)
{
	return waitpid(-1, status, 0);
}

/* BSD's wait with resource use: Mica keeps none, so *rusage is zeroes. */
pid_t wait3(int *status, int options, struct rusage *rusage)
{
	if (rusage)
		memset(rusage, 0, sizeof *rusage);
	return waitpid(-1, status, options);
}
