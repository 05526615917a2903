/*
 * invoke.h - invoking a kernel object: a message sent to a capability that
 * names a Task, Thread, Factory, Irq, Icu or Log (or a gate, with a kernel
 * protocol label and the X right) is served by the kernel at once, through
 * the dispatch code idlc generates from idl/kernel/.  The handlers get a
 * struct invocation as their object.
 *
 * A handler (an op_ function) decodes first -- its right, every
 * capability and value it was given -- and only then invokes the
 * mechanism, which can fail only for memory.  It returns 0 (or a
 * non-negative result) or a negated code, -MICA_E...: the generated
 * dispatcher makes a negative value an error reply and anything else the
 * reply label, so a positive code would read as success.  Mechanism
 * functions return the positive code, as the system call does; the
 * handler negates it once (docs/objects.md).
 */
#ifndef KERN_INVOKE_H
#define KERN_INVOKE_H

#include <mica/types.h>
#include <stdint.h>

#include "kobj.h"

/* Kernel protocols are 0xF000..0xF0FF (the files in idl/kernel/). */
#define KERNEL_PROTOCOL_FIRST 0xF000
#define KERNEL_PROTOCOL_LAST 0xF0FF

struct thread;
struct task;
struct cap;

struct invocation {
	struct kobj *obj;          /* the object invoked */
	struct cap *cap;           /* the capability used */
	unsigned rights;           /* of the capability used */
	struct thread *caller;
	struct task *task;         /* the caller's task: slots are looked up there */
};

/* 0, or -MICA_EPERM if the capability lacks one of `rights`. */
int invoke_need(struct invocation *inv, unsigned rights);
/* The object of `type` in the caller's slot, with `rights`; NULL and *err
 * (negative: -MICA_EBADCAP, -MICA_ETYPE, -MICA_EPERM) otherwise. */
struct kobj *invoke_lookup(struct invocation *inv, uint64_t slot, enum kobj_type type, unsigned rights, int *err);
/* Serve the message in the caller's UTCB (tag) to the object c names; the
 * reply is left in the UTCB and its tag (label: the result) in *reply.
 * Returns a transfer error (MICA_E2BIG, MICA_EFAULT), else 0. */
int invoke(struct cap *c, struct thread *caller, mica_word_t tag, mica_word_t *reply);

#endif
