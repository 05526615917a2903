/*
 * signal.h - newlib's, plus SA_RESTART, which newlib gives only to RTEMS.
 * A Mica program's calls are not interrupted by its signals (a signal is
 * delivered when the program raises it, lib/libc/signal.c), so every
 * handler behaves as if installed with SA_RESTART; the flag is accepted.
 */
#ifndef LIBC_SIGNAL_H
#define LIBC_SIGNAL_H

#include_next <signal.h>

#ifndef SA_RESTART
#define SA_RESTART 0x10000000
#endif

/* The System V calls POSIX keeps as XSI (lib/libc/sigxsi.c); newlib
 * declares only sigpause. */
#define SIG_HOLD ((_sig_func_ptr)2)
int sighold(int sig);
int sigrelse(int sig);
int sigignore(int sig);
_sig_func_ptr sigset(int sig, _sig_func_ptr disp);

#endif
