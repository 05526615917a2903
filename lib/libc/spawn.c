/*
 * spawn.c - posix_spawn and posix_spawnp (<spawn.h>) through the process
 * server (procsrv.c, docs/processes.md): the child runs the program of a
 * file, with the caller's stdout and stdin and the argv and envp given
 * (MICA_CAPS and MICA_PID are its own, from root); execve, the program of
 * a file in place of the caller's, as the same process, with descriptors
 * 0 and 1 as its stdin and stdout (newlib's execv, execvp, execl* call
 * it).  No file action and no
 * attribute flag is carried out yet: adding a file action fails with
 * ENOSYS, and so does posix_spawn with a flag set.
 */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libsys/slot.h>
#include <mica/error.h>
#include <rt/rt.h>

#include <idl/kernel/task.h>
#include <idl/rt/proc.h>

#include "glue.h"

struct __posix_spawnattr {
	short flags;
};

#define DEFAULT_PATH "/bin:/rom"   /* posix_spawnp without PATH */

/* Entries as Proc.spawn's buffers take them: each with its NUL. */
static int pack(char *const list[], bool skip_mica, char *buf, uint32_t *len)
{
	*len = 0;
	for (unsigned i = 0; list && list[i]; i++) {
		if (skip_mica && (!strncmp(list[i], "MICA_CAPS=", 10) || !strncmp(list[i], "MICA_PID=", 9)))
			continue;
		size_t n = strlen(list[i]) + 1;
		if (n > PROC_SPAWN_ARGS_MAX - *len)
			return E2BIG;
		memcpy(buf + *len, list[i], n);
		*len += (uint32_t)n;
	}
	return 0;
}

/* The path as the process server opens it: absolute (rom/ stays rom/). */
static int absolute(const char *path, char *buf)
{
	if (path[0] == '/' || !strncmp(path, "rom/", 4)) {
		if (strlen(path) > PROC_SPAWN_PATH_MAX)
			return ENAMETOOLONG;
		strcpy(buf, path);
		return 0;
	}
	if (!getcwd(buf, PROC_SPAWN_PATH_MAX + 1))
		return errno;
	size_t n = strlen(buf);
	if (n + 1 + strlen(path) > PROC_SPAWN_PATH_MAX)
		return ENAMETOOLONG;
	if (n > 1)
		buf[n++] = '/';
	strcpy(buf + n, path);
	return 0;
}

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
		const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	static char args[PROC_SPAWN_ARGS_MAX], env[PROC_SPAWN_ENV_MAX], where[PROC_SPAWN_PATH_MAX + 1];
	uint32_t args_len, env_len;
	uint64_t got;
	mica_cap_t proc = libc_proc();
	int err;

	if ((actions && *actions) || (attr && *attr && (*attr)->flags))
		return ENOSYS;
	if (!proc)
		return EAGAIN;   /* no process server */
	if ((err = absolute(path, where)) != 0 || (err = pack(argv, false, args, &args_len)) != 0 ||
	    (err = pack(envp, true, env, &env_len)) != 0)
		return err;
	fflush(0);   /* what we printed comes before what it prints */
	if ((err = proc_spawn(proc, where, args, args_len, env, env_len, rt_cap("stdout"), rt_cap("stdin"), &got)) != 0)
		return libc_proc_errno(err);
	if (pid)
		*pid = (pid_t)got;
	return 0;
}

/* `slot` if it holds a capability (a pipe ticket adopted has left it
 * empty), else none. */
static mica_cap_t held(mica_cap_t slot)
{
	uint32_t type, rights;

	return slot && task_cap_info(MICA_BOOT_TASK, slot, &type, &rights) == 0 && type ? slot : MICA_CAP_NULL;
}

/* What the new program gets for descriptor fd as its stdin or stdout: the
 * stream it is, or a ticket for the pipe end it is (*ticket: one made
 * here); none when it is closed.  ENOSYS for another kind (a file): it
 * cannot be handed on yet. */
static int exec_stream(int fd, mica_cap_t *cap, bool *ticket)
{
	int saved = errno;
	struct file *f = fd_lookup(fd);

	errno = saved;
	*cap = MICA_CAP_NULL;
	*ticket = false;
	if (!f)
		return 0;
	if (f->ops == &stdstream_ops) {
		*cap = held(stdstream_cap(f));
		return 0;
	}
	int r = pipe_ticket_for(f, cap);
	if (r < 0)
		return libc_errno_of(r);
	*ticket = r == 0;
	return r == 0 ? 0 : ENOSYS;
}

/* The program in place of this one, as the same process (Proc.exec):
 * descriptors 0 and 1 (streams, or pipe ends as tickets) move to the
 * process server, which gives them to the new program as its stdin and
 * stdout (or back to us, if it cannot start).  On success we end here:
 * the process is the new program's. */
int execve(const char *path, char *const argv[], char *const envp[])
{
	static char args[PROC_SPAWN_ARGS_MAX], env[PROC_SPAWN_ENV_MAX], where[PROC_SPAWN_PATH_MAX + 1];
	uint32_t args_len, env_len;
	mica_cap_t proc = libc_proc(), out = 0, in = 0;
	bool out_ticket = false, in_ticket = false;
	int err;

	if (!proc)
		return libc_fail(ENOSYS);   /* no process server */
	if ((err = absolute(path, where)) != 0 || (err = pack(argv, false, args, &args_len)) != 0 ||
	    (err = pack(envp, true, env, &env_len)) != 0 || (err = exec_stream(1, &out, &out_ticket)) != 0 ||
	    (err = exec_stream(0, &in, &in_ticket)) != 0) {
		if (out_ticket)
			mica_slot_drop(out);
		return libc_fail(err);
	}
	if (in == out)
		in = MICA_CAP_NULL;   /* one capability cannot move twice */
	mica_cap_t out_back = out, in_back = in;   /* where they come back to */
	err = proc_exec(proc, where, args, args_len, env, env_len, out, in, &out_back, &in_back);
	if (!err)
		rt_exit(0);   /* the process goes on as the new program */
	if (out_ticket)
		mica_slot_drop(out);   /* an unadopted ticket: the pipe forgets it */
	if (in_ticket)
		mica_slot_drop(in);
	return libc_fail(libc_proc_errno(err));
}

int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
		 const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	char buf[PATH_MAX];
	const char *dirs = getenv("PATH");
	int err = ENOENT;

	if (strchr(file, '/'))
		return posix_spawn(pid, file, actions, attr, argv, envp);
	if (!*file)
		return ENOENT;
	for (const char *d = dirs ? dirs : DEFAULT_PATH; d; d = strchr(d, ':') ? strchr(d, ':') + 1 : 0) {
		size_t n = strcspn(d, ":");
		if (n + 1 + strlen(file) >= sizeof buf)
			continue;
		memcpy(buf, d, n);
		buf[n] = '/';
		strcpy(buf + n + 1, file);
		int e = posix_spawn(pid, n ? buf : file, actions, attr, argv, envp);
		if (e == 0)
			return 0;
		if (e != ENOENT && e != ENOTDIR)
			err = e;   /* found, but it would not run: say why, unless a later one does */
	}
	return err;
}

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *actions)
{
	*actions = 0;
	return 0;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *actions)
{
	*actions = 0;
	return 0;
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *actions, int fd, const char *path, int flags,
				     mode_t mode)
{
	(void)actions, (void)fd, (void)path, (void)flags, (void)mode;
	return ENOSYS;
}

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *actions, int fd, int newfd)
{
	(void)actions, (void)fd, (void)newfd;
	return ENOSYS;
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *actions, int fd)
{
	(void)actions, (void)fd;
	return ENOSYS;
}

int posix_spawnattr_init(posix_spawnattr_t *attr)
{
	return (*attr = calloc(1, sizeof **attr)) ? 0 : ENOMEM;
}

int posix_spawnattr_destroy(posix_spawnattr_t *attr)
{
	free(*attr);
	*attr = 0;
	return 0;
}

int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags)
{
	(*attr)->flags = flags;
	return 0;
}

int posix_spawnattr_getflags(const posix_spawnattr_t *attr, short *flags)
{
	*flags = (*attr)->flags;
	return 0;
}
