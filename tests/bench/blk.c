/*
 * blk.c - the block layer's figures, measured by mica-bench-rt against the
 * block server (srv/blk) in another task, on the bench disk (BENCH_DISK):
 *
 *   blk_read_64k               one Block.read of 128 sequential 512-byte
 *                              blocks into the session's buffer, wrapping
 *                              at the end of the disk: the call, the
 *                              server's request, the device's interrupt,
 *                              the completion and the reply;
 *   blk_read_bytes_per_kinstr  65,536,000 / blk_read_64k, beside Linux's
 *                              disk_read_bytes_per_kinstr.
 *
 * While the disk works the CPU would idle, and an idle CPU under
 * -icount sleep=off jumps the clock to the next timer deadline; so, as
 * the Linux baseline does, a spinner thread at the lowest priority runs a
 * loop of two instructions (`incq (mem); jmp`) while the batch waits,
 * and the batch takes its rounds' instructions off.  What remains is the
 * guest's own work: this program, the kernel, the server and its
 * interrupts, the switches to and from the spinner.
 */
#include "bench.h"
#include "figures.h"

#include <libsys/slot.h>
#include <libsys/thread.h>
#include <rt/rt.h>

#include <idl/rt/block.h>
#include <idl/rt/region_map.h>
#include <idl/rt/registry.h>
#include <idl/kernel/thread.h>

#define XFER 65536u
#define SPIN_STACK 4096

static mica_cap_t session;
static uint64_t blocks, last_64k;
static volatile uint64_t spins;
static uint8_t spin_stack[SPIN_STACK] __attribute__((aligned(16)));

static void spin(void *arg)
{
	(void)arg;
	__asm__ volatile("1: incq %0\n\tjmp 1b" : "+m"(spins));
}

static int start_spinner(void)
{
	mica_cap_t t = mica_slot_alloc();

	if (!t || mica_thread_create(MICA_BOOT_FACTORY, MICA_BOOT_TASK, t, rt_utcb_alloc(), spin, 0, spin_stack,
				     SPIN_STACK, 0) ||
	    thread_set_handlers(t, rt_cap("rm"), 0) || thread_set_sched(t, 1, 10000) || thread_start(t))
		return -1;
	return 0;
}

static int open_disk(void)
{
	mica_cap_t blk = mica_slot_alloc(), buffer = mica_slot_alloc();
	uint32_t bs, bufsize;
	uint64_t start;
	bool ro;

	session = mica_slot_alloc();
	if (registry_lookup(rt_cap("registry"), "blk", &blk) || block_open(blk, XFER, true, &session, &buffer) ||
	    block_info(session, &blocks, &bs, &ro, &bufsize) || bs != 512 || blocks < XFER / 512 ||
	    region_map_attach(rt_cap("rm"), 0, XFER, MICA_R, buffer, 0, &start))
		return -1;
	return start_spinner();
}

static uint64_t read_batch(unsigned n)
{
	static uint64_t next;
	uint64_t s0 = spins, t0 = bench_now();

	for (unsigned i = 0; i < n; i++) {
		if (next + XFER / 512 > blocks)
			next = 0;
		if (block_read(session, next, XFER / 512, 0)) {
			bench_fail("Block.read of 64 KiB at block %lu failed", (unsigned long)next);
			return 1;
		}
		next += XFER / 512;
	}
	uint64_t t = bench_now() - t0, spun = 2 * (spins - s0);
	return t > spun ? t - spun : 1;
}

uint64_t bench_blk_read_64k(void)
{
	if (!session && open_disk()) {
		bench_fail("no block server with a disk of 64 KiB or more (`blk` in the registry)");
		return 0;
	}
	return last_64k = bench_measure(read_batch, 16);
}

uint64_t bench_blk_read_bytes_per_kinstr(void)
{
	if (!last_64k) {
		bench_fail("blk_read_64k was not measured");
		return 0;
	}
	return (uint64_t)XFER * 1000 / last_64k;
}
