/*
 * sys/wait.h - newlib's, WCONTINUED, WNOWAIT, and BSD's wait3, which the C library
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

/* waitpid's report left to be waited for again (POSIX's WNOWAIT, which
 * newlib leaves out): the child stays a zombie, a stop or continue report
 * stays. */
#define WNOWAIT 0x1000000

struct rusage;
pid_t wait3(int *status, int options, struct rusage *rusage);

#endif
