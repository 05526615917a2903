/*
 * pidfd.c - descriptors for child processes (<sys/pidfd.h>, docs/poll.md).
 *
 * Its poll asks the process server whether the child has ended without
 * reaping it (Proc.wait with WNOWAIT): readable once the child is a
 * zombie; readable and hung up once it is gone (reaped).  Otherwise it
 * has the server trigger the program's wait irq at a child's end
 * (libc_proc_watch_children), which wakes the notifier to look again.
 * Reading or writing it is EINVAL, as on Linux.  It is close-on-exec and
 * a spawned program does not inherit it; a forked child has a copy, which
 * names its sibling, not a child: readable and hung up (ECHILD).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <mica/error.h>

#include <idl/rt/proc.h>

#include "glue.h"

struct pidfd {
	pid_t pid;
};

/* Proc.wait for the child without reaping it: 0 ended, -MICA_EAGAIN
 * running, else an error (ECHILD: reaped, or never ours). */
static int peek(pid_t pid)
{
	mica_cap_t proc = libc_proc();
	uint64_t got;
	int32_t st;

	return proc ? proc_wait(proc, pid, WNOWAIT, &got, &st) : -MICA_ENOENT;
}

static short pidfd_poll(struct file *f, short events, mica_cap_t irq)
{
	const struct pidfd *p = f->obj;
	int err;

	(void)events, (void)irq;
	/* Watching first: a child that ends between the look and the sleep
	 * still triggers the irq. */
	if (libc_proc_watch_children() < 0)
		return POLLERR;
	err = peek(p->pid);
	if (err == 0)
		return POLLIN;
	return err == -MICA_EAGAIN ? 0 : (short)(POLLIN | POLLHUP);
}

static ssize_t pidfd_read(struct file *f, void *buf, size_t len)
{
	(void)f, (void)buf, (void)len;
	return libc_fail(EINVAL);
}

static ssize_t pidfd_write(struct file *f, const void *buf, size_t len)
{
	(void)f, (void)buf, (void)len;
	return libc_fail(EINVAL);
}

static off_t pidfd_lseek(struct file *f, off_t off, int whence)
{
	(void)f, (void)off, (void)whence;
	return libc_fail(ESPIPE);
}

static int pidfd_fstat(struct file *f, struct stat *st)
{
	(void)f;
	*st = (struct stat){ .st_mode = 0600, .st_nlink = 1 };   /* an anonymous object, no file type */
	return 0;
}

static int pidfd_close(struct file *f)
{
	free(f->obj);
	return 0;
}

static const struct file_ops pidfd_ops = {
	.read = pidfd_read, .write = pidfd_write, .lseek = pidfd_lseek, .fstat = pidfd_fstat,
	.close = pidfd_close, .poll = pidfd_poll,
};

int pidfd_open(pid_t pid, unsigned int flags)
{
	struct pidfd *p;
	int fd, err;

	if (flags || pid <= 0)
		return libc_fail(EINVAL);
	if ((err = peek(pid)) != 0 && err != -MICA_EAGAIN)
		return libc_fail(ESRCH);
	if (!(p = malloc(sizeof *p)))
		return libc_fail(ENOMEM);
	p->pid = pid;
	if ((fd = fd_install(&pidfd_ops, p, O_RDONLY | O_CLOEXEC)) < 0)
		free(p);
	return fd;
}
