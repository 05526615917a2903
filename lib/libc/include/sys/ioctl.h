/*
 * sys/ioctl.h - ioctl() and the requests Mica's descriptors answer
 * (docs/libc.md): the console's window size and the termios requests that
 * the tc* functions of <termios.h> stand for.  Request numbers follow
 * Linux's.
 */
#ifndef _SYS_IOCTL_H
#define _SYS_IOCTL_H

#include <sys/termios.h>

struct winsize {
	unsigned short ws_row;
	unsigned short ws_col;
	unsigned short ws_xpixel;
	unsigned short ws_ypixel;
};

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409   /* argument non-zero: wait until output is sent (tcdrain); 0, a break: EINVAL */
#define TCFLSH 0x540B
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414

int ioctl(int fd, unsigned long request, ...);

/* Giving up the controlling terminal is not there (docs/processes.md,
 * "The controlling terminal"): on the console the C library answers
 * EINVAL, as for every request it does not know; on a descriptor that is
 * no terminal ENOTTY. */
#define TIOCNOTTY 0x5422

#endif
