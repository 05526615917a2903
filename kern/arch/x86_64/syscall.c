/*
 * syscall.c - the syscall entry's C half: decodes the registers of
 * include/mica/syscall.h and hands over to the generic kernel.
 */
#include "debug.h"
#include "ipc.h"
#include "irqoff.h"
#include "preempt.h"
#include "sched.h"
#include "trap.h"

#include <mica/error.h>
#include <mica/syscall.h>

void syscall_handler(struct trap_frame *f)
{
	const struct ipc_result *fast;
	struct ipc_result r;

	irqoff_begin(MICA_IRQOFF_SYSCALL, (uint32_t)f->rax, f->rdi, f->rsi);
	switch (f->rax) {
	case MICA_SYS_IPC:
		if ((fast = ipc_fast(f->rdi, f->rsi, f->rdx)) != 0) {
			r = *fast;
		} else {
			ipc_syscall(f->rdi, f->rsi, f->rdx, &r);
			if (r.err == KERN_RESTART) {
				/* Back onto the 2-byte `syscall` with the arguments
				 * untouched: it runs again once pending interrupts
				 * were taken (preempt.h). */
				f->rip -= 2;
				break;
			}
		}
		f->rax = (uint64_t)r.err;
		f->rsi = r.tag;
		f->rdi = r.label;
		break;
	case MICA_SYS_DEBUG:
		f->rax = debug_call(f->rdi, f->rsi, f->rdx);
		break;
	default:
		f->rax = MICA_ENOSYS;
		break;
	}
	sched_kernel_exit();
	irqoff_end(MICA_IRQOFF_SYSCALL);
}
