/*
 * virtio.h - a virtio 1.0 device over the modern PCI transport and one
 * split virtqueue (docs/blk.md).  The transport finds its four register
 * areas through the vendor capabilities in configuration space; the
 * queue's descriptor table, rings and the request headers are one DMA
 * dataspace from root.  No IPC happens here but the PCI handle's.
 */
#ifndef BLK_VIRTIO_H
#define BLK_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include <mica/types.h>

#define VQ_SIZE_MAX 64

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2

struct virtio {
	mica_cap_t pci;
	volatile uint8_t *common, *notify, *isr, *device;   /* mapped register areas */
	uint32_t notify_mult;
	/* the queue */
	uint16_t size, notify_off, last_used;
	struct virtq_desc *desc;
	volatile uint16_t *avail;   /* flags, idx, ring[size] */
	volatile uint8_t *used;     /* flags, idx, {id, len}[size] */
	uint64_t queue_pa;
	uint8_t *queue_va;
};

/* Find the device's register areas and map them; reset it.  0 or -MICA_Exxx
 * with a message in why. */
int virtio_open(struct virtio *v, mica_cap_t pci, const char **why);
/* Negotiate: offer `wanted` (bit 32: VERSION_1 is always asked for) of the
 * device's features; *got is what was accepted.  Then set up queue 0 in the
 * DMA memory at va/pa (VQ_SIZE_MAX entries at most) and mark the driver
 * ready. */
int virtio_start(struct virtio *v, uint64_t wanted, uint64_t *got, uint8_t *va, uint64_t pa, const char **why);
/* Put the chain starting at descriptor `head` on the available ring and
 * tell the device. */
void virtio_submit(struct virtio *v, uint16_t head);
/* The next used element: true with its head in *head, false when none. */
bool virtio_next_used(struct virtio *v, uint16_t *head);
/* Read (and so clear) the interrupt status. */
uint8_t virtio_isr(struct virtio *v);
/* The device-specific configuration at `offset`. */
uint32_t virtio_config32(struct virtio *v, uint32_t offset);
uint64_t virtio_config64(struct virtio *v, uint32_t offset);
/* Bytes of DMA memory virtio_start needs for the queue. */
#define VIRTIO_QUEUE_BYTES 8192

#endif
