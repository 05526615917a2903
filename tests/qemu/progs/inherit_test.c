/*
 * inherit_test.c - what a spawned program inherits (docs/processes.md,
 * "What a child inherits"): descriptors without FD_CLOEXEC at their
 * numbers (pipes, files of the file server with their offsets, rom files,
 * dup'ed numbers sharing one description), none of the close-on-exec
 * ones, the working directory and the umask; posix_spawn's file actions;
 * a pipe between two spawned children; the failures (EBADF, ENOENT, no
 * child left behind, nothing left for the next spawn); system() and
 * popen() without a shell, and popen's plumbing by hand; the kernel's
 * objects (the pipe server's and the file server's gates and irqs among
 * them) back at the end.  inherit.scenario boots it with the block, file,
 * pipe and process servers; it spawns rom/inherit_child, whose steps say
 * what it checks (its exit status: the first step that failed).
 */
#define _GNU_SOURCE   /* pipe2 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libsys/debug.h>
#include <libsys/slot.h>
#include <mica/fs.h>
#include <mica/object.h>
#include <mica/proc.h>
#include <mica/syscall.h>
#include <rt/rt.h>

#include <idl/rt/fs.h>
#include <idl/rt/proc.h>
#include <idl/rt/registry.h>

#include "qtest.h"

#define CHILD "rom/inherit_child"

extern char **environ;
static struct mica_meminfo at_start;

static char *num(long n)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%ld", n);
	return strdup(buf);
}

/* Spawn the child with these steps (NULL-terminated); the pid, or -errno. */
static long start(posix_spawn_file_actions_t *fa, const char *first, ...)
{
	char *argv[40] = { CHILD };
	int n = 1;
	va_list ap;
	pid_t pid;

	va_start(ap, first);
	for (const char *s = first; s && n < 39; s = va_arg(ap, const char *))
		argv[n++] = (char *)s;
	va_end(ap);
	argv[n] = 0;
	int err = posix_spawn(&pid, CHILD, fa, 0, argv, environ);
	return err ? -err : pid;
}

/* The exit status of pid, or -1000 - errno; -2000 - sig if killed. */
static long reap(long pid)
{
	int st;

	if (pid < 0)
		return pid;
	if (waitpid((pid_t)pid, &st, 0) != pid)
		return -1000 - errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -2000 - WTERMSIG(st);
}

#define RUN(fa, ...) reap(start(fa, __VA_ARGS__, (const char *)0))

/* The lowest free descriptor: the same before and after means nothing leaked. */
static int lowest_free(void)
{
	int fd = dup(0);

	close(fd);
	return fd;
}

static long read_all(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t r;

	while (got < len && (r = read(fd, buf + got, len - got)) > 0)
		got += (size_t)r;
	buf[got] = 0;
	return (long)got;
}

static void meminfo(struct mica_meminfo *mi)
{
	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)mi, sizeof *mi);
}

static void setup(void)
{
	int p[2];

	/* Warm up what the first use makes once (the pipe wait irq, the child
	 * notification irq), so that the objects counted later come back. */
	expect("a pipe", pipe(p), 0);
	expect("a child with it: ends well", RUN(0, "write", num(p[1]), "warm"), 0);
	close(p[0]), close(p[1]);
	meminfo(&at_start);
	expect("only 0, 1 and 2 are open", lowest_free(), 3);
}

static void streams_only(void)
{
	expect("a child of a program as it started: 0 and 1 are the streams, 3 is closed",
	       RUN(0, "type", "1", "c", "type", "0", "c", "closed", "3"), 0);
}

static void pipes_and_cloexec(void)
{
	int p[2], q[2];
	char buf[16];

	expect("two pipes", pipe(p) | pipe(q), 0);
	expect("close-on-exec on q's read end", fcntl(q[0], F_SETFD, FD_CLOEXEC), 0);
	expect("O_NONBLOCK on q's write end", fcntl(q[1], F_SETFL, O_NONBLOCK), 0);
	expect("dup2 of p's write end to 20", dup2(p[1], 20), 20);
	expect("ping into p", write(p[1], "ping", 4), 4);
	expect("the child polls p[0] readable, reads ping from it, writes to p[1], to 20 and to q[1]; q[0] is closed there",
	       RUN(0, "type", num(p[0]), "p", "readable", num(p[0]), "read", num(p[0]), "ping", "write", num(p[1]), "pong", "write", "20",
		   "!", "closed", num(q[0]), "flags", num(q[1]), num(O_WRONLY | O_NONBLOCK), "write", num(q[1]), "q"),
	       0);
	expect("what it wrote to p[1] and 20 comes here", read_all(p[0], buf, 5), 5);
	expect("in order: pong!", strcmp(buf, "pong!"), 0);
	expect("what it wrote to q[1] comes here", read_all(q[0], buf, 1) == 1 && buf[0] == 'q', 1);
	close(20);
	close(p[1]);
	expect("every write end closed: the end of data", read(p[0], buf, 1), 0);
	close(p[0]), close(q[0]), close(q[1]);
	expect("nothing left open here", lowest_free(), 3);
}

static void files_and_offsets(void)
{
	char buf[32];
	int f = open("/inherit", O_RDWR | O_CREAT | O_TRUNC, 0644);

	expect("a file of the disk", f >= 0, 1);
	expect("ten bytes in it", write(f, "0123456789", 10), 10);
	expect("offset 4", lseek(f, 4, SEEK_SET), 4);
	int d = dup(f), a = open("/inherit", O_WRONLY | O_APPEND);
	expect("a dup and an O_APPEND descriptor", d > f && a > d, 1);
	expect("the child sees offset 4 on both dups (one description), reads 456, appends XY",
	       RUN(0, "type", num(f), "f", "pos", num(f), "4", "pos", num(d), "4", "read", num(f), "456", "same",
		   num(f), num(d), "pos", num(d), "7", "flags", num(a), num(O_WRONLY | O_APPEND), "write", num(a), "XY",
		   "seek", num(f), "0", "write", num(f), "ab"),
	       0);
	expect("our offset is where the child left it: shared (at 2, after its write at 0)", lseek(f, 0, SEEK_CUR), 2);
	expect("a read here goes on from there", read(f, buf, 3) == 3 && !memcmp(buf, "234", 3), 1);
	expect("so does our dup's offset", lseek(d, 0, SEEK_CUR), 5);
	expect("SEEK_END on the shared offset", lseek(f, -2, SEEK_END), 10);
	expect("before the start: EINVAL", lseek(f, -20, SEEK_CUR) == -1 && errno == EINVAL, 1);
	expect("a second child sees 10 and moves it to 12", RUN(0, "pos", num(f), "10", "read", num(f), "XY"), 0);
	expect("we see 12", lseek(f, 0, SEEK_CUR), 12);
	expect("what it wrote is in the file", pread(f, buf, sizeof buf - 1, 0), 12);
	buf[12] = 0;
	expect("ab23456789XY", strcmp(buf, "ab23456789XY"), 0);
	close(f), close(d), close(a);

	int r = open("rom/inherit_child", O_RDONLY), r2 = open("rom/inherit_child", O_RDONLY);
	struct stat st;
	expect("a rom file at offset 100", r >= 0 && lseek(r, 100, SEEK_SET) == 100, 1);
	expect("the child has it at offset 100, moves it to 250",
	       RUN(0, "pos", num(r), "100", "type", num(r), "f", "seek", num(r), "250"), 0);
	expect("the rom file's offset is shared: ours is at 250", lseek(r, 0, SEEK_CUR), 250);
	expect("a read here moves it on", read(r, buf, 10) == 10 && lseek(r, 0, SEEK_CUR) == 260, 1);
	expect("a second child finds it at 260", RUN(0, "pos", num(r), "260"), 0);
	expect("SEEK_END on it", fstat(r, &st) == 0 && lseek(r, -4, SEEK_END) == st.st_size - 4, 1);
	expect("the child reads the last 4 bytes and then the end",
	       RUN(0, "pos", num(r), num(st.st_size - 4), "skip", num(r), "4", "eof", num(r)), 0);
	expect("ours is at the end", lseek(r, 0, SEEK_CUR), st.st_size);
	expect("another description of the file keeps its own offset", lseek(r2, 0, SEEK_CUR), 0);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(lseek(r2, 0, SEEK_CUR) == 0 && lseek(r2, 77, SEEK_SET) == 77 && read(r2, buf, 3) == 3 ? 0 : 1);
	int status = -1;
	expect("a forked child moves the other one's offset to 80",
	       pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, 1);
	expect("ours is at 80: shared across fork too", lseek(r2, 0, SEEK_CUR), 80);
	close(r);
	close(r2);
	expect("nothing left open here", lowest_free(), 3);
}

/* A file of the file server opened before a fork: parent and child share
 * its description and so its offset (POSIX), also one that no spawn
 * handed on before, and also once the child has ended. */
static void forked_children_share_file_offsets(void)
{
	char buf[8];
	int f = open("/forked", O_RDWR | O_CREAT | O_TRUNC, 0644), status = -1;

	expect("/forked made with 10 bytes", f >= 0 && write(f, "0123456789", 10) == 10, 1);
	expect("our offset at 2", lseek(f, 2, SEEK_SET), 2);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(lseek(f, 0, SEEK_CUR) == 2 && read(f, buf, 3) == 3 && !memcmp(buf, "234", 3) ? 0 : 1);
	expect("a forked child finds it at 2 and reads 3 bytes",
	       pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, 1);
	expect("ours moved with the child's read: 5", lseek(f, 0, SEEK_CUR), 5);
	expect("a read here goes on from there", read(f, buf, 2) == 2 && !memcmp(buf, "56", 2), 1);
	pid = fork();
	if (pid == 0)
		_exit(write(f, "ab", 2) == 2 ? 0 : 1);
	expect("a second child writes at 7",
	       pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, 1);
	expect("ours is at 9", lseek(f, 0, SEEK_CUR), 9);
	expect("the file holds what it wrote there", pread(f, buf, 3, 6) == 3 && !memcmp(buf, "6ab", 3), 1);
	close(f);
	unlink("/forked");
	expect("nothing left open here", lowest_free(), 3);
}

static void cwd_and_umask(void)
{
	struct stat st;
	posix_spawn_file_actions_t fa;

	expect("chdir /bin", chdir("/bin"), 0);
	umask(027);
	expect("the child's working directory and umask are ours", RUN(0, "cwd", "/bin", "umask", "27"), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 5, "made", O_WRONLY | O_CREAT | O_TRUNC, 0666);
	expect("an addopen of a relative path", RUN(&fa, "write", "5", "x"), 0);
	posix_spawn_file_actions_destroy(&fa);
	expect("it is in /bin, with the umask applied", stat("/bin/made", &st) == 0 && (st.st_mode & 0777) == 0640, 1);
	expect("back to /", chdir("/"), 0);
	umask(022);
	expect("the child's again", RUN(0, "cwd", "/", "umask", "22"), 0);
}

static void file_actions(void)
{
	posix_spawn_file_actions_t fa;
	char buf[16];
	int p[2];

	posix_spawn_file_actions_init(&fa);
	expect("addopen 5", posix_spawn_file_actions_addopen(&fa, 5, "/actions", O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
	expect("addclose 1", posix_spawn_file_actions_addclose(&fa, 1), 0);
	expect("the child writes to 5; 1 is closed", RUN(&fa, "write", "5", "opened", "closed", "1"), 0);
	posix_spawn_file_actions_destroy(&fa);
	int f = open("/actions", O_RDONLY);
	expect("the file the action opened holds what it wrote", read_all(f, buf, 15), 6);
	expect("opened", strcmp(buf, "opened"), 0);
	close(f);
	expect("no descriptor of the action is left here", lowest_free(), 3);

	expect("a pipe, close-on-exec", pipe2(p, O_CLOEXEC), 0);
	int c = open("/actions", O_RDONLY | O_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, c, 9);
	posix_spawn_file_actions_addopen(&fa, 7, "/actions", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, 7, 8);
	posix_spawn_file_actions_addclose(&fa, 7);
	expect("adddup2 of close-on-exec descriptors: the copies are there, the originals not; open, dup2, close in order",
	       RUN(&fa, "write", "1", "viadup2", "closed", num(p[0]), "closed", num(p[1]), "closed", num(c), "read", "9",
		   "ope", "closed", "7", "read", "8", "opened"),
	       0);
	posix_spawn_file_actions_destroy(&fa);
	expect("its stdout was our pipe", read_all(p[0], buf, 7), 7);
	expect("viadup2", strcmp(buf, "viadup2"), 0);
	close(p[0]), close(p[1]), close(c);
	expect("nothing left open here", lowest_free(), 3);
}

static void pipe_between_children(void)
{
	posix_spawn_file_actions_t wa, ra;
	int p[2];

	expect("a pipe, close-on-exec", pipe2(p, O_CLOEXEC), 0);
	posix_spawn_file_actions_init(&wa);
	posix_spawn_file_actions_init(&ra);
	posix_spawn_file_actions_adddup2(&wa, p[1], 1);
	posix_spawn_file_actions_adddup2(&ra, p[0], 0);
	long w = start(&wa, "produce", "1", "300000", (const char *)0);
	long r = start(&ra, "drain", "0", "300000", (const char *)0);
	expect("a writer and a reader started", w > 0 && r > 0, 1);
	close(p[0]), close(p[1]);   /* theirs alone now */
	expect("the reader saw 300000 bytes in order, then the end of data", reap(r), 0);
	expect("the writer wrote them all", reap(w), 0);
	posix_spawn_file_actions_destroy(&wa);
	posix_spawn_file_actions_destroy(&ra);
}

static void failures(void)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int p[2], st;
	char *argv[] = { CHILD, 0 };

	posix_spawn_file_actions_init(&fa);
	expect("adddup2 of -1: EBADF", posix_spawn_file_actions_adddup2(&fa, -1, 1), EBADF);
	expect("adddup2 onto 64: EBADF", posix_spawn_file_actions_adddup2(&fa, 1, 64), EBADF);
	expect("addopen of 64: EBADF", posix_spawn_file_actions_addopen(&fa, 64, "/x", O_RDONLY, 0), EBADF);
	expect("addclose of 64: EBADF", posix_spawn_file_actions_addclose(&fa, 64), EBADF);
	expect("adddup2 of 40, which is not open", posix_spawn_file_actions_adddup2(&fa, 40, 1), 0);
	expect("the spawn fails: EBADF", posix_spawn(&pid, CHILD, &fa, 0, argv, environ), EBADF);
	expect("and left no child", waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, 1);
	posix_spawn_file_actions_destroy(&fa);

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 5, "/no/such/file", O_RDONLY, 0);
	expect("addopen of a missing file: ENOENT", posix_spawn(&pid, CHILD, &fa, 0, argv, environ), ENOENT);
	expect("no child", waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, 1);
	posix_spawn_file_actions_destroy(&fa);

	expect("a pipe", pipe(p), 0);
	expect("a missing program with the pipe to inherit: ENOENT", posix_spawn(&pid, "/bin/nothing", 0, 0, argv,
										      environ), ENOENT);
	close(p[0]), close(p[1]);
	expect("the next child gets nothing of it", RUN(0, "closed", "3", "closed", "4"), 0);
	expect("nothing left open here", lowest_free(), 3);

	mica_cap_t served = mica_slot_alloc();
	expect("the registry's proc", registry_lookup(rt_cap("registry"), "proc", &served), 0);
	expect("Proc.give on the server's own gate: EPERM",
	       proc_give(served, true, 1, MICA_INHERIT_CWD, 0, 0, "/", 0), -MICA_EPERM);
	mica_cap_t slot = mica_slot_alloc(), item = slot;
	uint64_t fds, arg;
	uint32_t kind, flags;
	static char name[PROC_TAKE_NAME_MAX + 1];
	expect("Proc.take there: EPERM", proc_take(served, &fds, &kind, &flags, &arg, name, &item), -MICA_EPERM);
	mica_slot_free(slot);
	mica_slot_drop(served);
}

#define FS_ERR(e) (-(MICA_FS_ERRNO + (e)))

/* The file server's side of a shared offset, as a client sees it. */
static void shared_offsets_in_the_file_server(void)
{
	mica_cap_t fs = mica_slot_alloc(), a = mica_slot_alloc(), buffer = mica_slot_alloc(), b = mica_slot_alloc();
	mica_cap_t b_slot = b, buf2 = mica_slot_alloc(), buf2_slot = buf2;
	uint32_t size, type, done;
	uint64_t at, pos;

	expect("the registry's fs", registry_lookup(rt_cap("registry"), "fs", &fs), 0);
	expect("a session on /inherit", file_system_open(fs, "/inherit", MICA_FS_O_READ | MICA_FS_O_WRITE, 0, &a, &buffer,
							  &size, &type), 0);
	mica_slot_drop(buffer);
	expect("read_on without a shared offset: EINVAL", open_file_read_on(a, 4, &done, &at), -MICA_EINVAL);
	expect("SEEK_CUR without one: EINVAL", open_file_seek(a, 0, SEEK_CUR, &pos), -MICA_EINVAL);
	expect("SEEK_END without one: EINVAL", open_file_seek(a, 0, SEEK_END, &pos), -MICA_EINVAL);
	expect("SEEK_SET to -1 without one: EINVAL", open_file_seek(a, -1, SEEK_SET, &pos), -MICA_EINVAL);
	expect("read_on still refused", open_file_read_on(a, 4, &done, &at), -MICA_EINVAL);
	expect("SEEK_SET to 3 makes one here", open_file_seek(a, 3, SEEK_SET, &pos) == 0 && pos == 3, 1);
	expect("SEEK_CUR on it: 3", open_file_seek(a, 0, SEEK_CUR, &pos) == 0 && pos == 3, 1);
	expect("dup (its offset argument ignored: the offset is kept already)", open_file_dup(a, 9, &b), 0);
	expect("a gate came", b != 0, 1);
	expect("read_on on the first: 4 bytes at 3", open_file_read_on(a, 4, &done, &at) == 0 && done == 4 && at == 3, 1);
	expect("the second sees 7", open_file_seek(b, 0, SEEK_CUR, &pos) == 0 && pos == 7, 1);
	expect("a dup of the second shares it too (its offset argument ignored)",
	       open_file_dup(b, 0, &buf2) == 0 && open_file_seek(buf2, 0, SEEK_CUR, &pos) == 0 && pos == 7, 1);
	mica_slot_drop(buf2);
	buf2 = buf2_slot = mica_slot_alloc();
	expect("an unknown whence: EINVAL", open_file_seek(b, 0, 7, &pos), FS_ERR(EINVAL));
	expect("before the start: EINVAL", open_file_seek(b, -8, SEEK_CUR, &pos), FS_ERR(EINVAL));
	expect("past 2^63: EOVERFLOW", open_file_seek(b, INT64_MAX, SEEK_CUR, &pos), FS_ERR(EOVERFLOW));
	expect("the offset unmoved by the refusals", open_file_seek(b, 0, SEEK_CUR, &pos) == 0 && pos == 7, 1);
	expect("read_on of more than the buffer: EINVAL", open_file_read_on(b, size + 1, &done, &at), -MICA_EINVAL);
	expect("the second's buffer: the same size, a regular file",
	       open_file_buffer(b, &buf2, &size, &type) == 0 && buf2 && type == S_IFREG, 1);
	expect("the first gone, the second still reads on", open_file_close(a) == 0 &&
	       open_file_read_on(b, 2, &done, &at) == 0 && done == 2 && at == 7, 1);
	mica_slot_drop(buf2 ? buf2 : buf2_slot);
	mica_slot_drop(a);
	mica_slot_drop(b ? b : b_slot);
	mica_slot_drop(fs);
}

static void hostile_and_killed(void)
{
	int p[2];

	expect("a child giving as a hostile client: each refusal as the protocol says", RUN(0, "hostile"), 0);
	expect("a pipe", pipe(p), 0);
	int f = open("/inherit", O_RDWR);
	expect("and a file", f >= 0, 1);
	long pid = start(0, "closed", "60", (const char *)0);
	expect("a child given them, killed at once", pid > 0 && kill((pid_t)pid, SIGKILL) == 0, 1);
	expect("ends killed", reap(pid), -2000 - SIGKILL);
	int q[2];
	char c;
	expect("a second pipe", pipe(q), 0);
	pid = start(0, "write", num(q[1]), "r", "read", num(p[0]), "never", (const char *)0);
	expect("a child that took them and runs (it wrote to the second pipe)", read(q[0], &c, 1) == 1 && c == 'r', 1);
	close(q[0]), close(q[1]);
	expect("waiting on the pipe, killed", pid > 0 && kill((pid_t)pid, SIGKILL) == 0, 1);
	expect("ends killed", reap(pid), -2000 - SIGKILL);
	close(p[0]), close(p[1]), close(f);
}

static void shell(void)
{
	char buf[64];
	int p[2];
	posix_spawn_file_actions_t fa;

	expect("system(NULL): no shell here", system(0), 0);
	expect("system of a command: the status of a shell that could not run (127)", system("true"), 127 << 8);
	errno = 0;
	expect("popen without a shell: NULL", popen("true", "r") == 0, 1);
	expect("errno ENOENT", errno, ENOENT);
	errno = 0;
	expect("popen with mode rw: EINVAL", popen("true", "rw") == 0 && errno == EINVAL, 1);
	expect("pclose of a stream popen did not make: ECHILD", pclose(stdin) == -1 && errno == ECHILD, 1);
	expect("popen's failures left nothing open", lowest_free(), 3);

	/* What popen("... ", "r") does, with a program instead of a shell. */
	expect("a pipe, close-on-exec", pipe2(p, O_CLOEXEC), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	long pid = start(&fa, "produce", "1", "5000", (const char *)0);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	FILE *in = fdopen(p[0], "r");
	long n = 0, good = 0;
	int ch;
	while ((ch = fgetc(in)) != EOF)
		good += ch == 'a' + n++ % 23;
	expect("5000 bytes through stdio from the child's stdout", n, 5000);
	expect("all of the pattern", good, 5000);
	fclose(in);
	expect("the child ended well", reap(pid), 0);

	/* And what popen("...", "w") does: our stdio into the child's stdin. */
	expect("a pipe, close-on-exec", pipe2(p, O_CLOEXEC), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], 0);
	pid = start(&fa, "drain", "0", "7000", (const char *)0);
	posix_spawn_file_actions_destroy(&fa);
	close(p[0]);
	FILE *out = fdopen(p[1], "w");
	for (long i = 0; i < 7000; i++)
		fputc('a' + i % 23, out);
	expect("7000 bytes written through stdio, closed", fclose(out), 0);
	expect("the child read them all in order, then the end of data", reap(pid), 0);
	expect("nothing left open here", lowest_free(), 3);
	(void)buf;
}

static void objects_come_back(void)
{
	struct mica_meminfo now;

	for (int i = 0; i < 200; i++) {   /* the servers learn of ended sessions and ends by irqs */
		meminfo(&now);
		if (!memcmp(now.objects, at_start.objects, sizeof now.objects))
			break;
		usleep(10000);
	}
	expect("tasks back", now.objects[MICA_KOBJ_TASK], at_start.objects[MICA_KOBJ_TASK]);
	expect("threads back", now.objects[MICA_KOBJ_THREAD], at_start.objects[MICA_KOBJ_THREAD]);
	expect("gates back (pipes, tickets, file sessions)", now.objects[MICA_KOBJ_GATE], at_start.objects[MICA_KOBJ_GATE]);
	expect("irqs back (their watches)", now.objects[MICA_KOBJ_IRQ], at_start.objects[MICA_KOBJ_IRQ]);
}

static const struct qtest_case cases[] = {
	{ "setup", setup },
	{ "streams_only", streams_only },
	{ "pipes_and_cloexec", pipes_and_cloexec },
	{ "files_and_offsets", files_and_offsets },
	{ "forked_children_share_file_offsets", forked_children_share_file_offsets },
	{ "cwd_and_umask", cwd_and_umask },
	{ "file_actions", file_actions },
	{ "pipe_between_children", pipe_between_children },
	{ "failures", failures },
	{ "shared_offsets_in_the_file_server", shared_offsets_in_the_file_server },
	{ "hostile_and_killed", hostile_and_killed },
	{ "shell", shell },
	{ "objects_come_back", objects_come_back },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
