/*
 * mutex.c - mutex_contended_handoff (docs/benchmarks.md, docs/libc.md
 * "Threads"): two threads of mica-bench-pipe pass a turn back and forth
 * through a mutex and a condition variable of the C library, each waiting
 * (futex.c: its park irq) until the other hands it over.  One operation is
 * a round trip, two handoffs; the figure is per handoff, so that twice it
 * compares with Linux's futex_rtt (the same turn passed with bare futexes).
 */
#include <pthread.h>

#include "bench.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int turn;                 /* 0: the measuring thread's, 1: the partner's */
static unsigned long partner_turns;

static void *partner(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (turn != 1)
			pthread_cond_wait(&cond, &lock);
		partner_turns++;
		turn = 0;
		pthread_cond_signal(&cond);
	}
	return 0;
}

static uint64_t handoff_batch(unsigned n)
{
	unsigned long before = partner_turns;
	uint64_t t0 = bench_now();

	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < n; i++) {
		turn = 1;
		pthread_cond_signal(&cond);
		while (turn != 0)
			pthread_cond_wait(&cond, &lock);
	}
	pthread_mutex_unlock(&lock);
	uint64_t took = bench_now() - t0;
	if (partner_turns - before != n)
		bench_fail("the partner took %lu turns of %u", partner_turns - before, n);
	return took;
}

uint64_t bench_mutex_contended_handoff(void)
{
	static pthread_t t;

	if (!t && pthread_create(&t, 0, partner, 0) != 0) {
		bench_fail("pthread_create");
		return 0;
	}
	return bench_measure(handoff_batch, 200) / 2;
}
