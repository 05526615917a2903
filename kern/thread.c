/*
 * thread.c - thread objects (see thread.h).  Thread memory comes from its
 * own object cache; every thread is on one list for dumps.
 */
#include "thread.h"

#include "console.h"
#include "sched.h"
#include "slab.h"
#include "task.h"

#include <mica/error.h>

struct thread thread_idle = { .state = THREAD_RUNNING };
static struct slab_cache thread_cache;
static struct thread *all_threads = &thread_idle;
static uint64_t next_id = 1;

int thread_create_user(struct task *task, uint64_t ip, uint64_t sp, uint64_t arg0, uint64_t arg1,
		       struct thread **out)
{
	if (!thread_cache.name)
		slab_cache_init(&thread_cache, "thread", sizeof(struct thread));
	struct thread *t = slab_alloc(&thread_cache);
	if (!t)
		return MICA_ENOMEM;
	int err = arch_thread_init_user(&t->arch, task->root, ip, sp, arg0, arg1);
	if (err) {
		slab_free(&thread_cache, t);
		return err;
	}
	t->task = task;
	t->id = next_id++;
	t->state = THREAD_BLOCKED;
	t->all_next = all_threads;
	all_threads->all_prev = t;
	all_threads = t;
	*out = t;
	return MICA_OK;
}

void thread_destroy(struct thread *t)
{
	sched_remove(t);
	if (t->all_prev)
		t->all_prev->all_next = t->all_next;
	else
		all_threads = t->all_next;
	if (t->all_next)
		t->all_next->all_prev = t->all_prev;
	arch_thread_fini(&t->arch);
	slab_free(&thread_cache, t);
}

void thread_dump_all(void)
{
	static const char *const states[] = { "ready", "running", "blocked", "dead" };

	kprintf("threads:\n");
	for (struct thread *t = all_threads; t; t = t->all_next)
		kprintf("  %s%lu %-8s task %s\n", t == sched_current() ? "*" : " ", t->id, states[t->state],
			t->task ? t->task->name : "(kernel idle)");
}
