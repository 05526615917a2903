/*
 * timer.h - the program's timers (timer.c): one table, kept by the signal
 * thread, behind alarm and setitimer (itimer.c, entry 0) and timer_create
 * (posix_timer.c, the rest).
 */
#ifndef LIBC_TIMER_H
#define LIBC_TIMER_H

#include <signal.h>
#include <stdint.h>

#define LIBC_TIMER_ITIMER 0   /* ITIMER_REAL's entry */
#define LIBC_TIMER_MAX 32     /* timer_create's, after it: POSIX's _POSIX_TIMER_MAX */

struct libc_timer {
	volatile uint64_t at;      /* next expiry on the monotonic clock (µs); 0: disarmed */
	volatile uint64_t every;   /* period (µs); 0: once */
	int used;                  /* timer_create's entries: created and not deleted */
	int notify;                /* SIGEV_SIGNAL, SIGEV_NONE or SIGEV_THREAD */
	int sig;                   /* SIGEV_SIGNAL's signal */
	union sigval value;        /* its si_value, or SIGEV_THREAD's argument */
	/* Expiries that came while the signal they would give was still
	 * pending (counting), and the count of the signal delivered last. */
	volatile int overrun, overrun_last;
	/* SIGEV_THREAD: called by the signal thread at an expiry, with the
	 * periods that went by unseen. */
	void (*wake)(struct libc_timer *t, int missed);
	/* Counted up by whoever expires it (the signal thread, or a thread
	 * letting signals through: sigdeliver.c) before it loads `at`, down
	 * after the notification: one who disarmed t and then sees it 0 knows
	 * nobody is still at work on t (timer_delete). */
	volatile int expiring;
};

extern struct libc_timer libc_timers[1 + LIBC_TIMER_MAX];

/* Arm t to expire at `at` (monotonic µs, at least 1), then every `every`
 * µs (0: once), or disarm it (at 0); 0 or EAGAIN (no signal thread could
 * be started: t is disarmed). */
int libc_timer_arm(struct libc_timer *t, uint64_t at, uint64_t every);
/* What is left of t (µs; 0: disarmed, at least 1 when armed). */
uint64_t libc_timer_left(const struct libc_timer *t);
/* Whether the signal t gave is still pending. */
int libc_timer_signal_pending(const struct libc_timer *t);

/* The signal thread's (sigdeliver.c): how long it may wait (µs, for
 * mica_timeouts: MICA_TIMEOUT_NEVER without an armed timer), and the
 * expiries that are due, each given its notification and rearmed. */
uint32_t libc_timer_wait_us(void);
void libc_timer_expire(void);
/* Whether an armed timer is due: a thread about to unblock signals
 * expires it first (libc_timer_expire), so that an expiry due before the
 * unblocking is pending by then, whenever the signal thread runs. */
int libc_timer_due(void);
/* In a forked child: no timer (POSIX: they are not inherited). */
void libc_timer_after_fork(void);

#endif
