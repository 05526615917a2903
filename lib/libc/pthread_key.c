/*
 * pthread_key.c - thread-specific data (docs/libc.md "Threads"): 128 keys,
 * each a slot of every thread's `specific` array, cleared in every thread
 * when the key is made.
 */
#include <errno.h>

#include "pthread_impl.h"

#define DESTRUCTOR_ROUNDS 4   /* PTHREAD_DESTRUCTOR_ITERATIONS */

static pthread_mutex_t keys_lock = PTHREAD_MUTEX_INITIALIZER;
static struct key {
	int used;
	void (*destructor)(void *);
} keys[LIBC_KEYS_MAX];

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	pthread_mutex_lock(&keys_lock);
	for (unsigned i = 0; i < LIBC_KEYS_MAX; i++) {
		if (keys[i].used)
			continue;
		keys[i] = (struct key){ 1, destructor };
		pthread_mutex_unlock(&keys_lock);
		/* A new key reads NULL in every thread. */
		libc_keys_clear(i);
		*key = i;
		return 0;
	}
	pthread_mutex_unlock(&keys_lock);
	return EAGAIN;
}

int pthread_key_delete(pthread_key_t key)
{
	int err = 0;

	pthread_mutex_lock(&keys_lock);
	if (key >= LIBC_KEYS_MAX || !keys[key].used)
		err = EINVAL;
	else
		keys[key].used = 0;
	pthread_mutex_unlock(&keys_lock);
	return err;
}

void *pthread_getspecific(pthread_key_t key)
{
	return key < LIBC_KEYS_MAX ? (void *)libc_thread_self()->specific[key] : 0;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
	if (key >= LIBC_KEYS_MAX || !keys[key].used)
		return EINVAL;
	libc_thread_self()->specific[key] = value;
	return 0;
}

/* At a thread's end: each destructor of a key whose value is not NULL,
 * with the value (set to NULL first), for as long as destructors set
 * values again, at most DESTRUCTOR_ROUNDS times. */
void libc_keys_run_destructors(struct pthread *self)
{
	for (int round = 0; round < DESTRUCTOR_ROUNDS; round++) {
		int ran = 0;
		for (unsigned i = 0; i < LIBC_KEYS_MAX; i++) {
			void *v = (void *)self->specific[i];
			if (!v || !keys[i].used || !keys[i].destructor)
				continue;
			self->specific[i] = 0;
			keys[i].destructor(v);
			ran = 1;
		}
		if (!ran)
			return;
	}
}
