/*
 * fork.c - the capabilities of a forked child (rt/rt.h, docs/processes.md
 * "fork"): root has put its own (task, thread, factory, Log, parent, mem,
 * launcher, proc), its initial regions and its region mapper's gate at the
 * slots ours are in, and the region mapper and the C library its attached
 * regions and pipe ends; every other capability of ours goes to the same
 * slot of the child as a copy derived from ours, so that the slot numbers
 * the copied memory holds (the descriptor table's, MICA_CAPS's) name the
 * same objects.
 */
#include <rt/rt.h>

#include <libsys/slot.h>
#include <mica/error.h>

#include <idl/kernel/task.h>

int rt_fork_caps(mica_cap_t task, mica_cap_t skip, mica_cap_t skip2)
{
	for (mica_cap_t s = mica_slot_next_in_use(MICA_BOOT_LOG + 1); s < MICA_CAP_SLOTS;
	     s = mica_slot_next_in_use(s + 1)) {
		uint32_t type, rights;
		int err;
		if (s == skip || s == skip2)
			continue;
		if ((err = task_cap_info(task, s, &type, &rights)) != 0)
			return err;
		if (type)
			continue;   /* the child's own, from root, the region mapper or the C library */
		/* Rights as ours (a map never adds any); an empty slot of ours
		 * (a receive slot not filled) has nothing to copy. */
		err = task_cap_map(task, s, s, MICA_RWX, false);
		if (err && err != -MICA_EBADCAP)
			return err;
	}
	return 0;
}
