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

#endif
