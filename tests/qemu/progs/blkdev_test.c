/*
 * blkdev_test.c - lib/fs's block device over the block server
 * (blkdev_mica.c, docs/blk.md), on a writable copy of disk1m.img:
 *
 *   blkdev_test CRC SIZE     (cksum of the image, filled in by the build)
 *
 * The whole image read in one call (16 pieces of the 64 KiB buffer) has
 * the host's digest; 300 sectors of a pattern written from sector 1000
 * (across pieces) read back, and the scenario compares them on the host
 * after the halt; a range past the end is EINVAL; a second device on the
 * same server reads the same bytes; closing both frees their sessions.
 */
#include "qtest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libsys/slot.h>
#include <rt/rt.h>

#include "blkdev.h"
#include <idl/rt/registry.h>

static uint64_t blk;
static unsigned long want_crc, want_size;

static uint32_t crc_byte(uint32_t crc, unsigned char b)
{
	crc ^= (uint32_t)b << 24;
	for (int k = 0; k < 8; k++)
		crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
	return crc;
}

static void the_device_reads_the_whole_image(void)
{
	struct blkdev *dev = 0;
	mica_cap_t c = mica_slot_alloc();

	expect("the registry names blk", registry_lookup(rt_cap("registry"), "blk", &c), 0);
	blk = c;
	expect("blkdev_mica_open, writable", blkdev_mica_open(blk, 1, &dev), 0);
	if (!dev)
		return;
	expect("... 512-byte sectors", dev->sector_size, 512);
	expect("... the image's size", (long)(dev->sectors * 512), (long)want_size);
	uint8_t *all = malloc(want_size);
	expect("read every sector in one call", dev->read(dev, 0, (uint32_t)(want_size / 512), all), 0);
	uint32_t crc = 0;
	for (unsigned long i = 0; i < want_size; i++)
		crc = crc_byte(crc, all[i]);
	for (unsigned long len = want_size; len; len >>= 8)
		crc = crc_byte(crc, len & 0xff);
	expect("... the host's cksum", (long)(uint32_t)~crc, (long)want_crc);

	uint8_t *pat = malloc(300 * 512);
	for (unsigned i = 0; i < 300 * 512; i++)
		pat[i] = (uint8_t)((i / 512 + 1000) * 13 + i * 3 + 9);
	expect("write 300 sectors at 1000", dev->write(dev, 1000, 300, pat), 0);
	expect("flush", dev->flush(dev), 0);
	memset(all, 0, 300 * 512);
	expect("read them back", dev->read(dev, 1000, 300, all), 0);
	expect("... the pattern", memcmp(all, pat, 300 * 512), 0);
	expect("a range past the end: EINVAL", dev->read(dev, dev->sectors - 1, 2, all), EINVAL);

	struct blkdev *ro = 0;
	expect("a second, read-only device", blkdev_mica_open(blk, 0, &ro), 0);
	if (ro) {
		uint8_t one[512];
		expect("... reads what the first wrote", ro->read(ro, 1299, 1, one) == 0 && !memcmp(one, pat + 299 * 512, 512), 1);
		expect("... cannot write: EROFS", ro->write(ro, 0, 1, one), EROFS);
		ro->close(ro);
	}
	dev->close(dev);
	free(all);
	free(pat);
}

static const struct qtest_case cases[] = {
	{ "the_device_reads_the_whole_image", the_device_reads_the_whole_image },
};

int main(int argc, char **argv)
{
	want_crc = argc > 1 ? strtoul(argv[1], 0, 10) : 0;
	want_size = argc > 2 ? strtoul(argv[2], 0, 10) : 0;
	return QTEST_RUN(argv[0], cases);
}
