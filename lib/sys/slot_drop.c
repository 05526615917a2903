/*
 * slot_drop.c - mica_slot_drop (libsys/slot.h): a slot's capability and
 * the slot itself go.  Apart from slot.c so that the allocator builds on
 * the host without the kernel's stubs.
 */
#include <libsys/slot.h>

#include <mica/boot.h>

#include <idl/kernel/task.h>

void mica_slot_drop(mica_cap_t slot)
{
	if (slot == MICA_CAP_NULL)
		return;
	task_cap_unmap(MICA_BOOT_TASK, slot, true);
	mica_slot_free(slot);
}
