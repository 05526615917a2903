/*
 * fork.c - fork() and vfork() (docs/processes.md, "fork"): a child that is
 * a copy of the program, made by root through the process server.
 *
 * The calling thread saves its registers (lib/rt: rt_fork_save) and asks
 * Proc.fork, which has root's Parent.fork make the child: its own kernel
 * objects, memory session, gates to root and to the process server, its
 * initial regions forked copy-on-write, a region mapper thread, and a
 * stopped thread that will resume from the saved registers.  Then the
 * parent finishes it: its region mapper's attached regions (the heap
 * copy-on-write, the others shared), its pipe ends as tickets the child
 * adopts and its files as sessions of the child's own (so that they
 * outlive ours), every other capability at the same slot (lib/rt), and
 * starts the thread; or, when the region mapper's tables changed while
 * they were copied (rt_rm_changes), kills the child and starts again.  The child returns 0 from here with
 * its own pid, the parent the child's pid.  Only the calling thread is in
 * the child.  pthread_atfork's handlers run around it, and the parent's
 * other threads are held meanwhile (hold_program).
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/error.h>
#include <mica/proc.h>
#include <rt/rt.h>

#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>
#include <idl/rt/proc.h>

#include "glue.h"
#include "pthread_impl.h"
#include "sigstate.h"

/* In the child: what the copied memory says of the parent's own state. */
static void child_fixup(mica_cap_t task, mica_cap_t thread)
{
	mica_slot_free(task);   /* empty here: the parent held them */
	mica_slot_free(thread);
	libc_proc_after_fork();
	libc_wait_irq_after_fork();
	libc_pipe_after_fork();
	libc_fsfile_after_fork();
	libc_threads_after_fork();
	if (libc_signal_after_fork)
		libc_signal_after_fork();   /* last: it needs the wait irq and the process server */
}

/* The child's attached regions and capabilities. */
static int finish(mica_cap_t task, mica_cap_t thread)
{
	int err = rt_rm_fork_regions(task);

	if (!err)
		err = libc_pipe_fork_into(task);
	if (!err)
		err = libc_fsfile_fork_into(task);
	if (!err)
		err = rt_fork_caps(task, task, thread);
	return err;
}

/* `held`: the program was held for the fork (hold_program), and the
 * child makes its locks anew. */
static pid_t fork_now(bool held)
{
	struct rt_fork_regs regs;
	mica_cap_t proc = libc_proc(), task = mica_slot_alloc(), thread = mica_slot_alloc();
	uint64_t pid;
	int err;

	if (!proc || !task || !thread) {
		mica_slot_free(task);
		mica_slot_free(thread);
		return libc_fail(proc ? ENOMEM : ENOSYS);
	}
	/* A rom file's offset is shared with the child (a page both map), a
	 * file server's file's through the child's session (finish). */
	if (libc_romfile_before_fork && (err = libc_romfile_before_fork()) != 0) {
		mica_slot_free(task);
		mica_slot_free(thread);
		return libc_fail(err);
	}
	/* The alternate signal stack (in UTCB words: sigfault.c) is the
	 * child's too (POSIX); its UTCB is a new page. */
	mica_word_t alt_sp = mica_utcb()->user[LIBC_UTCB_ALTSTACK_SP];
	mica_word_t alt_size = mica_utcb()->user[LIBC_UTCB_ALTSTACK_SIZE];
	/* So is the caller's signal mask, which the child's only thread, its
	 * main one, has from now on (POSIX). */
	sigset_t mask = libc_thread_self()->blocked;
	if (rt_fork_save(&regs)) {
		if (held) {
			libc_newlib_locks_child();   /* first: malloc's holder may be a thread it lacks */
			libc_spawn_lock_child();
		}
		mica_utcb()->user[LIBC_UTCB_ALTSTACK_SP] = alt_sp;
		mica_utcb()->user[LIBC_UTCB_ALTSTACK_SIZE] = alt_size;
		libc_thread_self()->blocked = mask;
		child_fixup(task, thread);
		return 0;
	}
	for (;;) {
		/* The region mapper's tables are copied (by root, with the
		 * memory) and read (rt_rm_fork_regions) while its thread serves
		 * on: not in the middle of a change, and again if one came. */
		uint32_t changes;
		/* A sleep, not a yield: it lets the region mapper thread run
		 * also when the caller's priority is above its. */
		while ((changes = rt_rm_changes()) & 1)
			nanosleep(&(struct timespec){ .tv_nsec = 100000 }, 0);
		struct mica_fork_plan plan = { 0 };
		rt_rm_fork_plan(&plan);
		plan.ip = (uint64_t)rt_fork_child_entry;
		plan.sp = (uint64_t)&regs;
		plan.utcb = (uint64_t)mica_utcb();
		plan.proc_slot = (uint32_t)proc;
		err = proc_fork(proc, &plan, sizeof plan, &pid, &task, &thread);
		if (err) {
			mica_slot_free(task);
			mica_slot_free(thread);
			return libc_fail(libc_proc_errno(err));
		}
		err = finish(task, thread);
		bool again = rt_rm_changes() != changes;   /* a failure too may come of a table in change */
		if (!err && !again && (err = thread_start(thread)) == 0) {
			mica_slot_drop(task);
			mica_slot_drop(thread);
			return (pid_t)pid;
		}
		/* Half made, or of a table in change: it goes, and is reaped at
		 * once. */
		kill((pid_t)pid, SIGKILL);
		waitpid((pid_t)pid, 0, 0);
		if (!again) {
			mica_slot_drop(task);
			mica_slot_drop(thread);
			return libc_fail(libc_errno_of(err));
		}
		/* The same slots again: the next child's copy of this frame
		 * names them (child_fixup). */
		task_cap_unmap(MICA_BOOT_TASK, task, true);
		task_cap_unmap(MICA_BOOT_TASK, thread, true);
	}
}

/* The program still for the fork: no other thread inside the heap, the
 * environment or the FILE list (their locks taken), and every other thread
 * held, so the child's copy is of one moment.  The locks come first: a
 * thread held with one would keep it from the fork path.  The signal
 * thread and the region mapper run on (they are not in the list, and
 * neither allocates).  A program of one thread has nothing to hold: it
 * takes no lock (whose release would copy the page of the locks in the
 * parent after the fork). */
static void hold_program(void)
{
	libc_newlib_lock_outer();
	pthread_mutex_lock(&libc_threads_lock);
	libc_newlib_lock_heap();
	libc_threads_hold_others(true);
	pthread_mutex_unlock(&libc_threads_lock);
}

static void release_program(void)
{
	pthread_mutex_lock(&libc_threads_lock);
	libc_threads_hold_others(false);
	pthread_mutex_unlock(&libc_threads_lock);
	libc_newlib_unlock_for_fork();
}

/* With the fork handlers of pthread_atfork around it, if there are any;
 * the parent's keep a failed fork's errno. */
pid_t fork(void)
{
	if (libc_atfork_run)
		libc_atfork_run(LIBC_ATFORK_PREPARE);
	bool held = !libc_threads_alone();
	if (held)
		hold_program();
	pid_t pid = fork_now(held);
	int err = errno;
	if (pid != 0 && held)
		release_program();
	if (libc_atfork_run)
		libc_atfork_run(pid == 0 ? LIBC_ATFORK_CHILD : LIBC_ATFORK_PARENT);
	errno = err;
	return pid;
}

/* The child does not borrow the parent's memory: vfork is fork. */
pid_t vfork(void)
{
	return fork();
}
