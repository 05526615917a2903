/*
 * mica/object.h - the types of kernel objects, as Kobject.info and
 * Task.cap_info report them (0: an empty slot) and as MICA_DEBUG_MEMINFO
 * indexes its object counts.  The kernel's own enum kobj_type takes its
 * values from here.
 */
#ifndef MICA_OBJECT_H
#define MICA_OBJECT_H

enum mica_kobj_type {
	MICA_KOBJ_NONE = 0,
	MICA_KOBJ_TASK = 1,
	MICA_KOBJ_THREAD = 2,
	MICA_KOBJ_GATE = 3,
	MICA_KOBJ_IRQ = 4,
	MICA_KOBJ_FACTORY = 5,
	MICA_KOBJ_ICU = 6,
	MICA_KOBJ_LOG = 7,
};

#endif
