/*
 * pci_test.c - a PCI function as root hands it to a driver (docs/pci.md):
 * boot.cfg gives this program the virtio-blk disk's handle as `dev` and
 * asks for it a second time as `again` (it is not given twice) and for a
 * malformed name.  The handle answers the function's identity and its own
 * configuration space only; refuses offsets past it, misaligned and odd
 * widths, and writes to the BARs; gives a memory BAR as a dataspace of the
 * device's live registers (a register written reads back through it) and
 * an I/O BAR without one, and that BAR's ports to this task on request
 * (the legacy virtio header reads through them); refuses BAR indexes out
 * of range; binds the function's line to an irq once.  It ends holding
 * them all (a BAR attached, the ports, the line).
 *
 *   pci_test claim-then-fault   boot.cfg's next program with the handle:
 *                               everything the first held is free again
 *                               (root took it back when the handle's last
 *                               capability went); it claims it all, then
 *                               faults (killed by root)
 *   pci_test claim              the one after: free again after the kill
 */
#include "qtest.h"

#include <libsys/port.h>
#include <libsys/slot.h>
#include <common/string.h>
#include <mica/error.h>
#include <rt/rt.h>

#include <idl/rt/dataspace.h>
#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/rt/pci.h>
#include <idl/rt/region_map.h>

static mica_cap_t dev;

static void the_handle_names_its_function(void)
{
	uint32_t id = 0, class_rev = 0, location = 0, line = 0;

	dev = rt_cap("dev");
	expect("boot.cfg gave the disk's handle", dev != 0, 1);
	expect("describe", pci_device_describe(dev, &id, &class_rev, &location, &line), 0);
	expect("... vendor 1af4 (virtio)", id & 0xffff, 0x1af4);
	expect("... a virtio-blk device id", (id >> 16) == 0x1001 || (id >> 16) == 0x1042, 1);
	expect("... class: mass storage", class_rev >> 24, 0x01);
	expect("... an INTx line", line < 24, 1);
	expect("a function is given once: `again` is missing", rt_cap("again"), 0);
	expect("a malformed pci name gives nothing", rt_cap("bad"), 0);
}

static void config_space_is_its_own_only(void)
{
	uint32_t v = 0, id = 0, x;

	pci_device_describe(dev, &id, &x, &x, &x);
	expect("config_read 0 width 4 is the id", pci_device_config_read(dev, 0, 4, &v) == 0 && v == id, 1);
	expect("config_read 2 width 2 is the device id", pci_device_config_read(dev, 2, 2, &v) == 0 && v == id >> 16, 1);
	expect("offset 256 (past its space): EINVAL", pci_device_config_read(dev, 256, 4, &v), -MICA_EINVAL);
	expect("offset 0x10000 (another function's, by address bits): EINVAL",
	       pci_device_config_read(dev, 0x10000, 4, &v), -MICA_EINVAL);
	expect("misaligned: EINVAL", pci_device_config_read(dev, 2, 4, &v), -MICA_EINVAL);
	expect("width 3: EINVAL", pci_device_config_read(dev, 0, 3, &v), -MICA_EINVAL);
	expect("write to BAR0: EPERM", pci_device_config_write(dev, 0x10, 4, 0), -MICA_EPERM);
	expect("write to a byte of BAR5: EPERM", pci_device_config_write(dev, 0x27, 1, 0), -MICA_EPERM);
	expect("write to the expansion ROM: EPERM", pci_device_config_write(dev, 0x30, 4, 0), -MICA_EPERM);
	expect("write past its space: EINVAL", pci_device_config_write(dev, 0x100, 1, 0), -MICA_EINVAL);
	uint32_t cmd = 0;
	pci_device_config_read(dev, 4, 2, &cmd);
	expect("write the command register (bus master on)", pci_device_config_write(dev, 4, 2, cmd | 4), 0);
	expect("... reads back", pci_device_config_read(dev, 4, 2, &v) == 0 && (v & 4), 1);
}

/* The virtio capability of type `type` in the list: its BAR and offset. */
static int virtio_cap(uint32_t type, uint32_t *bar, uint32_t *offset)
{
	uint32_t at = 0, v;

	pci_device_config_read(dev, 0x34, 1, &at);
	for (int n = 0; at && n < 48; n++) {
		pci_device_config_read(dev, at, 4, &v);
		uint32_t next = (v >> 8) & 0xff;
		if ((v & 0xff) == 0x09 && ((v >> 24) & 0xff) == type) {
			pci_device_config_read(dev, at + 4, 1, bar);
			pci_device_config_read(dev, at + 8, 4, offset);
			return 0;
		}
		at = next;
	}
	return -1;
}

static void a_memory_bar_is_its_registers(void)
{
	uint32_t bar = 0, offset = 0, flags = 0, rights = 0;
	uint64_t base = 0, size = 0, dsize = 0, start = 0;
	mica_cap_t ds = mica_slot_alloc();

	expect("the common configuration's capability", virtio_cap(1, &bar, &offset), 0);
	expect("bar of it", pci_device_bar(dev, bar, &base, &size, &flags, &ds), 0);
	expect("... a memory BAR", flags & 1u, 0);
	expect("... as a dataspace of its size", dataspace_info(ds, &dsize, &rights) == 0 && dsize == size, 1);
	expect("... read-write", rights, MICA_R | MICA_W);
	expect("attach it", region_map_attach(rt_cap("rm"), 0, size, MICA_R | MICA_W, ds, 0, &start), 0);
	volatile uint32_t *common = (volatile uint32_t *)(start + offset);
	common[0] = 1;   /* device_feature_select */
	expect("a register written reads back (device_feature_select)", common[0], 1);
	uint32_t high = common[1];   /* device_feature 32..63: VERSION_1 is bit 32 */
	expect("... and the device answers by it (VERSION_1 offered)", high & 1, 1);
	common[0] = 0;
	mica_cap_t back = mica_slot_alloc();
	expect("detach it", region_map_detach(rt_cap("rm"), start, &start, &size, &back), 0);
	mica_cap_t again = mica_slot_alloc();
	expect("a second dataspace of the BAR while the first lives: EBUSY",
	       pci_device_bar(dev, bar, &base, &size, &flags, &again), -MICA_EBUSY);
	mica_slot_drop(back);   /* the detached dataspace's last capability */
	mica_slot_drop(ds);
	if (!again)
		again = mica_slot_alloc();
	expect("once it is gone, the BAR is given again", pci_device_bar(dev, bar, &base, &size, &flags, &again), 0);
	mica_slot_drop(again);
}

static void bars_out_of_range_are_refused(void)
{
	uint32_t flags = 0;
	uint64_t base, size;
	mica_cap_t ds = mica_slot_alloc();

	expect("bar 6: EINVAL", pci_device_bar(dev, 6, &base, &size, &flags, &ds), -MICA_EINVAL);
	expect("bar 0xffffffff: EINVAL", pci_device_bar(dev, 0xffffffffu, &base, &size, &flags, &ds), -MICA_EINVAL);
	int found_io = 0, found_unused = 0;
	for (uint32_t i = 0; i < 6; i++) {
		if (!ds)
			ds = mica_slot_alloc();
		int err = pci_device_bar(dev, i, &base, &size, &flags, &ds);
		if (!err && (flags & 1u) && !found_io) {
			found_io = 1;
			expect("an I/O BAR answers its range", size >= 4 && base < 0x10000, 1);
			expect("... and no capability", ds, 0);
		} else if (!err && !(flags & 1u)) {
			mica_slot_drop(ds);
			ds = mica_slot_alloc();
		} else if (err && !found_unused) {
			found_unused = 1;
			expect("an unused BAR (or a 64-bit BAR's upper half): EINVAL", err, -MICA_EINVAL);
		}
	}
	expect("the transitional device has an I/O BAR and an unused one", found_io && found_unused, 1);
}

static void an_io_bar_gives_its_ports(void)
{
	uint32_t flags = 0, io = 6;
	uint64_t base = 0, size = 0;

	for (uint32_t i = 0; i < 6 && io == 6; i++) {
		mica_cap_t ds = mica_slot_alloc();
		if (pci_device_bar(dev, i, &base, &size, &flags, &ds) == 0 && (flags & 1))
			io = i;
		else if (ds)
			mica_slot_drop(ds);
	}
	expect("the I/O BAR is found", io < 6, 1);
	expect("io_bar on a memory BAR (4): EINVAL", pci_device_io_bar(dev, 4, MICA_BOOT_TASK), -MICA_EINVAL);
	expect("io_bar 6: EINVAL", pci_device_io_bar(dev, 6, MICA_BOOT_TASK), -MICA_EINVAL);
	expect("io_bar to a capability that is no task: refused", pci_device_io_bar(dev, io, rt_cap("mem")) < 0, 1);
	expect("io_bar of it to this task", pci_device_io_bar(dev, io, MICA_BOOT_TASK), 0);
	/* The legacy header: the device's features (32 bits) at port 0, the
	   queue size (16 bits) at 12 after selecting queue 0 at 14. */
	expect("its ports read: the legacy feature word is not zero", mica_inl((uint16_t)base) != 0, 1);
	mica_outw((uint16_t)(base + 14), 0);
	uint16_t qsize = mica_inw((uint16_t)(base + 12));
	expect("... queue 0's size is a power of two", qsize && !(qsize & (qsize - 1)), 1);
}

static void its_line_binds_once(void)
{
	mica_cap_t irq = mica_slot_alloc(), other = mica_slot_alloc();

	expect("an irq", factory_create_irq(MICA_BOOT_FACTORY, irq, 0x51), 0);
	expect("bound to this thread", irq_bind(irq, MICA_BOOT_THREAD), 0);
	expect("irq: its line connected", pci_device_irq(dev, irq), 0);
	expect("another irq", factory_create_irq(MICA_BOOT_FACTORY, other, 0x52), 0);
	expect("the line a second time: EBUSY", pci_device_irq(dev, other), -MICA_EBUSY);
	expect("a non-irq capability: refused", pci_device_irq(dev, rt_cap("mem")) < 0, 1);
	expect("PciDevice on the memory session: ENOSYS", pci_device_irq(rt_cap("mem"), irq), -MICA_ENOSYS);
}

/* Ends holding a BAR attached (the ports and the line are held already). */
static void it_ends_holding_a_bar(void)
{
	uint32_t bar = 0, offset = 0, flags = 0;
	uint64_t base = 0, size = 0, start = 0;
	mica_cap_t ds = mica_slot_alloc();

	expect("the common configuration's capability", virtio_cap(1, &bar, &offset), 0);
	expect("its BAR", pci_device_bar(dev, bar, &base, &size, &flags, &ds), 0);
	expect("attached", region_map_attach(rt_cap("rm"), 0, size, MICA_R | MICA_W, ds, 0, &start), 0);
}

static const struct qtest_case cases[] = {
	{ "the_handle_names_its_function", the_handle_names_its_function },
	{ "config_space_is_its_own_only", config_space_is_its_own_only },
	{ "a_memory_bar_is_its_registers", a_memory_bar_is_its_registers },
	{ "bars_out_of_range_are_refused", bars_out_of_range_are_refused },
	{ "an_io_bar_gives_its_ports", an_io_bar_gives_its_ports },
	{ "its_line_binds_once", its_line_binds_once },
	{ "it_ends_holding_a_bar", it_ends_holding_a_bar },
};

/* A driver's whole claim: a memory BAR attached and answering, the I/O
 * BAR's ports, the line.  EBUSY for any of them means the last holder's
 * were not taken back. */
static void a_new_driver_claims_it_all(void)
{
	uint32_t bar = 0, offset = 0, flags = 0;
	uint64_t base = 0, size = 0, start = 0;
	mica_cap_t ds = mica_slot_alloc(), irq = mica_slot_alloc();

	expect("the handle is given (the last driver's went back to root)", dev != MICA_CAP_NULL, 1);
	expect("the common configuration's capability", virtio_cap(1, &bar, &offset), 0);
	expect("its BAR as a dataspace, not EBUSY", pci_device_bar(dev, bar, &base, &size, &flags, &ds), 0);
	expect("attach it", region_map_attach(rt_cap("rm"), 0, size, MICA_R | MICA_W, ds, 0, &start), 0);
	volatile uint32_t *common = (volatile uint32_t *)(start + offset);
	common[0] = 1;
	expect("... the device answers by it (VERSION_1 offered)", common[1] & 1, 1);
	uint32_t io = 6;
	for (uint32_t i = 0; i < 6 && io == 6; i++) {
		mica_cap_t other = mica_slot_alloc();
		if (pci_device_bar(dev, i, &base, &size, &flags, &other) == 0 && (flags & 1))
			io = i;
		mica_slot_drop(other);
	}
	expect("the I/O BAR's ports to this task, not EBUSY", io < 6 && pci_device_io_bar(dev, io, MICA_BOOT_TASK) == 0, 1);
	expect("... they read", mica_inl((uint16_t)base) != 0, 1);
	expect("an irq", factory_create_irq(MICA_BOOT_FACTORY, irq, 0x53), 0);
	expect("its line binds, not EBUSY", pci_device_irq(dev, irq), 0);
}

static const struct qtest_case claim_cases[] = {
	{ "a_new_driver_claims_it_all", a_new_driver_claims_it_all },
};

int main(int argc, char **argv)
{
	dev = rt_cap("dev");
	if (argc > 1 && mica_streq(argv[1], "claim-then-fault")) {
		QTEST_RUN(argv[0], claim_cases);
		*(volatile int *)0x123456789000ull = 1;
	}
	if (argc > 1 && mica_streq(argv[1], "claim"))
		return QTEST_RUN(argv[0], claim_cases);
	return QTEST_RUN(argv[0], cases);
}
