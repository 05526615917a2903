/*
 * pipe_fd - the C library's descriptor table (lib/libc/fd.c, pipe_fd.scenario):
 * descriptors sharing one open file description (its offset and status
 * flags), close-on-exec per descriptor, dup/dup2/dup3/fcntl(F_DUPFD) and
 * their errors, a full table (EMFILE) and a description that lives until
 * its last descriptor closes.  TAP: "ok N - what" or "not ok N - what",
 * the plan last; the program exits 0 only if all pass.
 */
#define _GNU_SOURCE   /* dup3 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DATA "rom/pipe_fd_data.txt"
#define TABLE_SIZE 64   /* lib/libc's FD_MAX */

static int checks, failures;

static void check(const char *name, int ok)
{
	printf("%s %d - %s\n", ok ? "ok" : "not ok", ++checks, name);
	if (!ok)
		failures++;
}

static int read_char(int fd)
{
	char c;

	return read(fd, &c, 1) == 1 ? c : -1;
}

int main(void)
{
	int a = open(DATA, O_RDONLY), b, c, n, fds[TABLE_SIZE];

	check("open", a >= 3);
	b = dup(a);
	check("dup gives the lowest free descriptor", b == a + 1);
	check("dup shares the offset", read_char(a) == '0' && read_char(b) == '1' && lseek(a, 0, SEEK_CUR) == 2);
	check("close of one leaves the other", close(a) == 0 && read_char(b) == '2');
	check("closed descriptor is EBADF", read_char(a) == -1 && errno == EBADF);

	c = fcntl(b, F_DUPFD, 20);
	check("F_DUPFD at or above its argument", c == 20 && read_char(c) == '3');
	check("F_DUPFD out of range is EINVAL", fcntl(b, F_DUPFD, TABLE_SIZE) == -1 && errno == EINVAL);
	check("F_SETFL O_NONBLOCK shows on every duplicate",
	      fcntl(b, F_SETFL, O_NONBLOCK | O_APPEND) == 0 &&
	      (fcntl(c, F_GETFL) & (O_NONBLOCK | O_APPEND | O_ACCMODE)) == (O_NONBLOCK | O_APPEND | O_RDONLY));
	check("F_SETFL keeps the access mode", fcntl(c, F_SETFL, O_WRONLY) == 0 && (fcntl(b, F_GETFL) & O_ACCMODE) == O_RDONLY);
	check("FD_CLOEXEC is the descriptor's own",
	      fcntl(b, F_SETFD, FD_CLOEXEC) == 0 && fcntl(b, F_GETFD) == FD_CLOEXEC && fcntl(c, F_GETFD) == 0);
	n = fcntl(c, F_DUPFD_CLOEXEC, 0);
	check("F_DUPFD_CLOEXEC", n == a && fcntl(n, F_GETFD) == FD_CLOEXEC && close(n) == 0);
	check("dup clears FD_CLOEXEC", (n = dup(b)) >= 0 && fcntl(n, F_GETFD) == 0 && close(n) == 0);

	check("dup2 onto itself", dup2(b, b) == b);
	check("dup2 onto an open descriptor closes it", dup2(b, 30) == 30 && dup2(c, 30) == 30 && read_char(30) == '4');
	check("dup2 to an invalid descriptor is EBADF", dup2(b, TABLE_SIZE) == -1 && errno == EBADF && dup2(b, -1) == -1);
	check("dup2 of a closed descriptor is EBADF", dup2(31, 32) == -1 && errno == EBADF && fcntl(32, F_GETFD) == -1);
	check("dup3 onto itself is EINVAL", dup3(b, b, 0) == -1 && errno == EINVAL);
	check("dup3 with a bad flag is EINVAL", dup3(b, 31, O_NONBLOCK) == -1 && errno == EINVAL);
	check("dup3 O_CLOEXEC", dup3(b, 31, O_CLOEXEC) == 31 && fcntl(31, F_GETFD) == FD_CLOEXEC);
	check("fcntl of an unknown command is EINVAL", fcntl(b, 9999, 0) == -1 && errno == EINVAL);
	check("fcntl of a closed descriptor is EBADF", fcntl(40, F_GETFL) == -1 && errno == EBADF);

	/* Fill the table with duplicates of b: EMFILE, then one close frees a slot. */
	n = 0;
	while (n < TABLE_SIZE && (fds[n] = dup(b)) >= 0)
		n++;
	check("a full table is EMFILE", n < TABLE_SIZE && fds[n] == -1 && errno == EMFILE &&
	      open(DATA, O_RDONLY) == -1 && errno == EMFILE);
	check("a close frees a descriptor", close(fds[0]) == 0 && dup(b) == fds[0]);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	close(30);
	close(31);
	close(c);
	check("the description lives until its last descriptor", read_char(b) == '5' && close(b) == 0);
	check("every descriptor above 2 is free again", dup(0) == 3 && close(3) == 0 && open(DATA, O_RDONLY) == 3 &&
	      read_char(3) == '0' && close(3) == 0);

	check("dup of stdout writes to stdout", (n = dup(1)) == 3 && write(n, "via dup\n", 8) == 8 && close(n) == 0);
	check("dup2 over stderr", dup2(1, 2) == 2 && write(2, "stderr now stdout\n", 18) == 18);
	check("stdin is read-only", write(0, "x", 1) == -1 && errno == EBADF);

	n = open(DATA, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	check("open's O_CLOEXEC and O_NONBLOCK", n == 3 && fcntl(n, F_GETFD) == FD_CLOEXEC &&
	      fcntl(n, F_GETFL) == (O_RDONLY | O_NONBLOCK) && close(n) == 0);
	check("open of a rom file for appending is EROFS", open(DATA, O_RDONLY | O_APPEND) == -1 && errno == EROFS);

	{
		char buf[16];
		check("a nonblocking read of stdin with no input is EAGAIN",
		      fcntl(0, F_SETFL, O_NONBLOCK) == 0 && read(0, buf, sizeof buf) == -1 && errno == EAGAIN &&
		      fcntl(0, F_SETFL, 0) == 0);
	}

	printf("1..%d\npipe_fd: %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
