/*
 * tty.c - the console as a terminal for the job-control test programs
 * (tty.h).
 */
#include "tty.h"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

int tty_take_back(void)
{
	sigset_t ttou, old;

	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	int r = tcsetpgrp(0, getpgrp());
	sigprocmask(SIG_SETMASK, &old, 0);
	return r;
}

int tty_set_tostop(int on)
{
	struct termios t;

	if (tcgetattr(1, &t))
		return -1;
	t.c_lflag = on ? t.c_lflag | TOSTOP : t.c_lflag & ~(tcflag_t)TOSTOP;
	return tcsetattr(1, TCSANOW, &t);
}
