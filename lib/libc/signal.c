/*
 * signal.c - signals within the program (docs/libc.md "Signals",
 * docs/processes.md "Signals between programs"): the handlers, the mask
 * and the pending set, raise, sigpending, and delivering what is pending.
 *
 * A signal the program raises itself (raise, kill of its own pid, abort)
 * is delivered at once: a handler runs with the action's mask and the
 * signal itself blocked, SIG_IGN drops it, SIG_DFL ends the program
 * through the process server (its parent's wait status says by which
 * signal).  A blocked signal stays pending until the mask lets it
 * through.  What other programs send comes through sigdeliver.c, where
 * sigaction, signal and sigprocmask are: a program that only raises (every
 * program links kill, proc.c, and so raise: newlib's own would otherwise
 * come with its abort) does not link the signal thread.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include <rt/rt.h>

#include <idl/rt/proc.h>

#include <idl/kernel/irq.h>

#include "glue.h"
#include "pthread_impl.h"
#include "sigstate.h"

struct sigaction libc_sig_actions[NSIG];
sigset_t libc_sig_pending;
siginfo_t libc_sig_infos[NSIG];
volatile int libc_sig_interrupted;
volatile sigset_t libc_sig_waited;
mica_cap_t libc_sig_wait_irq;
volatile int libc_sig_arrivals;
volatile int libc_sig_thread_waiters;

uint32_t libc_sig_ignored(void)
{
	uint32_t ignore = 0;

	for (int sig = 1; sig < NSIG; sig++)
		if (!(LIBC_SIG_BIT(sig) & LIBC_SIG_UNBLOCKABLE) && libc_sig_actions[sig].sa_handler == SIG_IGN)
			ignore |= 1u << sig;
	return ignore;
}

/* sigdeliver.c's libc_signal_tell, when a program catches signals
 * (SA_RESETHAND changes what the process server was told), and its
 * libc_signal_poke: weak in here. */
#pragma weak libc_signal_tell
#pragma weak libc_signal_poke
/* futex.c's wake, there whenever a thread other than the main one is
 * (sigwait.c's waiters): weak in here. */
#pragma weak libc_futex_wake

int libc_signal_valid(int sig)
{
	return sig > 0 && sig < NSIG;
}

int libc_signal_ignored_by_default(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static bool stops_by_default(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* The stop signals' default: the server stops the program (its main
 * thread) until a SIGCONT; the request returns then.  A program the
 * server cannot stop goes on. */
static void stop_self(int sig)
{
	mica_cap_t proc = libc_proc();

	if (proc)
		proc_sigdefault(proc, sig);
}

/* End the program by sig's default action: the server ends it, so that
 * its parent's wait status says so; a program the server cannot end (one
 * boot.cfg started), or without a server, exits with 128 + sig, as a
 * shell reports it. */
void libc_signal_die(int sig)
{
	mica_cap_t proc = libc_proc();

	if (proc)
		proc_sigdefault(proc, sig);
	rt_exit(128 + sig);
}

struct handler_call {
	const struct sigaction *a;
	int sig;
	siginfo_t *info;
	void *ctx;
};

static void call_handler(void *arg)
{
	const struct handler_call *c = arg;

	if (c->a->sa_flags & SA_SIGINFO)
		c->a->sa_sigaction(c->sig, c->info, c->ctx);
	else
		c->a->sa_handler(c->sig);
}

void libc_signal_run_handler(int sig, const siginfo_t *info, void *ctx)
{
	struct sigaction a = libc_sig_actions[sig];
	siginfo_t copy = *info;
	struct handler_call call = { &a, sig, &copy, ctx };
	void *top;

	if (a.sa_flags & SA_RESETHAND) {
		libc_sig_actions[sig].sa_handler = SIG_DFL;
		libc_sig_actions[sig].sa_flags &= ~SA_SIGINFO;
		if (libc_signal_tell)
			libc_signal_tell();
	}
	struct pthread *self = libc_thread_self();
	sigset_t saved = self->blocked;
	self->blocked |= (a.sa_mask | (a.sa_flags & SA_NODEFER ? 0 : LIBC_SIG_BIT(sig))) & ~LIBC_SIG_UNBLOCKABLE;
	__atomic_fetch_add(&mica_utcb()->user[LIBC_UTCB_HANDLERS], 1, __ATOMIC_RELEASE);   /* this thread's */
	if (!(a.sa_flags & SA_RESTART))
		libc_sig_interrupted = 1;
	/* SA_ONSTACK: on the thread's alternate stack, unless it is there
	 * already (a fault's handler is put there by sigfault.c). */
	if ((a.sa_flags & SA_ONSTACK) && (top = libc_altstack_top()) != 0)
		libc_call_on_stack(call_handler, &call, top);
	else
		call_handler(&call);
	self->blocked = saved;
}

static void deliver(int sig, const siginfo_t *info)
{
	struct sigaction a = libc_sig_actions[sig];

	if (a.sa_handler == SIG_IGN || (a.sa_handler == SIG_DFL && libc_signal_ignored_by_default(sig)))
		return;
	if (a.sa_handler == SIG_DFL && stops_by_default(sig)) {
		stop_self(sig);
		return;
	}
	if (a.sa_handler == SIG_DFL)
		libc_signal_die(sig);
	libc_signal_run_handler(sig, info, 0);
}

/* The thread's own pending signals first, each as sent (SI_USER, from the
 * program itself); then the program's, with the siginfo_t they came with. */
void libc_signal_deliver_pending(void)
{
	struct pthread *self = libc_thread_self();

	for (;;) {
		/* After the mask's store (set_mask): sequentially consistent, as
		 * the senders' (pthread_kill, the signal thread). */
		sigset_t own = __atomic_load_n(&self->pending, __ATOMIC_SEQ_CST) & ~self->blocked;
		sigset_t ready = own ? own : __atomic_load_n(&libc_sig_pending, __ATOMIC_SEQ_CST) & ~self->blocked;
		if (!ready)
			return;
		int sig = __builtin_ctzl(ready);
		volatile sigset_t *set = own ? &self->pending : &libc_sig_pending;
		if (!(__atomic_fetch_and(set, ~LIBC_SIG_BIT(sig), __ATOMIC_ACQ_REL) & LIBC_SIG_BIT(sig)))
			continue;   /* the signal thread's, or another thread's, now */
		if (own)
			deliver(sig, &(siginfo_t){ .si_signo = sig, .si_code = SI_USER, .si_pid = getpid() });
		else
			deliver(sig, &libc_sig_infos[sig]);
	}
}

void libc_signal_make_pending(int sig, pid_t from, int code, int status)
{
	libc_sig_infos[sig] = (siginfo_t){ .si_signo = sig, .si_code = code, .si_pid = from, .si_status = status };
	__atomic_fetch_or(&libc_sig_pending, LIBC_SIG_BIT(sig), __ATOMIC_SEQ_CST);
	libc_signal_wake_waiters(sig);
}

void libc_signal_wake_waiters(int sig)
{
	/* After the pending bit, as a waiter looks after saying what it
	 * waits for: one of the two sees the other. */
	__atomic_fetch_add(&libc_sig_arrivals, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&libc_sig_waited, __ATOMIC_SEQ_CST) & LIBC_SIG_BIT(sig))
		irq_trigger(libc_sig_wait_irq);
	if (__atomic_load_n(&libc_sig_thread_waiters, __ATOMIC_SEQ_CST) && libc_futex_wake)
		libc_futex_wake(&libc_sig_arrivals, INT32_MAX);
}

/* To the calling thread (POSIX): delivered before raise returns, unless
 * the thread blocks it. */
int raise(int sig)
{
	if (!libc_signal_valid(sig))
		return libc_fail(EINVAL);
	if (libc_sig_actions[sig].sa_handler == SIG_IGN)
		return 0;
	__atomic_fetch_or(&libc_thread_self()->pending, LIBC_SIG_BIT(sig), __ATOMIC_RELEASE);
	libc_signal_deliver_pending();
	return 0;
}

void libc_signal_to_program(int sig)
{
	if (libc_sig_actions[sig].sa_handler == SIG_IGN)
		return;
	libc_signal_make_pending(sig, getpid(), SI_USER, 0);
	libc_signal_deliver_pending();
	if ((__atomic_load_n(&libc_sig_pending, __ATOMIC_SEQ_CST) & LIBC_SIG_BIT(sig)) && libc_threads_running() &&
	    libc_signal_poke)
		libc_signal_poke();   /* the caller blocks it: another thread may take it */
}

int libc_signal_eintr(void)
{
	return libc_sig_interrupted;
}


int sigpending(sigset_t *set)
{
	struct pthread *self = libc_thread_self();

	*set = (__atomic_load_n(&libc_sig_pending, __ATOMIC_ACQUIRE) | self->pending) & self->blocked;
	return 0;
}
