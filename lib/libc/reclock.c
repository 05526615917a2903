/*
 * reclock.c - POSIX record locks: fcntl's F_GETLK, F_SETLK and F_SETLKW
 * (fd.c passes them here), lockf, and their release when the process
 * closes a descriptor of the file (docs/libc.md).
 *
 * The file server keeps the locks (OpenFile.lock, test_lock,
 * docs/fsserver.md); their owner is the process, named by the irq the
 * process server made for it (Proc.lock_owner, libc_lock_owner in
 * notifier.c; without a process server, the program's wait irq), a
 * capability no other process holds: every program the process runs
 * (exec) names the same owner, so its locks stay; a forked child has an
 * irq of its own, so it inherits none of its parent's locks; and the
 * process's end, when the process server destroys the irq, takes its
 * locks with it.  F_SETLKW asks, and when a conflicting lock is held the
 * server triggers the owner irq (bound where the wait irq is) at the next
 * release on the file: the program sleeps until then (or
 * until a signal handler runs: EINTR) and asks again.  Only files of the
 * file server have locks: anything else answers EINVAL, as POSIX says of
 * a file that does not support locking.
 *
 * The first lock through a descriptor makes a locker (OpenFile.lock_owner,
 * fsfile_locker): a gate that names the owner itself, so that the
 * requests after it carry no capability for the server to compare and
 * give back.  Without one (none could be made) each request names the
 * irq.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include <libsys/ipc.h>
#include <mica/error.h>
#include <mica/fs.h>

#include <idl/rt/fs.h>

#include "glue.h"
#include "sigstate.h"

/* Whether the program ever locked: only then does a close ask the server
 * to release. */
static int locked;

/* fl's range as [*start, *start + *length) (length 0: to the end and
 * beyond), its start from l_whence; 0 or an errno value. */
static int lock_range(struct file *f, const struct flock *fl, uint64_t *start, uint64_t *length)
{
	struct stat st;
	off_t base;

	switch (fl->l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		if ((base = f->ops->lseek(f, 0, SEEK_CUR)) < 0)
			return errno;
		break;
	case SEEK_END:
		if (f->ops->fstat(f, &st))
			return errno;
		base = st.st_size;
		break;
	default:
		return EINVAL;
	}
	off_t s, len = fl->l_len;
	if (__builtin_add_overflow(base, (off_t)fl->l_start, &s))
		return EOVERFLOW;
	if (len < 0) {   /* the bytes before s */
		if (s + len < 0)
			return EINVAL;
		s += len;
		len = -len;
	}
	if (s < 0)
		return EINVAL;
	if (len > INT64_MAX - s)
		return EOVERFLOW;
	*start = (uint64_t)s;
	*length = (uint64_t)len;
	return 0;
}

static int type_of(short l_type, uint32_t *type)
{
	switch (l_type) {
	case F_RDLCK:
		*type = MICA_FS_LOCK_READ;
		return 0;
	case F_WRLCK:
		*type = MICA_FS_LOCK_WRITE;
		return 0;
	case F_UNLCK:
		*type = MICA_FS_LOCK_UNLOCK;
		return 0;
	}
	return EINVAL;
}

/* Sleep on the wait irq until it is triggered: 0, or MICA_ECANCELED when
 * a signal broke the wait off. */
static int wait_release(void)
{
	mica_word_t tag, label;
	int err;

	do
		err = mica_ipc_wait(0, &tag, &label);
	while (!err && !(mica_tag_flags(tag) & MICA_TAG_F_IRQ));
	return err;
}

/* Where a lock request goes: a locker's gate (owner 0), or the
 * session's with the owner irq. */
struct lock_via {
	mica_cap_t gate, owner;
};

/* The server forgets that we wait: any request of ours ends the wait,
 * and a test of a lock of `type` (not UNLOCK) changes nothing. */
static void wait_cancel(struct lock_via via, uint32_t type)
{
	uint32_t held, pid;
	uint64_t start, length;

	open_file_test_lock(via.gate, via.owner, type, 0, 0, &held, &start, &length, &pid);
}

/* F_SETLK, and F_SETLKW's asking until the server grants (0) or answers
 * another error than EAGAIN; an errno value. */
static int set_lock(struct lock_via via, uint32_t type, uint64_t start, uint64_t length, bool wait)
{
	unsigned long handlers = libc_signal_handlers_here();
	int err;

	if (wait)
		libc_wait_irq_listen();
	for (;;) {
		err = open_file_lock(via.gate, via.owner, (uint32_t)getpid(), type, start, length, wait);
		if (err != -(MICA_FS_ERRNO + EAGAIN) || !wait)
			break;
		int woke = libc_signal_handlers_here() == handlers ? wait_release() : -MICA_ECANCELED;
		if (woke && woke != -MICA_ECANCELED)
			return libc_errno_of(woke);
		if (woke || libc_signal_handlers_here() != handlers) {   /* a signal handler ran */
			handlers = libc_signal_handlers_here();
			if (libc_signal_eintr()) {
				wait_cancel(via, type);
				return EINTR;
			}
		}
	}
	if (!err && type != MICA_FS_LOCK_UNLOCK)
		locked = 1;
	return err == -(MICA_FS_ERRNO + EAGAIN) ? EAGAIN : err ? fsfile_errno(err) : 0;
}

static int get_lock(struct lock_via via, struct flock *fl, uint32_t type, uint64_t start, uint64_t length)
{
	uint32_t held, pid;
	uint64_t s, l;
	int err;

	if (type == MICA_FS_LOCK_UNLOCK)
		return EINVAL;
	if ((err = open_file_test_lock(via.gate, via.owner, type, start, length, &held, &s, &l, &pid)) != 0)
		return fsfile_errno(err);
	if (held == MICA_FS_LOCK_UNLOCK) {
		fl->l_type = F_UNLCK;
		return 0;
	}
	fl->l_type = held == MICA_FS_LOCK_WRITE ? F_WRLCK : F_RDLCK;
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)s;
	fl->l_len = (off_t)l;
	fl->l_pid = (short)pid;
	return 0;
}

int libc_record_lock(struct file *f, int cmd, struct flock *fl)
{
	mica_cap_t gate = fsfile_gate(f), irq;
	uint64_t start = 0, length = 0;
	uint32_t type;
	int acc = f->flags & O_ACCMODE, err;

	if (!fl)
		return libc_fail(EFAULT);
	if (!gate || (err = type_of(fl->l_type, &type)) != 0)
		return libc_fail(EINVAL);
	if ((err = lock_range(f, fl, &start, &length)) != 0)
		return libc_fail(err);
	if (!(irq = libc_lock_owner()))
		return libc_fail(ENOLCK);
	mica_cap_t locker = fsfile_locker(f, irq, 1);
	struct lock_via via = locker ? (struct lock_via){ locker, 0 } : (struct lock_via){ gate, irq };
	if (cmd == F_GETLK)
		err = get_lock(via, fl, type, start, length);
	else if ((type == MICA_FS_LOCK_READ && acc == O_WRONLY) || (type == MICA_FS_LOCK_WRITE && acc == O_RDONLY))
		err = EBADF;
	else
		err = set_lock(via, type, start, length, cmd == F_SETLKW);
	return err ? libc_fail(err) : 0;
}

void libc_record_locks_release(struct file *f)
{
	mica_cap_t gate, irq, locker;

	if (!locked || !(gate = fsfile_gate(f)) || !(irq = libc_lock_owner()))
		return;
	uint32_t pid = (uint32_t)getpid();
	if ((locker = fsfile_locker(f, irq, 0)) != 0)
		open_file_lock(locker, 0, pid, MICA_FS_LOCK_UNLOCK, 0, 0, false);
	else
		open_file_lock(gate, irq, pid, MICA_FS_LOCK_UNLOCK, 0, 0, false);
}

/* lockf: a write lock on `len` bytes from the offset (len 0: to the end
 * and beyond; negative: the bytes before it). */
int lockf(int fd, int cmd, off_t len)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_CUR, .l_start = 0, .l_len = len };

	switch (cmd) {
	case F_ULOCK:
		fl.l_type = F_UNLCK;
		return fcntl(fd, F_SETLK, &fl);
	case F_LOCK:
		return fcntl(fd, F_SETLKW, &fl);
	case F_TLOCK:
		return fcntl(fd, F_SETLK, &fl);
	case F_TEST:
		if (fcntl(fd, F_GETLK, &fl))
			return -1;
		return fl.l_type == F_UNLCK ? 0 : libc_fail(EACCES);   /* F_GETLK reports others' only */
	}
	return libc_fail(EINVAL);
}
