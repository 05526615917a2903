/*
 * paths.h - newlib's, plus the search path a program uses when PATH is
 * not set (_PATH_DEFPATH, _PATH_STDPATH): Mica's programs are in /bin.
 */
#ifndef LIBC_PATHS_H
#define LIBC_PATHS_H

#include_next <paths.h>

#define _PATH_DEFPATH "/bin"
#define _PATH_STDPATH "/bin"
#define _PATH_TTY "/dev/tty"

#endif
