/*
 * sys/syscall.h - Linux's system call numbers (__NR_*, SYS_*).  Mica's
 * system calls are its kernel's IPC, not Linux's: there are none here, so
 * a program that tests for one (#ifdef __NR_NAME) takes its portable path.
 */
#ifndef LIBC_SYS_SYSCALL_H
#define LIBC_SYS_SYSCALL_H
#endif
