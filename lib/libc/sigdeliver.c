/*
 * sigdeliver.c - signals from other programs and to threads
 * (docs/processes.md "Signals between programs"): sigaction, signal,
 * sigprocmask and pthread_sigmask, pthread_kill, sigsuspend, pause, and
 * the signal thread.
 *
 * The process server applies the default actions (it ends the program
 * through root) and drops what is ignored, so that a program without
 * handlers costs nothing and runs no code of ours when a signal comes.
 * When the program catches a signal, or blocks one whose default would
 * end it, it tells the server (Proc.sigstate, only when that summary
 * changes) and starts its signal thread, once: the server queues such
 * signals and triggers the thread's irq; the thread takes them
 * (Proc.sigtake) into the program's pending set and gives each to a
 * thread whose mask lets it through, the main thread first (pthread_kill
 * gives its signal to its thread itself).  Giving is diverting: stop the
 * thread, read its ip and sp (Thread.ex_regs), put the ip below the red
 * zone of its stack and start it at libc_signal_trampoline, which saves
 * every register, the FPU/SSE state and the UTCB, runs the handlers
 * (signal.c), restores all and returns where the thread was.  An IPC the
 * thread was blocked in returns MICA_ECANCELED, which the C library's
 * waits turn into EINTR (or wait on, when every handler that ran had
 * SA_RESTART: libc_signal_eintr).  The same thread keeps the program's timers
 * (timer.c), and passes the program's wait irq on to the threads that
 * wait on it once a thread other than the main one does (notifier.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <libsys/thread.h>
#include <mica/boot.h>
#include <mica/proc.h>
#include <mica/error.h>
#include <rt/rt.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/thread.h>
#include <idl/rt/proc.h>

#include "glue.h"
#include "pthread_impl.h"
#include "sigstate.h"
#include "timer.h"

#define BIT LIBC_SIG_BIT
#define UNBLOCKABLE LIBC_SIG_UNBLOCKABLE
#define RED_ZONE 128                       /* the x86-64 ABI's, below sp: the thread's own */
#define SIGNAL_IRQ_LABEL 0x7369676eull     /* "sign" */
#define KEEP (~0ull)                        /* Thread.ex_regs: leave the register */

/* What the process server was told, and the signal thread. */
static uint32_t told_deliver, told_ignore, told_flags;
static mica_cap_t sig_thread, sig_irq;
static mica_addr_t sig_utcb;
static char sig_stack[16384] __attribute__((aligned(16)));

/* The main thread, diverted here by the signal thread with the ip it was
 * at on its stack, below the red zone (the sp it was at): every register,
 * the FPU/SSE state, then the handlers (libc_signal_divert), then back to
 * that ip with that sp. */
void libc_signal_trampoline(void);
__asm__(".text\n"
	".globl libc_signal_trampoline\n"
	".type libc_signal_trampoline, @function\n"
	"libc_signal_trampoline:\n"
	"	pushfq\n"
	"	push %rax\n	push %rcx\n	push %rdx\n	push %rbx\n	push %rbp\n	push %rsi\n	push %rdi\n"
	"	push %r8\n	push %r9\n	push %r10\n	push %r11\n"
	"	push %r12\n	push %r13\n	push %r14\n	push %r15\n"
	"	mov %rsp, %rbx\n"
	"	sub $512, %rsp\n"
	"	and $-16, %rsp\n"
	"	fxsave64 (%rsp)\n"
	"	cld\n"
	"	call libc_signal_divert\n"
	"	fxrstor64 (%rsp)\n"
	"	mov %rbx, %rsp\n"
	"	pop %r15\n	pop %r14\n	pop %r13\n	pop %r12\n"
	"	pop %r11\n	pop %r10\n	pop %r9\n	pop %r8\n"
	"	pop %rdi\n	pop %rsi\n	pop %rbp\n	pop %rbx\n	pop %rdx\n	pop %rcx\n	pop %rax\n"
	"	popfq\n"
	"	ret $128\n"   /* RED_ZONE: the stack pointer as it was */
	".size libc_signal_trampoline, . - libc_signal_trampoline\n");

/* The handlers, on the main thread; its UTCB kept (it may have been
 * between writing a message and sending it, or a reply and reading it). */
void libc_signal_divert(void);
void libc_signal_divert(void)
{
	struct mica_utcb *u = mica_utcb(), saved = *u;
	/* A fault's record and return (sigfault.c): the thread may have been
	 * between its fault and the record's copy, or on its way back. */
	struct libc_fault_record record = *(struct libc_fault_record *)((char *)u + MICA_UTCB_SIZE);

	libc_sig_interrupted = 0;
	libc_signal_deliver_pending();
	memcpy(u, &saved, offsetof(struct mica_utcb, self));
	u->user[LIBC_UTCB_FAULT_RETURN] = saved.user[LIBC_UTCB_FAULT_RETURN];
	*(struct libc_fault_record *)((char *)u + MICA_UTCB_SIZE) = record;
}

/* The signal thread as a thread of the C library: a structure of its own
 * (not in the program's list), so that its waits for the thread list's
 * lock park on an irq of its own. */
static struct pthread sig_self;

/* Stop t, put where it was on its stack, start it at the trampoline;
 * then wake it through its park irq: a wait it enters only after the
 * handler ran (sigsuspend between its look and its receive) must not
 * sleep. */
static void divert(struct pthread *t)
{
	uint64_t ip, sp, flags;
	mica_cap_t park;

	if (thread_stop(t->thread) != 0)
		return;
	if (thread_ex_regs(t->thread, KEEP, KEEP, KEEP, &ip, &sp, &flags) == 0) {
		uint64_t *frame = (uint64_t *)(sp - RED_ZONE - 8);   /* the trampoline's `ret $128` */
		*frame = ip;
		thread_ex_regs(t->thread, (uint64_t)libc_signal_trampoline, (uint64_t)frame, KEEP, &ip, &sp, &flags);
	}
	thread_start(t->thread);
	if ((park = libc_thread_park(t)) != 0)
		irq_trigger(park);
}

/* The thread list's lock, on the signal thread: a wait for it may have
 * taken the notification of either irq the thread serves (an open
 * receive takes whatever comes), so after one they are made again. */
static void lock_threads(void)
{
	if (pthread_mutex_trylock(&libc_threads_lock) == 0)
		return;
	pthread_mutex_lock(&libc_threads_lock);
	irq_trigger(sig_irq);
	if (libc_wait_irq_relayed())
		irq_trigger(libc_wait_irq());
}

/* The program's pending signals each to one thread that does not block
 * it, the main thread first (a thread's own, pthread_kill's, it takes
 * itself, or is diverted to by the sender). */
static void deliver_to_threads(void)
{
	lock_threads();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* the pending sets, then the masks: pairs with set_mask's */
	sigset_t left = __atomic_load_n(&libc_sig_pending, __ATOMIC_SEQ_CST);
	for (struct pthread *t = libc_thread_next(0); t; t = libc_thread_next(t)) {
		if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == THREAD_EXITED)
			continue;
		sigset_t mine = left & ~__atomic_load_n(&t->blocked, __ATOMIC_SEQ_CST);
		left &= ~mine;
		if (mine)
			divert(t);
	}
	pthread_mutex_unlock(&libc_threads_lock);
}

/* The program's wait irq, bound to this thread once another thread than
 * the main one waits on it (notifier.c): each notification wakes every
 * thread that listens. */
static void relay_waits(void)
{
	lock_threads();
	for (struct pthread *t = libc_thread_next(0); t; t = libc_thread_next(t))
		if (__atomic_load_n(&t->listens, __ATOMIC_ACQUIRE) && t->park)
			irq_trigger(t->park);
	pthread_mutex_unlock(&libc_threads_lock);
}

__attribute__((noreturn)) static void signal_thread(void *arg)
{
	mica_cap_t proc = (mica_cap_t)(uintptr_t)arg;

	for (;;) {
		mica_word_t tag, label;
		int32_t sig, code, status;
		uint64_t from;
		/* The irq, the wait irq, a timer's time, or an ex_regs: look at all. */
		if (mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, libc_timer_wait_us()), &tag, &label) == 0 &&
		    (mica_tag_flags(tag) & MICA_TAG_F_IRQ) && label == LIBC_WAIT_IRQ_LABEL) {
			relay_waits();
			continue;
		}
		libc_timer_expire();
		while (proc && proc_sigtake(proc, &sig, &from, &code, &status) == 0)
			if (libc_signal_valid(sig))
				libc_signal_make_pending(sig, (pid_t)from, code, status);
		deliver_to_threads();
	}
}

/* The signal thread, its stack ours, its irq the server's to trigger
 * (proc 0: no server, only the alarm wakes it). */
static int start_thread(mica_cap_t proc)
{
	mica_cap_t th = mica_slot_alloc(), irq = mica_slot_alloc();
	int err;

	if (!sig_utcb)
		sig_utcb = rt_utcb_alloc();   /* a forked child reuses the address: its task has no page there */
	if (!th || !irq || !sig_utcb)
		err = -MICA_ENOMEM;
	else if ((err = mica_thread_create(MICA_BOOT_FACTORY, MICA_BOOT_TASK, th, sig_utcb, signal_thread,
					   (void *)(uintptr_t)proc, sig_stack, sizeof sig_stack, 0)) == 0) {
		sig_self = (struct pthread){ .thread = th, .utcb = sig_utcb };
		_REENT_INIT_PTR(&sig_self.reent);
		((struct mica_utcb *)sig_utcb)->user[LIBC_UTCB_PTHREAD] = (mica_word_t)&sig_self;
		sig_irq = irq;   /* before the thread runs: it may trigger it */
		if ((err = thread_set_handlers(th, rt_cap("rm"), rt_cap("rm"))) != 0 ||
		    (err = thread_keep_running(th, true)) != 0 ||
		    (err = factory_create_irq(MICA_BOOT_FACTORY, irq, SIGNAL_IRQ_LABEL)) != 0 ||
		    (err = irq_bind(irq, th)) != 0 || (err = thread_start(th)) != 0) {
			sig_irq = 0;
			kobject_destroy(th);
			mica_slot_drop(th);
			th = 0;
		}
	}
	if (err) {
		mica_slot_free(th);
		mica_slot_drop(irq);
		return err;
	}
	__atomic_store_n(&sig_thread, th, __ATOMIC_RELEASE);
	return 0;
}

/* The signal thread, started if need be (0 if it cannot be). */
mica_cap_t libc_signal_thread(void)
{
	if (!sig_thread) {
		if (start_thread(libc_proc()) != 0)
			return 0;
		told_deliver = told_ignore = ~0u;   /* tell the server the thread's irq, if there is one */
		libc_signal_tell();
	}
	return sig_thread;
}

/* A timer changed (timer.c): the signal thread, started if need be,
 * looks again. */
int libc_signal_poke(void)
{
	return libc_signal_thread() ? irq_trigger(sig_irq) : -MICA_ENOMEM;
}

uint32_t libc_sigchld_flags(void)
{
	int f = libc_sig_actions[SIGCHLD].sa_flags;

	return (f & SA_NOCLDSTOP ? MICA_PROC_NOCLDSTOP : 0) | (f & SA_NOCLDWAIT ? MICA_PROC_NOCLDWAIT : 0);
}

static bool caught(int sig)
{
	return libc_sig_actions[sig].sa_handler != SIG_DFL && libc_sig_actions[sig].sa_handler != SIG_IGN;
}

/* Tell the process server what to deliver and what to drop, if that
 * changed: caught signals, and those the main thread blocks that are not
 * ignored (they wait here until a thread takes them, by a handler, by
 * the default action -- one whose default would end the program ends it
 * in a thread that does not block it -- or by sigwait, which may wait for
 * one whose default is to be ignored too, as Linux keeps it). */
void libc_signal_tell(void)
{
	uint32_t deliver = 0, ignore = libc_sig_ignored(), flags = libc_sigchld_flags();
	sigset_t main_blocked = libc_thread_next(0)->blocked;
	mica_cap_t proc, irq = 0;

	for (int sig = 1; sig < NSIG; sig++)
		if (!(BIT(sig) & UNBLOCKABLE) && !(ignore >> sig & 1) && (caught(sig) || (main_blocked & BIT(sig))))
			deliver |= 1u << sig;
	if (deliver == told_deliver && ignore == told_ignore && flags == told_flags)
		return;
	if (!(proc = libc_proc()))
		return;   /* no process server: nobody else can send one */
	if (deliver && !sig_thread) {
		if (start_thread(proc) != 0)
			deliver = 0;   /* the server's default actions, then */
		else
			irq = sig_irq;
	} else if (sig_thread && told_deliver == ~0u)
		irq = sig_irq;   /* not told yet (the alarm started the thread, or a fork) */
	if (proc_sigstate(proc, deliver, ignore, flags, irq) == 0)
		told_deliver = deliver, told_ignore = ignore, told_flags = flags;
}

void libc_signal_after_fork(void)
{
	/* Our copies of the parent's thread and irqs; its pending signals are
	 * not ours (POSIX).  The server gave the child the parent's summary. */
	mica_slot_drop(sig_thread);
	mica_slot_drop(sig_irq);
	if (sig_self.park)
		mica_slot_drop(sig_self.park);
	sig_thread = sig_irq = 0;
	sig_self.park = 0;
	libc_sig_pending = 0;
	libc_timer_after_fork();   /* POSIX: a child's timers are not armed */
	if (told_deliver) {
		told_deliver = told_ignore = ~0u;   /* tell again, with the new thread's irq */
		libc_signal_tell();
	}
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (!libc_signal_valid(sig) || (act && (BIT(sig) & UNBLOCKABLE) && act->sa_handler != SIG_DFL))
		return libc_fail(EINVAL);
	if (old)
		*old = libc_sig_actions[sig];
	if (act) {
		libc_sig_actions[sig] = *act;
		if (act->sa_handler == SIG_IGN || (act->sa_handler == SIG_DFL && libc_signal_ignored_by_default(sig))) {
			/* POSIX: discarded, the program's and every thread's. */
			__atomic_fetch_and(&libc_sig_pending, ~BIT(sig), __ATOMIC_ACQ_REL);
			pthread_mutex_lock(&libc_threads_lock);
			for (struct pthread *t = libc_thread_next(0); t; t = libc_thread_next(t))
				__atomic_fetch_and(&t->pending, ~BIT(sig), __ATOMIC_ACQ_REL);
			pthread_mutex_unlock(&libc_threads_lock);
		}
		libc_signal_tell();
	}
	return 0;
}

_sig_func_ptr signal(int sig, _sig_func_ptr handler)
{
	struct sigaction act = { .sa_handler = handler }, old;

	return sigaction(sig, &act, &old) ? SIG_ERR : old.sa_handler;
}

/* The calling thread's mask from now on, and what it lets through
 * delivered.  A signal to the program that it now blocks may be another
 * thread's to take: the signal thread looks again. */
static void set_mask(struct pthread *self, sigset_t mask)
{
	sigset_t was = self->blocked;

	/* A timer that fell due while its signal was blocked: pending (one
	 * signal, the rest overruns) before the mask lets it through, even
	 * if the signal thread has not run since (both woke at one tick). */
	if ((was & ~mask) && libc_timer_due())
		libc_timer_expire();
	__atomic_store_n(&self->blocked, mask & ~UNBLOCKABLE, __ATOMIC_SEQ_CST);
	libc_signal_deliver_pending();
	if ((mask & ~was & __atomic_load_n(&libc_sig_pending, __ATOMIC_SEQ_CST)) && sig_thread)
		irq_trigger(sig_irq);
}

/* The calling thread's (pthread_sigmask is the same). */
int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	struct pthread *self = libc_thread_self();
	sigset_t now = self->blocked;

	if (set) {
		if (how == SIG_BLOCK)
			now |= *set;
		else if (how == SIG_UNBLOCK)
			now &= ~*set;
		else if (how == SIG_SETMASK)
			now = *set;
		else
			return libc_fail(EINVAL);
	}
	if (old)
		*old = self->blocked;
	if (set) {
		set_mask(self, now);
		libc_signal_tell();
	}
	return 0;
}

int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	return sigprocmask(how, set, old) ? errno : 0;
}

/* To one thread: the caller raises it; another thread has it pending and
 * is diverted to it here and now if its mask lets it through (its waits
 * end as for any signal it takes), else it takes it when it unblocks it.
 * Under the thread list's lock, as the signal thread's diversions: one
 * at a time, and never of a thread being made or reaped. */
int pthread_kill(pthread_t id, int sig)
{
	struct pthread *self = libc_thread_self(), *t;

	pthread_mutex_lock(&libc_threads_lock);
	t = libc_thread_find(id);
	bool send = t && t != self && sig > 0 && sig < NSIG && libc_sig_actions[sig].sa_handler != SIG_IGN &&
		    __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_EXITED;
	if (send) {
		__atomic_fetch_or(&t->pending, BIT(sig), __ATOMIC_SEQ_CST);   /* then its mask: pairs with set_mask's */
		if (!(__atomic_load_n(&t->blocked, __ATOMIC_SEQ_CST) & BIT(sig)))
			divert(t);
		else
			libc_signal_wake_waiters(sig);   /* a sigwait of the target's (sigwait.c) */
	}
	pthread_mutex_unlock(&libc_threads_lock);
	if (!t)
		return ESRCH;
	if (sig < 0 || sig >= NSIG)
		return EINVAL;
	return sig && t == self && raise(sig) ? errno : 0;   /* signal 0 only asks; an ignored one is dropped */
}

/* Wait with `mask` until a handler has run on the calling thread (the
 * signal thread or a pthread_kill diverts it to one: its receive is
 * cancelled, or its park irq makes it look again), then the mask back:
 * -1, EINTR.  Unless
 * `always`, only while a signal can still come: without a signal thread
 * and another thread to send one, with nothing pending, it answers at
 * once rather than wait forever. */
static int suspend(sigset_t mask, bool always)
{
	struct pthread *self = libc_thread_self();
	sigset_t saved = self->blocked;
	unsigned long seen = libc_signal_handlers_here();

	set_mask(self, mask);
	while (libc_signal_handlers_here() == seen &&
	       (always || __atomic_load_n(&sig_thread, __ATOMIC_ACQUIRE) || libc_threads_running())) {
		mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, MICA_TIMEOUT_NEVER), 0, 0);
		libc_signal_deliver_pending();
	}
	set_mask(self, saved);
	return libc_fail(EINTR);
}

/* pause: until a handler has run, with the mask as it is.  Without a
 * signal thread nothing can come that a handler runs for: it waits for
 * what ends the program (the process server's default actions), or for
 * another thread's pthread_kill, or for one to start it (an alarm, a
 * handler installed), whose first diversion ends the wait. */
int pause(void)
{
	return suspend(libc_thread_self()->blocked, true);
}

int sigsuspend(const sigset_t *mask)
{
	return suspend(*mask, false);
}
