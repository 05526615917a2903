/*
 * machine/time.h - newlib's, with CLOCKS_PER_SEC (which newlib's <time.h>
 * takes from _CLOCKS_PER_SEC_) as XSI has it: 1,000,000, clock()'s
 * microseconds of CPU time (lib/libc/cputime.c).
 */
#ifndef LIBC_MACHINE_TIME_H
#define LIBC_MACHINE_TIME_H

#define _CLOCKS_PER_SEC_ 1000000

#include_next <machine/time.h>

#endif
