/*
 * child.h - children and signal sets for the C-library test programs
 * that fork and signal (sig_test, thrsig_test, sigwait_test, ...).
 */
#ifndef TESTS_QEMU_CHILD_H
#define TESTS_QEMU_CHILD_H

#include <signal.h>
#include <sys/types.h>

/* The wait status of pid, waited for through EINTR (-1000 - errno if
 * waitpid failed). */
int child_status(pid_t pid);
/* The exit code a wait status says (-1: it did not exit). */
int child_exit_code(int status);
/* The set of one signal. */
sigset_t sigset_of(int sig);

#endif
