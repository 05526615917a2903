/*
 * lock_test.c - POSIX record locks (fcntl F_GETLK, F_SETLK, F_SETLKW,
 * lockf; lib/libc/reclock.c, srv/ext2fs/locks.c, docs/fsserver.md): two
 * processes contending on ranges, F_GETLK reporting the holder, F_SETLKW
 * woken by an unlock, by the close of another descriptor of the file and
 * by the holder's death, interrupted by a signal; a waiter killed while it
 * waits; splitting and merging;
 * a forked child inheriting none; a deadlock of two; the errors; a full
 * table (ENOLCK) that the death of its filler empties; owners that are
 * not the program's; idlc's fuzz driver on a session holding locks.
 *
 * The other process is a peer: a forked child with its own descriptor of
 * the file, which runs the requests the test writes to its pipe and
 * answers each on another.  lock.scenario boots it with the pipe, block,
 * file and process servers on a copy of build/tests/qemu/proc.img.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/fs.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>
#include <idl/rt/fs.h>

#include "lookup.h"
#include "qtest.h"

#define FILE_PATH "/lock_test.dat"
#define SELF "rom/lock_test"   /* this program, exec'd by locks_stay_across_exec */
#define EOVER (-(long)EOVERFLOW)

enum op { OP_EXIT, OP_SETLK, OP_SETLKW, OP_GETLK, OP_CLOSE_OTHER, OP_FILL, OP_SETLKW_OR_YIELD };

struct request {
	enum op op;
	short type;
	off_t start, len;
};

struct answer {
	long ret;            /* 0, -errno; OP_FILL: the ranges locked */
	struct flock fl;     /* OP_GETLK's */
};

struct peer {
	pid_t pid;
	int req, ans;        /* our ends */
};

/* fcntl(fd, cmd) on [start, start + len) from the start of the file: 0 or -errno. */
static long lk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl) ? -errno : 0;
}

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

/* Ranges of one byte every other byte until the server refuses: how many. */
static long fill(int fd)
{
	long n = 0;

	while (lk(fd, F_SETLK, F_WRLCK, 2 * n, 1) == 0)
		n++;
	return errno == ENOLCK ? n : -errno;
}

static struct answer run(int fd, const struct request *r)
{
	struct answer a = { 0 };

	switch (r->op) {
	case OP_SETLK:
	case OP_SETLKW:
		a.ret = lk(fd, r->op == OP_SETLK ? F_SETLK : F_SETLKW, r->type, r->start, r->len);
		break;
	case OP_SETLKW_OR_YIELD:   /* a deadlock's loser gives up its byte 1 */
		if ((a.ret = lk(fd, F_SETLKW, r->type, r->start, r->len)) == -EDEADLK)
			lk(fd, F_SETLK, F_UNLCK, 1, 1);
		break;
	case OP_GETLK:
		a.fl = (struct flock){ .l_type = r->type, .l_whence = SEEK_SET, .l_start = r->start, .l_len = r->len };
		a.ret = fcntl(fd, F_GETLK, &a.fl) ? -errno : 0;
		break;
	case OP_CLOSE_OTHER: {
		int other = open(FILE_PATH, O_RDONLY);
		a.ret = other < 0 ? -errno : close(other);
		break;
	}
	case OP_FILL:
		a.ret = fill(fd);
		break;
	case OP_EXIT:
		break;
	}
	return a;
}

/* The peer's loop: a request, its answer, until OP_EXIT.  A signal
 * interrupts only F_SETLKW (no SA_RESTART); a read it breaks is retried. */
static void serve(int req, int ans)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	int fd = open(FILE_PATH, O_RDWR);
	struct request r;

	sigaction(SIGUSR1, &sa, 0);
	write(ans, &(struct answer){ .ret = fd < 0 ? -errno : 0 }, sizeof(struct answer));   /* ready */
	for (;;) {
		ssize_t got;
		while ((got = read(req, &r, sizeof r)) < 0 && errno == EINTR)
			;
		if (got != sizeof r || r.op == OP_EXIT)
			_exit(fd < 0 ? 1 : 0);
		struct answer a = run(fd, &r);
		write(ans, &a, sizeof a);
	}
}

static struct peer peer_start(void)
{
	int req[2], ans[2];
	struct peer p = { -1, -1, -1 };

	if (pipe(req) || pipe(ans))
		return p;
	if ((p.pid = fork()) == 0) {
		close(req[1]), close(ans[0]);
		serve(req[0], ans[1]);
	}
	close(req[0]), close(ans[1]);
	p.req = req[1], p.ans = ans[0];
	struct answer ready;
	if (read(p.ans, &ready, sizeof ready) != sizeof ready || ready.ret)
		p.pid = -1;
	return p;
}

static void ask(struct peer *p, enum op op, short type, off_t start, off_t len)
{
	struct request r = { op, type, start, len };

	write(p->req, &r, sizeof r);
}

static struct answer answer(struct peer *p)
{
	struct answer a = { .ret = -1000 };

	if (read(p->ans, &a, sizeof a) != sizeof a)
		a.ret = -1000;
	return a;
}

static long peer_do(struct peer *p, enum op op, short type, off_t start, off_t len)
{
	ask(p, op, type, start, len);
	return answer(p).ret;
}

/* Whether the peer answered already (a look, no wait). */
static int answered(struct peer *p)
{
	struct pollfd pfd = { p->ans, POLLIN, 0 };

	return poll(&pfd, 1, 0);
}

static long reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1000 - errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

static long peer_end(struct peer *p)
{
	ask(p, OP_EXIT, 0, 0, 0);
	close(p->req), close(p->ans);
	return reap(p->pid);
}

static int file_open(int flags)
{
	return open(FILE_PATH, flags);
}

/* ---- cases ------------------------------------------------------------- */

static void a_write_lock_excludes_another_process(void)
{
	int fd = file_open(O_RDWR);
	struct peer p = peer_start();

	expect("the peer write-locks [0, 10)", peer_do(&p, OP_SETLK, F_WRLCK, 0, 10), 0);
	expect("our write lock on byte 5: EAGAIN", lk(fd, F_SETLK, F_WRLCK, 5, 1), -EAGAIN);
	expect("our read lock on byte 9: EAGAIN", lk(fd, F_SETLK, F_RDLCK, 9, 1), -EAGAIN);
	expect("our write lock on [10, 20), beside it: granted", lk(fd, F_SETLK, F_WRLCK, 10, 10), 0);
	expect("the peer's on byte 15: EAGAIN", peer_do(&p, OP_SETLK, F_WRLCK, 15, 1), -EAGAIN);
	expect("the peer unlocks all", peer_do(&p, OP_SETLK, F_UNLCK, 0, 0), 0);
	expect("our write lock on byte 5 now", lk(fd, F_SETLK, F_WRLCK, 5, 1), 0);
	expect("peer ends", peer_end(&p), 0);
	close(fd);
}

static void read_locks_are_shared(void)
{
	int fd = file_open(O_RDWR);
	struct peer p = peer_start();

	expect("the peer read-locks the whole file", peer_do(&p, OP_SETLK, F_RDLCK, 0, 0), 0);
	expect("so do we", lk(fd, F_SETLK, F_RDLCK, 0, 0), 0);
	expect("our write lock far past the end: EAGAIN", lk(fd, F_SETLK, F_WRLCK, 1 << 30, 1), -EAGAIN);
	expect("the peer's write lock: EAGAIN", peer_do(&p, OP_SETLK, F_WRLCK, 0, 1), -EAGAIN);
	expect("the peer unlocks", peer_do(&p, OP_SETLK, F_UNLCK, 0, 0), 0);
	expect("our read lock becomes a write lock", lk(fd, F_SETLK, F_WRLCK, 0, 0), 0);
	expect("peer ends", peer_end(&p), 0);
	close(fd);
}

static void getlk_reports_the_holder(void)
{
	int fd = file_open(O_RDWR);
	struct peer p = peer_start();

	expect("we write-lock [100, 150)", lk(fd, F_SETLK, F_WRLCK, 100, 50), 0);
	ask(&p, OP_GETLK, F_RDLCK, 0, 0);
	struct answer a = answer(&p);
	expect("the peer's F_GETLK", a.ret, 0);
	expect("reports a write lock", a.fl.l_type, F_WRLCK);
	expect("at 100", a.fl.l_start, 100);
	expect("of 50 bytes", a.fl.l_len, 50);
	expect("held by us", a.fl.l_pid, getpid());
	ask(&p, OP_GETLK, F_WRLCK, 0, 100);
	expect("before it: nothing (F_UNLCK)", answer(&p).fl.l_type, F_UNLCK);
	struct flock own = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	expect("our own F_GETLK", fcntl(fd, F_GETLK, &own), 0);
	expect("never reports our own lock", own.l_type, F_UNLCK);
	expect("peer ends", peer_end(&p), 0);
	close(fd);
}

/* The peer's F_GETLK of a write lock on [start, start + len): what it
 * sees held, as type * 10^6 + start * 1000 + len (-1: nothing). */
static long seen(struct peer *p, off_t start, off_t len)
{
	ask(p, OP_GETLK, F_WRLCK, start, len);
	struct answer a = answer(p);
	if (a.ret || a.fl.l_type == F_UNLCK)
		return a.ret ? a.ret : -1;
	return a.fl.l_type * 1000000L + a.fl.l_start * 1000 + a.fl.l_len;
}

static void ranges_split_and_merge(void)
{
	int fd = file_open(O_RDWR);
	struct peer p = peer_start();

	expect("we write-lock [0, 100)", lk(fd, F_SETLK, F_WRLCK, 0, 100), 0);
	expect("and unlock [40, 60): two ranges", lk(fd, F_SETLK, F_UNLCK, 40, 20), 0);
	expect("[0, 40) held", seen(&p, 30, 1), F_WRLCK * 1000000L + 0 * 1000 + 40);
	expect("[40, 60) free", seen(&p, 40, 20), -1);
	expect("[60, 100) held", seen(&p, 70, 1), F_WRLCK * 1000000L + 60 * 1000 + 40);
	expect("[40, 60) read-locked", lk(fd, F_SETLK, F_RDLCK, 40, 20), 0);
	expect("three ranges: the middle one a read lock", seen(&p, 50, 1), F_RDLCK * 1000000L + 40 * 1000 + 20);
	expect("the peer read-locks byte 50 beside ours", peer_do(&p, OP_SETLK, F_RDLCK, 50, 1), 0);
	expect("and unlocks it", peer_do(&p, OP_SETLK, F_UNLCK, 50, 1), 0);
	expect("[40, 60) write-locked again", lk(fd, F_SETLK, F_WRLCK, 40, 20), 0);
	expect("merged: one range [0, 100)", seen(&p, 50, 1), F_WRLCK * 1000000L + 0 * 1000 + 100);
	expect("a negative length: the 10 bytes before 110", lk(fd, F_SETLK, F_WRLCK, 110, -10), 0);
	expect("merged with the one it touches: [0, 110)", seen(&p, 50, 1), F_WRLCK * 1000000L + 0 * 1000 + 110);
	expect("SEEK_CUR from the offset", lseek(fd, 200, SEEK_SET), 200);
	struct flock cur = { .l_type = F_RDLCK, .l_whence = SEEK_CUR, .l_start = -50, .l_len = 0 };
	expect("a read lock from 150 to the end and beyond", fcntl(fd, F_SETLK, &cur), 0);
	expect("[150, ...) read-locked", seen(&p, 1 << 20, 1), F_RDLCK * 1000000L + 150 * 1000 + 0);
	expect("everything unlocked", lk(fd, F_SETLK, F_UNLCK, 0, 0), 0);
	expect("nothing held", seen(&p, 0, 0), -1);
	expect("peer ends", peer_end(&p), 0);
	close(fd);
}

static void setlkw_waits_for_an_unlock(void)
{
	int fd = file_open(O_RDWR);
	struct peer p = peer_start();

	expect("we write-lock [0, 10)", lk(fd, F_SETLK, F_WRLCK, 0, 10), 0);
	ask(&p, OP_SETLKW, F_WRLCK, 5, 1);
	expect("the peer's F_SETLKW has no answer while we hold it", answered(&p), 0);
	expect("we unlock [0, 5): not its byte", lk(fd, F_SETLK, F_UNLCK, 0, 5), 0);
	expect("still no answer", answered(&p), 0);
	expect("we unlock the rest", lk(fd, F_SETLK, F_UNLCK, 0, 0), 0);
	expect("the peer gets its lock", answer(&p).ret, 0);
	expect("which is held: our F_SETLK on byte 5 is EAGAIN", lk(fd, F_SETLK, F_WRLCK, 5, 1), -EAGAIN);
	expect("peer ends", peer_end(&p), 0);
	close(fd);
}

static void a_close_of_any_descriptor_releases(void)
{
	int fd = file_open(O_RDWR), other = file_open(O_RDONLY), dup_fd = dup(fd);
	struct peer p = peer_start();

	expect("we write-lock the file through one descriptor", lk(fd, F_SETLK, F_WRLCK, 0, 0), 0);
	expect("closing its dup releases it", close(dup_fd), 0);
	expect("so the peer locks it", peer_do(&p, OP_SETLK, F_WRLCK, 0, 1), 0);
	expect("the peer unlocks", peer_do(&p, OP_SETLK, F_UNLCK, 0, 0), 0);
	expect("we lock again", lk(fd, F_SETLK, F_WRLCK, 0, 0), 0);
	ask(&p, OP_SETLKW, F_WRLCK, 0, 1);
	expect("the peer waits", answered(&p), 0);
	expect("we close another descriptor of the file (its own open)", close(other), 0);
	expect("the peer's F_SETLKW is granted", answer(&p).ret, 0);
	expect("the peer closing another descriptor of its own", peer_do(&p, OP_CLOSE_OTHER, 0, 0, 0), 0);
	expect("releases its lock: ours is granted", lk(fd, F_SETLK, F_WRLCK, 0, 1), 0);
	expect("peer ends", peer_end(&p), 0);
	close(fd);
}

static void the_holders_death_releases(void)
{
	int fd = file_open(O_RDWR);
	struct peer holder = peer_start(), waiter = peer_start();

	expect("the holder write-locks [0, 8)", peer_do(&holder, OP_SETLK, F_WRLCK, 0, 8), 0);
	ask(&waiter, OP_SETLKW, F_RDLCK, 4, 1);
	expect("the waiter waits", answered(&waiter), 0);
	expect("kill the holder", kill(holder.pid, SIGKILL), 0);
	expect("it is killed", reap(holder.pid), -SIGKILL);
	close(holder.req), close(holder.ans);
	expect("the waiter's F_SETLKW is granted", answer(&waiter).ret, 0);
	expect("nothing of the holder's is left: our lock on byte 0", lk(fd, F_SETLK, F_WRLCK, 0, 1), 0);
	expect("the waiter's read lock stays: byte 4 EAGAIN", lk(fd, F_SETLK, F_WRLCK, 4, 1), -EAGAIN);
	expect("we unlock", lk(fd, F_SETLK, F_UNLCK, 0, 0), 0);
	struct peer dying = peer_start();
	expect("another holder locks byte 20", peer_do(&dying, OP_SETLK, F_WRLCK, 20, 1), 0);
	expect("killed", kill(dying.pid, SIGKILL), 0);
	expect("reaped", reap(dying.pid), -SIGKILL);
	close(dying.req), close(dying.ans);
	expect("its lock went with it: ours on byte 20", lk(fd, F_SETLK, F_WRLCK, 20, 1), 0);
	expect("waiter ends", peer_end(&waiter), 0);
	close(fd);
}

/* A waiter killed while it waits: the release that would wake it finds
 * its irq gone, and the file serves others as before. */
static void a_killed_waiter_is_forgotten(void)
{
	int fd = file_open(O_RDWR);
	struct peer waiter = peer_start(), other = peer_start();

	expect("we write-lock the file", lk(fd, F_SETLK, F_WRLCK, 0, 0), 0);
	ask(&waiter, OP_SETLKW, F_WRLCK, 0, 1);
	expect("the waiter waits", answered(&waiter), 0);
	expect("kill it", kill(waiter.pid, SIGKILL), 0);
	expect("it is killed", reap(waiter.pid), -SIGKILL);
	close(waiter.req), close(waiter.ans);
	expect("we unlock: the wake-up finds it gone", lk(fd, F_SETLK, F_UNLCK, 0, 0), 0);
	expect("another peer locks the file", peer_do(&other, OP_SETLK, F_WRLCK, 0, 0), 0);
	expect("and ours is EAGAIN", lk(fd, F_SETLK, F_RDLCK, 0, 1), -EAGAIN);
	expect("peer ends", peer_end(&other), 0);
	expect("its end released it: ours granted", lk(fd, F_SETLK, F_WRLCK, 0, 0), 0);
	close(fd);
}

static void a_signal_interrupts_setlkw(void)
{
	int fd = file_open(O_RDWR);
	struct peer p = peer_start();

	expect("we write-lock the file", lk(fd, F_SETLK, F_WRLCK, 0, 0), 0);
	ask(&p, OP_SETLKW, F_WRLCK, 0, 1);
	/* Until the answer comes: a signal that comes before the peer waits
	 * runs its handler first, and the next one breaks the wait. */
	struct pollfd pfd = { p.ans, POLLIN, 0 };
	int signals = 0;
	do
		kill(p.pid, SIGUSR1), signals++;
	while (poll(&pfd, 1, 20) == 0 && signals < 1000);
	expect("the peer's F_SETLKW fails: EINTR", answer(&p).ret, -EINTR);
	expect("it holds nothing: we still hold the file", peer_do(&p, OP_SETLK, F_RDLCK, 0, 1), -EAGAIN);
	expect("we unlock", lk(fd, F_SETLK, F_UNLCK, 0, 0), 0);
	expect("the peer locks", peer_do(&p, OP_SETLK, F_RDLCK, 0, 1), 0);
	expect("peer ends", peer_end(&p), 0);
	close(fd);
}

static void a_forked_child_inherits_no_lock(void)
{
	int fd = file_open(O_RDWR);

	expect("we write-lock [0, 4)", lk(fd, F_SETLK, F_WRLCK, 0, 4), 0);
	pid_t pid = fork();
	if (pid == 0) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
		if (lk(fd, F_SETLK, F_WRLCK, 1, 1) != -EAGAIN)
			_exit(1);
		if (fcntl(fd, F_GETLK, &fl) || fl.l_type != F_WRLCK || fl.l_pid != getppid())
			_exit(2);
		if (lk(fd, F_SETLK, F_UNLCK, 0, 0) || close(fd))   /* neither touches ours */
			_exit(3);
		_exit(42);
	}
	expect("the child: EAGAIN on our range, F_GETLK names us (exit 42)", reap(pid), 42);
	struct peer p = peer_start();
	expect("its unlock and close left our lock", peer_do(&p, OP_SETLK, F_RDLCK, 2, 1), -EAGAIN);
	expect("peer ends", peer_end(&p), 0);
	close(fd);
}

/* POSIX: a process's locks stay across exec.  A child locks byte 30 and
 * execs this program again (after_exec below), its descriptor kept: the
 * byte is still the child's, and its new program can unlock it (the
 * owner is the process, not the program: Proc.lock_owner). */
static void locks_stay_across_exec(void)
{
	int told[2], go[2];
	char ch;

	expect("two pipes", pipe(told) | pipe(go), 0);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = file_open(O_RDWR);
		char a[16], b[16], c[16];
		if (fd < 0 || lk(fd, F_SETLK, F_WRLCK, 30, 1) != 0)
			_exit(1);
		close(told[0]), close(go[1]);
		snprintf(a, sizeof a, "%d", fd), snprintf(b, sizeof b, "%d", told[1]), snprintf(c, sizeof c, "%d", go[0]);
		execl(SELF, SELF, "after-exec", a, b, c, (char *)0);
		_exit(100 + errno);
	}
	close(told[1]), close(go[0]);
	expect("the child locked byte 30 and exec'd", read(told[0], &ch, 1), 1);
	struct peer p = peer_start();
	expect("byte 30 is still the child's: another process gets EAGAIN", peer_do(&p, OP_SETLK, F_WRLCK, 30, 1),
	       -EAGAIN);
	int fd = file_open(O_RDWR);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 30, .l_len = 1 };
	expect("F_GETLK names the child", fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type == F_WRLCK && fl.l_pid == pid, 1);
	expect("its new program unlocks it", write(go[1], "u", 1) == 1 && read(told[0], &ch, 1) == 1, 1);
	expect("then the byte is free", peer_do(&p, OP_SETLK, F_WRLCK, 30, 1), 0);
	expect("peer ends", peer_end(&p), 0);
	expect("the child's new program locked byte 31 and waits", read(told[0], &ch, 1), 1);
	expect("... byte 31 is its", lk(fd, F_SETLK, F_WRLCK, 31, 1), -EAGAIN);
	write(go[1], "x", 1);
	expect("the child ends (exit 0)", reap(pid), 0);
	expect("its lock went with it", lk(fd, F_SETLK, F_WRLCK, 31, 1), 0);
	lk(fd, F_SETLK, F_UNLCK, 0, 0);
	close(fd), close(told[0]), close(go[1]);
}

/* locks_stay_across_exec's child after its exec: fd is the file (its lock
 * on byte 30 its own), told and go the pipes to the test. */
static int after_exec(int fd, int told, int go)
{
	char ch;

	if (write(told, "r", 1) != 1 || read(go, &ch, 1) != 1)
		return 2;
	if (lk(fd, F_SETLK, F_UNLCK, 30, 1) != 0)
		return 3;
	if (write(told, "u", 1) != 1 || lk(fd, F_SETLK, F_WRLCK, 31, 1) != 0 || write(told, "l", 1) != 1)
		return 4;
	return read(go, &ch, 1) == 1 ? 0 : 5;
}

static void a_deadlock_of_two_is_refused(void)
{
	int fd = file_open(O_RDWR);
	struct peer p = peer_start();

	expect("we lock byte 0", lk(fd, F_SETLK, F_WRLCK, 0, 1), 0);
	expect("the peer locks byte 1", peer_do(&p, OP_SETLK, F_WRLCK, 1, 1), 0);
	ask(&p, OP_SETLKW_OR_YIELD, F_WRLCK, 0, 1);
	/* Whichever asks second closes the circle: EDEADLK for one of us. */
	long ours = lk(fd, F_SETLKW, F_WRLCK, 1, 1);
	if (ours == -EDEADLK)
		lk(fd, F_SETLK, F_UNLCK, 0, 1);
	long theirs = answer(&p).ret;
	expect("exactly one of the two F_SETLKW is EDEADLK, the other granted",
	       (ours == -EDEADLK && theirs == 0) || (ours == 0 && theirs == -EDEADLK), 1);
	expect("peer ends", peer_end(&p), 0);
	close(fd);
}

static void bad_requests_fail(void)
{
	int ro = file_open(O_RDONLY), wo = file_open(O_WRONLY), fds[2];
	struct flock fl = { .l_type = F_RDLCK, .l_whence = 7 };

	expect("a write lock on a descriptor not open for writing: EBADF", lk(ro, F_SETLK, F_WRLCK, 0, 1), -EBADF);
	expect("a read lock on one not open for reading: EBADF", lk(wo, F_SETLK, F_RDLCK, 0, 1), -EBADF);
	expect("F_GETLK asks no access", lk(ro, F_GETLK, F_WRLCK, 0, 1), 0);
	expect("another type: EINVAL", lk(ro, F_SETLK, 99, 0, 1), -EINVAL);
	expect("F_GETLK of F_UNLCK: EINVAL", lk(ro, F_GETLK, F_UNLCK, 0, 1), -EINVAL);
	expect("another whence: EINVAL", fcntl(ro, F_SETLK, &fl) ? -errno : 0, -EINVAL);
	expect("a negative start: EINVAL", lk(ro, F_SETLK, F_RDLCK, -1, 1), -EINVAL);
	expect("a negative length before 0: EINVAL", lk(ro, F_SETLK, F_RDLCK, 5, -6), -EINVAL);
	expect("past 2^63: EOVERFLOW", lk(ro, F_SETLK, F_RDLCK, INT64_MAX, 2), EOVER);
	expect("a pipe: EINVAL", pipe(fds) == 0 ? lk(fds[0], F_SETLK, F_RDLCK, 0, 1) : -1, -EINVAL);
	expect("the console: EINVAL", lk(1, F_SETLK, F_WRLCK, 0, 1), -EINVAL);
	expect("posix_fadvise of a pipe: ESPIPE", posix_fadvise(fds[0], 0, 0, POSIX_FADV_DONTNEED), ESPIPE);
	expect("posix_fadvise of the console: taken, nothing to do", posix_fadvise(1, 0, 0, POSIX_FADV_DONTNEED), 0);
	expect("a closed descriptor: EBADF", lk(fds[1] + 1, F_SETLK, F_RDLCK, 0, 1), -EBADF);
	expect("lockf F_TLOCK of 10 bytes", lockf(wo, F_TLOCK, 10), 0);
	expect("lockf F_TEST of our own lock", lockf(wo, F_TEST, 10), 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(lockf(wo, F_TEST, 10) == -1 && errno == EACCES ? 42 : 1);
	expect("lockf F_TEST in a child: EACCES (exit 42)", reap(pid), 42);
	expect("lockf F_ULOCK", lockf(wo, F_ULOCK, 10), 0);
	close(fds[0]), close(fds[1]), close(ro), close(wo);
}

static void a_full_table_is_enolck_until_its_filler_dies(void)
{
	int fd = file_open(O_RDWR);
	struct peer p = peer_start();

	expect("the peer fills the table: ENOLCK after it",
	       peer_do(&p, OP_FILL, 0, 0, 0) >= MICA_FS_LOCKS_MAX - 2, 1);
	expect("our lock on a free byte: ENOLCK", lk(fd, F_SETLK, F_WRLCK, 1, 1), -ENOLCK);
	expect("our unlock (nothing held) is fine", lk(fd, F_SETLK, F_UNLCK, 0, 0), 0);
	expect("kill the peer", kill(p.pid, SIGKILL), 0);
	expect("killed", reap(p.pid), -SIGKILL);
	close(p.req), close(p.ans);
	expect("the table is ours again", fill(fd) >= MICA_FS_LOCKS_MAX - 2, 1);
	expect("all released by a close", close(fd), 0);
	fd = file_open(O_RDWR);
	expect("and one lock after", lk(fd, F_SETLK, F_WRLCK, 1, 1), 0);
	close(fd);
}

static mica_cap_t new_irq(void)
{
	mica_cap_t irq = mica_slot_alloc();

	factory_create_irq(MICA_BOOT_FACTORY, irq, 0x6c6f636bull);
	irq_bind(irq, MICA_BOOT_THREAD);
	return irq;
}

#define LOCK_EINVAL (-(MICA_FS_ERRNO + EINVAL))

/* A client of OpenFile.lock itself: owners that are not the program's. */
static void forged_owners_get_nothing(void)
{
	mica_cap_t fs = lookup_once("fs"), gate = mica_slot_alloc(), buffer = mica_slot_alloc(), empty = mica_slot_alloc();
	mica_cap_t mine = new_irq(), dead = new_irq();
	uint32_t size, type, held, pid;
	uint64_t s, l;
	int fd = file_open(O_RDWR);

	kobject_destroy(dead);
	expect("a session of the file", file_system_open(fs, FILE_PATH, MICA_FS_O_READ | MICA_FS_O_WRITE, 0, &gate,
							 &buffer, &size, &type), 0);
	expect("a void owner: EINVAL", open_file_lock(gate, MICA_CAP_NULL, 1, MICA_FS_LOCK_WRITE, 0, 0, false),
	       LOCK_EINVAL);
	expect("a gate as owner: EINVAL", open_file_lock(gate, fs, 1, MICA_FS_LOCK_WRITE, 0, 1, false), LOCK_EINVAL);
	expect("a destroyed irq: EINVAL", open_file_lock(gate, dead, 1, MICA_FS_LOCK_WRITE, 0, 1, true), LOCK_EINVAL);
	expect("an empty slot: EINVAL", open_file_lock(gate, empty, 1, MICA_FS_LOCK_READ, 0, 0, false), LOCK_EINVAL);
	expect("we write-lock the file (fcntl)", lk(fd, F_SETLK, F_WRLCK, 0, 0), 0);
	expect("another irq's unlock: 0", open_file_lock(gate, mine, 1, MICA_FS_LOCK_UNLOCK, 0, 0, false), 0);
	expect("but our lock is not its own: EAGAIN",
	       open_file_lock(gate, mine, 1, MICA_FS_LOCK_WRITE, 0, 1, false), -(MICA_FS_ERRNO + EAGAIN));
	expect("its test_lock sees our lock", open_file_test_lock(gate, mine, MICA_FS_LOCK_READ, 0, 0, &held, &s, &l,
								  &pid), 0);
	expect("a write lock of ours", held == MICA_FS_LOCK_WRITE && pid == (uint32_t)getpid(), 1);
	expect("another type: EINVAL", open_file_lock(gate, mine, 1, 7, 0, 1, false), LOCK_EINVAL);
	expect("past 2^63: EOVERFLOW", open_file_lock(gate, mine, 1, MICA_FS_LOCK_READ, INT64_MAX, 2, false),
	       -(MICA_FS_ERRNO + EOVERFLOW));
	expect("on the server's gate: ENOSYS", open_file_lock(fs, mine, 1, MICA_FS_LOCK_READ, 0, 1, false),
	       -MICA_ENOSYS);
	mica_cap_t dir = mica_slot_alloc();
	expect("a directory", file_system_open(fs, "/", MICA_FS_O_READ, 0, &dir, &buffer, &size, &type), 0);
	expect("a directory: EINVAL", open_file_lock(dir, mine, 1, MICA_FS_LOCK_READ, 0, 1, false), LOCK_EINVAL);
	expect("we unlock", lk(fd, F_SETLK, F_UNLCK, 0, 0), 0);
	expect("the other irq locks byte 3", open_file_lock(gate, mine, 1, MICA_FS_LOCK_WRITE, 3, 1, false), 0);
	expect("its irq destroyed: our lock finds the range gone", (kobject_destroy(mine),
	       lk(fd, F_SETLK, F_WRLCK, 0, 0)), 0);
	file_server_fuzz(gate, 21, 60);   /* its wrong answers are idlc's matter (fsserver_test.c) */
	expect("after the fuzzer on a session of the file, our lock is held still", lk(fd, F_SETLK, F_WRLCK, 0, 0), 0);
	open_file_close(dir);
	open_file_close(gate);
	close(fd);
}

/* OpenFile.lock_owner with a copy of irq (the request moves what it is
 * given); an empty slot as it is. */
static int lock_owner_of(mica_cap_t gate, mica_cap_t irq, mica_cap_t *locker)
{
	mica_cap_t copy = mica_slot_alloc();
	int err;

	if (copy && task_cap_map(MICA_BOOT_TASK, irq, copy, MICA_RWX, false) == 0)
		err = open_file_lock_owner(gate, copy, 7, locker);
	else
		err = open_file_lock_owner(gate, irq, 7, locker);
	mica_slot_drop(copy);
	return err;
}

/* OpenFile.lock_owner: a locker acts as the owner it was made for,
 * through its own gate, with no owner in the request. */
static void lockers_name_their_owner(void)
{
	mica_cap_t fs = lookup_once("fs"), gate = mica_slot_alloc(), other = mica_slot_alloc(),
		   buffer = mica_slot_alloc(), empty = mica_slot_alloc(), dir = mica_slot_alloc();
	mica_cap_t mine = new_irq(), dead = new_irq(), locker = mica_slot_alloc(), spare = mica_slot_alloc();
	mica_cap_t many[MICA_FS_LOCKERS_MAX + 1], irqs[MICA_FS_LOCKERS_MAX + 1];
	uint32_t size, type, held, pid;
	uint64_t s, l;
	int fd = file_open(O_RDWR), n, err = 0;

	kobject_destroy(dead);
	expect("a session of the file", file_system_open(fs, FILE_PATH, MICA_FS_O_READ | MICA_FS_O_WRITE, 0, &gate,
							 &buffer, &size, &type), 0);
	expect("a void owner: EINVAL", open_file_lock_owner(gate, MICA_CAP_NULL, 7, &locker), LOCK_EINVAL);
	expect("a destroyed irq: EINVAL", lock_owner_of(gate, dead, &locker), LOCK_EINVAL);
	expect("an empty slot: EINVAL", lock_owner_of(gate, empty, &locker), LOCK_EINVAL);
	expect("on the server's gate: ENOSYS", lock_owner_of(fs, mine, &locker), -MICA_ENOSYS);
	expect("a directory", file_system_open(fs, "/", MICA_FS_O_READ, 0, &dir, &buffer, &size, &type), 0);
	expect("for a directory: EINVAL", lock_owner_of(dir, mine, &locker), LOCK_EINVAL);
	expect("a locker for another irq", lock_owner_of(gate, mine, &locker), 0);
	bool same = false;
	expect("asked again: the same locker", lock_owner_of(gate, mine, &spare) == 0 &&
	       task_cap_same(MICA_BOOT_TASK, locker, spare, &same) == 0 && same, 1);
	mica_slot_drop(spare);
	spare = mica_slot_alloc();
	expect("it locks byte 4, naming no owner", open_file_lock(locker, 0, 7, MICA_FS_LOCK_WRITE, 4, 1, false), 0);
	expect("an owner named through it: EINVAL",
	       open_file_lock(locker, mine, 7, MICA_FS_LOCK_WRITE, 4, 1, false), -MICA_EINVAL);
	expect("the lock is that irq's, not ours: our fcntl is EAGAIN", lk(fd, F_SETLK, F_WRLCK, 0, 0), -EAGAIN);
	expect("and that irq's own request sees it as its own",
	       open_file_lock(gate, mine, 7, MICA_FS_LOCK_WRITE, 4, 2, false), 0);
	expect("our fcntl lock of byte 0", lk(fd, F_SETLK, F_WRLCK, 0, 1), 0);
	expect("its test_lock sees ours", open_file_test_lock(locker, 0, MICA_FS_LOCK_READ, 0, 0, &held, &s, &l, &pid),
	       0);
	expect("a write lock of byte 0 of ours", held == MICA_FS_LOCK_WRITE && s == 0 && l == 1 &&
	       pid == (uint32_t)getpid(), 1);
	expect("its unlock of everything", open_file_lock(locker, 0, 7, MICA_FS_LOCK_UNLOCK, 0, 0, false), 0);
	expect("our lock of the rest", lk(fd, F_SETLK, F_WRLCK, 1, 0), 0);
	expect("through it the read lock conflicts: EAGAIN",
	       open_file_lock(locker, 0, 7, MICA_FS_LOCK_READ, 9, 1, false), -(MICA_FS_ERRNO + EAGAIN));
	expect("we unlock", lk(fd, F_SETLK, F_UNLCK, 0, 0), 0);
	expect("it locks byte 9", open_file_lock(locker, 0, 7, MICA_FS_LOCK_READ, 9, 1, false), 0);
	expect("close on the locker's gate", open_file_close(locker), 0);
	expect("the locker is gone", open_file_lock(locker, 0, 7, MICA_FS_LOCK_READ, 9, 1, false) != 0, 1);
	mica_slot_drop(locker);
	expect("its owner's lock stays: our write lock of byte 9 is EAGAIN", lk(fd, F_SETLK, F_WRLCK, 9, 1), -EAGAIN);
	expect("a locker of a second session", file_system_open(fs, FILE_PATH, MICA_FS_O_READ, 0, &other, &buffer,
								&size, &type) == 0 &&
	       lock_owner_of(other, mine, &spare) == 0, 1);
	expect("its session closes", open_file_close(other), 0);
	expect("and the locker with it", open_file_lock(spare, 0, 7, MICA_FS_LOCK_READ, 9, 1, false) != 0, 1);
	mica_slot_drop(spare);
	/* Lockers of as many owners (ours and other programs' count too). */
	for (n = 0; n <= MICA_FS_LOCKERS_MAX; n++) {
		many[n] = mica_slot_alloc();
		irqs[n] = new_irq();
		if ((err = lock_owner_of(gate, irqs[n], &many[n])) != 0)
			break;
	}
	expect("lockers up to MICA_FS_LOCKERS_MAX, then ENOLCK", n > 0 && n < MICA_FS_LOCKERS_MAX &&
	       err == -(MICA_FS_ERRNO + ENOLCK), 1);
	for (int i = 0; i <= n && i <= MICA_FS_LOCKERS_MAX; i++) {
		mica_slot_drop(many[i]);   /* their last capabilities: the server learns by the watches */
		kobject_destroy(irqs[i]);
		mica_slot_free(irqs[i]);
	}
	mica_cap_t again = mica_slot_alloc();
	int tries = 0;
	while ((err = lock_owner_of(gate, mine, &again)) != 0 && tries++ < 1000)
		sched_yield();
	expect("a locker again once the dropped ones are gone", err, 0);
	file_server_fuzz(again, 36, 40);   /* a locker's gate: lock and test_lock as its owner */
	file_server_fuzz(gate, 35, 40);    /* a session's requests, lock_owner among them */
	kobject_destroy(mine);
	expect("after the fuzzers, with that irq destroyed, the whole file is ours to lock",
	       lk(fd, F_SETLK, F_WRLCK, 0, 0), 0);
	mica_slot_drop(again);
	open_file_close(dir);
	open_file_close(gate);
	close(fd);
}

static const struct qtest_case cases[] = {
	{ "a_write_lock_excludes_another_process", a_write_lock_excludes_another_process },
	{ "read_locks_are_shared", read_locks_are_shared },
	{ "getlk_reports_the_holder", getlk_reports_the_holder },
	{ "ranges_split_and_merge", ranges_split_and_merge },
	{ "setlkw_waits_for_an_unlock", setlkw_waits_for_an_unlock },
	{ "a_close_of_any_descriptor_releases", a_close_of_any_descriptor_releases },
	{ "the_holders_death_releases", the_holders_death_releases },
	{ "a_killed_waiter_is_forgotten", a_killed_waiter_is_forgotten },
	{ "a_signal_interrupts_setlkw", a_signal_interrupts_setlkw },
	{ "a_forked_child_inherits_no_lock", a_forked_child_inherits_no_lock },
	{ "locks_stay_across_exec", locks_stay_across_exec },
	{ "a_deadlock_of_two_is_refused", a_deadlock_of_two_is_refused },
	{ "bad_requests_fail", bad_requests_fail },
	{ "a_full_table_is_enolck_until_its_filler_dies", a_full_table_is_enolck_until_its_filler_dies },
	{ "forged_owners_get_nothing", forged_owners_get_nothing },
	{ "lockers_name_their_owner", lockers_name_their_owner },
};

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "after-exec"))
		return after_exec(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	int fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, "0123456789", 10) != 10 || close(fd))
		return 99;
	return QTEST_RUN(argv[0], cases);
}
