/*
 * stream.c - descriptors 0, 1 and 2: the program's `stdin` and `stdout`
 * capabilities (a `stderr` one if the environment has it, else stdout
 * again), spoken to with the Stream protocol (idl/rt/stream.idl).
 *
 * Input that is not there yet (MICA_EAGAIN) is waited for: the first time,
 * an irq bound to the main thread is made and given to Stream.notify; then
 * each wait is an open receive on that thread, and whatever wakes it (the
 * irq, or anything else) is followed by another read.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <rt/rt.h>

#include <idl/kernel/factory.h>
#include "glue.h"
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/rt/stream.h>

#define INPUT_IRQ_LABEL 0x737464696eull   /* "stdin" */

struct stdstream {
	const char *name, *fallback;   /* the capability's name in the environment */
	mica_cap_t cap;
	int looked_up;
	mica_cap_t irq;                /* input notifications; 0 until first needed */
};

struct stdstream stdstream_in = { "stdin", 0, 0, 0, 0 };
struct stdstream stdstream_out = { "stdout", 0, 0, 0, 0 };
struct stdstream stdstream_err = { "stderr", "stdout", 0, 0, 0 };

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

static ssize_t stdstream_write(struct file *f, const void *buf, size_t len)
{
	mica_cap_t cap = cap_of(f->obj);
	const char *p = buf;
	size_t done = 0;

	if (!cap)
		return libc_fail(EBADF);
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

static int want_input_irq(struct stdstream *s, mica_cap_t cap)
{
	mica_cap_t irq = mica_slot_alloc();
	int err;

	if (!irq)
		return -MICA_ENOMEM;
	err = factory_create_irq(MICA_BOOT_FACTORY, irq, INPUT_IRQ_LABEL);
	if (err) {
		mica_slot_free(irq);
		return err;
	}
	err = irq_bind(irq, MICA_BOOT_THREAD);
	if (!err)
		err = stream_notify(cap, irq);
	if (err) {
		kobject_destroy(irq);
		mica_slot_free(irq);
		return err;
	}
	s->irq = irq;
	return 0;
}

static ssize_t stdstream_read(struct file *f, void *buf, size_t len)
{
	struct stdstream *s = f->obj;
	mica_cap_t cap = cap_of(s);
	mica_word_t tag, label;

	if (!cap || !len)
		return 0;   /* no input stream: end of input at once */
	if (len > STREAM_READ_DATA_MAX)
		len = STREAM_READ_DATA_MAX;
	for (;;) {
		uint32_t n = (uint32_t)len;
		int err = stream_read(cap, buf, &n);
		if (!err)
			return n;
		if (err != -MICA_EAGAIN || (f->flags & O_NONBLOCK))
			return libc_fail_mica(err);
		/* Input that came before notify() took effect is read at once. */
		if (!s->irq)
			err = want_input_irq(s, cap);
		else
			err = mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, MICA_TIMEOUT_NEVER), &tag, &label);
		if (err)
			return libc_fail_mica(err);
	}
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
	(void)f;
	st->st_mode = S_IFCHR | 0620;
	st->st_nlink = 1;
	st->st_blksize = STREAM_WRITE_DATA_MAX;
	return 0;
}

/* Closing the descriptor leaves the stream alone: the capability is the
 * environment's, and other code may still look it up by name. */
static int stdstream_close(struct file *f)
{
	(void)f;
	return 0;
}

const struct file_ops stdstream_ops = {
	.read = stdstream_read,
	.write = stdstream_write,
	.lseek = stdstream_lseek,
	.fstat = stdstream_fstat,
	.close = stdstream_close,
	.tty = 1,
};
