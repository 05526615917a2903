/* waiting.c - an ordinary program waiting on several descriptors with
 * <poll.h> (Mica's, lib/libc/include) and newlib's <sys/select.h>, and
 * with a notifier of <sys/notifier.h>: headers.sh builds it with
 * tools/mica-cc. */
#define _GNU_SOURCE   /* ppoll */
#include <poll.h>
#include <stdio.h>
#include <sys/notifier.h>
#include <sys/poll.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	int p[2];
	struct pollfd fds[2] = { { STDIN_FILENO, POLLIN, 0 }, { STDOUT_FILENO, POLLOUT, 0 } };
	struct timespec ts = { 1, 0 };
	struct timeval tv = { 0, 500000 };
	fd_set rd;

	if (pipe(p))
		return 1;
	printf("poll: %d, ppoll: %d\n", poll(fds, 2, 100), ppoll(fds, 2, &ts, NULL));
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	printf("select: %d, pselect: %d\n", select(p[0] + 1, &rd, NULL, NULL, &tv),
	       pselect(p[0] + 1, &rd, NULL, NULL, &ts, NULL));
	struct notifier *n = notifier_new();
	struct pollfd ready[1];
	if (n && notifier_add(n, p[0], POLLIN) == 0 && write(p[1], "x", 1) == 1)
		printf("ready: %d after %lu turns\n", notifier_wait(n, ready, 1, -1), notifier_turns(n));
	notifier_free(n);
	return 0;
}
