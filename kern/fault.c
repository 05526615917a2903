/*
 * fault.c - stops a program that faulted, with a report (see fault.h).
 */
#include "fault.h"

#include "console.h"
#include "sched.h"
#include "task.h"
#include "trap.h"

void fault_user(uint64_t vector, uint64_t error, uint64_t addr, uint64_t ip)
{
	struct task *t = sched_current()->task;

	kprintf("kernel: program %s stopped: %s (vector %lu) at ip %#lx", t->name, trap_name(vector), vector, ip);
	if (vector == VEC_PAGE_FAULT)
		kprintf(", address %#lx (%s, %s)", addr, error & 2 ? "write" : error & 16 ? "execute" : "read",
			error & 1 ? "protection" : "not present");
	else if (error)
		kprintf(", error %#lx", error);
	kprintf("\n");
	task_end_current(-1);
}
