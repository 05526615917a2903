/*
 * obj.c - root's objects as the kernel sees them: a gate to root's server
 * thread labelled with the object's address, and optionally an irq that
 * the gate triggers when its last client capability is gone.
 */
#include "root.h"

#include <libsys/slot.h>
#include <mica/error.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/gate.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>

int obj_open(struct obj *o, enum obj_kind kind, bool watch)
{
	int err;

	o->kind = kind;
	o->gate = mica_slot_alloc();
	o->watch = MICA_CAP_NULL;
	if (!o->gate)
		return -MICA_ENOMEM;
	err = factory_create_gate(MICA_BOOT_FACTORY, o->gate, MICA_BOOT_THREAD, (uint64_t)o);
	if (!err && watch) {
		o->watch = mica_slot_alloc();
		if (!o->watch)
			err = -MICA_ENOMEM;
		if (!err)
			err = factory_create_irq(MICA_BOOT_FACTORY, o->watch, (uint64_t)o | WATCH_BIT);
		if (!err)
			err = irq_bind(o->watch, MICA_BOOT_THREAD);
		if (!err)
			err = gate_watch(o->gate, o->watch);
	}
	if (err)
		obj_close(o);
	return err;
}

/* Destroying the gate ends every client capability to it. */
void obj_close(struct obj *o)
{
	if (o->gate) {
		kobject_destroy(o->gate);
		mica_slot_free(o->gate);
	}
	if (o->watch) {
		kobject_destroy(o->watch);
		mica_slot_free(o->watch);
	}
	o->gate = o->watch = MICA_CAP_NULL;
}

/* The object whose gate `cap` is (0 if none of root's): a capability a
 * client handed back to root, without X, whose label root reads through
 * its own task (Task.cap_label: every gate bound to root's thread is an
 * object's, labelled with its address). */
struct obj *obj_of_cap(mica_cap_t cap)
{
	uint64_t label;

	if (!cap || task_cap_label(MICA_BOOT_TASK, cap, &label) != 0)
		return 0;
	return (struct obj *)label;
}
