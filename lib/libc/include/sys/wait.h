/*
 * sys/wait.h - newlib's, WCONTINUED, WNOWAIT, BSD's wait3, which the C library
 * provides (lib/libc/proc.c): waitpid for any child, with no resource use
 * kept, and waitid.
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

/* waitid (POSIX): which children (P_ALL, P_PID, P_PGID) and which events
 * (WEXITED, WSTOPPED, WCONTINUED, at least one), told in a siginfo_t as
 * SIGCHLD's (<signal.h>, which POSIX lets this header show). */
#include <signal.h>
#define WEXITED 4
#define WSTOPPED WUNTRACED
typedef enum { P_ALL, P_PID, P_PGID } idtype_t;
int waitid(idtype_t idtype, id_t id, siginfo_t *info, int options);

#endif
