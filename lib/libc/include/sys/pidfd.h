/*
 * sys/pidfd.h - a descriptor for a child process (lib/libc/pidfd.c,
 * docs/poll.md): poll, select and notifiers see it readable (POLLIN) once
 * the child has ended, which makes a process's end one more source of a
 * notifier.
 */
#ifndef _SYS_PIDFD_H
#define _SYS_PIDFD_H

#include <sys/types.h>

/* A descriptor (close-on-exec, not inherited) for the caller's child
 * `pid`; `flags` must be 0.  -1 with errno EINVAL (flags, or pid not
 * above 0), ESRCH (no such child of the caller), EMFILE. */
int pidfd_open(pid_t pid, unsigned int flags);

#endif
