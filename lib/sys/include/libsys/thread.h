/*
 * libsys/thread.h - starting threads: a thread object from a factory, bound
 * to a task with a UTCB, started on a stack the caller provides.
 */
#ifndef LIBSYS_THREAD_H
#define LIBSYS_THREAD_H

#include <mica/types.h>
#include <stddef.h>

/*
 * Create a thread with factory `factory` into slot `slot` of the calling
 * task, bind it to the task in slot `task` with its UTCB at user address
 * `utcb` (page-aligned, unmapped), and start it running fn(arg) on the
 * stack [stack, stack + size), which must be mapped in that task at the
 * same address.  When fn returns the thread stops itself through slot
 * `self` of its own task (0: it waits forever instead).  Returns 0 or
 * -MICA_Exxx; on error nothing is left behind.
 */
int mica_thread_spawn(mica_cap_t factory, mica_cap_t task, mica_cap_t slot, mica_word_t utcb, void (*fn)(void *),
		      void *arg, void *stack, size_t size, mica_cap_t self);

/* The same, but the thread is left stopped, so that the caller can set its
 * pager (Thread.set_handlers) before it runs; then thread_start(slot). */
int mica_thread_create(mica_cap_t factory, mica_cap_t task, mica_cap_t slot, mica_word_t utcb, void (*fn)(void *),
		       void *arg, void *stack, size_t size, mica_cap_t self);

#endif
