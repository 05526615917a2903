/*
 * stream.c - descriptors 0, 1 and 2: the program's `stdin` and `stdout`
 * capabilities (a `stderr` one if the environment has it, else stdout
 * again), spoken to with the Stream protocol (idl/rt/stream.idl).
 *
 * Input that is not there yet (MICA_EAGAIN) is waited for: the program's
 * wait irq (notifier.c, bound to the main thread) is armed with
 * Stream.notify, then
 * an open receive on that thread waits, and whatever wakes it (the irq, or
 * anything else) is followed by another read.  A terminal in raw mode
 * (no ICANON) is read as its VMIN and VTIME say, timed here.  Before each
 * read of a terminal, and each write while its TOSTOP is set, a program
 * of a background group is stopped as job control says (ttyjob.c), and
 * so before each request that changes the terminal.  The terminal's ioctl
 * requests go to the stream as Stream requests.  A
 * stream capability that is a pipe ticket makes the descriptor a pipe
 * end (pipe.c) at its first use.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/proc.h>
#include <rt/rt.h>

#include "glue.h"
#include <idl/kernel/task.h>
#include <idl/rt/notify.h>
#include <idl/rt/stream.h>

#define WAIT_MAX_US 0x7fffffffu            /* per receive: below MICA_TIMEOUT_ZERO */

struct stdstream {
	const char *name, *fallback;   /* the capability's name in the environment */
	mica_cap_t cap;
	int looked_up;
};

struct stdstream stdstream_in = { "stdin", 0, 0, 0 };
struct stdstream stdstream_out = { "stdout", 0, 0, 0 };
struct stdstream stdstream_err = { "stderr", "stdout", 0, 0 };

static mica_cap_t cap_of(struct stdstream *s)
{
	if (!s->looked_up) {
		s->cap = rt_cap(s->name);
		if (!s->cap && s->fallback)
			s->cap = rt_cap(s->fallback);
		s->looked_up = 1;
	}
	return s->cap;
}

/* A stream given a pipe ticket (sys/pipe_ticket.h: a program started with
 * a pipe end as its stdin or stdout) is that pipe end from its first use
 * on; stderr falling back to stdout stays the stream. */
static int became_pipe(struct file *f)
{
	struct stdstream *s = f->obj;

	if (s->looked_up)
		return 0;
	mica_cap_t cap = cap_of(s);
	return cap && cap == rt_cap(s->name) && pipe_adopt_stream(f, cap);
}

static ssize_t stdstream_write(struct file *f, const void *buf, size_t len)
{
	if (became_pipe(f))
		return f->ops->write(f, buf, len);

	mica_cap_t cap = cap_of(f->obj);
	const char *p = buf;
	size_t done = 0;

	if (!cap)
		return libc_fail(EBADF);
	/* A stream that is no terminal answers getattr ENOSYS: no TOSTOP. */
	struct tty_attr attr;
	int stop;
	if (stream_getattr(cap, &attr) == 0 && (attr.lflag & TOSTOP) && (stop = libc_tty_job_check(cap, SIGTTOU)))
		return libc_fail(stop);
	while (done < len) {
		uint32_t n = len - done > STREAM_WRITE_DATA_MAX ? STREAM_WRITE_DATA_MAX : (uint32_t)(len - done);
		uint32_t written = 0;
		int err = stream_write(cap, p + done, n, &written);
		if (err || !written || written > n) {
			if (done)
				return (ssize_t)done;   /* the error shows on the next write */
			return err ? libc_fail_mica(err) : libc_fail(EIO);
		}
		done += written;
	}
	return (ssize_t)done;
}

/* Wait for input: arm the irq (Stream.notify; it fires at once if input
 * came meanwhile), then an open receive until it or anything else wakes
 * the thread, or until `deadline` (µs of libc_now_us, 0: none).
 * -MICA_ETIMEOUT once the deadline has passed. */
static int wait_input(mica_cap_t cap, uint64_t deadline)
{
	mica_cap_t irq = libc_wait_irq();
	uint32_t timeout = MICA_TIMEOUT_NEVER;
	int err;

	if (!irq)
		return -MICA_ENOMEM;
	libc_wait_irq_listen();
	if ((err = stream_notify(cap, irq)) != 0)
		return err;
	if (deadline) {
		uint64_t now = libc_now_us();
		if (now >= deadline)
			return -MICA_ETIMEOUT;
		timeout = deadline - now > WAIT_MAX_US ? WAIT_MAX_US : (uint32_t)(deadline - now);
	}
	/* A system call's error is positive; a timeout is no error here: the
	 * next read, or the deadline, tells. */
	err = mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, timeout), 0, 0);
	return err == MICA_ETIMEOUT ? 0 : -err;
}

/* Canonical mode (or a stream that is no terminal): what is ready, once
 * something is. */
static ssize_t read_blocking(mica_cap_t cap, void *buf, size_t len)
{
	for (;;) {
		uint32_t n = (uint32_t)len;
		int err, stop = libc_tty_job_check(cap, SIGTTIN);
		if (stop)
			return libc_fail(stop);
		err = stream_read(cap, buf, &n);
		if (!err)
			return n;
		if (err == -MICA_EAGAIN)
			libc_signal_eintr_arm();
		if (err == -MICA_EAGAIN && (err = wait_input(cap, 0)) == -MICA_ECANCELED && !libc_signal_eintr())
			continue;   /* a handler with SA_RESTART ran: read on */
		if (err)
			return libc_fail_mica(err);
	}
}

/* Raw mode: VMIN bytes (at most len), VTIME tenths of a second between
 * bytes once one came; VMIN 0 makes VTIME a limit on the whole read. */
static ssize_t read_raw(mica_cap_t cap, char *buf, size_t len, unsigned vmin,
			unsigned vtime)
{
	uint64_t step = (uint64_t)vtime * 100000, deadline = vmin || !vtime ? 0 : libc_now_us() + step;
	size_t got = 0, want = vmin < len ? vmin : len;

	for (;;) {
		uint32_t n = (uint32_t)(len - got);
		int err, stop = libc_tty_job_check(cap, SIGTTIN);
		if (stop)
			return got ? (ssize_t)got : libc_fail(stop);
		err = stream_read(cap, buf + got, &n);
		if (!err) {
			if (!n)
				return (ssize_t)got;   /* an end of input left from canonical mode */
			got += n;
			if (got >= want || got == len)
				return (ssize_t)got;
			if (vtime)
				deadline = libc_now_us() + step;
			continue;
		}
		if (err != -MICA_EAGAIN)
			return got ? (ssize_t)got : libc_fail_mica(err);
		if (!vmin && !vtime)
			return 0;
		err = wait_input(cap, deadline);
		if (err == -MICA_ETIMEOUT)
			return (ssize_t)got;
		if (err)
			return got ? (ssize_t)got : libc_fail_mica(err);
	}
}

static ssize_t stdstream_read(struct file *f, void *buf, size_t len)
{
	if (became_pipe(f))
		return f->ops->read(f, buf, len);
	struct stdstream *s = f->obj;
	mica_cap_t cap = cap_of(s);
	struct tty_attr attr;

	if (!cap || !len)
		return 0;   /* no input stream: end of input at once */
	if (len > STREAM_READ_DATA_MAX)
		len = STREAM_READ_DATA_MAX;
	if (f->flags & O_NONBLOCK) {   /* whatever the mode: what is there, or EAGAIN */
		uint32_t n = (uint32_t)len;
		int err, stop = libc_tty_job_check(cap, SIGTTIN);
		if (stop)
			return libc_fail(stop);
		err = stream_read(cap, buf, &n);
		return err ? libc_fail_mica(err) : (ssize_t)n;
	}
	/* A stream that is no terminal answers getattr ENOSYS: it blocks. */
	if (stream_getattr(cap, &attr) == 0 && !(attr.lflag & ICANON))
		return read_raw(cap, buf, len, (uint8_t)(attr.cc >> (8 * VMIN)), (uint8_t)(attr.cc >> (8 * VTIME)));
	return read_blocking(cap, buf, len);
}

/* Stream.set_pgrp: the terminal asks the process server, naming us by a
 * copy of our gate to it with R only (it cannot be called), made for
 * this request and revoked after it (with every copy derived from it),
 * so that a stream server that is no terminal and kept it holds nothing
 * that names us later. */
static int set_pgrp_naming_us(mica_cap_t stream, int32_t pgrp)
{
	mica_cap_t proc = libc_proc(), once = 0;
	int err;

	if (proc) {   /* else no process server: the terminal asks nobody */
		if (!(once = mica_slot_alloc()))
			return -MICA_ENOMEM;
		if ((err = task_cap_map(MICA_BOOT_TASK, proc, once, MICA_R, false)) != 0) {
			mica_slot_free(once);
			return err;
		}
	}
	err = stream_set_pgrp(stream, pgrp, once);
	mica_slot_drop(once);
	return err;
}

/* The terminal requests of <sys/ioctl.h>, each one Stream request. */
static int stdstream_ioctl(struct file *f, unsigned long request, void *arg)
{
	if (became_pipe(f))
		return libc_fail(ENOTTY);
	mica_cap_t cap = cap_of(f->obj);
	struct tty_winsize size;
	int32_t pgrp, sid;
	int err;

	if (!cap)
		return libc_fail(EBADF);
	/* What changes the terminal: a background group's program is
	 * stopped by SIGTTOU first, as a writer under TOSTOP is. */
	if ((request == TCSETS || request == TCSETSW || request == TCSETSF || request == TCFLSH ||
	     request == TIOCSPGRP || (request == TCSBRK && arg)) &&
	    (err = libc_tty_job_check(cap, SIGTTOU)) != 0)
		return libc_fail(err);
	switch (request) {
	case TCGETS:
		err = termios_get(cap, arg);
		break;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		err = termios_set(cap, request == TCSETS ? TCSANOW : request == TCSETSW ? TCSADRAIN : TCSAFLUSH, arg);
		break;
	case TCFLSH:
		err = stream_flush(cap, (uint32_t)(uintptr_t)arg);
		break;
	case TCSBRK: {
		/* Output goes out before a terminal answers the write that
		 * carried it, so any answer means all of it is sent. */
		struct tty_attr attr;
		if (!arg)
			return libc_fail(EINVAL);   /* a break: the console sends none */
		err = stream_getattr(cap, &attr);
		break;
	}
	case TIOCGWINSZ:
		if (!(err = stream_get_winsize(cap, &size)))
			*(struct winsize *)arg = (struct winsize){ size.rows, size.cols, size.xpixel, size.ypixel };
		break;
	case TIOCSWINSZ: {
		const struct winsize *w = arg;
		err = stream_set_winsize(cap, (struct tty_winsize){ w->ws_row, w->ws_col, w->ws_xpixel, w->ws_ypixel });
		break;
	}
	case TIOCGPGRP:
		/* No foreground group yet: the terminal is no one's
		 * controlling terminal; or another session's: not the
		 * caller's.  POSIX answers both with ENOTTY. */
		if (!(err = stream_get_pgrp(cap, &pgrp, &sid)) && (pgrp == 0 || !libc_tty_is_ours(sid)))
			return libc_fail(ENOTTY);
		if (!err)
			*(pid_t *)arg = pgrp;
		break;
	case TIOCSPGRP:
		err = set_pgrp_naming_us(cap, *(const pid_t *)arg);
		break;
	default:
		return libc_fail(EINVAL);
	}
	if (err == -MICA_ENOSYS)
		return libc_fail(ENOTTY);
	return err ? libc_fail(libc_proc_errno(err)) : 0;
}

static off_t stdstream_lseek(struct file *f, off_t off, int whence)
{
	(void)f;
	(void)off;
	(void)whence;
	return libc_fail(ESPIPE);
}

static int stdstream_fstat(struct file *f, struct stat *st)
{
	if (became_pipe(f))
		return f->ops->fstat(f, st);
	st->st_mode = S_IFCHR | 0620;
	st->st_nlink = 1;
	st->st_blksize = STREAM_WRITE_DATA_MAX;
	return 0;
}

/* A notifier's look: a write never waits (a Stream write takes it all);
 * input is asked of the server (Pollable.poll), which arms the irq when
 * there is none.  A stream that cannot say (MICA_ENOSYS) never makes a
 * reader wait either: it answers a read at once.  No stream at all reads
 * as the end of input, a hang-up. */
static short stdstream_poll(struct file *f, short events, mica_cap_t irq)
{
	if (became_pipe(f))
		return f->ops->poll(f, events, irq);
	mica_cap_t cap = cap_of(f->obj);
	uint32_t ready;
	int err;

	if (!cap)
		return POLLHUP;
	if (!(events & POLLIN))
		return events & POLLOUT;
	if ((err = pollable_poll(cap, irq, (uint32_t)events & (POLLIN | POLLOUT), &ready)) == -MICA_ENOSYS)
		return events & (POLLIN | POLLOUT);
	return err ? POLLERR : (short)(ready & (POLLIN | POLLOUT | POLLERR | POLLHUP));
}

/* Closing the descriptor leaves the stream alone: the capability is the
 * environment's, and other code may still look it up by name. */
static int stdstream_close(struct file *f)
{
	(void)f;
	return 0;
}

/* A spawned child gets its own stream of the same name: the process
 * server passes it ours (posix_spawn). */
static int stdstream_hand_off(struct file *f, struct inherit_item *out)
{
	if (became_pipe(f))
		return f->ops->hand_off(f, out);
	uint64_t which = f->obj == &stdstream_in ? 0 : f->obj == &stdstream_out ? 1 : 2;
	*out = (struct inherit_item){ MICA_INHERIT_STREAM, which, "", 0 };
	return 0;
}

const struct file_ops stdstream_ops = {
	.read = stdstream_read,
	.write = stdstream_write,
	.lseek = stdstream_lseek,
	.fstat = stdstream_fstat,
	.close = stdstream_close,
	.tty = 1,
	.ioctl = stdstream_ioctl,
	.poll = stdstream_poll,
	.hand_off = stdstream_hand_off,
};

mica_cap_t stdstream_cap(struct file *f)
{
	return f->ops == &stdstream_ops ? cap_of(f->obj) : MICA_CAP_NULL;
}
