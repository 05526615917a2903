/*
 * irqs.h - what the file server asks of a client's irq (a notification's
 * subscriber, a lock's owner): whether a capability names an irq, and
 * whether the irq is gone (its program ended: the slot says no type).
 */
#ifndef EXT2FS_IRQS_H
#define EXT2FS_IRQS_H

#include <stdbool.h>
#include <stdint.h>

#include <mica/boot.h>
#include <mica/object.h>

#include <idl/kernel/task.h>

static inline bool is_irq(mica_cap_t irq)
{
	uint32_t type, rights;

	return irq && task_cap_info(MICA_BOOT_TASK, irq, &type, &rights) == 0 && type == MICA_KOBJ_IRQ;
}

static inline bool irq_gone(mica_cap_t irq)
{
	uint32_t type, rights;

	return task_cap_info(MICA_BOOT_TASK, irq, &type, &rights) == 0 && !type;
}

#endif
