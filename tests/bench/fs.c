/*
 * fs.c - the file server's figures, measured by mica-bench-rt against
 * srv/ext2fs (docs/fsserver.md) on the bench disk:
 *
 *   file_read_64k_cached  the same 64 KiB of a file read over and over, as
 *                         the C library reads it: two OpenFile.read of
 *                         32 KiB into the session's buffer (lib/fs's block
 *                         cache holds the blocks), each copied out;
 *   mmap_file_fault       the first read of each page of a MAP_SHARED
 *                         mapping of a file whose pages are in the page
 *                         cache, per page: the fault goes to the region
 *                         mapper, which asks the file server
 *                         (Dataspace.map), which maps its cache page
 *                         straight into the task (making the mapping,
 *                         attaching and detaching it are shared out over
 *                         its pages).
 */
#include "bench.h"
#include "figures.h"

#include <libsys/slot.h>
#include <mica/fs.h>
#include <rt/rt.h>

#include <common/string.h>
#include <idl/rt/fs.h>
#include <idl/rt/region_map.h>
#include <idl/rt/registry.h>

#define PAGE 4096u
#define FILE_PAGES 256   /* 1 MiB: inside the server's page cache */
#define XFER 65536u

static mica_cap_t file;
static uint8_t *buf;
static uint32_t buf_size;
static uint8_t out[XFER];

/* /bench-file, FILE_PAGES pages, page i filled with byte i. */
static int open_file(void)
{
	mica_cap_t fs = mica_slot_alloc(), buffer = mica_slot_alloc();
	uint32_t type, done;
	uint64_t start, at;

	file = mica_slot_alloc();
	if (registry_lookup(rt_cap("registry"), "fs", &fs) ||
	    file_system_open(fs, "/bench-file", MICA_FS_O_READ | MICA_FS_O_WRITE | MICA_FS_O_CREAT | MICA_FS_O_TRUNC,
			     0644, &file, &buffer, &buf_size, &type) ||
	    buf_size < PAGE || region_map_attach(rt_cap("rm"), 0, buf_size, MICA_R | MICA_W, buffer, 0, &start))
		return -1;
	buf = (uint8_t *)start;
	for (unsigned i = 0; i < FILE_PAGES; i++) {
		memset(buf, (int)i, PAGE);
		if (open_file_write(file, (uint64_t)i * PAGE, PAGE, false, &done, &at) || done != PAGE)
			return -1;
	}
	return 0;
}

static uint64_t read_batch(unsigned n)
{
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++)
		for (uint32_t off = 0; off < XFER; off += buf_size) {
			uint32_t want = XFER - off < buf_size ? XFER - off : buf_size, done;
			if (open_file_read(file, off, want, &done) || done != want) {
				bench_fail("OpenFile.read of %u bytes at %u failed", want, off);
				return 1;
			}
			memcpy(out + off, buf, done);
		}
	uint64_t t = bench_now() - t0;
	if (out[0] != 0 || out[XFER - 1] != XFER / PAGE - 1)
		bench_fail("the file reads back wrong");
	return t;
}

uint64_t bench_file_read_64k_cached(void)
{
	if (!file && open_file()) {
		bench_fail("no file server with a writable file system (`fs` in the registry)");
		return 0;
	}
	return bench_measure(read_batch, 16);
}

/* n pages read first through mappings of FILE_PAGES pages each. */
static uint64_t fault_batch(unsigned n)
{
	uint64_t total = 0;

	for (unsigned done = 0; done < n; done += FILE_PAGES) {
		mica_cap_t ds = mica_slot_alloc(), back = mica_slot_alloc();
		unsigned pages = n - done < FILE_PAGES ? n - done : FILE_PAGES;
		uint64_t start, size, t0 = bench_now();
		if (open_file_mmap(file, MICA_R, false, &ds) ||
		    region_map_attach(rt_cap("rm"), 0, (uint64_t)pages * PAGE, MICA_R, ds, 0, &start)) {
			bench_fail("cannot map %u pages of the file", pages);
			return 1;
		}
		volatile const uint8_t *p = (const uint8_t *)start;
		unsigned bad = 0;
		for (unsigned i = 0; i < pages; i++)
			bad += p[(uint64_t)i * PAGE + 9] != (uint8_t)i;
		region_map_detach(rt_cap("rm"), start, &start, &size, &back);
		mica_slot_drop(back);
		total += bench_now() - t0;
		if (bad)
			bench_fail("%u pages of the mapping read wrong", bad);
	}
	return total;
}

uint64_t bench_mmap_file_fault(void)
{
	if (!file && open_file()) {
		bench_fail("no file server with a writable file system (`fs` in the registry)");
		return 0;
	}
	fault_batch(FILE_PAGES);   /* every page into the page cache */
	return bench_measure(fault_batch, 1024);
}
