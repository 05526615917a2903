/*
 * tty.h - the console as a terminal, for the job-control test programs
 * (sig_tty, tty_job): taking the foreground back and TOSTOP.
 */
#ifndef TESTS_QEMU_TTY_H
#define TESTS_QEMU_TTY_H

/* The console's foreground group back to ours, from the background: with
 * SIGTTOU blocked, as a shell does (else the call would stop us).
 * tcsetpgrp's result. */
int tty_take_back(void);
/* TOSTOP on or off on stdout's terminal: tcsetattr's result (-1 also
 * when tcgetattr fails). */
int tty_set_tostop(int on);

#endif
