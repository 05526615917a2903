/*
 * syscall.c - the syscall entry's C half: decodes the registers of
 * include/mica/syscall.h and hands over to the generic kernel.
 */
#include "debug.h"
#include "ipc.h"
#include "sched.h"
#include "trap.h"

#include <mica/error.h>
#include <mica/syscall.h>

void syscall_handler(struct trap_frame *f)
{
	struct ipc_result r;

	switch (f->rax) {
	case MICA_SYS_IPC:
		if (!ipc_fast(f->rdi, f->rsi, f->rdx, &r))
			ipc_syscall(f->rdi, f->rsi, f->rdx, &r);
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
}
