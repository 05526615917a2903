/*
 * blk.c - the block layer's figures, measured by mica-bench-rt against the
 * block server (srv/blk) in another task, on a 1 MiB disk image:
 *
 *   blk_read_64k               one Block.read of 128 sequential 512-byte
 *                              blocks into the session's buffer, wrapping
 *                              at the end of the disk: the call, the
 *                              server's request, the device's interrupt,
 *                              the completion and the reply;
 *   blk_read_bytes_per_kinstr  65,536,000 / blk_read_64k, beside Linux's
 *                              disk_read_bytes_per_kinstr.
 *
 * While the disk works the CPU would idle: the spinner (spinner.h) runs,
 * and the batch takes its rounds' instructions off.  What remains is the
 * guest's own work: this program, the kernel, the server and its
 * interrupts, the switches to and from the spinner.
 */
#include "bench.h"
#include "figures.h"
#include "spinner.h"

#include <libsys/slot.h>
#include <rt/rt.h>

#include <idl/rt/block.h>
#include <idl/rt/region_map.h>
#include <idl/rt/registry.h>

#define XFER 65536u

static mica_cap_t session;
static uint64_t blocks, last_64k;

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
	return spinner_start();
}

static uint64_t read_batch(unsigned n)
{
	static uint64_t next;
	uint64_t s0 = spinner_rounds(), t0 = bench_now();

	for (unsigned i = 0; i < n; i++) {
		if (next + XFER / 512 > blocks)
			next = 0;
		if (block_read(session, next, XFER / 512, 0)) {
			bench_fail("Block.read of 64 KiB at block %lu failed", (unsigned long)next);
			return 1;
		}
		next += XFER / 512;
	}
	uint64_t t = bench_now() - t0, spun = SPINNER_ROUND * (spinner_rounds() - s0);
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
