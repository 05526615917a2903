/*
 * spawn.c - posix_spawn and posix_spawnp (<spawn.h>) through the process
 * server (procsrv.c, docs/processes.md): the child runs the program of a
 * file with the argv and envp given (MICA_CAPS and MICA_PID are its own,
 * from root), and inherits the caller's descriptors, working directory
 * and umask.
 *
 * The child's table is the caller's with the file actions applied in
 * order (an addopen's file opened here, then closed after the spawn),
 * less the close-on-exec descriptors.  Each description in it is given to
 * the process server (Proc.give) as the kind of file it is hands it off
 * (file_ops.hand_off: a pipe ticket, a session of the file server, ...),
 * with the numbers that share it; the child takes them (inherit.c).  A
 * caller in the state every program starts in (the three streams, "/",
 * umask 022) gives nothing, and its child starts that way too.
 *
 * The attribute flags: SETSIGMASK and SETSIGDEF give the child's signal
 * state (sigexec.c); SETPGROUP gives the group it joins before its main
 * runs (inherit.c; a child that cannot join ends with status 127, and the
 * caller sets it too, so that the child is in its group when posix_spawn
 * returns, whichever runs first); SETSCHEDULER and SETSCHEDPARAM accept
 * what sched_setscheduler would here, SCHED_OTHER at priority 0 (ENOTSUP
 * for SCHED_FIFO and SCHED_RR, EINVAL for other values), checked before
 * the child exists; RESETIDS does nothing (one user).
 *
 * execve runs the program of a file in place of the caller's, as the same
 * process (newlib's execv, execl* call it); what it inherits is given the
 * same way, so the whole table, the working directory and the umask go
 * along.  execvp and posix_spawnp look for the file along PATH, or along
 * DEFAULT_PATH when there is no PATH.
 *
 * argv and envp together are bounded by ARG_MAX, the protocol's bound on
 * `args` (E2BIG past it); the process server also bounds their entries.
 *
 * What is given waits at the server in one list per process until the
 * start takes it, so the program's threads take turns from the first give
 * to the start (spawn_lock).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <paths.h>
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libsys/slot.h>
#include <mica/error.h>
#include <mica/proc.h>
#include <rt/rt.h>

#include <idl/kernel/task.h>
#include <idl/rt/proc.h>

#include "glue.h"

struct __posix_spawnattr {
	short flags;
	sigset_t mask, set_default;   /* POSIX_SPAWN_SETSIGMASK's, POSIX_SPAWN_SETSIGDEF's */
	pid_t pgroup;                 /* POSIX_SPAWN_SETPGROUP's */
	int policy;                   /* POSIX_SPAWN_SETSCHEDULER's */
	struct sched_param param;     /* POSIX_SPAWN_SETSCHEDPARAM's (and SETSCHEDULER's) */
};

#define SPAWN_FLAGS (POSIX_SPAWN_RESETIDS | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | \
		     POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSCHEDULER | POSIX_SPAWN_SETSCHEDPARAM)

/* 0, or why the scheduling the attributes ask for cannot be had: every
 * program runs SCHED_OTHER at priority 0 (pthread_sched.c). */
static int spawn_sched_check(const struct __posix_spawnattr *a)
{
	if (a->flags & POSIX_SPAWN_SETSCHEDULER) {
		if (a->policy == SCHED_FIFO || a->policy == SCHED_RR)
			return ENOTSUP;
		if (a->policy != SCHED_OTHER)
			return EINVAL;
	}
	if ((a->flags & (POSIX_SPAWN_SETSCHEDULER | POSIX_SPAWN_SETSCHEDPARAM)) && a->param.sched_priority != 0)
		return EINVAL;
	return 0;
}

enum action_kind { ACTION_OPEN, ACTION_CLOSE, ACTION_DUP2 };

struct action {
	struct action *next;
	enum action_kind kind;
	int fd, newfd, flags;   /* newfd: adddup2's */
	mode_t mode;
	char *path;             /* addopen's */
};

struct __posix_spawn_file_actions {
	struct action *head, **tail;
};

/* A description the child gets, and the descriptors that share it. */
struct given {
	uint64_t fds;
	int flags;
	struct inherit_item it;
};

#define DEFAULT_PATH "/bin:/rom"   /* posix_spawnp without PATH */
/* Entries as Proc.spawn's buffers take them: each with its NUL, at most
 * `room` bytes (E2BIG past it), written to buf unless it is null (a
 * measure). */
static int pack(char *const list[], bool skip_mica, char *buf, uint32_t room, uint32_t *len)
{
	*len = 0;
	for (unsigned i = 0; list && list[i]; i++) {
		if (skip_mica && (!strncmp(list[i], "MICA_CAPS=", 10) || !strncmp(list[i], "MICA_PID=", 9)))
			continue;
		size_t n = strlen(list[i]) + 1;
		if (n > room - *len)
			return E2BIG;
		if (buf)
			memcpy(buf + *len, list[i], n);
		*len += (uint32_t)n;
	}
	return 0;
}

/* argv, then envp, in `room` bytes of buf (none: a measure), at most
 * ARG_MAX together (the protocol's bound on `args`: sysconf.c); E2BIG
 * past it.  The caller measures first and packs into a buffer of its
 * stack of that size, so that a spawn dirties no page of its own (a fork
 * copies every page written since: ds.c in root) and two threads can
 * spawn at once. */
static int pack_both(char *const argv[], char *const envp[], char *buf, uint32_t room, uint32_t *args_len,
		     uint32_t *env_len)
{
	int err = pack(argv, false, buf, room, args_len);

	return err ? err : pack(envp, true, buf ? buf + *args_len : 0, room - *args_len, env_len);
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

/* The child's table in v: ours with the actions applied (addopen's files
 * opened here, into opened[]), without the close-on-exec descriptors. */
static int child_table(const posix_spawn_file_actions_t *actions, struct file **v, int *opened, int *nopened)
{
	bool cloexec[FD_MAX];
	int fl;

	for (int fd = 0; fd < FD_MAX; fd++) {
		v[fd] = fd_get(fd, &fl);
		cloexec[fd] = v[fd] && (fl & FD_CLOEXEC);
	}
	for (struct action *a = actions && *actions ? (*actions)->head : 0; a; a = a->next)
		switch (a->kind) {
		case ACTION_CLOSE:
			v[a->fd] = 0;   /* closing what is not open is no error (as glibc) */
			break;
		case ACTION_DUP2:
			if (!v[a->fd])
				return EBADF;
			v[a->newfd] = v[a->fd];
			cloexec[a->newfd] = false;   /* dup2's, and for fd == newfd POSIX's */
			break;
		case ACTION_OPEN: {
			int t = open(a->path, a->flags | O_CLOEXEC, a->mode);
			if (t < 0)
				return errno;
			opened[(*nopened)++] = t;
			v[a->fd] = fd_lookup(t);
			cloexec[a->fd] = (a->flags & O_CLOEXEC) != 0;
			break;
		}
		}
	for (int fd = 0; fd < FD_MAX; fd++)
		if (cloexec[fd])
			v[fd] = 0;
	return 0;
}

/* One entry per description of v, handed off; *n of them made. */
static int gather(struct file **v, struct given *g, int *n)
{
	for (int fd = 0; fd < FD_MAX; fd++) {
		struct file *f = v[fd];
		uint64_t fds = 0;
		int err;

		if (!f)
			continue;
		for (int i = fd; i < FD_MAX; i++)
			if (v[i] == f) {
				fds |= 1ull << i;
				v[i] = 0;
			}
		if (!f->ops->hand_off)
			continue;
		g[*n] = (struct given){ fds, f->flags, { 0 } };
		if ((err = f->ops->hand_off(f, &g[*n].it)) != 0)
			return err;
		(*n)++;
	}
	return 0;
}

/* What every program starts with: the three streams, "/" and 022. */
static bool as_at_start(const struct given *g, int n)
{
	if (n != 3 || strcmp(fsfile_cwd(), "/") != 0 || fsfile_umask() != 022)
		return false;
	for (int i = 0; i < 3; i++)
		if (g[i].fds != 1ull << i || g[i].it.kind != MICA_INHERIT_STREAM || g[i].it.arg != (uint64_t)i ||
		    g[i].flags != (i ? O_WRONLY : O_RDONLY))
			return false;
	return true;
}

/* Forget what was given (a spawn that will not take it). */
static void forget(mica_cap_t proc)
{
	proc_give(proc, true, 0, 0, 0, 0, "", 0);
}

/* Give the process server what the child inherits (*gave: anything); every
 * item is gone afterwards (moved to the server, or dropped). */
static int give(mica_cap_t proc, struct given *g, int n, bool *gave)
{
	int err = 0;

	if ((*gave = !as_at_start(g, n)))
		err = proc_give(proc, true, 0, MICA_INHERIT_CWD, 0, fsfile_umask(), fsfile_cwd(), 0);
	else
		n = 0;
	for (int i = 0; i < n; i++) {
		if (!err)
			err = proc_give(proc, false, g[i].fds, g[i].it.kind, (uint32_t)g[i].flags, g[i].it.arg, g[i].it.name,
					g[i].it.item);
		mica_slot_drop(g[i].it.item);   /* empty once given */
		g[i].it.item = 0;
	}
	if (err) {
		forget(proc);
		return libc_proc_errno(err);
	}
	return 0;
}

/* Held from a spawn's or an exec's first give to its start.  Only a
 * program of several threads takes it (as fork: no page written for every
 * later fork to copy).  Recursive: an execve in a signal handler that
 * broke into a spawn of the same thread goes on (its give forgets the
 * spawn's, and the spawn fails or starts its child without them). */
static pthread_mutex_t spawn_lock = { 0, PTHREAD_MUTEX_RECURSIVE, 0, 0, 0 };

static bool spawn_lock_take(void)
{
	if (libc_threads_alone())
		return false;
	pthread_mutex_lock(&spawn_lock);
	return true;
}

static void spawn_lock_drop(bool taken)
{
	if (taken)
		pthread_mutex_unlock(&spawn_lock);
}

void libc_spawn_lock_child(void)
{
	spawn_lock = (pthread_mutex_t){ 0, PTHREAD_MUTEX_RECURSIVE, 0, 0, 0 };
}

/* The descriptions of the child's table v (gather) handed to the process
 * server (give): a frame as big as what is open, not as FD_MAX, since
 * every stack page a spawn writes is copied at each later fork. */
static int hand_over(mica_cap_t proc, struct file **v, bool *gave)
{
	int n = 0, open = 0;

	for (int fd = 0; fd < FD_MAX; fd++)
		open += v[fd] != 0;
	struct given g[open + 1];
	int err = gather(v, g, &n);
	if (!err)
		return give(proc, g, n, gave);
	for (int i = 0; i < n; i++)
		mica_slot_drop(g[i].it.item);
	return err;
}

/* Our stream `slot` for the new program, moved to the process server with
 * the request (and on to root and the program): a copy beside ours in the kernel's derivation tree
 * (Task.cap_sibling), derived from what we were given and not from ours,
 * so that a child keeps its streams when we end, and a failed exec leaves
 * ours where they were.  None for an empty slot (a pipe ticket adopted
 * leaves it so) or none at all; EAGAIN when no slot or kernel memory is
 * left. */
static int stream_copy(mica_cap_t slot, mica_cap_t *copy)
{
	int err = -MICA_EBADCAP;

	*copy = MICA_CAP_NULL;
	if (slot && !(*copy = mica_slot_alloc()))
		return EAGAIN;
	if (slot && (err = task_cap_sibling(MICA_BOOT_TASK, slot, *copy, MICA_RWX)) == 0)
		return 0;
	mica_slot_free(*copy);
	*copy = MICA_CAP_NULL;
	return err == -MICA_EBADCAP ? 0 : EAGAIN;
}

/* Both streams, by stream_copy: 0, or EAGAIN with neither. */
static int stream_copies(mica_cap_t *out, mica_cap_t *in)
{
	int err = stream_copy(rt_cap("stdout"), out);

	if (!err && (err = stream_copy(rt_cap("stdin"), in)) != 0)
		mica_slot_drop(*out);
	return err;
}

/* stdout and stderr written out before another program prints: only
 * those, and only when they hold output (POSIX asks no flush of spawn or
 * exec at all; fflush(NULL) would take every stream's lock, waiting for
 * good for a thread that reads its input with fgets, and move the offset
 * of every stream read from; fflush of a stream never used would set up
 * stdio in a program that does not use it, whose every fork then copies
 * more: fork_wait measured 16,000 instructions more so). */
static void flush_ours(void)
{
	FILE *streams[] = { stdout, stderr };

	for (unsigned i = 0; i < 2; i++)
		if ((streams[i]->_flags & __SWR) && streams[i]->_p > streams[i]->_bf._base)
			fflush(streams[i]);
}

/* The copies' slots after the request `err` answered: empty if it reached
 * the server, which passed them on or dropped them (as it certainly did
 * on success); after a failure they may still be ours (the request never
 * came). */
static void stream_copies_done(int err, mica_cap_t out, mica_cap_t in)
{
	void (*done)(mica_cap_t) = err ? mica_slot_drop : mica_slot_free;

	done(out);
	done(in);
}

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
		const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	char where[PROC_SPAWN_PATH_MAX + 1];
	struct file *v[FD_MAX];
	int opened[FD_MAX], nopened = 0;
	bool gave = false;
	uint32_t args_len, env_len;
	uint64_t got;
	mica_cap_t proc = libc_proc();
	int err;

	short flags = attr && *attr ? (*attr)->flags : 0;
	if (flags & ~SPAWN_FLAGS)
		return EINVAL;
	if (flags && (err = spawn_sched_check(*attr)) != 0)
		return err;
	if ((flags & POSIX_SPAWN_SETPGROUP) && (*attr)->pgroup < 0)
		return EINVAL;
	if (!proc)
		return EAGAIN;   /* no process server */
	if ((err = absolute(path, where)) != 0 ||
	    (err = pack_both(argv, envp, 0, PROC_SPAWN_ARGS_MAX, &args_len, &env_len)) != 0)
		return err;
	char packed[args_len + env_len + 1];
	if ((err = pack_both(argv, envp, packed, args_len + env_len, &args_len, &env_len)) != 0)
		return err;   /* grew since: another thread's */
	bool locked = spawn_lock_take();
	if ((err = child_table(actions, v, opened, &nopened)) == 0)
		err = hand_over(proc, v, &gave);
	if (!err && (flags & POSIX_SPAWN_SETPGROUP)) {
		if ((err = proc_give(proc, !gave, 0, MICA_INHERIT_PGROUP, 0, (uint64_t)(*attr)->pgroup, "", 0)) != 0) {
			forget(proc);
			err = libc_proc_errno(err);
		}
		gave = true;
	}
	if (!err && (err = libc_signal_spawn_give(proc, !gave, flags & POSIX_SPAWN_SETSIGMASK ? &(*attr)->mask : 0,
						  flags & POSIX_SPAWN_SETSIGDEF ? &(*attr)->set_default : 0)) != 0) {
		forget(proc);
		err = libc_proc_errno(err);
	}
	mica_cap_t out, in;
	if (!err && (err = stream_copies(&out, &in)) != 0)
		forget(proc);
	if (!err) {
		flush_ours();   /* what we printed comes before what it prints */
		if ((err = proc_spawn(proc, where, packed, args_len, packed + args_len, env_len, out, in, &got)) != 0) {
			forget(proc);   /* the server drops them when it fails; not if the request never came */
			err = libc_proc_errno(err);
		}
		stream_copies_done(err, out, in);
	}
	spawn_lock_drop(locked);
	for (int i = 0; i < nopened; i++)
		close(opened[i]);
	if (err)
		return err;
	if (flags & POSIX_SPAWN_SETPGROUP) {
		/* The child joins too, before its main: whichever is first. */
		int saved = errno;
		setpgid((pid_t)got, (*attr)->pgroup ? (*attr)->pgroup : (pid_t)got);
		errno = saved;
	}
	if (pid)
		*pid = (pid_t)got;
	return 0;
}

/* The program in place of this one, as the same process (Proc.exec): it
 * inherits the descriptor table (less the close-on-exec descriptors), the
 * working directory and the umask, given as for posix_spawn, and copies
 * of our stdin and stdout streams beside ours (stream_copy), which go to
 * the new program, or are dropped if it cannot start: ours are ours until
 * it does.  On success we end here: the process is
 * the new program's. */
int execve(const char *path, char *const argv[], char *const envp[])
{
	char where[PROC_SPAWN_PATH_MAX + 1];
	struct file *v[FD_MAX];
	int opened[FD_MAX], nopened = 0;
	uint32_t args_len, env_len;
	mica_cap_t proc = libc_proc(), out, in;
	bool gave = false;
	int err;

	if (!proc)
		return libc_fail(ENOSYS);   /* no process server */
	if ((err = absolute(path, where)) != 0 ||
	    (err = pack_both(argv, envp, 0, PROC_SPAWN_ARGS_MAX, &args_len, &env_len)) != 0)
		return libc_fail(err);
	char packed[args_len + env_len + 1];
	if ((err = pack_both(argv, envp, packed, args_len + env_len, &args_len, &env_len)) != 0)
		return libc_fail(err);
	bool locked = spawn_lock_take();
	if ((err = child_table(0, v, opened, &nopened)) == 0)
		err = hand_over(proc, v, &gave);
	if (!err && (err = libc_signal_exec_give(proc, !gave)) != 0) {
		forget(proc);
		err = libc_proc_errno(err);
	}
	if (!err && (err = stream_copies(&out, &in)) != 0)
		forget(proc);
	if (err) {
		spawn_lock_drop(locked);
		return libc_fail(err);
	}
	flush_ours();   /* our buffered output is written before the process is another program */
	err = proc_exec(proc, where, packed, args_len, packed + args_len, env_len, out, in);
	if (!err)
		rt_exit(0);   /* the process goes on as the new program */
	stream_copies_done(err, out, in);
	forget(proc);   /* the server dropped them, unless the request never came */
	spawn_lock_drop(locked);
	return libc_fail(libc_proc_errno(err));
}

/* Try `file` in each directory of PATH (DEFAULT_PATH without one), as
 * the "p" functions do: 0 at the first that `run` starts, else the errno of
 * the last one found that would not run, ENOENT when none was found. */
static int along_path(const char *file, int (*run)(const char *path, void *ctx), void *ctx)
{
	char buf[PATH_MAX];
	const char *dirs = getenv("PATH");
	int err = ENOENT;

	if (!*file)
		return ENOENT;
	for (const char *d = dirs ? dirs : DEFAULT_PATH; d; d = strchr(d, ':') ? strchr(d, ':') + 1 : 0) {
		size_t n = strcspn(d, ":");
		if (n + 1 + strlen(file) >= sizeof buf)
			continue;
		memcpy(buf, d, n);
		buf[n] = '/';
		strcpy(buf + n + 1, file);
		int e = run(n ? buf : file, ctx);
		if (e == 0)
			return 0;
		if (e != ENOENT && e != ENOTDIR)
			err = e;   /* found, but it would not run: say why, unless a later one does */
	}
	return err;
}

/* A regular file we may execute at `path`: 0 and its path in ctx (a
 * PATH_MAX buffer), or why not. */
static int runnable_at(const char *path, void *ctx)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return errno;
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		return EACCES;   /* as the process server says (one user: any x bit) */
	strcpy(ctx, path);
	return 0;
}

/* The file is found along PATH first and spawned once: the file actions
 * (an addopen opens in the caller) run once, as POSIX says, whatever the
 * directories before it hold. */
int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
		 const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	char found[PATH_MAX];
	int err;

	if (strchr(file, '/'))
		return posix_spawn(pid, file, actions, attr, argv, envp);
	if ((err = along_path(file, runnable_at, found)) != 0)
		return err;
	return posix_spawn(pid, found, actions, attr, argv, envp);
}

extern char **environ;

/* A file that is no program (ENOEXEC) is a shell script, which the exec
 * "p" functions hand to /bin/sh, as POSIX says.  Returns only on failure. */
static int exec_script(const char *path, char *const argv[])
{
	int argc = 0;

	while (argv[argc])
		argc++;
	char **sh = malloc((argc + 2) * sizeof *sh);
	if (!sh)
		return ENOMEM;
	sh[0] = argc ? argv[0] : "sh";   /* execl(sh, arg0, file, arg1, ...), as POSIX says */
	sh[1] = (char *)path;
	memcpy(sh + 2, argv + (argc > 0), (argc - (argc > 0) + 1) * sizeof *sh);
	execve(_PATH_BSHELL, sh, environ);
	int err = errno;
	free(sh);
	return err;
}

static int exec_at(const char *path, void *ctx)
{
	char *const *argv = ctx;

	execve(path, argv, environ);
	return errno == ENOEXEC ? exec_script(path, argv) : errno;
}

/* execvp (execlp calls it): PATH as posix_spawnp walks it, also when the
 * environment has none (newlib's would then look in the working directory
 * only). */
int execvp(const char *file, char *const argv[])
{
	int err = strchr(file, '/') ? exec_at(file, (void *)argv) : along_path(file, exec_at, (void *)argv);

	return libc_fail(err);
}

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *actions)
{
	if (!(*actions = calloc(1, sizeof **actions)))
		return ENOMEM;
	(*actions)->tail = &(*actions)->head;
	return 0;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *actions)
{
	struct action *a, *next;

	if (!*actions)
		return EINVAL;
	for (a = (*actions)->head; a; a = next) {
		next = a->next;
		free(a->path);
		free(a);
	}
	free(*actions);
	*actions = 0;
	return 0;
}

static int add(posix_spawn_file_actions_t *actions, struct action a)
{
	struct action *n;

	if (!*actions)
		return EINVAL;
	if (a.fd < 0 || a.fd >= FD_MAX || a.newfd < 0 || a.newfd >= FD_MAX)
		return EBADF;
	if (!(n = malloc(sizeof *n)))
		return ENOMEM;
	*n = a;
	*(*actions)->tail = n;
	(*actions)->tail = &n->next;
	return 0;
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *actions, int fd, const char *path, int flags,
				     mode_t mode)
{
	char *copy = strdup(path);
	int err;

	if (!copy)
		return ENOMEM;
	if ((err = add(actions, (struct action){ 0, ACTION_OPEN, fd, 0, flags, mode, copy })) != 0)
		free(copy);
	return err;
}

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *actions, int fd, int newfd)
{
	return add(actions, (struct action){ 0, ACTION_DUP2, fd, newfd, 0, 0, 0 });
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *actions, int fd)
{
	return add(actions, (struct action){ 0, ACTION_CLOSE, fd, 0, 0, 0, 0 });
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

int posix_spawnattr_setsigmask(posix_spawnattr_t *__restrict attr, const sigset_t *__restrict mask)
{
	(*attr)->mask = *mask;
	return 0;
}

int posix_spawnattr_getsigmask(const posix_spawnattr_t *__restrict attr, sigset_t *__restrict mask)
{
	*mask = (*attr)->mask;
	return 0;
}

int posix_spawnattr_setsigdefault(posix_spawnattr_t *__restrict attr, const sigset_t *__restrict set)
{
	(*attr)->set_default = *set;
	return 0;
}

int posix_spawnattr_getsigdefault(const posix_spawnattr_t *__restrict attr, sigset_t *__restrict set)
{
	*set = (*attr)->set_default;
	return 0;
}

int posix_spawnattr_setpgroup(posix_spawnattr_t *attr, pid_t pgroup)
{
	(*attr)->pgroup = pgroup;
	return 0;
}

int posix_spawnattr_getpgroup(const posix_spawnattr_t *__restrict attr, pid_t *__restrict pgroup)
{
	*pgroup = (*attr)->pgroup;
	return 0;
}

int posix_spawnattr_setschedpolicy(posix_spawnattr_t *attr, int policy)
{
	(*attr)->policy = policy;
	return 0;
}

int posix_spawnattr_getschedpolicy(const posix_spawnattr_t *__restrict attr, int *__restrict policy)
{
	*policy = (*attr)->policy;
	return 0;
}

int posix_spawnattr_setschedparam(posix_spawnattr_t *__restrict attr, const struct sched_param *__restrict param)
{
	(*attr)->param = *param;
	return 0;
}

int posix_spawnattr_getschedparam(const posix_spawnattr_t *__restrict attr, struct sched_param *__restrict param)
{
	*param = (*attr)->param;
	return 0;
}
