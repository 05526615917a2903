/*
 * pthread_test.c - POSIX threads and semaphores of the C library
 * (lib/libc/pthread*.c, sem.c, futex.c; docs/libc.md "Threads"): join
 * values, 100 threads handing items through a mutex and two condition
 * variables (the final count and sum checked), detached threads whose
 * kernel memory and heap come back, keys with destructors, once, errno
 * per thread, malloc and stdio from many threads at once, semaphores,
 * timed waits that time out (ETIMEDOUT, never before the deadline),
 * the mutex types' errors, read-write locks, barriers, spin locks, the
 * join errors, cancellation; last, exit() from a thread other than the
 * main one ends the program with its status.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <idl/kernel/factory.h>

#include "qtest.h"

static void *twice(void *arg)
{
	return (void *)((long)arg * 2);
}

static void join_returns_the_value(void)
{
	pthread_t t[8];
	int ok = 1;

	for (long i = 0; i < 8; i++)
		ok &= pthread_create(&t[i], 0, twice, (void *)i) == 0;
	expect("8 threads made", ok, 1);
	for (long i = 0; i < 8; i++) {
		void *v = 0;
		ok &= pthread_join(t[i], &v) == 0 && v == (void *)(i * 2);
	}
	expect("each join returns its thread's value", ok, 1);
	expect("pthread_equal of self", pthread_equal(pthread_self(), pthread_self()), 1);
	expect("pthread_equal of two threads", pthread_equal(t[0], t[1]), 0);
}

/* 100 threads: 50 producers put ITEMS items each through a 4-slot ring,
 * 50 consumers take ITEMS each. */
#define PAIRS 50
#define ITEMS 40
static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	long ring[4];
	unsigned head, tail;
	long taken, sum;
} box = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void *producer(void *arg)
{
	for (long i = 0; i < ITEMS; i++) {
		pthread_mutex_lock(&box.lock);
		while (box.head - box.tail == 4)
			pthread_cond_wait(&box.not_full, &box.lock);
		box.ring[box.head++ % 4] = (long)arg * ITEMS + i;
		pthread_cond_signal(&box.not_empty);
		pthread_mutex_unlock(&box.lock);
	}
	return 0;
}

static void *consumer(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITEMS; i++) {
		pthread_mutex_lock(&box.lock);
		while (box.head == box.tail)
			pthread_cond_wait(&box.not_empty, &box.lock);
		box.sum += box.ring[box.tail++ % 4];
		box.taken++;
		pthread_cond_signal(&box.not_full);
		pthread_mutex_unlock(&box.lock);
	}
	return 0;
}

static void hundred_threads_hand_off_through_a_mutex_and_conditions(void)
{
	pthread_t t[2 * PAIRS];
	int ok = 1;
	long n = (long)PAIRS * ITEMS;

	for (long i = 0; i < PAIRS; i++) {
		ok &= pthread_create(&t[2 * i], 0, consumer, 0) == 0;
		ok &= pthread_create(&t[2 * i + 1], 0, producer, (void *)i) == 0;
	}
	expect("100 threads made", ok, 1);
	for (int i = 0; i < 2 * PAIRS; i++)
		ok &= pthread_join(t[i], 0) == 0;
	expect("all joined", ok, 1);
	expect("every item taken", box.taken, n);
	expect("the sum of the items", box.sum, n * (n - 1) / 2);
}

static void *nothing(void *arg)
{
	return arg;
}

static uint64_t kernel_memory(void)
{
	uint64_t limit, used = 0;

	factory_quota(MICA_BOOT_FACTORY, &limit, &used);
	return used;
}

static sem_t detached_go, detached_done;

/* Each waits until all are made, so that no worker's heap use moves the
 * next one's stack. */
static void *detached_worker(void *arg)
{
	sem_wait(&detached_go);
	free(malloc((size_t)(long)arg));
	sem_post(&detached_done);
	return 0;
}

/* 20 detached workers made, let go and waited for: how many were made;
 * the last one's id in *last. */
static int detached_round(const pthread_attr_t *a, pthread_t *last)
{
	int made = 0;

	for (long i = 0; i < 20; i++)
		made += pthread_create(last, a, detached_worker, (void *)(i * 100 + 1)) == 0;
	for (int i = 0; i < made; i++)
		sem_post(&detached_go);
	for (int i = 0; i < made; i++)
		sem_wait(&detached_done);
	return made;
}

static void detached_threads_give_everything_back(void)
{
	pthread_attr_t a;
	pthread_t t;
	int back = 0;
	uint64_t kmem = 0;
	void *heap = 0;   /* a leak of 20 stacks would move the break */

	/* A first round, so that what stays (the main thread's park irq, the
	 * capability table's and the heap's growth) is there before the
	 * count, taken once two rounds of a joined thread find the same (the
	 * first round's workers reaped: they are, at a pthread_create, once
	 * they have stopped). */
	sem_init(&detached_go, 0, 0);
	sem_init(&detached_done, 0, 0);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	detached_round(&a, &t);
	int same = 0;
	for (int round = 0; round < 50 && same < 2; round++) {
		pthread_create(&t, 0, nothing, 0);
		pthread_join(t, 0);
		same = kernel_memory() == kmem && sbrk(0) == heap ? same + 1 : 0;
		kmem = kernel_memory();
		heap = sbrk(0);
	}
	if (same < 2)
		printf("pthread_test: kernel memory and break still moving after 50 rounds: %llu, %p\n",
		       (unsigned long long)kmem, heap);
	expect("setdetachstate", pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED), 0);
	expect("20 detached threads made", detached_round(&a, &t), 20);
	int r = pthread_join(t, 0);
	expect("a detached thread cannot be joined (EINVAL, or ESRCH once reaped)", r == EINVAL || r == ESRCH, 1);
	/* The ended ones are reaped at the next pthread_create once they
	 * have stopped: a few rounds at most. */
	for (int round = 0; round < 50 && !back; round++) {
		pthread_create(&t, 0, nothing, 0);
		pthread_join(t, 0);
		back = kernel_memory() == kmem && sbrk(0) == heap;
	}
	if (!back)
		printf("pthread_test: kernel memory %llu, was %llu; break %p, was %p\n",
		       (unsigned long long)kernel_memory(), (unsigned long long)kmem, sbrk(0), heap);
	expect("kernel memory and heap back where they were", back, 1);
	pthread_attr_destroy(&a);
}

static pthread_key_t key;
static volatile int destructed;

static void destructor(void *v)
{
	__atomic_add_fetch(&destructed, (int)(long)v, __ATOMIC_RELAXED);
}

static void *set_key(void *arg)
{
	int fresh = pthread_getspecific(key) == 0;

	pthread_setspecific(key, arg);
	return (void *)(long)(fresh && pthread_getspecific(key) == arg);
}

static void keys_have_a_value_per_thread_and_destructors(void)
{
	pthread_t t[4];
	int ok = 1;

	expect("key_create", pthread_key_create(&key, destructor), 0);
	expect("setspecific in main", pthread_setspecific(key, (void *)1000), 0);
	for (long i = 0; i < 4; i++)
		ok &= pthread_create(&t[i], 0, set_key, (void *)(i + 1)) == 0;
	for (int i = 0; i < 4; i++) {
		void *v = 0;
		ok &= pthread_join(t[i], &v) == 0 && v == (void *)1;
	}
	expect("each thread starts with NULL and reads its own value", ok, 1);
	expect("the destructors ran with each value", destructed, 1 + 2 + 3 + 4);
	expect("main's value is its own", (long)pthread_getspecific(key), 1000);
	expect("key_delete", pthread_key_delete(key), 0);
	expect("setspecific of a deleted key: EINVAL", pthread_setspecific(key, 0), EINVAL);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static volatile int once_runs;

static void init_once(void)
{
	once_runs++;
	usleep(1000);   /* so that the others come while it runs */
}

static void *call_once(void *arg)
{
	pthread_once(&once, init_once);
	return arg;
}

static void once_runs_once(void)
{
	pthread_t t[8];

	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], 0, call_once, 0);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], 0);
	expect("the function ran once", once_runs, 1);
}

static pthread_barrier_t errno_barrier;

static void *errno_thread(void *arg)
{
	(void)arg;
	close(-1);   /* EBADF */
	pthread_barrier_wait(&errno_barrier);   /* main sets its own errno */
	pthread_barrier_wait(&errno_barrier);
	return (void *)(long)errno;
}

static void errno_is_per_thread(void)
{
	pthread_t t;
	void *v = 0;

	pthread_barrier_init(&errno_barrier, 0, 2);
	pthread_create(&t, 0, errno_thread, 0);
	pthread_barrier_wait(&errno_barrier);
	errno = 0;
	sem_trywait(&(sem_t){ 0 });   /* EAGAIN */
	pthread_barrier_wait(&errno_barrier);
	pthread_join(t, &v);
	expect("the thread's errno is its own (EBADF)", (long)v, EBADF);
	expect("main's errno is its own (EAGAIN)", errno, EAGAIN);
	pthread_barrier_destroy(&errno_barrier);
}

static void *allocate(void *arg)
{
	unsigned seed = (unsigned)(long)arg;
	void *p[32] = { 0 };

	for (int i = 0; i < 2000; i++) {
		seed = seed * 1103515245 + 12345;
		unsigned k = (seed >> 8) % 32;
		if (p[k]) {
			unsigned char *c = p[k];
			if (c[0] != (unsigned char)k || c[c[1] * 8 + 1] != (unsigned char)k)
				return (void *)1;
			free(p[k]);
		}
		size_t size = 16 + ((seed >> 16) % 32) * 8 + 2;
		unsigned char *c = p[k] = malloc(size);
		if (!c)
			return (void *)1;
		c[0] = (unsigned char)k;
		c[1] = (unsigned char)((size - 2) / 8);
		c[c[1] * 8 + 1] = (unsigned char)k;
	}
	for (int k = 0; k < 32; k++)
		free(p[k]);
	return 0;
}

static void malloc_from_many_threads(void)
{
	pthread_t t[8];
	int ok = 1;

	for (long i = 0; i < 8; i++)
		pthread_create(&t[i], 0, allocate, (void *)(i + 1));
	for (int i = 0; i < 8; i++) {
		void *v = (void *)1;
		ok &= pthread_join(t[i], &v) == 0 && v == 0;
	}
	expect("16,000 mallocs and frees from 8 threads, contents intact", ok, 1);
}

static FILE *shared;

static void *print_lines(void *arg)
{
	char c = (char)(long)arg;

	for (int i = 0; i < 200; i++)
		fprintf(shared, "%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c\n", c, c, c, c, c, c, c, c, c, c, c, c, c, c,
			c, c, c, c, c, c);
	printf("pthread_test: thread %c printed its lines\n", c);
	return 0;
}

static void stdio_from_two_threads(void)
{
	static char buf[2 * 200 * 21 + 1];
	pthread_t a, b;
	int whole = 1, as = 0;

	shared = fmemopen(buf, sizeof buf, "w");
	expect("fmemopen", shared != 0, 1);
	setvbuf(shared, 0, _IONBF, 0);   /* each fprintf writes piecewise */
	pthread_create(&a, 0, print_lines, (void *)'a');
	pthread_create(&b, 0, print_lines, (void *)'b');
	pthread_join(a, 0);
	pthread_join(b, 0);
	fclose(shared);
	for (int i = 0; i < 400; i++) {
		const char *l = buf + i * 21;
		whole &= l[20] == '\n' && (l[0] == 'a' || l[0] == 'b') && strspn(l, l[0] == 'a' ? "a" : "b") == 20;
		as += l[0] == 'a';
	}
	expect("400 whole lines, none torn", whole, 1);
	expect("200 of each thread", as, 200);
}

static sem_t items, slots;
static volatile long sem_sum;

static void *sem_consumer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++) {
		sem_wait(&items);
		sem_sum += i;
		sem_post(&slots);
	}
	return 0;
}

static struct timespec in_ms(clockid_t clock, long ms)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	long ns = ts.tv_nsec + ms % 1000 * 1000000;
	ts.tv_sec += ms / 1000 + (ns >= 1000000000) - (ns < 0);
	ts.tv_nsec = (ns + 1000000000) % 1000000000;
	return ts;
}

static int not_before(clockid_t clock, struct timespec deadline)
{
	struct timespec now;

	clock_gettime(clock, &now);
	return now.tv_sec > deadline.tv_sec || (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}

static void semaphores(void)
{
	pthread_t t;
	int v = -1;

	expect("sem_init", sem_init(&items, 0, 0), 0);
	sem_init(&slots, 0, 1);
	pthread_create(&t, 0, sem_consumer, 0);
	for (int i = 0; i < 100; i++) {
		sem_wait(&slots);
		sem_post(&items);
	}
	pthread_join(t, 0);
	expect("100 handoffs through two semaphores", sem_sum, 99 * 100 / 2);
	expect("trywait of 0: EAGAIN", sem_trywait(&items) == -1 && errno == EAGAIN, 1);
	sem_post(&items);
	sem_post(&items);
	expect("getvalue", sem_getvalue(&items, &v) == 0 && v == 2, 1);
	expect("trywait takes one", sem_trywait(&items), 0);
	struct timespec d = in_ms(CLOCK_REALTIME, 1);
	expect("timedwait with one there", sem_timedwait(&items, &d), 0);
	d = in_ms(CLOCK_REALTIME, 30);
	expect("timedwait of 0: ETIMEDOUT", sem_timedwait(&items, &d) == -1 && errno == ETIMEDOUT, 1);
	expect("not before the deadline", not_before(CLOCK_REALTIME, d), 1);
	d.tv_nsec = 2000000000;
	expect("a bad timespec: EINVAL", sem_timedwait(&items, &d) == -1 && errno == EINVAL, 1);
	expect("sem_destroy", sem_destroy(&items), 0);
}

static void timed_waits_time_out(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER, mc;
	pthread_condattr_t ca;

	pthread_mutex_lock(&m);
	struct timespec d = in_ms(CLOCK_REALTIME, 20);
	expect("cond_timedwait (CLOCK_REALTIME): ETIMEDOUT", pthread_cond_timedwait(&c, &m, &d), ETIMEDOUT);
	expect("not before the deadline", not_before(CLOCK_REALTIME, d), 1);
	expect("the mutex is held again", pthread_mutex_trylock(&m) == EBUSY, 1);
	pthread_condattr_init(&ca);
	expect("condattr_setclock CLOCK_MONOTONIC", pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), 0);
	pthread_cond_init(&mc, &ca);
	d = in_ms(CLOCK_MONOTONIC, 20);
	expect("cond_timedwait (CLOCK_MONOTONIC): ETIMEDOUT", pthread_cond_timedwait(&mc, &m, &d), ETIMEDOUT);
	expect("not before the deadline", not_before(CLOCK_MONOTONIC, d), 1);
	d = in_ms(CLOCK_MONOTONIC, 0);
	expect("a deadline reached already: ETIMEDOUT", pthread_cond_timedwait(&mc, &m, &d), ETIMEDOUT);
	d.tv_nsec = -1;
	expect("a bad timespec: EINVAL", pthread_cond_timedwait(&mc, &m, &d), EINVAL);
	pthread_mutex_unlock(&m);
}

static pthread_mutex_t checked;

static void *other_thread_unlocks(void *arg)
{
	return (void *)(long)pthread_mutex_unlock(arg);
}

static void *other_thread_trylocks(void *arg)
{
	int r = pthread_mutex_trylock(arg);

	if (r == 0)
		pthread_mutex_unlock(arg);
	return (void *)(long)r;
}

static void *other_thread_timedlocks(void *arg)
{
	struct timespec d = in_ms(CLOCK_REALTIME, 20);

	return (void *)(long)pthread_mutex_timedlock(arg, &d);
}

static long in_thread(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	void *v = (void *)-1;

	pthread_create(&t, 0, fn, arg);
	pthread_join(t, &v);
	return (long)v;
}

static void mutex_types_and_their_errors(void)
{
	pthread_mutexattr_t a;
	pthread_mutex_t r, n = PTHREAD_MUTEX_INITIALIZER;
	int type = -1;

	pthread_mutexattr_init(&a);
	expect("settype ERRORCHECK", pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK), 0);
	expect("gettype", pthread_mutexattr_gettype(&a, &type) == 0 && type == PTHREAD_MUTEX_ERRORCHECK, 1);
	expect("settype of nonsense: EINVAL", pthread_mutexattr_settype(&a, 99), EINVAL);
	pthread_mutex_init(&checked, &a);
	expect("unlock of an unlocked error-checking mutex: EPERM", pthread_mutex_unlock(&checked), EPERM);
	pthread_mutex_lock(&checked);
	expect("relock by the holder: EDEADLK", pthread_mutex_lock(&checked), EDEADLK);
	expect("unlock by another thread: EPERM", in_thread(other_thread_unlocks, &checked), EPERM);
	expect("trylock by another thread: EBUSY", in_thread(other_thread_trylocks, &checked), EBUSY);
	expect("timedlock by another thread: ETIMEDOUT", in_thread(other_thread_timedlocks, &checked), ETIMEDOUT);
	expect("unlock by the holder", pthread_mutex_unlock(&checked), 0);
	expect("now another thread gets it", in_thread(other_thread_trylocks, &checked), 0);
	expect("destroy", pthread_mutex_destroy(&checked), 0);

	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&r, &a);
	expect("recursive: three locks", pthread_mutex_lock(&r) == 0 && pthread_mutex_lock(&r) == 0 &&
						 pthread_mutex_trylock(&r) == 0, 1);
	pthread_mutex_unlock(&r);
	pthread_mutex_unlock(&r);
	expect("held after two of three unlocks", in_thread(other_thread_trylocks, &r), EBUSY);
	pthread_mutex_unlock(&r);
	expect("free after the third", in_thread(other_thread_trylocks, &r), 0);
	expect("unlock by a non-holder: EPERM", pthread_mutex_unlock(&r), EPERM);

	pthread_mutex_lock(&n);
	expect("normal: trylock of a held one: EBUSY", pthread_mutex_trylock(&n), EBUSY);
	expect("destroy of a held one: EBUSY", pthread_mutex_destroy(&n), EBUSY);
	pthread_mutex_unlock(&n);
	pthread_mutexattr_destroy(&a);
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

static void *try_read(void *arg)
{
	int r = pthread_rwlock_tryrdlock(arg);

	if (r == 0)
		pthread_rwlock_unlock(arg);
	return (void *)(long)r;
}

static void *try_write(void *arg)
{
	int r = pthread_rwlock_trywrlock(arg);

	if (r == 0)
		pthread_rwlock_unlock(arg);
	return (void *)(long)r;
}

static void rwlocks(void)
{
	expect("rdlock", pthread_rwlock_rdlock(&rw), 0);
	expect("another reader gets in", in_thread(try_read, &rw), 0);
	expect("a writer does not: EBUSY", in_thread(try_write, &rw), EBUSY);
	expect("unlock", pthread_rwlock_unlock(&rw), 0);
	expect("wrlock", pthread_rwlock_wrlock(&rw), 0);
	expect("a reader does not get in: EBUSY", in_thread(try_read, &rw), EBUSY);
	expect("wrlock again by the writer: EDEADLK", pthread_rwlock_wrlock(&rw), EDEADLK);
	struct timespec d = in_ms(CLOCK_REALTIME, 10);
	expect("unlock", pthread_rwlock_unlock(&rw), 0);
	expect("timedwrlock of a free lock", pthread_rwlock_timedwrlock(&rw, &d), 0);
	pthread_rwlock_unlock(&rw);
	expect("unlock of a free lock: EPERM", pthread_rwlock_unlock(&rw), EPERM);
}

static pthread_barrier_t barrier;
static volatile int serials, after;

static void *at_barrier(void *arg)
{
	(void)arg;
	if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
		__atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&after, 1, __ATOMIC_RELAXED);
	return 0;
}

static void barriers_and_spin_locks(void)
{
	pthread_t t[4];
	pthread_spinlock_t s;

	expect("barrier_init of 0: EINVAL", pthread_barrier_init(&barrier, 0, 0), EINVAL);
	pthread_barrier_init(&barrier, 0, 5);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], 0, at_barrier, 0);
	usleep(5000);
	expect("nobody passes before the fifth", after, 0);
	at_barrier(0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], 0);
	expect("all five passed", after, 5);
	expect("one of them was the serial thread", serials, 1);
	pthread_barrier_destroy(&barrier);
	pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE);
	expect("spin_lock", pthread_spin_lock(&s), 0);
	expect("spin_trylock of a held one: EBUSY", pthread_spin_trylock(&s), EBUSY);
	expect("spin_unlock", pthread_spin_unlock(&s), 0);
	expect("spin_trylock", pthread_spin_trylock(&s), 0);
	pthread_spin_unlock(&s);
}

static void *join_self(void *arg)
{
	(void)arg;
	return (void *)(long)pthread_join(pthread_self(), 0);
}

static volatile int cleaned;

static void cleanup(void *arg)
{
	cleaned = (int)(long)arg;
}

static void *cancellable(void *arg)
{
	pthread_cleanup_push(cleanup, (void *)7);
	for (;;) {
		sem_wait(arg);
		pthread_testcancel();
	}
	pthread_cleanup_pop(0);
	return 0;
}

static void join_errors_and_cancellation(void)
{
	pthread_t t;
	sem_t s;
	void *v = 0;

	expect("join of itself: EDEADLK", in_thread(join_self, 0), EDEADLK);
	pthread_create(&t, 0, nothing, 0);
	expect("detach", pthread_detach(t), 0);
	expect("detach again: EINVAL", pthread_detach(t), EINVAL);
	sem_init(&s, 0, 0);
	pthread_create(&t, 0, cancellable, &s);
	sem_post(&s);
	expect("cancel", pthread_cancel(t), 0);
	expect("join of a cancelled thread", pthread_join(t, &v), 0);
	expect("its value is PTHREAD_CANCELED", v == PTHREAD_CANCELED, 1);
	expect("its cleanup handler ran", cleaned, 7);
}

static void *exit_from_a_thread(void *arg)
{
	exit((int)(long)arg);
}

static const struct qtest_case cases[] = {
	{ "join_returns_the_value", join_returns_the_value },
	{ "hundred_threads_hand_off_through_a_mutex_and_conditions",
	  hundred_threads_hand_off_through_a_mutex_and_conditions },
	{ "detached_threads_give_everything_back", detached_threads_give_everything_back },
	{ "keys_have_a_value_per_thread_and_destructors", keys_have_a_value_per_thread_and_destructors },
	{ "once_runs_once", once_runs_once },
	{ "errno_is_per_thread", errno_is_per_thread },
	{ "malloc_from_many_threads", malloc_from_many_threads },
	{ "stdio_from_two_threads", stdio_from_two_threads },
	{ "semaphores", semaphores },
	{ "timed_waits_time_out", timed_waits_time_out },
	{ "mutex_types_and_their_errors", mutex_types_and_their_errors },
	{ "rwlocks", rwlocks },
	{ "barriers_and_spin_locks", barriers_and_spin_locks },
	{ "join_errors_and_cancellation", join_errors_and_cancellation },
};

int main(int argc, char **argv)
{
	pthread_t t;

	(void)argc;
	int failures = QTEST_RUN(argv[0], cases);
	/* The status comes from another thread's exit() while main waits. */
	pthread_create(&t, 0, exit_from_a_thread, (void *)(long)failures);
	pthread_join(t, 0);
	return 99;
}
