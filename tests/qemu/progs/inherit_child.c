/*
 * inherit_child.c - what inherit_test spawns (inherit.scenario,
 * docs/processes.md "What a child inherits").  Its arguments are steps,
 * run in order; the exit status is the number of the first step that
 * failed (1 for the first), 0 when all held:
 *   closed FD          FD is no descriptor (EBADF)
 *   read FD TEXT       reading FD gives TEXT
 *   write FD TEXT      TEXT is written to FD whole
 *   pos FD N           FD's offset is N
 *   seek FD N          set FD's offset to N
 *   skip FD N          N bytes read from FD
 *   eof FD             a read of FD gives nothing (the end)
 *   same A B           A and B are one description (a seek on A moves B)
 *   flags FD N         F_GETFL of FD is N (decimal)
 *   type FD C          fstat of FD: C is p (a FIFO), f (a file), c (a terminal)
 *   cwd PATH           the working directory is PATH
 *   umask N            the umask is N (octal)
 *   produce FD N       write N bytes of a pattern to FD (steps of 1000)
 *   drain FD N         read FD to its end: exactly N bytes of the pattern
 *   readable FD        poll says FD is readable (at once: it must be already)
 *   hostile            Proc.give as a hostile client would: an unknown
 *                      kind, more entries than a child may get, forgetting,
 *                      a take with nothing left, a pipe ticket given to a
 *                      spawn that fails, and one given to no spawn at all
 *                      (left to the program's end)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/pipe_ticket.h>

#include <libsys/slot.h>
#include <mica/error.h>
#include <mica/fs.h>
#include <mica/proc.h>
#include <rt/rt.h>

#include <idl/rt/proc.h>

static char pattern(long i)
{
	return (char)('a' + i % 23);
}

#define FS_ERR(e) (-(MICA_FS_ERRNO + (e)))

/* A pipe end's ticket given to the next spawn. */
static int give_ticket(mica_cap_t proc, int fd)
{
	mica_cap_t t;

	if (pipe_hand_off(fd, &t) != 0)
		return -1;
	int err = proc_give(proc, true, 1, MICA_INHERIT_PIPE, O_RDONLY, 0, "", t);
	mica_slot_drop(t);   /* empty: granted */
	return err;
}

static int hostile(void)
{
	static char name[PROC_TAKE_NAME_MAX + 1];
	mica_cap_t proc = rt_cap("proc"), slot = mica_slot_alloc(), item = slot;
	uint64_t fds, arg, pid;
	uint32_t kind, flags;
	int p[2];

	if (!proc || proc_give(proc, true, 1, 99, 0, 0, "", 0) != FS_ERR(EINVAL))
		return 0;
	for (unsigned i = 0; i < MICA_INHERIT_MAX; i++)
		if (proc_give(proc, i == 0, 1, MICA_INHERIT_CWD, 0, 022, "/", 0) != 0)
			return 0;
	if (proc_give(proc, false, 1, MICA_INHERIT_CWD, 0, 022, "/", 0) != FS_ERR(EAGAIN))
		return 0;
	if (proc_give(proc, true, 0, 0, 0, 0, "", 0) != 0)   /* forget */
		return 0;
	if (proc_take(proc, &fds, &kind, &flags, &arg, name, &item) != -MICA_ENOENT)
		return 0;
	mica_slot_free(slot);
	if (pipe(p) != 0 || give_ticket(proc, p[0]) != 0)
		return 0;
	if (proc_spawn(proc, "/bin/nothing", "x", 2, "", 0, 0, 0, &pid) != FS_ERR(ENOENT))
		return 0;
	return give_ticket(proc, p[1]) == 0;   /* never spawned: the server drops it when we end */
}

static int step(char **a, int *used)
{
	int fd = a[1] ? atoi(a[1]) : -1;
	char buf[1000];
	struct stat st;

	*used = 1;
	if (!strcmp(a[0], "hostile"))
		return hostile();
	*used = 2;
	if (!strcmp(a[0], "closed"))
		return fcntl(fd, F_GETFD) < 0 && errno == EBADF;
	if (!strcmp(a[0], "readable")) {
		struct pollfd p = { fd, POLLIN, 0 };
		return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
	}
	if (!strcmp(a[0], "cwd")) {
		char *cwd = getcwd(buf, sizeof buf);
		return cwd && a[1] && !strcmp(cwd, a[1]);
	}
	if (!strcmp(a[0], "umask"))
		return a[1] && umask(0) == (mode_t)strtol(a[1], 0, 8);
	if (!strcmp(a[0], "eof"))
		return read(fd, buf, 1) == 0;
	*used = 3;
	if (!a[1] || !a[2])
		return 0;
	long n = atol(a[2]);
	if (!strcmp(a[0], "read")) {
		size_t len = strlen(a[2]), got = 0;
		while (got < len) {
			ssize_t r = read(fd, buf + got, len - got);
			if (r <= 0)
				return 0;
			got += (size_t)r;
		}
		return !memcmp(buf, a[2], len);
	}
	if (!strcmp(a[0], "write"))
		return write(fd, a[2], strlen(a[2])) == (ssize_t)strlen(a[2]);
	if (!strcmp(a[0], "skip"))
		return read(fd, buf, (size_t)n) == n;
	if (!strcmp(a[0], "pos"))
		return lseek(fd, 0, SEEK_CUR) == n;
	if (!strcmp(a[0], "seek"))
		return lseek(fd, n, SEEK_SET) == n;
	if (!strcmp(a[0], "same")) {
		off_t was = lseek(fd, 0, SEEK_CUR);
		int same = lseek(fd, was + 1, SEEK_SET) == was + 1 && lseek((int)n, 0, SEEK_CUR) == was + 1;
		lseek(fd, was, SEEK_SET);
		return same;
	}
	if (!strcmp(a[0], "flags"))
		return fcntl(fd, F_GETFL) == n;
	if (!strcmp(a[0], "type"))
		return fstat(fd, &st) == 0 && ((a[2][0] == 'p' && S_ISFIFO(st.st_mode)) ||
					       (a[2][0] == 'f' && S_ISREG(st.st_mode)) ||
					       (a[2][0] == 'c' && S_ISCHR(st.st_mode)));
	if (!strcmp(a[0], "produce")) {
		for (long done = 0; done < n;) {
			int k = n - done < (long)sizeof buf ? (int)(n - done) : (int)sizeof buf;
			for (int i = 0; i < k; i++)
				buf[i] = pattern(done + i);
			if (write(fd, buf, (size_t)k) != k)
				return 0;
			done += k;
		}
		return 1;
	}
	if (!strcmp(a[0], "drain")) {
		long total = 0;
		ssize_t r;
		while ((r = read(fd, buf, sizeof buf)) > 0)
			for (ssize_t i = 0; i < r; i++, total++)
				if (buf[i] != pattern(total))
					return 0;
		return r == 0 && total == n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int n = 1, used;

	for (int i = 1; i < argc; i += used, n++)
		if (!step(argv + i, &used))
			return n;
	return 0;
}
