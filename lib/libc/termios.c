/*
 * termios.c - the terminal functions of <termios.h> (docs/libc.md): the
 * speed fields kept in the struct, and the rest as the ioctl() requests of
 * <sys/ioctl.h> on the descriptor, as a Unix C library does; a terminal
 * stream answers them with Stream.getattr/setattr and friends
 * (termios_get, termios_set below).
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "glue.h"
#include <idl/rt/stream.h>

/* The speeds <sys/termios.h> names. */
static int speed_valid(speed_t s)
{
	return s <= B38400 || s == B57600 || s == B115200;
}

speed_t cfgetispeed(const struct termios *t) { return t->c_ispeed; }
speed_t cfgetospeed(const struct termios *t) { return t->c_ospeed; }

int cfsetispeed(struct termios *t, speed_t speed)
{
	if (!speed_valid(speed))
		return libc_fail(EINVAL);
	t->c_ispeed = speed;
	return 0;
}

int cfsetospeed(struct termios *t, speed_t speed)
{
	if (!speed_valid(speed))
		return libc_fail(EINVAL);
	t->c_ospeed = speed;
	return 0;
}

int cfsetspeed(struct termios *t, speed_t speed)
{
	if (cfsetispeed(t, speed))
		return -1;
	return cfsetospeed(t, speed);
}

void cfmakeraw(struct termios *t)
{
	t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t->c_oflag &= ~(tcflag_t)OPOST;
	t->c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t->c_cflag = (t->c_cflag & ~(tcflag_t)(CSIZE | PARENB)) | CS8;
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
}

int tcgetattr(int fd, struct termios *t)
{
	return ioctl(fd, TCGETS, t);
}

int tcsetattr(int fd, int optional_actions, const struct termios *t)
{
	static const unsigned long requests[] = { [TCSANOW] = TCSETS, [TCSADRAIN] = TCSETSW, [TCSAFLUSH] = TCSETSF };

	if (optional_actions < TCSANOW || optional_actions > TCSAFLUSH)
		return libc_fail(EINVAL);
	return ioctl(fd, requests[optional_actions], t);
}

int tcflush(int fd, int queue_selector)
{
	return ioctl(fd, TCFLSH, (void *)(uintptr_t)(unsigned)queue_selector);
}

/* TCSBRK with a non-zero argument waits until output is sent, as on
 * Linux (0 would send a break). */
int tcdrain(int fd)
{
	return ioctl(fd, TCSBRK, (void *)1);
}

pid_t tcgetpgrp(int fd)
{
	pid_t pgrp;

	return ioctl(fd, TIOCGPGRP, &pgrp) ? -1 : pgrp;
}

int tcsetpgrp(int fd, pid_t pgrp)
{
	return ioctl(fd, TIOCSPGRP, &pgrp);
}

int termios_get(mica_cap_t stream, struct termios *t)
{
	struct tty_attr a;
	int err = stream_getattr(stream, &a);

	if (err)
		return err;
	*t = (struct termios){ .c_iflag = a.iflag, .c_oflag = a.oflag, .c_cflag = a.cflag, .c_lflag = a.lflag,
			       .c_ispeed = a.speed, .c_ospeed = a.speed };
	for (unsigned i = 0; i < NCCS; i++)
		t->c_cc[i] = (cc_t)(a.cc >> (8 * i));
	return 0;
}

/* One speed serves both ways: an input speed of 0 means "the output's". */
int termios_set(mica_cap_t stream, uint32_t when, const struct termios *t)
{
	struct tty_attr a = { .iflag = t->c_iflag, .oflag = t->c_oflag, .cflag = t->c_cflag, .lflag = t->c_lflag,
			      .speed = t->c_ospeed };

	if (t->c_ispeed && t->c_ispeed != t->c_ospeed)
		return -MICA_EINVAL;
	for (unsigned i = 0; i < NCCS; i++)
		a.cc |= (uint64_t)t->c_cc[i] << (8 * i);
	return stream_setattr(stream, when, a);
}
