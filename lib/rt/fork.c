/*
 * fork.c - the capabilities of a forked child (rt/rt.h, docs/processes.md
 * "fork"): root has put its own (task, thread, factory, Log, parent, mem,
 * launcher, proc), its initial regions and its region mapper's gate at the
 * slots ours are in, and the region mapper and the C library its attached
 * regions and pipe ends; every other capability of ours goes to the same
 * slot of the child, so that the slot numbers the copied memory holds (the
 * descriptor table's, MICA_CAPS's) name the same objects.  Task.cap_copy
 * does it for up to 64 slots a call, passing over the slots the child
 * fills already and the empty ones of ours.  Each copy is our
 * capability's sibling (Task.cap_sibling), derived from what the server
 * gave us, not from ours: the child keeps its streams, the file server's
 * gate and its mappings when we end before it.
 */
#include <rt/rt.h>

#include <libsys/slot.h>
#include <mica/error.h>

#include <idl/kernel/task.h>

int rt_fork_caps(mica_cap_t task, mica_cap_t skip, mica_cap_t skip2)
{
	mica_cap_t s = mica_slot_next_in_use(MICA_BOOT_LOG + 1);

	while (s < MICA_CAP_SLOTS) {
		/* From s, at most MICA_CAP_COPY_MAX slots, up to a skipped one. */
		mica_cap_t end = s + MICA_CAP_COPY_MAX < MICA_CAP_SLOTS ? s + MICA_CAP_COPY_MAX : MICA_CAP_SLOTS;
		if (skip >= s && skip < end)
			end = skip;
		if (skip2 >= s && skip2 < end)
			end = skip2;
		uint32_t copied;
		int err = end > s ? task_cap_copy(task, s, end - s, MICA_RWX, &copied) : 0;   /* rights as ours */
		if (err)
			return err;
		s = mica_slot_next_in_use(end == skip || end == skip2 ? end + 1 : end);
	}
	return 0;
}
