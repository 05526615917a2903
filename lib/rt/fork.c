/*
 * fork.c - the capabilities of a forked child (rt/rt.h, docs/processes.md
 * "fork"): root has put its own (task, thread, factory, Log, parent, mem,
 * launcher, proc), its initial regions and its region mapper's gate at the
 * slots ours are in, and the region mapper its attached regions; every
 * other capability of ours goes to the same slot of the child as a copy
 * derived from ours, so that the slot numbers the copied memory holds (the
 * descriptor table's, MICA_CAPS's) name the same objects.
 */
#include <rt/rt.h>

#include <libsys/slot.h>
#include <mica/error.h>

#include <idl/kernel/task.h>

int rt_fork_caps(mica_cap_t task, mica_cap_t skip, mica_cap_t skip2)
{
	for (mica_cap_t s = MICA_BOOT_LOG + 1; s < MICA_CAP_SLOTS; s++) {
		uint32_t type, rights;
		int err;
		if (s == skip || s == skip2 || !mica_slot_in_use(s))
			continue;
		if ((err = task_cap_info(task, s, &type, &rights)) != 0)
			return err;
		if (type)
			continue;   /* the child's own, from root or the region mapper */
		if ((err = task_cap_info(MICA_BOOT_TASK, s, &type, &rights)) != 0)
			return err;
		if (type && (err = task_cap_map(task, s, s, rights, false)) != 0)
			return err;
	}
	return 0;
}
