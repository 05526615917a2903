/*
 * pci.c - the PCI bus, the platform part of root (docs/pci.md).  Root
 * reads configuration space through ports 0xcf8/0xcfc (ports only root,
 * a boot program, holds: it gives them to nobody), enumerates every bus
 * once at start, and serves each function as its own object, a
 * PciDevice (idl/rt/pci.idl) behind a gate labelled with the function's
 * record: configuration space of that function only, its BARs as device
 * dataspaces, its INTx line bound through the Icu.  Root places nothing:
 * the firmware assigned the BARs and the interrupt lines, and a driver may
 * not move a BAR (it could lay it over another device's registers).
 */
#include "root.h"

#include <libsys/debug.h>
#include <libsys/port.h>
#include <libsys/slot.h>
#include <mica/error.h>

#include <idl/kernel/icu.h>
#include <idl/kernel/task.h>

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA 0xcfc
#define PCI_DEVICES_MAX 64
#define BARS 6

struct pcidev {
	struct obj obj;   /* opened when boot.cfg first names it */
	uint8_t bus, dev, fn;
	uint32_t id, class_rev;
	uint8_t irq_line;   /* 0xff: no INTx */
	bool given;         /* handed to a program, whose handle still lives */
	bool irq_bound;     /* its line is bound to the driver's irq */
	struct { uint64_t base, size; uint32_t flags; } bar[BARS];
	bool bar_given[BARS];   /* a dataspace of the BAR lives (one at a time) */
	struct ds *bar_ds[BARS];   /* that dataspace, while bar_given */
	mica_cap_t io_task[BARS];  /* the task given an I/O BAR's ports (a copy), or 0 */
};

static struct pcidev devices[PCI_DEVICES_MAX];
static unsigned ndevices;

static uint32_t address(const struct pcidev *d, uint32_t offset)
{
	return 0x80000000u | (uint32_t)d->bus << 16 | (uint32_t)d->dev << 11 | (uint32_t)d->fn << 8 | (offset & 0xfc);
}

static uint32_t cfg_read(const struct pcidev *d, uint32_t offset, uint32_t width)
{
	mica_outl(CONFIG_ADDRESS, address(d, offset));
	uint16_t port = (uint16_t)(CONFIG_DATA + (offset & 3));
	return width == 1 ? mica_inb(port) : width == 2 ? mica_inw(port) : mica_inl(port);
}

static void cfg_write(const struct pcidev *d, uint32_t offset, uint32_t width, uint32_t v)
{
	mica_outl(CONFIG_ADDRESS, address(d, offset));
	uint16_t port = (uint16_t)(CONFIG_DATA + (offset & 3));
	if (width == 1)
		mica_outb(port, (uint8_t)v);
	else if (width == 2)
		mica_outw(port, (uint16_t)v);
	else
		mica_outl(port, v);
}

/* A BAR's size: write all ones with decoding off, read what sticks, put
 * the base back. */
static uint32_t probe(const struct pcidev *d, uint32_t offset, uint32_t keep_mask)
{
	uint32_t old = cfg_read(d, offset, 4);
	cfg_write(d, offset, 4, 0xffffffffu);
	uint32_t v = cfg_read(d, offset, 4) & keep_mask;
	cfg_write(d, offset, 4, old);
	return v;
}

static void read_bars(struct pcidev *d)
{
	uint32_t command = cfg_read(d, 0x04, 2);
	cfg_write(d, 0x04, 2, command & ~3u);   /* no decoding while sizing */
	for (unsigned i = 0; i < BARS; i++) {
		uint32_t off = 0x10 + 4 * i, v = cfg_read(d, off, 4);
		if (v & 1) {   /* I/O */
			uint32_t mask = probe(d, off, ~3u) | 0xffff0000u;
			if (v & ~3u)
				d->bar[i] = (typeof(d->bar[i])){ v & ~3u, (uint64_t)(~mask + 1) & 0xffff, PCI_BAR_IO };
			continue;
		}
		uint64_t base = v & ~0xfu, mask = probe(d, off, ~0xfu);
		uint32_t flags = v & 8 ? PCI_BAR_PREFETCH : 0;
		if (((v >> 1) & 3) == 2 && i + 1 < BARS) {   /* 64-bit: the next BAR is the upper half */
			base |= (uint64_t)cfg_read(d, off + 4, 4) << 32;
			mask |= (uint64_t)probe(d, off + 4, ~0u) << 32;
			flags |= PCI_BAR_64;
		} else {
			mask |= 0xffffffff00000000ull;
		}
		if (mask != 0xffffffff00000000ull && base)
			d->bar[i] = (typeof(d->bar[i])){ base, ~mask + 1, flags };
		if (flags & PCI_BAR_64)
			i++;
	}
	cfg_write(d, 0x04, 2, command);
}

static void add(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t id)
{
	if (ndevices == PCI_DEVICES_MAX) {
		mica_printf("root: pci: more than %u functions, %02x:%02x.%x ignored\n", PCI_DEVICES_MAX, bus, dev, fn);
		return;
	}
	struct pcidev *d = &devices[ndevices++];
	*d = (struct pcidev){ .bus = bus, .dev = dev, .fn = fn, .id = id };
	d->class_rev = cfg_read(d, 0x08, 4);
	d->irq_line = cfg_read(d, 0x3d, 1) ? (uint8_t)cfg_read(d, 0x3c, 1) : 0xff;
	if ((cfg_read(d, 0x0e, 1) & 0x7f) == 0)   /* only ordinary functions have six BARs */
		read_bars(d);
	mica_printf("root: pci %02x:%02x.%x %04x:%04x class %06x irq %d\n", bus, dev, fn, id & 0xffff, id >> 16,
		    d->class_rev >> 8, d->irq_line == 0xff ? -1 : d->irq_line);
}

void pci_init(void)
{
	for (unsigned bus = 0; bus < 256; bus++)
		for (uint8_t dev = 0; dev < 32; dev++)
			for (uint8_t fn = 0; fn < 8; fn++) {
				struct pcidev probe_at = { .bus = (uint8_t)bus, .dev = dev, .fn = fn };
				uint32_t id = cfg_read(&probe_at, 0, 4);
				if ((id & 0xffff) == 0xffff) {
					if (fn == 0)
						break;   /* no device: no other functions either */
					continue;
				}
				add((uint8_t)bus, dev, fn, id);
				if (fn == 0 && !(cfg_read(&probe_at, 0x0e, 1) & 0x80))
					break;   /* single-function */
			}
}

/* The gate of the first function not yet given out whose vendor:device is
 * `name` ("pci:VVVV:DDDD"), opened now; 0 if there is none. */
mica_cap_t pci_find(const char *name)
{
	uint32_t vendor = 0, device = 0;
	const char *p = name + 4;

	for (int i = 0; i < 9; i++, p++) {
		if (i == 4) {
			if (*p != ':')
				return MICA_CAP_NULL;
			continue;
		}
		unsigned c = (unsigned)*p, v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 16;
		if (v == 16)
			return MICA_CAP_NULL;
		*(i < 4 ? &vendor : &device) = *(i < 4 ? &vendor : &device) << 4 | v;
	}
	if (*p)
		return MICA_CAP_NULL;
	for (unsigned i = 0; i < ndevices; i++) {
		struct pcidev *d = &devices[i];
		if (d->given || d->id != (device << 16 | vendor))
			continue;
		if (obj_open(&d->obj, K_PCIDEV, true))
			return MICA_CAP_NULL;
		d->given = true;
		return d->obj.gate;
	}
	return MICA_CAP_NULL;
}

int pci_info(struct pcidev *d, uint32_t *id, uint32_t *class_rev, uint32_t *location, uint32_t *irq_line)
{
	*id = d->id;
	*class_rev = d->class_rev;
	*location = (uint32_t)d->bus << 8 | (uint32_t)d->dev << 3 | d->fn;
	*irq_line = d->irq_line;
	return 0;
}

static bool config_ok(uint32_t offset, uint32_t width)
{
	return (width == 1 || width == 2 || width == 4) && offset < 256 && offset % width == 0;
}

int pci_config_read(struct pcidev *d, uint32_t offset, uint32_t width, uint32_t *value)
{
	if (!config_ok(offset, width))
		return -MICA_EINVAL;
	*value = cfg_read(d, offset, width);
	return 0;
}

int pci_config_write(struct pcidev *d, uint32_t offset, uint32_t width, uint32_t value)
{
	if (!config_ok(offset, width))
		return -MICA_EINVAL;
	if ((offset + width > 0x10 && offset < 0x28) || (offset + width > 0x30 && offset < 0x34))
		return -MICA_EPERM;
	cfg_write(d, offset, width, value);
	return 0;
}

int pci_bar(struct pcidev *d, uint32_t index, uint64_t *base, uint64_t *size, uint32_t *flags, struct ds **ds)
{
	*ds = 0;
	if (index >= BARS || !d->bar[index].size)
		return -MICA_EINVAL;
	*base = d->bar[index].base;
	*size = d->bar[index].size;
	*flags = d->bar[index].flags;
	if (*flags & PCI_BAR_IO)
		return 0;
	/* A page of a BAR smaller than a page may hold another device's registers. */
	if (*base % PAGE || *size % PAGE)
		return -MICA_EPERM;
	/* One dataspace per BAR while it lives (the driver may copy its
	 * capability): no session pays for the record, so a driver asking
	 * again and again must not use up root's dataspaces. */
	if (d->bar_given[index])
		return -MICA_EBUSY;
	int err = ds_create(DS_DEVICE, *size, MICA_R | MICA_W, 0, *base, *size, true, ds);
	if (!err) {
		ds_hold(*ds, &d->bar_given[index]);
		d->bar_ds[index] = *ds;
	}
	return err;
}

int pci_io_bar(struct pcidev *d, uint32_t index, mica_cap_t task)
{
	if (index >= BARS || !d->bar[index].size || !(d->bar[index].flags & PCI_BAR_IO))
		return -MICA_EINVAL;
	uint64_t base = d->bar[index].base, size = d->bar[index].size;
	unsigned order = 0;
	while ((1ull << order) < size)
		order++;
	if ((1ull << order) != size || base % size || base + size > 0x10000)
		return -MICA_EPERM;
	if (d->io_task[index])
		return -MICA_EBUSY;
	int err = task_io_map(task, mica_io_fpage((uint16_t)base, order));
	/* Kept to take the ports back when the handle goes (pci_release). */
	if (!err && (d->io_task[index] = mica_slot_alloc()) != MICA_CAP_NULL &&
	    task_cap_map(MICA_BOOT_TASK, task, d->io_task[index], MICA_W, false))
		mica_slot_free(d->io_task[index]), d->io_task[index] = MICA_CAP_NULL;
	return err;
}

int pci_irq(struct pcidev *d, mica_cap_t irq)
{
	if (d->irq_line == 0xff)
		return -MICA_ENODEV;
	int err = icu_bind(MICA_BOOT_ICU, d->irq_line, irq);
	if (!err)
		d->irq_bound = true;
	return err;
}

/* The handle's last capability is gone (its driver ended, was killed, or
 * dropped it): everything it was given is taken back, and the function
 * can be given to a new driver. */
void pci_release(struct pcidev *d)
{
	for (unsigned i = 0; i < BARS; i++) {
		if (d->bar_given[i])
			ds_destroy(d->bar_ds[i]);   /* unmaps its registers from every task */
		if (d->io_task[i]) {
			unsigned order = 0;
			while ((1ull << order) < d->bar[i].size)
				order++;
			task_io_unmap(d->io_task[i], mica_io_fpage((uint16_t)d->bar[i].base, order));
			mica_slot_drop(d->io_task[i]);
			d->io_task[i] = MICA_CAP_NULL;
		}
	}
	if (d->irq_bound)
		icu_unbind(MICA_BOOT_ICU, d->irq_line);
	d->irq_bound = false;
	obj_close(&d->obj);
	d->given = false;
}
