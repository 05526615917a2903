/*
 * fork_test.c - fork() (docs/processes.md, "fork"): the child's return
 * value, pid and parent; copy-on-write both ways for a global, the heap
 * and the stack; a child that forks in turn; a child that grows its heap;
 * a child killed; a child that outlives its parent printing, opening a
 * file and reading a file mapping; a spawned child that outlives its
 * parent printing; a child writing to a pipe its parent reads; a shared
 * and a private attached region; exec in a
 * forked child (from rom/ and the disk, the pid and parent kept, stdout
 * passed on, stdout redirected to a pipe or a file, the whole descriptor
 * table, the working directory and the umask kept) and exec failures that leave the caller running
 * and printing;
 * pthread_atfork's order, and a registration by another thread during a
 * fork waiting for the fork's end; 32 forks and
 * reaps with the kernel's objects, the memory server's pool and our own
 * session back where they were.
 * fork.scenario boots it with the pipe, block, file and process servers
 * on a copy of build/tests/qemu/proc.img.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <limits.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libsys/debug.h>
#include <mica/object.h>
#include <mica/syscall.h>
#include <rt/rt.h>

#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/fs.h>
#include <mica/proc.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>
#include <idl/rt/dataspace.h>
#include <idl/rt/memory.h>
#include <idl/rt/proc.h>
#include <idl/rt/region_map.h>
#include <idl/rt/registry.h>

#include "qtest.h"

extern char **environ;

static volatile int global = 1;

#define ROM_CHILD "rom/proc_child"

/* Our gate to the process server (the C library joined it for us). */
mica_cap_t libc_proc(void);
#define proc_gate libc_proc

/* The exit status of `pid`, -1 if it did not exit, -1000 - errno if waitpid failed. */
static long reap(pid_t pid)
{
	int status;
	pid_t got = waitpid(pid, &status, 0);

	if (got != pid)
		return -1000 - errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

/* Up to n bytes of the file `path` into buf: how many, or -1. */
static ssize_t read_file(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t got = fd < 0 ? -1 : read(fd, buf, n);

	if (fd >= 0)
		close(fd);
	return got;
}

/* A forked child that execs `path` with argv[1..2] = a, b; its status. */
static long fork_exec(const char *path, const char *a, const char *b)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl(path, path, a, b, (char *)0);
		_exit(100 + errno);
	}
	return reap(pid);
}

static void fork_returns_twice(void)
{
	pid_t me = getpid();
	pid_t pid = fork();

	if (pid == 0)
		_exit(getppid() != me ? 1 : getpid() == me ? 2 : 42);
	expect("fork answers the child's pid in the parent", pid > 0 && pid != me, 1);
	expect("the child: 0 from fork, its own pid, us as its parent (exit 42)", reap(pid), 42);
	expect("no child left: ECHILD", reap(pid), -1000 - ECHILD);
}

static void copy_on_write_both_ways(void)
{
	volatile int on_stack = 1;
	volatile int *on_heap = malloc(sizeof *on_heap);

	*on_heap = 1;
	global = 1;
	pid_t pid = fork();
	if (pid == 0) {
		int bad = global != 1 || *on_heap != 1 || on_stack != 1;
		global = 2, *on_heap = 2, on_stack = 2;
		bad |= global != 2 || *on_heap != 2 || on_stack != 2;
		_exit(bad ? 1 : 0);
	}
	global = 3, *on_heap = 3, on_stack = 3;
	expect("the child saw the values of the fork, then its own writes", reap(pid), 0);
	expect("the parent's global is its own", global, 3);
	expect("the parent's heap is its own", *on_heap, 3);
	expect("the parent's stack is its own", on_stack, 3);
	free((void *)on_heap);
}

/* The parent writes first; the child reads after it (told through a pipe). */
static void parent_writes_first(void)
{
	int fd[2];
	char go;

	expect("a pipe", pipe(fd), 0);
	global = 10;
	pid_t pid = fork();
	if (pid == 0) {
		int bad = read(fd[0], &go, 1) != 1;
		bad |= global != 10;
		global = 11;
		_exit(bad ? 1 : global == 11 ? 0 : 2);
	}
	global = 12;
	expect("tell the child", write(fd[1], "g", 1), 1);
	expect("the child waited on the pipe and saw the value of the fork", reap(pid), 0);
	expect("ours stayed ours", global, 12);
	close(fd[0]);
	close(fd[1]);
}

/* Whether our own mapping of the page at p has W (without it a write faults). */
static int writable(const volatile void *p)
{
	uint32_t rights = 0;

	task_mem_lookup(MICA_BOOT_TASK, (uint64_t)(uintptr_t)p, &rights);
	return (rights & MICA_W) != 0;
}

/* A page of its own (nothing else writes it), in the data. */
static volatile char written_page[MICA_PAGE_SIZE] __attribute__((aligned(MICA_PAGE_SIZE))) = { 1 };

/* A page we wrote since our last fork is copied at the fork instead of
   shared: our mapping keeps W and the child's copy is mapped writable
   (neither side faults to write it), and each side's writes are its own. */
static void written_pages_copied_at_fork(void)
{
	written_page[0] = 20;
	pid_t pid = fork();
	if (pid == 0) {
		int bad = !writable(written_page) ? 2 : written_page[0] != 20 ? 3 : 0;
		written_page[0] = 21;
		_exit(bad ? bad : written_page[0] == 21 ? 0 : 1);
	}
	expect("ours kept W through the fork", writable(written_page), 1);
	written_page[0] = 22;
	expect("the child's copy: writable, with the value of the fork", reap(pid), 0);
	expect("ours stayed ours", written_page[0], 22);
}

/* A block of read-only data of its own: one fault-around block (64 KiB,
   aligned), which nothing reads but parent_view_of_shared_regions. */
static const char ro_block[1 << 16] __attribute__((aligned(1 << 16))) = { 7 };

/* What we have mapped of a shared region (the text, read-only data) is
   mapped into the child at the fork: it reads it without a fault. */
static void parent_view_of_shared_regions(void)
{
	uint32_t rights = 0;

	expect("we read the block", *(volatile const char *)ro_block, 7);
	pid_t pid = fork();
	if (pid == 0) {
		task_mem_lookup(MICA_BOOT_TASK, (uint64_t)(uintptr_t)ro_block, &rights);
		_exit(rights == MICA_R ? 0 : 1);
	}
	expect("the child has it mapped, read-only, before it reads it", reap(pid), 0);
}

static volatile char many_pages[16][MICA_PAGE_SIZE] __attribute__((aligned(MICA_PAGE_SIZE)));

/* What a fork copies at once is bounded: of 16 pages written, some are
   shared copy-on-write (W taken from ours), and every page is still each
   side's own. */
static void fork_copies_are_bounded(void)
{
	enum { N = 16 };
	unsigned kept = 0;
	int bad = 0;

	for (int i = 0; i < N; i++)
		many_pages[i][0] = (char)i;
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < N; i++) {
			bad |= many_pages[i][0] != i;
			many_pages[i][0] = (char)(i + 100);
		}
		for (int i = 0; i < N; i++)
			bad |= many_pages[i][0] != i + 100;
		_exit(bad);
	}
	for (int i = 0; i < N; i++)
		kept += (unsigned)writable(many_pages[i]);
	expect("not every page written was copied at the fork", kept < N, 1);
	for (int i = 0; i < N; i++)
		many_pages[i][0] = (char)(i + 50);
	expect("the child saw the values of the fork, then its own", reap(pid), 0);
	for (int i = 0; i < N; i++)
		bad |= many_pages[i][0] != i + 50;
	expect("ours stayed ours", bad, 0);
}

static void child_writes_to_a_pipe(void)
{
	static const char msg[] = "hello from the child";
	char buf[sizeof msg] = "";
	int fd[2];

	expect("a pipe", pipe(fd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(fd[0]);
		usleep(20000);   /* after the parent has closed its write end */
		_exit(write(fd[1], msg, sizeof msg) == sizeof msg ? 0 : 1);
	}
	close(fd[1]);   /* the child's write end is its own */
	size_t got = 0;
	for (;;) {
		ssize_t n = read(fd[0], buf + got, sizeof msg - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	expect("the parent read what the child wrote, then the end of data", got == sizeof msg &&
	       !memcmp(buf, msg, sizeof msg), 1);
	expect("the child wrote it all", reap(pid), 0);
	close(fd[0]);

	/* The other way: the parent writes, the child reads to the end. */
	expect("another pipe", pipe(fd), 0);
	pid = fork();
	if (pid == 0) {
		close(fd[1]);
		got = 0;
		for (;;) {
			ssize_t n = read(fd[0], buf + got, sizeof buf - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		_exit(got == sizeof msg && !memcmp(buf, msg, sizeof msg) ? 0 : 1);
	}
	close(fd[0]);
	expect("the parent writes", write(fd[1], msg, sizeof msg), (long)sizeof msg);
	close(fd[1]);
	expect("the child read it all, then the end of data", reap(pid), 0);
}

/* A fresh anonymous dataspace of `size` bytes attached at a free place
   (rights may add RT_ATTACH_PRIVATE); its address. */
static volatile int *attach(uint64_t size, uint32_t rights)
{
	mica_cap_t ds = mica_slot_alloc();
	uint64_t at = 0;

	if (memory_alloc(rt_cap("mem"), size, &ds) != 0 ||
	    region_map_attach(rt_cap("rm"), 0, size, rights, ds, 0, &at) != 0)
		return 0;
	return (volatile int *)at;
}

static volatile int *attach_page(uint32_t rights)
{
	return attach(MICA_PAGE_SIZE, rights);
}

/* Dataspace.duplicate's private copy is paid by a session the caller
   holds: not by the dataspace's (a server's ring, say), nor by a forged
   gate that carries some label. */
static void duplicates_are_paid_by_the_caller(void)
{
	mica_cap_t ds = mica_slot_alloc(), copy = mica_slot_alloc(), forged = mica_slot_alloc();
	uint64_t quota, used, after, pages, free_pages;

	expect("a dataspace", memory_alloc(rt_cap("mem"), 16 * MICA_PAGE_SIZE, &ds), 0);
	expect("a private copy without a session: EPERM", dataspace_duplicate(ds, false, 0, &copy), -MICA_EPERM);
	expect("... with another object than a session: EPERM", dataspace_duplicate(ds, false, rt_cap("rom"), &copy),
	       -MICA_EPERM);
	expect("a gate of ours", factory_create_gate(MICA_BOOT_FACTORY, forged, MICA_BOOT_THREAD, 0x1000), 0);
	expect("... with a forged gate: EPERM", dataspace_duplicate(ds, false, forged, &copy), -MICA_EPERM);
	memory_stats(rt_cap("mem"), &quota, &used, &pages, &free_pages);
	expect("with our own session: a copy", dataspace_duplicate(ds, false, rt_cap("mem"), &copy), 0);
	memory_stats(rt_cap("mem"), &quota, &after, &pages, &free_pages);
	expect("charged to it", (long)(after - used), 16 * MICA_PAGE_SIZE);
	mica_slot_drop(copy);
	mica_slot_drop(ds);
	kobject_destroy(forged);
	mica_slot_free(forged);
}

static void pool(uint64_t *free_pages, uint64_t *used);

/* A dataspace bigger than one of root's leaf tables (512 pages, 2 MiB):
 * its pages at the start, past the first 512 and at the end, duplicated
 * privately, each side's writes its own, everything back afterwards. */
static void big_dataspace_duplicated(void)
{
	const uint64_t size = 3 << 20, mid = 600 * MICA_PAGE_SIZE, last = size - MICA_PAGE_SIZE;
	mica_cap_t ds = mica_slot_alloc(), keep = mica_slot_alloc(), copy = mica_slot_alloc();
	uint64_t a, b, start, len, free0, used0, free1, used1;

	pool(&free0, &used0);
	expect("a 3 MiB dataspace", memory_alloc(rt_cap("mem"), size, &ds), 0);
	expect("... a second capability to it", task_cap_map(MICA_BOOT_TASK, ds, keep, MICA_RWX, false), 0);
	expect("... attached", region_map_attach(rt_cap("rm"), 0, size, MICA_R | MICA_W, ds, 0, &a), 0);
	volatile char *pa = (volatile char *)a;
	pa[0] = 1, pa[mid] = 2, pa[last] = 3;
	expect("a private duplicate", dataspace_duplicate(keep, false, rt_cap("mem"), &copy), 0);
	expect("... attached", region_map_attach(rt_cap("rm"), 0, size, MICA_R | MICA_W, copy, 0, &b), 0);
	volatile char *pb = (volatile char *)b;
	expect("it has the three pages", pb[0] * 100 + pb[mid] * 10 + pb[last], 123);
	pb[mid] = 20;
	pa[last] = 30;
	expect("each side's writes are its own", pa[mid] * 100 + pb[last], 203);
	expect("... and the pages it did not write are zero", pb[mid + MICA_PAGE_SIZE] + pa[1 << 20], 0);
	mica_cap_t back = mica_slot_alloc();
	region_map_detach(rt_cap("rm"), a, &start, &len, &back);
	mica_slot_drop(back);
	back = mica_slot_alloc();
	region_map_detach(rt_cap("rm"), b, &start, &len, &back);
	mica_slot_drop(back);
	mica_slot_drop(keep);
	pool(&free1, &used1);
	expect("the pool's pages back", (long)free1, (long)free0);
	expect("our session's use back", (long)used1, (long)used0);
}

static void shared_and_private_regions(void)
{
	volatile int *shared = attach_page(MICA_R | MICA_W), *private = attach_page(MICA_R | MICA_W | RT_ATTACH_PRIVATE);

	expect("a shared and a private region", shared && private, 1);
	if (!shared || !private)
		return;
	*shared = 1;
	*private = 1;
	pid_t pid = fork();
	if (pid == 0) {
		int bad = *shared != 1 || *private != 1;
		*shared = 2;
		*private = 2;
		_exit(bad);
	}
	expect("the child saw both", reap(pid), 0);
	expect("a shared region is shared: the child's write shows here", *shared, 2);
	expect("a private one is copied: ours stayed", *private, 1);
}

/* A child's copy of a private region (the heap) is paid for by the
   child's memory session, which counts it (and, as a child of ours, ours
   too), not by ours alone. */
static void attached_copies_are_paid_by_the_child(void)
{
	const uint64_t size = 8 << 20;
	volatile int *private = attach(size, MICA_R | MICA_W | RT_ATTACH_PRIVATE);
	uint64_t quota, used, pages, free_pages;

	expect("an 8 MiB private region", private != 0, 1);
	if (!private)
		return;
	*private = 1;
	pid_t pid = fork();
	if (pid == 0) {
		memory_stats(rt_cap("mem"), &quota, &used, &pages, &free_pages);
		_exit(used >= size && *private == 1 ? 0 : 1);
	}
	expect("the child's session counts its copy of it", reap(pid), 0);
	mica_cap_t back = mica_slot_alloc();
	uint64_t start, len;
	region_map_detach(rt_cap("rm"), (uint64_t)private, &start, &len, &back);
	mica_slot_drop(back);
}

static void child_forks_and_grows(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* A grandchild, from a forked child's memory. */
		pid_t g = fork();
		if (g == 0) {
			global = 99;
			_exit(5);
		}
		int bad = reap(g) != 5 || global == 99;
		/* More heap than the parent ever had: a new region in the child. */
		size_t n = 4 << 20;
		char *big = malloc(n);
		if (!big)
			_exit(3);
		memset(big, 0x5a, n);
		bad |= big[n - 1] != 0x5a;
		_exit(bad ? 1 : 0);
	}
	expect("a child forks a grandchild and grows its heap", reap(pid), 0);
}

/* Six children alive at once (a shell's pipeline), each waiting on a pipe
   until the parent lets them all go. */
static void children_at_once(void)
{
	enum { N = 6 };
	pid_t pid[N];
	int fd[2], bad = 0;

	expect("a pipe", pipe(fd), 0);
	for (int i = 0; i < N; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			char c;
			close(fd[1]);
			_exit(read(fd[0], &c, 1) == 1 && c == 'a' ? 0 : 1);
		}
		bad |= pid[i] < 0;
	}
	expect("six forks, all alive", bad, 0);
	close(fd[0]);
	for (int i = 0; i < N; i++)
		bad |= write(fd[1], "a", 1) != 1;
	close(fd[1]);
	for (int i = 0; i < N; i++)
		bad |= reap(pid[i]) != 0;
	expect("each read its byte and exited 0", bad, 0);
}

static void child_killed(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0)
		for (;;)
			sleep(100);
	expect("kill the forked child", kill(pid, SIGKILL), 0);
	expect("waitpid", waitpid(pid, &status, 0), pid);
	expect("killed by SIGKILL", WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, 1);
}

/* Proc.fork asked directly, with `plan` of `len` bytes: 0 or the error;
   a child made is left unstarted in *task, *thread. */
static int raw_fork(const struct mica_fork_plan *plan, uint32_t len, uint64_t *pid, mica_cap_t *task,
		    mica_cap_t *thread)
{
	*task = mica_slot_alloc();
	*thread = mica_slot_alloc();
	return proc_fork(proc_gate(), plan, len, pid, task, thread);
}

static void hostile_forks(void)
{
	struct mica_fork_plan plan = { 0 };
	mica_cap_t task, thread;
	uint64_t pid;

	rt_rm_fork_plan(&plan);
	plan.proc_slot = (uint32_t)proc_gate();
	plan.utcb = (uint64_t)mica_utcb();
	expect("a plan of the wrong size: EINVAL",
	       raw_fork(&plan, sizeof plan - 4, &pid, &task, &thread), -(MICA_FS_ERRNO + EINVAL));
	plan.nregions++;
	expect("a plan that leaves out a region: EINVAL",
	       raw_fork(&plan, sizeof plan, &pid, &task, &thread), -(MICA_FS_ERRNO + EINVAL));
	plan.nregions--;
	plan.rm_slot = MICA_BOOT_TASK;
	expect("a plan that puts a gate over the task: EINVAL",
	       raw_fork(&plan, sizeof plan, &pid, &task, &thread), -(MICA_FS_ERRNO + EINVAL));
	plan.rm_slot = (uint32_t)rt_cap("rm");
	plan.mem_slot = MICA_BOOT_TASK;
	expect("a plan that puts the child's session over our task: EINVAL",
	       raw_fork(&plan, sizeof plan, &pid, &task, &thread), -(MICA_FS_ERRNO + EINVAL));
	plan.mem_slot = 0;

	/* A parent that ends between Proc.fork and starting the child: the
	   child, never started, ends with it (and is reaped as an orphan). */
	pid_t middle = fork();
	if (middle == 0) {
		plan.proc_slot = (uint32_t)proc_gate();
		_exit(raw_fork(&plan, sizeof plan, &pid, &task, &thread) == 0 ? 0 : 1);
	}
	expect("a parent that forked and ended before starting its child", reap(middle), 0);
}

/* The process server's records. */
static unsigned records(void)
{
	uint64_t pid, parent;
	uint32_t state;
	int32_t status;
	char program[64];
	unsigned n = 0;

	while (proc_list(proc_gate(), n, &pid, &parent, &state, &status, program) == 0)
		n++;
	return n;
}

static void pool(uint64_t *free_pages, uint64_t *used)
{
	uint64_t quota, pages;

	memory_stats(rt_cap("mem"), &quota, used, &pages, free_pages);
}

/* 32 forks and reaps, 16 more that exec or fail to: the kernel's objects,
   the memory server's pool and our session come back. */
/* Ten generations, each a fork of the one before: a child's quota is its
 * parent's, a limit and no reservation, so depth costs only what is used
 * (each level with half the quota left was refused at the third). */
static void forks_nest_deep(void)
{
	enum { DEPTH = 10, FAILED = 200 };
	int level = 0;
	pid_t pid;

	while ((pid = fork()) == 0) {
		if (++level == DEPTH)
			_exit(1);   /* the deepest counts itself, each parent adds one */
	}
	if (level == 0) {
		expect("ten generations of forks, each reaped by its parent", reap(pid), DEPTH);
		return;
	}
	long st = pid < 0 ? FAILED : reap(pid);
	_exit(st == FAILED ? FAILED : st + 1);
}

/* A fork bomb in a child: every process forks until fork fails, then waits
 * until we let go.  It ends with EAGAIN in every process of the tree
 * (the process server's records or the bomber's quota), and the system
 * goes on: the cases after this one fork and exec as before. */
static void bomb(int rfd)
{
	int err = 0, bad = 0;
	char c;

	while (fork() >= 0)   /* parent and child alike go on */
		;
	err = errno;
	(void)read(rfd, &c, 1);
	int st;
	while (wait(&st) > 0)
		bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	_exit(bad || (err != EAGAIN && err != ENOMEM) ? 1 : 0);
}

/* What our own factory has charged: our objects and, paid for through
 * theirs, those of every program we started (docs/root.md, "Programs"). */
static uint64_t kmem_used(void)
{
	uint64_t limit, used = 0;

	factory_quota(MICA_BOOT_FACTORY, &limit, &used);
	return used;
}

/* The number of records once it has stayed the same for 0.3 s (at most 6 s). */
static unsigned records_settled(void)
{
	unsigned n = records(), same = 0;

	for (int i = 0; i < 600 && same < 30; i++) {
		usleep(10000);
		unsigned m = records();
		same = m == n ? same + 1 : 0;
		n = m;
	}
	return n;
}

static void fork_bomb_is_bounded(void)
{
	int fd[2];

	expect("a pipe", pipe(fd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(fd[1]);
		bomb(fd[0]);
	}
	close(fd[0]);
	/* Let the bomb go off (a few seconds at most). */
	unsigned n = records_settled();
	mica_printf("# the bomb holds %u records\n", n);
	expect("our kernel memory quota ended it, not the process server's 64 records", n > 4 && n < 64, 1);
	expect("fork fails for us too meanwhile: we pay for the bomb (EAGAIN)", fork() == -1 && errno == EAGAIN, 1);
	pid_t other;
	char *args[] = { "proc_child", "exit", "5", 0 };
	expect("so does a spawn: we would pay for it too (EAGAIN)",
	       posix_spawn(&other, "/bin/proc_child", 0, 0, args, environ), EAGAIN);
	/* The rest of the system goes on: the servers serve us. */
	int f = open("/bomb.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char back[8] = "";
	expect("meanwhile the file server writes and reads a file for us",
	       f >= 0 && write(f, "bomb", 4) == 4 && pread(f, back, 4, 0) == 4 && !memcmp(back, "bomb", 4), 1);
	close(f);
	unlink("/bomb.txt");
	expect("and the process server lists the bomb", records() == n, 1);
	close(fd[1]);
	expect("every process of the bomb saw fork fail with EAGAIN and ended", reap(pid), 0);
}

/* A forked child's kernel memory is ours (its factory is paid for by
 * ours), and so is what it starts in turn: a program it spawns is paid for
 * by it, so by us.  All of it comes back when they end. */
static void children_are_paid_for_by_their_parent(void)
{
	int go[2], told[2];
	char c = 0;

	expect("two pipes", pipe(go) | pipe(told), 0);
	for (int i = 0; i < 200 && records() > 1; i++)   /* earlier cases' children gone */
		usleep(10000);
	uint64_t before = kmem_used();
	pid_t pid = fork();
	if (pid == 0) {
		pid_t g;
		char *args[] = { "proc_child", "forever", 0 };
		int err = posix_spawn(&g, "/bin/proc_child", 0, 0, args, environ);
		c = (char)err;
		(void)write(told[1], &c, 1);
		(void)read(go[0], &c, 1);
		if (err)
			_exit(1);
		kill(g, SIGKILL);
		_exit(reap(g) == -SIGKILL ? 0 : 2);
	}
	uint64_t forked = kmem_used();
	expect("the child spawned a program from the disk", read(told[0], &c, 1) == 1 && c == 0, 1);
	uint64_t spawned = kmem_used();
	mica_printf("# our factory: %lu bytes, %lu with the child, %lu with its child\n", (unsigned long)before,
		    (unsigned long)forked, (unsigned long)spawned);
	expect("the forked child's kernel memory is charged to us", forked > before + 16384, 1);
	expect("... and its spawned child's", spawned > forked + 16384, 1);
	(void)write(go[1], &c, 1);
	expect("the child killed its child and ended", reap(pid), 0);
	uint64_t after = kmem_used();
	for (int i = 0; i < 200 && after != before; i++) {   /* the reaper's last steps: at most 2 s */
		usleep(10000);
		after = kmem_used();
	}
	expect("all of it came back", (long)(after - before), 0);
	close(go[0]), close(go[1]), close(told[0]), close(told[1]);
}

static void forks_leave_nothing(void)
{
	struct mica_meminfo before, now;
	uint64_t free_before, free_now, used_before, used_now;
	int bad = 0;

	/* Earlier cases' orphans (forkorphan's child) gone first: at most 2 s. */
	for (int i = 0; i < 200 && records() > 1; i++)
		usleep(10000);
	/* One round first: what the loop touches of our own is mapped. */
	pid_t warm = fork();
	if (warm == 0)
		_exit(0);
	reap(warm);
	global = 1000;
	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&before, sizeof before);
	pool(&free_before, &used_before);
	hostile_forks();
	for (int i = 0; i < 32; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			global = i;   /* a page copied */
			_exit(i);
		}
		bad |= pid < 0 || reap(pid) != i;
	}
	expect("32 forks, each child's status reaped", bad, 0);
	bad = 0;
	for (int i = 0; i < 8; i++)
		bad |= fork_exec(i % 2 ? ROM_CHILD : "/bin/proc_child", "exit", "6") != 6 ||
		       fork_exec("rom/nothing", 0, 0) != 100 + ENOENT;
	expect("8 forks that exec, from rom/ and the disk, and 8 whose exec fails", bad, 0);
	bad = 0;
	for (int i = 0; i < 4; i++)
		bad |= fork_exec(ROM_CHILD, "forkmidway", 0) != -SIGSEGV;
	expect("4 programs that end by a fault while their main thread forks", bad, 0);
	expect("their writes stayed theirs", global, 1000);
	expect("the process server has our record alone", records(), 1);
	for (int i = 0; i < 200; i++) {   /* at most 2 s for the last-reference irqs */
		mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&now, sizeof now);
		pool(&free_now, &used_now);
		if (!memcmp(now.objects, before.objects, sizeof now.objects) && free_now == free_before &&
		    now.mapnodes == before.mapnodes)
			break;
		usleep(10000);
	}
	expect("tasks back", now.objects[MICA_KOBJ_TASK], before.objects[MICA_KOBJ_TASK]);
	expect("threads back", now.objects[MICA_KOBJ_THREAD], before.objects[MICA_KOBJ_THREAD]);
	expect("gates back", now.objects[MICA_KOBJ_GATE], before.objects[MICA_KOBJ_GATE]);
	expect("irqs back", now.objects[MICA_KOBJ_IRQ], before.objects[MICA_KOBJ_IRQ]);
	expect("factories back", now.objects[MICA_KOBJ_FACTORY], before.objects[MICA_KOBJ_FACTORY]);
	expect("mapping nodes back", now.mapnodes, before.mapnodes);
	expect("the memory server's free pages back", (long)free_now, (long)free_before);
	expect("our session's use back", (long)used_now, (long)used_before);
	expect("the kernel's invariants hold", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_CHECK, 0, 0), 0);
}


static void exec_in_place(void)
{
	char n[16];

	expect("fork, exec from rom/: the new program's status", fork_exec(ROM_CHILD, "exit", "7"), 7);
	expect("fork, exec from the disk", fork_exec("/bin/true", 0, 0), 0);
	snprintf(n, sizeof n, "%d", (int)getpid());
	expect("the exec'd program's parent is still us", fork_exec(ROM_CHILD, "ppid", n), 0);
	expect("an exec that fails leaves the child running (ENOENT)", fork_exec("rom/nothing", 0, 0), 100 + ENOENT);

	/* Its pid is still the one fork answered. */
	int fd[2];
	expect("a pipe", pipe(fd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		snprintf(n, sizeof n, "%d", (int)getpid());
		execl(ROM_CHILD, ROM_CHILD, "pid", n, (char *)0);
		_exit(100);
	}
	expect("the exec'd program's pid is the one fork answered", reap(pid), 0);
	close(fd[0]);
	close(fd[1]);

	expect("a program started from the disk forks", fork_exec("/bin/proc_child", "fork", "9"), 9);
	expect("... and leaves a forked child behind (the log shows its 44)",
	       fork_exec("/bin/proc_child", "forkorphan", "50"), 0);

	pid = fork();
	if (pid == 0) {
		execl("rom/fork_test", "fork_test", "print", (char *)0);
		_exit(100);
	}
	expect("an exec'd program prints on the stdout it was given (the log shows it)", reap(pid), 0);
}

/* A shell's `cmd | ...` and `cmd > file`: descriptor 1 redirected, then exec. */
static void exec_with_stdout_redirected(void)
{
	static const char want[] = "exec: the new image prints on the stdout it was given\n";
	char buf[128] = "";
	size_t got = 0;
	int fd[2];

	expect("a pipe", pipe(fd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execl("rom/fork_test", "fork_test", "print", (char *)0);
		_exit(100 + errno);
	}
	close(fd[1]);
	for (;;) {
		ssize_t n = read(fd[0], buf + got, sizeof buf - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd[0]);
	expect("the exec'd program's stdout is the pipe: the parent read its line, then the end of data",
	       got == sizeof want - 1 && !memcmp(buf, want, got), 1);
	expect("it exited 0", reap(pid), 0);

	int file = open("/fork_test.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	expect("a file", file >= 0, 1);
	pid = fork();
	if (pid == 0) {
		dup2(file, 1);
		execl("rom/fork_test", "fork_test", "print", (char *)0);
		_exit(100 + errno);
	}
	expect("a file as stdout: the exec'd program printed into it", reap(pid), 0);
	close(file);
	expect("the file has its line", read_file("/fork_test.out", buf, sizeof buf) == sizeof want - 1 &&
	       !memcmp(buf, want, sizeof want - 1), 1);
	unlink("/fork_test.out");
}

/* What exec keeps (docs/processes.md, "exec in place"): the whole table,
 * without the close-on-exec descriptors, the working directory and the
 * umask.  A forked child puts a pipe at 2 (`2>&1` of a shell's pipeline),
 * a file at 5, a close-on-exec file at 6, goes to /bin with umask 027 and
 * execs us with "checkfds", which writes through 2 and 5 and says what it
 * found in its exit status. */
static void exec_keeps_the_table(void)
{
	static const char want[] = "to descriptor 2\n";
	char buf[128] = "";
	int fd[2];

	expect("a pipe", pipe(fd), 0);
	int file = open("/fork_test.five", O_RDWR | O_CREAT | O_TRUNC, 0644);
	expect("a file", file >= 0, 1);
	expect("it starts with a line of ours", write(file, "ours\n", 5), 5);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		if (file != 5) {
			dup2(file, 5);
			close(file);
		}
		int ro = open("/fork_test.five", O_RDONLY);
		dup2(ro, 6);
		close(ro);
		fcntl(6, F_SETFD, FD_CLOEXEC);
		chdir("/bin");
		umask(027);
		execl("rom/fork_test", "fork_test", "checkfds", (char *)0);
		_exit(100 + errno);
	}
	close(fd[1]);
	size_t got = 0;
	for (ssize_t n; (n = read(fd[0], buf + got, sizeof buf - 1 - got)) > 0;)
		got += (size_t)n;
	close(fd[0]);
	expect("descriptor 2 of the exec'd program is the pipe: its line, then the end of data",
	       got == sizeof want - 1 && !memcmp(buf, want, got), 1);
	expect("it found 5 open at the shared offset, 6 closed, /bin and umask 027", reap(pid), 0);
	expect("the file has our line and then its own",
	       read_file("/fork_test.five", buf, sizeof buf) == 13 && !memcmp(buf, "ours\nto five\n", 13), 1);
	close(file);
	unlink("/fork_test.five");
}

/* The exec'd side of exec_keeps_the_table: 0 if all is as it should be,
 * else the number of the first check that failed. */
static int check_fds(void)
{
	char cwd[64];
	mode_t mask = umask(0);

	if (write(2, "to descriptor 2\n", 16) != 16)
		return 1;
	if (lseek(5, 0, SEEK_CUR) != 5)   /* the description's offset, after the parent's line */
		return 2;
	if (write(5, "to five\n", 8) != 8)
		return 3;
	if (fcntl(6, F_GETFD) != -1 || errno != EBADF)
		return 4;
	if (!getcwd(cwd, sizeof cwd) || strcmp(cwd, "/bin") != 0)
		return 5;
	if (mask != 027)
		return 6;
	return 0;
}

/* A program whose exec succeeds and that goes on (Proc.exec asked
 * directly, its answer ignored): the server ends it when the new program
 * has started, so it never runs as no process (unlisted, beyond every
 * kill).  It would write to the pipe had it gone on; the new program
 * (nothing given to it) holds no end of the pipe. */
static void an_exec_caller_that_goes_on_is_ended(void)
{
	static const char args[] = "proc_child\0exit\0" "6";
	int fds[2];
	char c;

	expect("a pipe", pipe(fds), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		int err = proc_exec(proc_gate(), ROM_CHILD, args, sizeof args, "", 0, 0, 0);
		write(fds[1], err ? "E" : "A", 1);   /* "A": alive after its exec */
		_exit(99);
	}
	close(fds[1]);
	expect("the new program's status", reap(pid), 6);
	expect("the old program wrote nothing: it ended at its exec", read(fds[0], &c, 1), 0);
	close(fds[0]);
}

static void *read_a_line(void *stream)
{
	char line[8];

	fgets(line, sizeof line, stream);   /* no input comes */
	return 0;
}

/* posix_spawn while another thread waits in fgets for input that never
 * comes (a stream of a pipe whose writer writes nothing: its lock held):
 * the spawn flushes stdout and stderr only, and does not wait for that
 * stream (before 2026-12-08 it flushed every stream, and waited for
 * good).  In a child of ours, ended with _exit: exit() flushes every
 * stream too. */
static void a_spawn_beside_a_reader_is_not_held(void)
{
	pid_t pid = fork(), got = 0;
	int st = 0;

	if (pid == 0) {
		char *argv[] = { "proc_child", "exit", "4", 0 };
		int fds[2];
		FILE *in;
		pthread_t t;
		pid_t c;
		if (pipe(fds) != 0 || !(in = fdopen(fds[0], "r")) || pthread_create(&t, 0, read_a_line, in) != 0)
			_exit(1);
		usleep(100000);   /* it is in fgets */
		_exit(posix_spawn(&c, ROM_CHILD, 0, 0, argv, environ) == 0 && waitpid(c, &st, 0) == c && WIFEXITED(st)
			      ? WEXITSTATUS(st)
			      : 2);
	}
	for (int i = 0; i < 500 && (got = waitpid(pid, &st, WNOHANG)) == 0; i++)
		usleep(10000);
	if (got == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	expect("a spawn beside a thread in fgets: not held by that stream's lock",
	       got == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1, 4);
}

/* waitid: which events, told as SIGCHLD's siginfo; without WEXITED an
 * ended child is not taken (the process server's MICA_PROC_WAIT_NO_EXITS). */
static void waitid_reports_as_siginfo(void)
{
	siginfo_t si;
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	expect("waitid without an event asked: EINVAL", waitid(P_PID, pid, &si, WNOHANG) == -1 && errno == EINVAL, 1);
	expect("WNOHANG, nothing yet: 0, si_pid 0",
	       waitid(P_PID, pid, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0, 1);
	kill(pid, SIGSTOP);
	expect("WSTOPPED: the stop", waitid(P_PID, pid, &si, WSTOPPED) == 0 && si.si_pid == pid &&
	       si.si_signo == SIGCHLD && si.si_code == CLD_STOPPED && si.si_status == SIGSTOP, 1);
	kill(pid, SIGCONT);
	expect("WCONTINUED, of any child", waitid(P_ALL, 0, &si, WCONTINUED) == 0 && si.si_pid == pid &&
	       si.si_code == CLD_CONTINUED && si.si_status == SIGCONT, 1);
	kill(pid, SIGTERM);
	expect("WEXITED | WNOWAIT: killed by SIGTERM, and left", waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0 &&
	       si.si_pid == pid && si.si_code == CLD_KILLED && si.si_status == SIGTERM, 1);
	expect("without WEXITED the end is not taken: nothing to report",
	       waitid(P_PID, pid, &si, WSTOPPED | WCONTINUED | WNOHANG) == 0 && si.si_pid == 0, 1);
	expect("WEXITED of our group reaps it", waitid(P_PGID, 0, &si, WEXITED) == 0 && si.si_pid == pid, 1);
	expect("then no such child: ECHILD", waitid(P_PID, pid, &si, WEXITED) == -1 && errno == ECHILD, 1);
	if ((pid = fork()) == 0)
		_exit(5);
	expect("an exit's status", waitid(P_PID, pid, &si, WEXITED) == 0 && si.si_code == CLD_EXITED &&
	       si.si_status == 5, 1);
}

static void exec_failures(void)
{
	static char *many[MICA_SPAWN_ARGS_MAX + 2], big[ARG_MAX + 1];

	errno = 0;
	expect("ENOENT", execl("rom/nothing", "nothing", (char *)0) == -1 && errno == ENOENT, 1);
	errno = 0;
	expect("EACCES: no x bit", execl("/bin/noexec", "noexec", (char *)0) == -1 && errno == EACCES, 1);
	errno = 0;
	expect("ENOEXEC: a script", execl("/bin/garbage", "garbage", (char *)0) == -1 && errno == ENOEXEC, 1);
	errno = 0;
	expect("ENOEXEC: an ELF file for i386", execl("/bin/badelf", "badelf", (char *)0) == -1 && errno == ENOEXEC,
	       1);
	for (int i = 0; i <= MICA_SPAWN_ARGS_MAX; i++)
		many[i] = "x";
	many[MICA_SPAWN_ARGS_MAX + 1] = 0;
	errno = 0;
	expect("E2BIG: 4,097 arguments", execv(ROM_CHILD, many) == -1 && errno == E2BIG, 1);
	memset(big, 'y', ARG_MAX);
	big[ARG_MAX] = 0;
	char *huge[] = { "proc_child", big, 0 };
	errno = 0;
	expect("E2BIG: an argument of ARG_MAX bytes", execv(ROM_CHILD, huge) == -1 && errno == E2BIG, 1);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { "proc_child", "exit", "7", 0 };
		unsetenv("PATH");
		execvp("proc_child", argv);
		_exit(100 + errno);
	}
	expect("execvp without PATH looks in /bin", reap(pid), 7);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "garbage", 0 };
		execvp("/bin/garbage", argv);
		_exit(100 + errno);
	}
	expect("execvp of a file that is no program runs /bin/sh, which is not on this disk (ENOENT)", reap(pid),
	       100 + ENOENT);
	errno = 0;
	char *none[] = { "nothing-at-all", 0 };
	expect("execvp along PATH: ENOENT", execvp("nothing-at-all", none) == -1 && errno == ENOENT, 1);
	/* Each failed exec left our streams ours: the scenario expects the line. */
	expect("still here, and printing: stdout is still ours",
	       printf("exec: stdout is still ours after failed execs\n") > 0 && fflush(stdout) == 0, 1);
	expect("a child still forks and exits", fork_exec(ROM_CHILD, "exit", "3"), 3);
}

static char atfork_log[16];
static unsigned atfork_n;

static void note(char c)
{
	if (atfork_n + 1 < sizeof atfork_log)
		atfork_log[atfork_n++] = c;
}
static void prepare_a(void) { note('a'); }
static void prepare_b(void) { note('b'); }
static void parent_a(void) { note('A'); }
static void parent_b(void) { note('B'); }
static void child_a(void) { note('1'); }
static void child_b(void) { note('2'); }

/* Last: the handlers stay registered for every later fork of the program. */
static void atfork_handlers_around_fork(void)
{
	expect("pthread_atfork, twice", pthread_atfork(prepare_a, parent_a, child_a) == 0 &&
						pthread_atfork(prepare_b, parent_b, child_b) == 0, 1);
	pid_t pid = fork();
	if (pid == 0)
		_exit(strcmp(atfork_log, "ba12") == 0 ? 0 : 1);
	expect("the parent: prepare in reverse, then parent in order", strcmp(atfork_log, "baAB"), 0);
	expect("the child: prepare in reverse, then child in order (exit 0)", reap(pid), 0);
}

/* Another thread registers handlers while a fork's prepare handlers run:
 * its registration waits for the fork's end (the list is locked from the
 * prepare handlers to the parent's), so the fork runs a parent handler
 * only where it ran the prepare handler.  The prepare handler gives the
 * registering thread every chance to finish first: it yields to it up to
 * 100 times. */
static sem_t register_go;
static volatile int registered, registered_in_prepare, late_prepares, late_parents, late_children, racing;

static void late_prepare(void) { late_prepares++; }
static void late_parent(void) { late_parents++; }
static void late_child(void) { late_children++; }

static void racing_prepare(void)
{
	if (!racing)
		return;
	sem_post(&register_go);
	for (int i = 0; i < 100 && !registered; i++)
		sched_yield();
	registered_in_prepare = registered;
}

static void *register_late(void *arg)
{
	(void)arg;
	sem_wait(&register_go);
	pthread_atfork(late_prepare, late_parent, late_child);
	registered = 1;
	return 0;
}

static void atfork_registration_waits_for_a_fork(void)
{
	pthread_t t;

	expect("a prepare handler", pthread_atfork(racing_prepare, 0, 0), 0);
	sem_init(&register_go, 0, 0);
	expect("a thread to register meanwhile", pthread_create(&t, 0, register_late, 0), 0);
	racing = 1;
	pid_t pid = fork();
	if (pid == 0)
		_exit(late_children);
	racing = 0;
	expect("the registration had not ended in the prepare handler", registered_in_prepare, 0);
	expect("no parent handler of it without its prepare handler", late_parents, late_prepares);
	expect("the child ran none of it", reap(pid), late_prepares);
	pthread_join(t, 0);
	expect("the registration ended after the fork", registered, 1);
	pid = fork();
	if (pid == 0)
		_exit(late_children == 1 ? 0 : 1);
	expect("the next fork runs its prepare and parent handlers once", late_prepares == 1 && late_parents == 1, 1);
	expect("and its child handler (exit 0)", reap(pid), 0);
	sem_destroy(&register_go);
}

/* A forked child's file descriptors are its own: its session of the file
 * lives on when the parent closes its descriptor, and when the parent
 * ends (here a middle child that forks a grandchild and exits at once);
 * each child reads on at the offset it shares with its parent and writes
 * there.  The child says how it went on a pipe (exit status 0 too). */
#define OUTLIVE_PATH "/fork_test.outlive"

static int read_is(int fd, const char *want)
{
	char got[16] = { 0 };
	size_t n = strlen(want);

	return read(fd, got, n) == (ssize_t)n && memcmp(got, want, n) == 0;
}

static void child_files_outlive_the_parent(void)
{
	int file = open(OUTLIVE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644), go[2], said[2];
	char c = 0;

	expect("a file of the disk", file >= 0 && write(file, "0123456789", 10) == 10 && lseek(file, 2, SEEK_SET) == 2,
	       1);
	expect("pipes", pipe(go) == 0 && pipe(said) == 0, 1);
	pid_t pid = fork();
	if (pid == 0) {
		char ok = read(go[0], &c, 1) == 1 && read_is(file, "234") && write(file, "ab", 2) == 2 ? 'y' : 'n';
		_exit(write(said[1], &ok, 1) == 1 && ok == 'y' ? 0 : 1);
	}
	expect("the parent closes its descriptor", close(file), 0);
	expect("go", write(go[1], "g", 1), 1);
	expect("the child read on at the shared offset and wrote", read(said[0], &c, 1) == 1 && c == 'y', 1);
	expect("and ended (exit 0)", reap(pid), 0);

	/* The parent ends: a middle child forks the reader and exits. */
	file = open(OUTLIVE_PATH, O_RDWR);
	expect("the file again, at 7", file >= 0 && lseek(file, 7, SEEK_SET) == 7, 1);
	pid = fork();
	if (pid == 0) {
		if (fork() == 0) {
			int parent_gone = read(go[0], &c, 1) == 1;   /* after the middle child's end */
			char ok = parent_gone && read_is(file, "789") && write(file, "cd", 2) == 2 ? 'y' : 'n';
			_exit(write(said[1], &ok, 1) == 1 ? 0 : 1);
		}
		_exit(0);
	}
	close(file);
	expect("the middle child ended", reap(pid), 0);
	expect("go", write(go[1], "g", 1), 1);
	expect("the grandchild read on after its parent's end and wrote", read(said[0], &c, 1) == 1 && c == 'y', 1);
	file = open(OUTLIVE_PATH, O_RDONLY);
	expect("the file has both children's writes", file >= 0 && read_is(file, "01234ab789cd"), 1);
	close(file);
	unlink(OUTLIVE_PATH);
	close(go[0]), close(go[1]), close(said[0]), close(said[1]);
}

/* A multi-threaded program's fork copies one moment of it.  A writer
 * thread sets a word of the bss (an initial region, which root forks in
 * Parent.fork) and then one word in each of WORD_REGIONS regions mapped
 * since (attached regions, which the parent duplicates one by one after
 * Parent.fork) to the same n, round after round, while another thread
 * allocates and frees without end; the main thread forks FORK_ROUNDS
 * times.  At any one moment the words hold n or n - 1, the bss word the
 * highest: a child that sees a region's word past the bss word, or two
 * values further apart, has a copy of no moment (exit 1).  The child
 * allocates first (exit 2 if it cannot): the heap's lock, which the other
 * thread holds most of the time, is free in it. */
#define WORD_REGIONS 32
#define FORK_ROUNDS 48
#define MOVE_YIELDS 100000   /* at most, for the writer to go on: a failure bound, not a time */

static volatile uint64_t bss_word;
static volatile uint64_t *region_word[WORD_REGIONS];
static volatile int moment_stop;
static volatile uint64_t writer_rounds;

static void *moment_writer(void *arg)
{
	(void)arg;
	for (uint64_t n = 1; !moment_stop; n++) {
		bss_word = n;
		for (int i = 0; i < WORD_REGIONS; i++)
			*region_word[i] = n;
		writer_rounds = n;
	}
	return 0;
}

static void *heap_churner(void *arg)
{
	(void)arg;
	for (unsigned n = 0; !moment_stop; n++)
		free(malloc(32 + n % 4096));
	return 0;
}

/* In the child: 0 for one moment's words, 1 otherwise. */
static int words_of_one_moment(void)
{
	uint64_t top = bss_word;

	for (int i = 0; i < WORD_REGIONS; i++)
		if (*region_word[i] > top || top - *region_word[i] > 1)
			return 1;
	return 0;
}

static void fork_copies_one_moment(void)
{
	pthread_t writer, churner;
	int torn = 0, other = 0, regions = 0;

	for (int i = 0; i < WORD_REGIONS; i++) {
		void *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		region_word[i] = p == MAP_FAILED ? &bss_word : p;
		regions += p != MAP_FAILED;
	}
	expect("regions of their own for the words", regions, WORD_REGIONS);
	expect("a writer thread", pthread_create(&writer, 0, moment_writer, 0), 0);
	expect("a thread allocating", pthread_create(&churner, 0, heap_churner, 0), 0);
	for (int round = 0; round < FORK_ROUNDS; round++) {
		uint64_t seen = writer_rounds;
		pid_t pid = fork();
		if (pid == 0) {
			void *p = malloc(100);
			_exit(p ? words_of_one_moment() : 2);
		}
		long st = pid > 0 ? reap(pid) : -2000;
		torn += st == 1;
		other += st != 0 && st != 1;
		for (int i = 0; i < MOVE_YIELDS && writer_rounds == seen; i++)
			sched_yield();
	}
	expect("no child saw words of two moments", torn, 0);
	expect("every child allocated and ended (exit 0)", other, 0);
	uint64_t seen = writer_rounds;
	for (int i = 0; i < MOVE_YIELDS && writer_rounds == seen; i++)
		sched_yield();
	expect("the writer goes on after the forks", writer_rounds != seen, 1);
	moment_stop = 1;
	expect("both threads end", pthread_join(writer, 0) == 0 && pthread_join(churner, 0) == 0, 1);
	for (int i = 0; i < WORD_REGIONS; i++)
		if (region_word[i] != &bss_word)
			munmap((void *)region_word[i], 4096);
}

/* docs/processes.md, "fork": a thread maps and unmaps without end while
 * the main thread forks.  Each mapping lands below another page and the
 * stack in the region mapper's table, sorted by address, so each attach
 * shifts their entries up and each detach down; a child copied in the
 * middle of a shift would lack its stack's region (the last entry, then
 * past the count).  The fork waits for a change under way and starts
 * again when one came meanwhile (rt_rm_changes).  The region mapper is
 * seldom preempted in the middle of a shift: a test of the fork's
 * working, not of the interleaving, which was forced by hand (a temporary
 * yield in the middle of each shift: without the count, 18 of 48
 * children lacked their stack's region). */
#define CHURN_BATCH 8
static volatile int churn_stop;
static volatile unsigned churn_rounds;

static void *region_churner(void *arg)
{
	(void)arg;
	while (!churn_stop) {
		void *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			*(volatile char *)p = 1;
			munmap(p, 4096);
		}
		churn_rounds++;
	}
	return 0;
}

/* In the child: 0 when its region mapper knows the regions of its stack,
 * its heap and its data (those above and below the churner's). */
static int regions_whole(void)
{
	char here;
	void *heap = malloc(100);
	uint64_t start, size, offset;
	uint32_t rights;
	const uint64_t at[] = { (uint64_t)&here, (uint64_t)heap, (uint64_t)&churn_rounds };

	for (unsigned i = 0; i < sizeof at / sizeof at[0]; i++)
		if (!at[i] || region_map_find(rt_cap("rm"), at[i], &start, &size, &offset, &rights) != 0)
			return 1;
	return 0;
}

static void fork_while_regions_change(void)
{
	pthread_t churner;
	int other = 0;

	/* A page mapped above the lowest free one (first fit: where the
	 * churner's land): each attach then shifts it and the stack's entry. */
	void *hole = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *above = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect("a page above a hole", hole != MAP_FAILED && above != MAP_FAILED && above > hole &&
					   munmap(hole, 4096) == 0, 1);
	expect("a thread mapping and unmapping", pthread_create(&churner, 0, region_churner, 0), 0);
	for (int round = 0; round < FORK_ROUNDS; round += CHURN_BATCH) {
		pid_t pids[CHURN_BATCH];
		/* Forks back to back, a turn for the churner before each (a
		 * fork holds it): the main thread is ready whenever the region
		 * mapper gives way. */
		for (int k = 0; k < CHURN_BATCH; k++) {
			sched_yield();
			if ((pids[k] = fork()) == 0)
				_exit(regions_whole());
		}
		for (int k = 0; k < CHURN_BATCH; k++) {
			long st = pids[k] > 0 ? reap(pids[k]) : -2000;
			if (st != 0)
				mica_printf("# fork %d: %ld\n", round + k, st);
			other += st != 0;
		}
	}
	expect("every child's region mapper knew its stack, heap and data (exit 0)", other, 0);
	expect("... while the thread mapped and unmapped", churn_rounds > 0, 1);
	churn_stop = 1;
	expect("the thread ends", pthread_join(churner, 0), 0);
	munmap(above, 4096);
}

/* A forked child whose parent ended keeps what it inherited beside the
 * descriptors: its stdout (a stream: root's log here, a console's the
 * same way), the file server's gate (it opens a file) and a MAP_SHARED
 * mapping of a file.  Each is a sibling of
 * the parent's capability (Task.cap_copy, cap_sibling), derived from what
 * the server gave, not from the parent's: before, each went with the
 * parent's end.  A middle child maps the file (touching none of it), forks
 * the reader and exits; the reader, once it is reaped, prints (the scenario
 * expects the line), opens and reads the file, and faults the mapping in. */
#define SIBLING_PATH "/fork_test.sibling"
#define SIBLING_TEXT "kept after the parent's end"

static void child_keeps_streams_files_and_mappings(void)
{
	int fd = open(SIBLING_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644), go[2], said[2];
	size_t n = strlen(SIBLING_TEXT);
	char c = 0;

	expect("a file of the disk", fd >= 0 && write(fd, SIBLING_TEXT, n) == (ssize_t)n && close(fd) == 0, 1);
	expect("pipes", pipe(go) == 0 && pipe(said) == 0, 1);
	pid_t pid = fork();
	if (pid == 0) {
		int mfd = open(SIBLING_PATH, O_RDONLY);
		const char *m = mfd < 0 ? MAP_FAILED : mmap(0, 4096, PROT_READ, MAP_SHARED, mfd, 0);
		if (m == MAP_FAILED || close(mfd) != 0)
			_exit(1);
		if (fork() == 0) {
			char got[32] = { 0 };
			int parent_gone = read(go[0], &c, 1) == 1;   /* after the middle child's end */
			int printed = printf("fork: a child whose parent ended prints on its stdout\n") > 0;
			int f = open(SIBLING_PATH, O_RDONLY);
			int opened = f >= 0 && read(f, got, n) == (ssize_t)n && !memcmp(got, SIBLING_TEXT, n) && close(f) == 0;
			int mapped = !memcmp(m, SIBLING_TEXT, n);
			char ok = !parent_gone ? 'g' : !printed ? 'p' : !opened ? 'o' : !mapped ? 'm' : 'y';
			_exit(write(said[1], &ok, 1) == 1 ? 0 : 1);
		}
		_exit(0);
	}
	expect("the middle child mapped the file, forked and ended", reap(pid), 0);
	expect("go", write(go[1], "g", 1), 1);
	expect("the grandchild printed, opened and read a file, and read its mapping (y)",
	       read(said[0], &c, 1) == 1 ? c : 0, 'y');
	unlink(SIBLING_PATH);
	close(go[0]), close(go[1]), close(said[0]), close(said[1]);
}

/* A spawned child whose parent ended keeps its stdout: a spawned middle
 * child spawns the printer (or forks a child that execs it) and exits; the
 * printer, once it is process 1's, prints (the scenario expects the line)
 * and says so on a pipe it inherited.  Its streams are siblings of the
 * middle child's record's, not copies derived from the middle child's own
 * or from its record's, which went with its end (docs/processes.md,
 * "Streams"). */
static void spawned_child_keeps_streams(void)
{
	static const char *const how[] = { "spawnleave", "forkexecleave" };

	for (unsigned i = 0; i < sizeof how / sizeof how[0]; i++) {
		int said[2];
		char fd[12], c = 0;
		pid_t pid = -1;

		expect("a pipe", pipe(said), 0);
		snprintf(fd, sizeof fd, "%d", said[1]);
		char *args[] = { "proc_child", (char *)how[i], fd, 0 };
		expect(how[i], posix_spawn(&pid, ROM_CHILD, 0, 0, args, environ), 0);
		close(said[1]);
		expect("the middle child started the printer and ended", reap(pid), 0);
		expect("the printer printed once its parent had ended (y)", read(said[0], &c, 1) == 1 ? c : 0, 'y');
		close(said[0]);
	}
}

static const struct qtest_case cases[] = {
	{ "fork_returns_twice", fork_returns_twice },
	{ "copy_on_write_both_ways", copy_on_write_both_ways },
	{ "parent_writes_first", parent_writes_first },
	{ "written_pages_copied_at_fork", written_pages_copied_at_fork },
	{ "fork_copies_are_bounded", fork_copies_are_bounded },
	{ "parent_view_of_shared_regions", parent_view_of_shared_regions },
	{ "child_writes_to_a_pipe", child_writes_to_a_pipe },
	{ "duplicates_are_paid_by_the_caller", duplicates_are_paid_by_the_caller },
	{ "big_dataspace_duplicated", big_dataspace_duplicated },
	{ "shared_and_private_regions", shared_and_private_regions },
	{ "attached_copies_are_paid_by_the_child", attached_copies_are_paid_by_the_child },
	{ "child_forks_and_grows", child_forks_and_grows },
	{ "children_at_once", children_at_once },
	{ "child_killed", child_killed },
	{ "child_keeps_streams_files_and_mappings", child_keeps_streams_files_and_mappings },
	{ "spawned_child_keeps_streams", spawned_child_keeps_streams },
	{ "exec_in_place", exec_in_place },
	{ "exec_with_stdout_redirected", exec_with_stdout_redirected },
	{ "exec_keeps_the_table", exec_keeps_the_table },
	{ "exec_failures", exec_failures },
	{ "an_exec_caller_that_goes_on_is_ended", an_exec_caller_that_goes_on_is_ended },
	{ "a_spawn_beside_a_reader_is_not_held", a_spawn_beside_a_reader_is_not_held },
	{ "waitid_reports_as_siginfo", waitid_reports_as_siginfo },
	{ "forks_nest_deep", forks_nest_deep },
	{ "fork_bomb_is_bounded", fork_bomb_is_bounded },
	{ "children_are_paid_for_by_their_parent", children_are_paid_for_by_their_parent },
	{ "forks_leave_nothing", forks_leave_nothing },
	{ "atfork_handlers_around_fork", atfork_handlers_around_fork },
	{ "atfork_registration_waits_for_a_fork", atfork_registration_waits_for_a_fork },
	{ "fork_copies_one_moment", fork_copies_one_moment },
	{ "fork_while_regions_change", fork_while_regions_change },
	{ "child_files_outlive_the_parent", child_files_outlive_the_parent },
};

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "print")) {
		printf("exec: the new image prints on the stdout it was given\n");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "checkfds"))
		return check_fds();
	setvbuf(stdout, 0, _IONBF, 0);   /* a child's copy of the buffer would print it again */
	return QTEST_RUN(argv[0], cases);
}
