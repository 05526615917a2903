/*
 * virtio.c - the virtio 1.0 modern PCI transport and one split virtqueue
 * (virtio.h; docs/blk.md).
 */
#include "virtio.h"

#include <libsys/slot.h>
#include <mica/error.h>
#include <rt/rt.h>

#include <idl/rt/pci.h>
#include <idl/rt/region_map.h>

/* Vendor capability types (virtio 1.0, 4.1.4). */
#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR 3
#define CAP_DEVICE 4

/* The common configuration's registers (4.1.4.3). */
#define DEVICE_FEATURE_SELECT 0
#define DEVICE_FEATURE 4
#define DRIVER_FEATURE_SELECT 8
#define DRIVER_FEATURE 12
#define DEVICE_STATUS 20
#define QUEUE_SELECT 22
#define QUEUE_SIZE 24
#define QUEUE_MSIX_VECTOR 26
#define QUEUE_ENABLE 28
#define QUEUE_NOTIFY_OFF 30
#define QUEUE_DESC 32
#define QUEUE_DRIVER 40
#define QUEUE_DEVICE 48

#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define STATUS_FEATURES_OK 8
#define STATUS_FAILED 128

#define NO_VECTOR 0xffff

#define R8(p, o) (*(volatile uint8_t *)((p) + (o)))
#define R16(p, o) (*(volatile uint16_t *)((p) + (o)))
#define R32(p, o) (*(volatile uint32_t *)((p) + (o)))

static volatile uint8_t *bar_va[6];

/* BAR `bar` of the device, attached once. */
static volatile uint8_t *map_bar(mica_cap_t pci, uint32_t bar, uint64_t *size)
{
	uint64_t base, start;
	uint32_t flags;
	mica_cap_t ds = mica_slot_alloc();

	if (bar >= 6)
		return 0;
	if (bar_va[bar]) {
		*size = ~0ull;
		return bar_va[bar];
	}
	if (!ds || pci_device_bar(pci, bar, &base, size, &flags, &ds) || !ds || (flags & 1))
		return 0;
	if (region_map_attach(rt_cap("rm"), 0, *size, MICA_R | MICA_W, ds, 0, &start))
		return 0;
	return bar_va[bar] = (volatile uint8_t *)start;
}

int virtio_open(struct virtio *v, mica_cap_t pci, const char **why)
{
	uint32_t at = 0, word;
	int found = 0;

	v->pci = pci;
	pci_device_config_read(pci, 0x06, 2, &word);
	if (!(word & 0x10)) {   /* status: capabilities list */
		*why = "no PCI capabilities list";
		return -MICA_ENODEV;
	}
	pci_device_config_read(pci, 0x34, 1, &at);
	for (int n = 0; at >= 0x40 && n < 48; n++) {
		uint32_t head, bar, offset, length;
		pci_device_config_read(pci, at, 4, &head);
		uint32_t type = head >> 24;
		if ((head & 0xff) == 0x09 && type >= CAP_COMMON && type <= CAP_DEVICE) {
			uint64_t size = 0;
			pci_device_config_read(pci, at + 4, 1, &bar);
			pci_device_config_read(pci, at + 8, 4, &offset);
			pci_device_config_read(pci, at + 12, 4, &length);
			volatile uint8_t *base = map_bar(pci, bar, &size);
			if (base && offset < size && length <= size - offset && !(found & (1 << type))) {
				volatile uint8_t *p = base + offset;
				found |= 1 << type;
				if (type == CAP_COMMON)
					v->common = p;
				else if (type == CAP_NOTIFY) {
					v->notify = p;
					pci_device_config_read(pci, at + 16, 4, &v->notify_mult);
				} else if (type == CAP_ISR)
					v->isr = p;
				else
					v->device = p;
			}
		}
		at = (head >> 8) & 0xfc;
	}
	if (!v->common || !v->notify || !v->isr || !v->device) {
		*why = "no virtio 1.0 (modern) register areas";
		return -MICA_ENODEV;
	}
	/* Map every area now: root reads a page's first byte when it first
	 * maps it, and a read of the ISR clears it. */
	(void)*v->common, (void)*v->notify, (void)*v->isr, (void)*v->device;
	/* Bus mastering on: the device reads and writes the queue by DMA. */
	pci_device_config_read(pci, 0x04, 2, &word);
	pci_device_config_write(pci, 0x04, 2, word | 0x6);
	R8(v->common, DEVICE_STATUS) = 0;   /* reset */
	while (R8(v->common, DEVICE_STATUS) != 0)
		;
	R8(v->common, DEVICE_STATUS) = STATUS_ACKNOWLEDGE;
	R8(v->common, DEVICE_STATUS) = STATUS_ACKNOWLEDGE | STATUS_DRIVER;
	return 0;
}

static uint64_t device_features(struct virtio *v)
{
	R32(v->common, DEVICE_FEATURE_SELECT) = 0;
	uint64_t lo = R32(v->common, DEVICE_FEATURE);
	R32(v->common, DEVICE_FEATURE_SELECT) = 1;
	return lo | (uint64_t)R32(v->common, DEVICE_FEATURE) << 32;
}

static int fail(struct virtio *v, const char *what, const char **why)
{
	R8(v->common, DEVICE_STATUS) = R8(v->common, DEVICE_STATUS) | STATUS_FAILED;
	*why = what;
	return -MICA_ENODEV;
}

int virtio_start(struct virtio *v, uint64_t wanted, uint64_t *got, uint8_t *va, uint64_t pa, const char **why)
{
	uint64_t offered = device_features(v);

	wanted |= 1ull << 32;   /* VERSION_1 */
	if (!(offered & (1ull << 32)))
		return fail(v, "the device does not offer VERSION_1", why);
	*got = offered & wanted;
	R32(v->common, DRIVER_FEATURE_SELECT) = 0;
	R32(v->common, DRIVER_FEATURE) = (uint32_t)*got;
	R32(v->common, DRIVER_FEATURE_SELECT) = 1;
	R32(v->common, DRIVER_FEATURE) = (uint32_t)(*got >> 32);
	R8(v->common, DEVICE_STATUS) = STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK;
	if (!(R8(v->common, DEVICE_STATUS) & STATUS_FEATURES_OK))
		return fail(v, "the device refused the features", why);

	R16(v->common, QUEUE_SELECT) = 0;
	uint16_t size = R16(v->common, QUEUE_SIZE);
	if (!size)
		return fail(v, "the device has no queue 0", why);
	if (size > VQ_SIZE_MAX)
		size = VQ_SIZE_MAX;
	R16(v->common, QUEUE_SIZE) = size;
	v->size = size;
	/* Layout in the DMA memory: descriptors (16 bytes each) at 0, the
	 * available ring at 1024, the used ring at 2048 (VQ_SIZE_MAX 64). */
	v->queue_va = va;
	v->queue_pa = pa;
	v->desc = (struct virtq_desc *)va;
	v->avail = (volatile uint16_t *)(va + 1024);
	v->used = va + 2048;
	v->last_used = 0;
	*(volatile uint64_t *)(v->common + QUEUE_DESC) = pa;
	*(volatile uint64_t *)(v->common + QUEUE_DRIVER) = pa + 1024;
	*(volatile uint64_t *)(v->common + QUEUE_DEVICE) = pa + 2048;
	R16(v->common, QUEUE_MSIX_VECTOR) = NO_VECTOR;   /* INTx, not MSI-X */
	v->notify_off = R16(v->common, QUEUE_NOTIFY_OFF);
	R16(v->common, QUEUE_ENABLE) = 1;
	R8(v->common, DEVICE_STATUS) = STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK;
	return 0;
}

void virtio_submit(struct virtio *v, uint16_t head)
{
	uint16_t idx = v->avail[1];

	v->avail[2 + idx % v->size] = head;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* the entry before the index */
	v->avail[1] = (uint16_t)(idx + 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* the index before the notification */
	R16(v->notify, (uint32_t)v->notify_off * v->notify_mult) = 0;
}

bool virtio_next_used(struct virtio *v, uint16_t *head)
{
	uint16_t idx = *(volatile uint16_t *)(v->used + 2);

	if (idx == v->last_used)
		return false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* the index before the entry */
	*head = (uint16_t)*(volatile uint32_t *)(v->used + 4 + 8 * (v->last_used % v->size));
	v->last_used++;
	return true;
}

uint8_t virtio_isr(struct virtio *v)
{
	return *v->isr;
}

uint32_t virtio_config32(struct virtio *v, uint32_t offset)
{
	return R32(v->device, offset);
}

uint64_t virtio_config64(struct virtio *v, uint32_t offset)
{
	return R32(v->device, offset) | (uint64_t)R32(v->device, offset + 4) << 32;
}
