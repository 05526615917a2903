/*
 * sys/wait.h - newlib's, and BSD's wait3, which the C library provides
 * (lib/libc/proc.c): waitpid for any child, with no resource use kept.
 */
#ifndef LIBC_SYS_WAIT_H
#define LIBC_SYS_WAIT_H

#include_next <sys/wait.h>

struct rusage;
pid_t wait3(int *status, int options, struct rusage *rusage);

#endif
