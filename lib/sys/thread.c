/*
 * thread.c - mica_thread_spawn (libsys/thread.h).
 *
 * The new thread starts in mica_thread_entry (thread_entry.S) with its
 * stack holding fn, arg and its own slot, which the entry hands to
 * thread_main.
 */
#include <libsys/ipc.h>
#include <libsys/thread.h>
#include <mica/error.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/thread.h>

void mica_thread_entry(void);
__attribute__((noreturn)) void mica_thread_main(void (*fn)(void *), void *arg, mica_cap_t self);

void mica_thread_main(void (*fn)(void *), void *arg, mica_cap_t self)
{
	fn(arg);
	if (self)
		thread_stop(self);
	for (;;)
		mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, MICA_TIMEOUT_NEVER), 0, 0);
}

int mica_thread_create(mica_cap_t factory, mica_cap_t task, mica_cap_t slot, mica_word_t utcb, void (*fn)(void *),
		       void *arg, void *stack, size_t size, mica_cap_t self)
{
	mica_word_t *sp = (mica_word_t *)(((mica_word_t)stack + size) & ~(mica_word_t)15) - 4;
	uint64_t old_ip, old_sp, old_flags;
	int err;

	if (size < 256)
		return -MICA_EINVAL;
	sp[0] = (mica_word_t)fn;
	sp[1] = (mica_word_t)arg;
	sp[2] = self;
	err = factory_create_thread(factory, slot);
	if (err)
		return err;
	err = thread_bind(slot, task, utcb);
	if (!err)
		err = thread_ex_regs(slot, (mica_word_t)mica_thread_entry, (mica_word_t)sp, ~0ull, &old_ip, &old_sp,
				     &old_flags);
	if (err)
		kobject_destroy(slot);
	return err;
}

int mica_thread_spawn(mica_cap_t factory, mica_cap_t task, mica_cap_t slot, mica_word_t utcb, void (*fn)(void *),
		      void *arg, void *stack, size_t size, mica_cap_t self)
{
	int err = mica_thread_create(factory, task, slot, utcb, fn, arg, stack, size, self);

	if (!err && (err = thread_start(slot)) != 0)
		kobject_destroy(slot);
	return err;
}
