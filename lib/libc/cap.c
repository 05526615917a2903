/*
 * cap.c - giving a capability slot back.  Removing a capability removes
 * every copy derived from it too; a slot whose capability has moved on
 * (RegionMap.attach takes it) is empty, and unmapping it does nothing.
 */
#include <libsys/slot.h>
#include <mica/boot.h>

#include "glue.h"
#include "task.h"

void libc_cap_drop(mica_cap_t slot)
{
	task_cap_unmap(MICA_BOOT_TASK, slot, true);
	mica_slot_free(slot);
}
