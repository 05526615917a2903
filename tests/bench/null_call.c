/*
 * null_call.c - the cheapest kernel entry: the IPC system call with no
 * phase (no send, no receive, slot 0), which the kernel answers with
 * MICA_OK at once.  Linux's counterpart is getpid.
 */
#include <mica/error.h>
#include <mica/syscall.h>

#include "figures.h"

static long ipc_no_phase(void)
{
	long ret = MICA_SYS_IPC;
	unsigned long op = 0, tag = 0;	/* rdi, rsi: the received label and tag */

	__asm__ volatile("syscall"
			 : "+a"(ret), "+D"(op), "+S"(tag)
			 : "d"(0ul)
			 : "rcx", "r11", "memory");
	return ret;
}

static uint64_t null_call_batch(unsigned n)
{
	long err = 0;
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++)
		err |= ipc_no_phase();	/* one instruction: checks every call */
	uint64_t t = bench_now() - t0;

	if (err != MICA_OK)
		bench_fail("IPC with no phase returned %ld (ORed over the batch), want 0 (MICA_OK)", err);
	return t;
}

uint64_t bench_null_call(void)
{
	return bench_measure(null_call_batch, 1000);
}
