/*
 * glue.h - what the files of lib/libc share: the system layer under newlib
 * for programs that root's launcher starts (docs/libc.md).  Each file is
 * one concept: errno.c (Mica errors to errno), fd.c (the descriptor table
 * and the open file descriptions it shares), stream.c (descriptors 0..2),
 * romfile.c (files under rom/), fsfile.c (files of the file server),
 * reclock.c (their record locks),
 * pipe.c (pipes), path.c (path names), realpath.c (realpath), procsrv.c
 * (the process server), spawn.c (posix_spawn), inherit.c (what a spawned
 * program inherits), shell.c (system, popen), heap.c (sbrk), memalign.c,
 * proc.c (the process), time.c (clocks), sleep.c, termios.c (the terminal
 * functions of <termios.h>), ioctl.c, notifier.c (notifiers and the
 * program's wait irq) and poll.c (poll, ppoll, select, pselect).
 *
 * The glue's own tables do not lock: threads (pthread*.c) that use
 * descriptors at the same moment are not safe yet (docs/libc.md).
 */
#ifndef LIBC_GLUE_H
#define LIBC_GLUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/procsrv.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <mica/proc.h>
#include <mica/types.h>

/* errno.c: the errno value for a Mica error (enum mica_error, either sign). */
int libc_errno_of(int mica_err);
/* Set errno to e (newlib's and the one its _r wrappers read); returns -1. */
int libc_fail(int e);
/* libc_fail(libc_errno_of(mica_err)). */
int libc_fail_mica(int mica_err);

/* fd.c: a descriptor points to an open file description, an object and
 * the operations on it, shared by the descriptors dup() made. */
#define FD_MAX 64
struct file;
/* What a spawned child gets for an open file description (Proc.give,
 * MICA_INHERIT_* of mica/proc.h): `item` is a capability of the parent's
 * made for the child (0: none), which the give moves away. */
struct inherit_item {
	uint32_t kind;
	uint64_t arg;
	const char *name;
	mica_cap_t item;
};
struct file_ops {
	ssize_t (*read)(struct file *f, void *buf, size_t len);
	ssize_t (*write)(struct file *f, const void *buf, size_t len);
	off_t (*lseek)(struct file *f, off_t off, int whence);
	int (*fstat)(struct file *f, struct stat *st);
	int (*close)(struct file *f);   /* releases obj when its last descriptor closes */
	int tty;                          /* isatty() says yes */
	/* An ioctl() request (<sys/ioctl.h>) with its argument; NULL: ENOTTY. */
	int (*ioctl)(struct file *f, unsigned long request, void *arg);
	/* Which of `events` (POLLIN, POLLOUT of <poll.h>) hold, with POLLHUP
	 * and POLLERR when they do; when none of `events` does, `irq` (the
	 * program's wait irq) is to be triggered once one may (notifier.c).
	 * NULL: always readable and writable, as regular files are. */
	short (*poll)(struct file *f, short events, mica_cap_t irq);
	/* What a spawned child inherits of the description: 0, or an errno
	   value (NULL: the description is not inherited). */
	int (*hand_off)(struct file *f, struct inherit_item *out);
};
struct file {
	const struct file_ops *ops;       /* NULL: the description is free */
	void *obj;
	int flags;                        /* O_ACCMODE, O_NONBLOCK, O_APPEND: ops read them */
	int refs;                         /* descriptors pointing here */
};
/* The lowest free descriptor now holding a new description (ops, obj, and
 * of open()'s flags the access mode, O_NONBLOCK and O_APPEND; O_CLOEXEC
 * sets the descriptor's FD_CLOEXEC), or -1 with errno EMFILE. */
int fd_install(const struct file_ops *ops, void *obj, int flags);
/* The description fd points to, or NULL with errno EBADF. */
struct file *fd_lookup(int fd);
/* The same, errno left alone (a notifier's POLLNVAL is no error). */
struct file *fd_file(int fd);
/* The description fd points to and its FD_CLOEXEC in *fd_flags, or NULL
 * for a free or out-of-range descriptor (errno untouched). */
struct file *fd_get(int fd, int *fd_flags);
/* service.c: the server `name` (a capability the program was given, else
 * the registry's), kept in *kept once found; 0 if there is none. */
mica_cap_t libc_service(const char *name, mica_cap_t *kept);
/* The offset lseek(off, whence) moves a file at `pos` to; size_of(f) is
 * asked only for SEEK_END.  -1 with errno EINVAL (bad whence, before the
 * start) or EOVERFLOW (past off_t). */
off_t fd_seek_target(struct file *f, off_t pos, off_t off, int whence, off_t (*size_of)(struct file *f));

/* stream.c: descriptors 0, 1 and 2 on the stdin and stdout streams. */
struct stdstream;
extern const struct file_ops stdstream_ops;
extern struct stdstream stdstream_in, stdstream_out, stdstream_err;
/* The stream capability of f if it is one of those (0: none, or another kind). */
mica_cap_t stdstream_cap(struct file *f);

/* termios.c: a struct termios (<sys/termios.h>) from and to a terminal
 * stream (Stream.getattr/setattr); Mica errors. */
struct termios;
int termios_get(mica_cap_t stream, struct termios *t);
int termios_set(mica_cap_t stream, uint32_t when, const struct termios *t);
/* ttyjob.c: job control before a read (SIGTTIN) or a write (SIGTTOU) of
 * a terminal: 0 to go on, else the errno value the call fails with. */
int libc_tty_job_check(mica_cap_t stream, int sig);
/* Whether a terminal that says it is session tty_sid's controlling
 * terminal (Stream.get_pgrp; 0: no session's) is the caller's: its
 * session's, or no session's, or the caller has no process server to
 * tell its session. */
bool libc_tty_is_ours(int32_t tty_sid);

/* inherit.c: a spawned program's descriptor table, working directory and
 * umask from what its parent gave (Proc.take), once: before main, or
 * when fd.c first uses the table, if earlier.  Nothing changes when the
 * parent gave nothing. */
void libc_inherit(void);

/* romfile.c: a boot file under rom/ (name without the prefix). */
int romfile_open(const char *name, int flags);
int romfile_stat(const char *name, struct stat *st);
/* A rom file a spawned child inherits: its offset in the page given, which
 * the call takes (without one: at pos).  A descriptor, or -1. */
int romfile_adopt(const char *name, int flags, off_t pos, mica_cap_t page);
/* Every rom file's offset put in a shared page before a fork (weak: a
 * program that never opens a rom file has none).  0 or an errno. */
int libc_romfile_before_fork(void) __attribute__((weak));

/* procsrv.c: the program's gate to the process server (libc_proc,
 * <sys/procsrv.h>), its answers as errno values, and the
 * wait for a child's end (0 after it, or at once the first time, when it
 * sets up the notification: look again before waiting). */
int libc_proc_errno(int err);
int libc_proc_wait_child(void);
/* From now on a child's end triggers the program's wait irq (notifier.c):
 * 1 the first time (look again before waiting), 0 after; a Mica error. */
int libc_proc_watch_children(void);
/* The gate when the program has one or was given the server's (never
 * joining: a program boot.cfg started gets 0), and argv[0]'s base name. */
mica_cap_t libc_proc_if_known(void);
const char *libc_program_name(void);
/* In a forked child: its own pid and child notification from now on. */
void libc_proc_after_fork(void);
/* proc.c: getpid asks again. */
void libc_pid_reset(void);

/* signal.c: after a wait that the signal thread broke off
 * (MICA_ECANCELED), whether the handlers that ran want the call to fail
 * with EINTR (1) or to go on waiting (0: each had SA_RESTART, or none ran:
 * a stop and continue also break a wait off).  libc_signal_eintr_arm
 * comes before the wait: it forgets a handler that ran before it (outside
 * any wait, or in the parent before a fork). */
int libc_signal_eintr(void);
static inline void libc_signal_eintr_arm(void)
{
	extern volatile int libc_sig_interrupted;   /* signal.c (sigstate.h) */

	libc_sig_interrupted = 0;
}
/* sigexec.c: before Proc.exec, give the process server the new program's
 * signal state (first: as Proc.give's), of which it makes the new
 * program's summary once the exec is done; 0 or a Mica error.  In the new
 * program (inherit.c), take it. */
int libc_signal_exec_give(mica_cap_t proc, bool first);
/* For a posix_spawn child: our mask (or `mask`) and our ignored signals
 * (less `set_default`'s), as the same entry; 0 or a Mica error. */
int libc_signal_spawn_give(mica_cap_t proc, bool first, const sigset_t *mask, const sigset_t *set_default);
void libc_signal_exec_take(uint64_t masks, uint32_t pending, uint64_t at, const char *period);
/* sigdeliver.c: in a forked child, the signal thread again if the program
 * catches or blocks a signal (a weak reference: programs that fork but
 * catch nothing do not link it). */
void libc_signal_after_fork(void) __attribute__((weak));
/* sigdeliver.c: the signal thread, started if need be (0 if it cannot be). */
mica_cap_t libc_signal_thread(void);
/* pthread.c: how many threads the program has besides the main one. */
int libc_threads_running(void);
/* pthread_atfork.c's, weak (linked with pthread_atfork): the fork handlers
 * for the moment fork is at (LIBC_ATFORK_*). */
enum { LIBC_ATFORK_PREPARE, LIBC_ATFORK_PARENT, LIBC_ATFORK_CHILD };
void libc_atfork_run(int when) __attribute__((weak));

/* fsfile.c: the file server's side of path.c (paths outside rom/). */
int fsfile_open(const char *path, int flags, mode_t mode);
int fsfile_stat(const char *path, struct stat *st, int nofollow);
int fsfile_unlink(const char *path);
int fsfile_link(const char *existing, const char *path);
int fsfile_rename(const char *from, const char *to);
int fsfile_mkdir(const char *path, mode_t mode);
int fsfile_chmod(const char *path, mode_t mode);
int fsfile_chown(const char *path, uid_t uid, gid_t gid);
int fsfile_utimes(const char *path, int64_t atime, int64_t mtime);
struct statvfs;
int fsfile_statvfs(const char *path, struct statvfs *buf);
struct timespec;
int fsfile_times(const struct timespec *ts, const struct stat *cur, int64_t *atime, int64_t *mtime);
const char *fsfile_dir_path(int fd);
/* The working directory and the umask, and setting them as a parent gave
 * them (no check with the server). */
const char *fsfile_cwd(void);
mode_t fsfile_umask(void);
void fsfile_inherit_cwd(const char *path, mode_t mask);
/* A descriptor for the file session `gate` a parent handed on (ours:
 * dropped on failure; its offset the server's, shared), opened as `path`. */
int fsfile_adopt(mica_cap_t gate, int flags, const char *path);
/* The session gate of a description of a server file (0: another kind),
 * and the errno of the server's answer err. */
mica_cap_t fsfile_gate(struct file *f);
/* The locker (OpenFile.lock_owner) through which this process locks f's
 * file as the owner irq names, asked for now when it was not yet and
 * `make` says so; 0 when f is no server file or the server made none (the
 * owner is then named in each request; it is not asked again). */
mica_cap_t fsfile_locker(struct file *f, mica_cap_t irq, int make);
int fsfile_errno(int err);
#include <sys/fsfile.h>   /* fsfile_deny_write, the process server's */
/* reclock.c: fcntl's F_GETLK, F_SETLK and F_SETLKW on f (0 or -1 with
 * errno); the process's locks of f's file released as a close of a
 * descriptor of it must (nothing if it never locked). */
struct flock;
int libc_record_lock(struct file *f, int cmd, struct flock *fl);
void libc_record_locks_release(struct file *f);
/* devnull.c: /dev/null (DEVNULL_PATH), the C library's own: whether
 * path names it, a descriptor of it (open's flags), its stat. */
#define DEVNULL_PATH "/dev/null"
int devnull_is(const char *path);
int devnull_open(int flags);
int devnull_stat(struct stat *st);
/* fork: the child's sessions of its own on our files, sharing each
 * offset (0 or a Mica error); in the child, their buffers and views
 * made its own (fsfile.c). */
int libc_fsfile_fork_into(mica_cap_t task);
void libc_fsfile_after_fork(void);

/* pipe.c: make f (a stream's description) the pipe end if `cap` is a
 * pipe ticket (sys/pipe_ticket.h); 1 if it was. */
int pipe_adopt_stream(struct file *f, mica_cap_t cap);

/* pipe.c: a read end held without a descriptor (a directory listing,
 * fsfile.c).  open takes `cap` (dropped on failure; 0 or a Mica error);
 * read waits as a pipe descriptor's does (the count, 0 at the end, -1
 * with errno); close drops the end. */
struct pipe_end;
int libc_pipe_end_open(mica_cap_t cap, struct pipe_end **out);
ssize_t libc_pipe_end_read(struct pipe_end *pe, void *buf, size_t len);
void libc_pipe_end_close(struct pipe_end *pe);
/* A dataspace of fd's file for mmap (OpenFile.mmap), private or shared,
 * and the rights it allows; -1 with errno (EBADF, ENODEV, EACCES).  With
 * a limit (not FSFILE_NO_LIMIT) the bytes from there read as zeros
 * (OpenFile.mmap_masked; shared: read-only). */
#define FSFILE_NO_LIMIT UINT64_MAX
int fsfile_map(int fd, bool private, uint64_t limit, mica_cap_t *ds, uint32_t *rights);

/* notifier.c: the program's wait irq, made at first use (0 if it cannot
 * be): every source waited for triggers it, and every wait of the glue
 * for a source sleeps until it (or anything) wakes the thread.  It is
 * bound to the main thread until another thread first waits on it
 * (libc_wait_irq_listen, before the wait's first look), then to the
 * signal thread (relayed: 1), which passes each notification on to every
 * thread that listens, through its park irq.  Its label, for the signal
 * thread. */
#define LIBC_WAIT_IRQ_LABEL MICA_WAIT_IRQ_LABEL   /* mica/proc.h */
mica_cap_t libc_wait_irq(void);
void libc_wait_irq_listen(void);
int libc_wait_irq_relayed(void);
/* The owner of the process's record locks (reclock.c): the process
 * server's irq for the process (Proc.lock_owner: exec keeps it), bound
 * where the wait irq is; the wait irq without a process server; 0 if
 * neither can be had. */
mica_cap_t libc_lock_owner(void);
/* In a forked child: the wait irq and lock owner the copied memory names
 * are the parent's; forget them, so that the child's own are had at first
 * use. */
void libc_wait_irq_after_fork(void);
/* Look at fds[0..n) (revents as poll() fills them) until one is ready or
 * timeout_us has passed (0: look once, UINT64_MAX: no limit); the number
 * ready, or -1 with errno ENOMEM (no wait irq) or EINTR (a signal handler
 * ran on the calling thread since its count of handlers was `handlers`:
 * libc_signal_handlers_here, sigstate.h).  *turns (if given) counts the looks at fds. */
struct pollfd;
int notifier_poll(struct pollfd *fds, size_t n, uint64_t timeout_us, unsigned long handlers, unsigned long *turns);
/* fork: the child's pipe ends as tickets of their own (0 or a Mica
 * error); in the child, the tickets adopted and its own wait irq
 * registered with every end. */
int libc_pipe_fork_into(mica_cap_t task);
void libc_pipe_after_fork(void);

/* time.c: microseconds since boot (the KIP clock). */
uint64_t libc_now_us(void);
/* In a forked child: the caller is its only thread (pthread.c). */
void libc_threads_after_fork(void);
/* fork: every thread of the list but the caller held (Thread.hold), or
 * released again; under libc_threads_lock (pthread.c).  Alone: the
 * program has no thread but the main one, the caller (none could be made
 * meanwhile but by the caller). */
void libc_threads_hold_others(bool hold);
bool libc_threads_alone(void);
/* fork: newlib's locks that guard what a child needs whole, taken so that
 * no other thread is inside them when its memory is copied: the
 * environment's and the FILE list's before libc_threads_lock, the heap's
 * after it (a thread's reaper frees its stack under that lock); given back
 * in the parent, made anew in the child, where their holder and waiters
 * may be threads it does not have (newlib_lock.c). */
void libc_newlib_lock_outer(void);
/* In a forked child of a program of several threads: posix_spawn's and
 * execve's lock free (its holder may be a thread the child lacks:
 * spawn.c). */
void libc_spawn_lock_child(void);
void libc_newlib_lock_heap(void);
void libc_newlib_unlock_for_fork(void);
void libc_newlib_locks_child(void);

#endif
