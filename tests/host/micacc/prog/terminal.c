/* terminal.c - an ordinary program using the terminal headers newlib
 * leaves to the system (<termios.h> includes <sys/termios.h>; <sys/ioctl.h>):
 * headers.sh builds it with tools/mica-cc. */
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/termios.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
	struct termios t;
	struct winsize w;

	if (tcgetattr(STDIN_FILENO, &t) == 0) {
		cfmakeraw(&t);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		cfsetspeed(&t, B115200);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
		tcflush(STDIN_FILENO, TCIOFLUSH);
		tcdrain(STDOUT_FILENO);
	}
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0)
		printf("%ux%u, foreground group %d\n", w.ws_col, w.ws_row, (int)tcgetpgrp(STDIN_FILENO));
	return 0;
}
