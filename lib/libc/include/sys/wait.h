/*
 * sys/wait.h - newlib's, WCONTINUED, and BSD's wait3, which the C library
 * provides (lib/libc/proc.c): waitpid for any child, with no resource use
 * kept.
 */
#ifndef LIBC_SYS_WAIT_H
#define LIBC_SYS_WAIT_H

#include_next <sys/wait.h>

/* waitpid's report of a stopped child continued (SIGCONT), which newlib
 * leaves out: the status is 0xffff (docs/processes.md). */
#define WCONTINUED 8
#define WIFCONTINUED(w) ((w) == 0xffff)

struct rusage;
pid_t wait3(int *status, int options, struct rusage *rusage);

#endif
