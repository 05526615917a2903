/*
 * cap.c - what a capability slot of this task holds (libsys/cap.h).
 */
#include <libsys/cap.h>
#include <mica/boot.h>
#include <mica/object.h>

#include <idl/kernel/task.h>

bool mica_cap_is_irq(mica_cap_t cap)
{
	uint32_t type, rights;

	return cap && task_cap_info(MICA_BOOT_TASK, cap, &type, &rights) == 0 && type == MICA_KOBJ_IRQ;
}

bool mica_cap_gone(mica_cap_t cap)
{
	uint32_t type, rights;

	return task_cap_info(MICA_BOOT_TASK, cap, &type, &rights) == 0 && !type;
}
