/*
 * pty.h - pseudo-terminals.  Mica has none yet: openpty and forkpty fail
 * with ENOSYS (lib/libc/pty.c).
 */
#ifndef LIBC_PTY_H
#define LIBC_PTY_H

#include <termios.h>
#include <sys/ioctl.h>
#include <sys/types.h>

int openpty(int *amaster, int *aslave, char *name, const struct termios *termp, const struct winsize *winp);
pid_t forkpty(int *amaster, char *name, const struct termios *termp, const struct winsize *winp);

#endif
