/*
 * blk.c - the virtio-blk driver and block server (docs/blk.md).  Root
 * gives it one PCI function (`dev`, docs/pci.md); it drives the disk over
 * the modern virtio transport (virtio.c) and serves it as Block
 * (idl/rt/block.idl) to many clients at once.
 *
 * Threads: the main thread answers Block.open on the served gate; each
 * session has a thread of its own from a fixed pool, which serves the
 * session's gate and has at most one request in flight, in a fixed block
 * of descriptors of the queue; the irq thread takes the device's
 * interrupt, walks the used ring and wakes the session threads whose
 * requests completed.  So requests of different clients are in the device
 * at once, and no thread polls.  The data never passes through the
 * server: the device reads and writes the session's buffer, DMA memory
 * from root that the client has attached.
 */
#include <libsys/debug.h>
#include <libsys/error.h>
#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <libsys/thread.h>
#include <mica/error.h>
#include <rt/rt.h>
#include <server/server.h>

#include <idl/rt/block_server.h>
#include <idl/kernel/factory.h>
#include <idl/kernel/gate.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/rt/memory.h>
#include <idl/rt/pci.h>
#include <idl/rt/region_map.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>
#include "virtio.h"

/* Feature bits (virtio 1.0, 5.2.3). */
#define F_SIZE_MAX 1
#define F_SEG_MAX 2
#define F_RO 5
#define F_BLK_SIZE 6
#define F_FLUSH 9

#define REQ_IN 0
#define REQ_OUT 1
#define REQ_FLUSH 4

#define SESSIONS_MAX 8
#define DESCS_PER_SESSION 8   /* header, up to 6 data segments, status */
#define SEGS_MAX (DESCS_PER_SESSION - 2)
#define BUFFER_MAX (256u << 10)
#define STACK 16384

/* Irq labels. */
#define LABEL_DEVICE 1
#define LABEL_DONE 2
#define LABEL_CLOSE 3

struct req_hdr {
	uint32_t type, reserved;
	uint64_t sector;
};

struct session {
	unsigned index;
	bool open, read_only;
	bool closing;             /* the last client capability went during a request */
	volatile bool done;       /* set by the irq thread */
	mica_cap_t thread, gate, done_irq, watch, buffer;
	uint64_t buffer_pa;
	uint32_t buffer_size;
	struct block_buffers bufs;
	uint8_t stack[STACK] __attribute__((aligned(16)));
};

static struct disk {
	struct virtio v;
	uint64_t features, blocks;
	uint32_t block_size, size_max, seg_max;
	bool read_only;
	struct req_hdr *hdr;         /* one per session, in the queue's DMA memory */
	volatile uint8_t *status;
	uint64_t hdr_pa, status_pa;
	mica_cap_t irq;
	unsigned sessions;           /* how many the queue holds */
	int lock;
} disk;

static struct session sessions[SESSIONS_MAX];
static uint8_t irq_stack[STACK] __attribute__((aligned(16)));

/* The available ring's lock, taken by session threads: `self` is the
 * caller's own thread (Thread.yield is invoked on one's own). */
static void lock(mica_cap_t self)
{
	while (__atomic_test_and_set(&disk.lock, __ATOMIC_ACQUIRE))
		thread_yield(self);
}

static void unlock(void)
{
	__atomic_clear(&disk.lock, __ATOMIC_RELEASE);
}

/* ---- requests ---------------------------------------------------------- */

/* The chain of session s for one request: header, data in segments of at
 * most size_max bytes, status.  The caller checked the range. */
static uint16_t build_chain(struct session *s, uint32_t type, uint64_t sector, uint64_t pa, uint32_t len)
{
	uint16_t first = (uint16_t)(s->index * DESCS_PER_SESSION), d = first;
	struct virtq_desc *desc = disk.v.desc;

	disk.hdr[s->index] = (struct req_hdr){ .type = type, .sector = sector };
	desc[d] = (struct virtq_desc){ disk.hdr_pa + s->index * sizeof(struct req_hdr), sizeof(struct req_hdr),
				       VIRTQ_DESC_F_NEXT, (uint16_t)(d + 1) };
	d++;
	while (len) {
		uint32_t n = disk.size_max && len > disk.size_max ? disk.size_max : len;
		desc[d] = (struct virtq_desc){ pa, n, (uint16_t)(VIRTQ_DESC_F_NEXT | (type == REQ_IN ? VIRTQ_DESC_F_WRITE : 0)),
					       (uint16_t)(d + 1) };
		pa += n, len -= n, d++;
	}
	disk.status[s->index] = 0xff;
	desc[d] = (struct virtq_desc){ disk.status_pa + s->index, 1, VIRTQ_DESC_F_WRITE, 0 };
	return first;
}

/* Wait on this session's thread until the irq thread says its request is
 * done.  A close notification meanwhile is remembered; a call (another
 * thread of the same client on the same session) cancels the first
 * caller's wait, which is that client's own doing. */
static void wait_done(struct session *s)
{
	mica_word_t tag, label;

	while (!s->done) {
		if (mica_ipc_wait(MICA_TIMEOUT_NEVER, &tag, &label))
			continue;
		if ((mica_tag_flags(tag) & MICA_TAG_F_IRQ) && label == LABEL_CLOSE)
			s->closing = true;
	}
}

static int submit(struct session *s, uint32_t type, uint64_t sector, uint64_t pa, uint32_t len)
{
	s->done = false;
	uint16_t head = build_chain(s, type, sector, pa, len);
	lock(s->thread);
	virtio_submit(&disk.v, head);
	unlock();
	wait_done(s);
	if (s->closing)
		irq_trigger(s->watch);   /* handled by the loop, now that nothing is in flight */
	return disk.status[s->index] == 0 ? 0 : -MICA_EIO;
}

/* The irq thread: completions, then the line again. */
static void irq_thread(void *arg)
{
	mica_word_t tag, label;

	(void)arg;
	for (;;) {
		if (mica_ipc_wait(MICA_TIMEOUT_NEVER, &tag, &label) || label != LABEL_DEVICE)
			continue;
		virtio_isr(&disk.v);   /* reading it lowers the line */
		uint16_t head;
		while (virtio_next_used(&disk.v, &head)) {
			unsigned i = head / DESCS_PER_SESSION;
			if (i >= disk.sessions)
				continue;
			sessions[i].done = true;
			irq_trigger(sessions[i].done_irq);
		}
		irq_unmask(disk.irq);
	}
}

/* ---- the protocol -------------------------------------------------------- */

static struct session *session_of(struct srv_request *req)
{
	struct session *s = req->obj;
	return s && s->open ? s : 0;
}

static int check_range(struct session *s, uint64_t block, uint32_t count, uint32_t offset, uint32_t *len)
{
	uint64_t bytes = (uint64_t)count * disk.block_size;

	if (!count || offset % disk.block_size || offset > s->buffer_size || bytes > s->buffer_size - offset ||
	    block >= disk.blocks || count > disk.blocks - block)
		return -MICA_EINVAL;
	/* More segments than the device takes (SEG_MAX of size_max each). */
	if (disk.size_max && (bytes + disk.size_max - 1) / disk.size_max > disk.seg_max)
		return -MICA_EINVAL;
	*len = (uint32_t)bytes;
	return 0;
}

static int on_info(struct srv_request *req, uint64_t *blocks, uint32_t *block_size, bool *read_only,
		   uint32_t *buffer_size)
{
	struct session *s = session_of(req);

	if (!s)
		return -MICA_ENOSYS;
	*blocks = disk.blocks;
	*block_size = disk.block_size;
	*read_only = disk.read_only || s->read_only;
	*buffer_size = s->buffer_size;
	return 0;
}

static int on_read(struct srv_request *req, uint64_t block, uint32_t count, uint32_t offset)
{
	struct session *s = session_of(req);
	uint32_t len;

	if (!s)
		return -MICA_ENOSYS;
	int err = check_range(s, block, count, offset, &len);
	return err ? err : submit(s, REQ_IN, block * (disk.block_size / 512), s->buffer_pa + offset, len);
}

static int on_write(struct srv_request *req, uint64_t block, uint32_t count, uint32_t offset)
{
	struct session *s = session_of(req);
	uint32_t len;

	if (!s)
		return -MICA_ENOSYS;
	if (disk.read_only)
		return -MICA_EROFS;
	if (s->read_only)
		return -MICA_EPERM;
	int err = check_range(s, block, count, offset, &len);
	return err ? err : submit(s, REQ_OUT, block * (disk.block_size / 512), s->buffer_pa + offset, len);
}

static int on_flush(struct srv_request *req)
{
	struct session *s = session_of(req);

	if (!s)
		return -MICA_ENOSYS;
	if (!(disk.features & (1ull << F_FLUSH)) || disk.read_only)
		return 0;
	return submit(s, REQ_FLUSH, 0, 0, 0);
}

/* The session's end: its gate and watch go, the client's copies of the
 * buffer are revoked and the buffer goes back to root.  Runs on the
 * session's thread when nothing is in flight. */
static void session_close(struct session *s)
{
	if (!s->open)
		return;
	s->open = false;
	kobject_destroy(s->gate);
	kobject_destroy(s->watch);
	task_cap_unmap(MICA_BOOT_TASK, s->buffer, false);
	mica_slot_drop(s->buffer);
	mica_slot_free(s->gate);
	mica_slot_free(s->watch);
	s->gate = s->watch = s->buffer = MICA_CAP_NULL;
	s->closing = false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void session_irq(const struct srv *srv, mica_word_t label)
{
	struct session *s = srv->state;

	if (label == LABEL_CLOSE)
		session_close(s);
}

static void undo_open(void *made)
{
	session_close(made);
}

static int session_open(struct session *s, uint32_t size, bool read_only)
{
	uint64_t pa;
	int err;

	s->gate = mica_slot_alloc();
	s->watch = mica_slot_alloc();
	s->buffer = mica_slot_alloc();
	if (!s->gate || !s->watch || !s->buffer)
		err = -MICA_ENOMEM;
	else if ((err = memory_alloc_dma(rt_cap("mem"), size, &s->buffer, &pa)) == 0 &&
		 (err = factory_create_gate(MICA_BOOT_FACTORY, s->gate, s->thread, (mica_word_t)s)) == 0 &&
		 (err = factory_create_irq(MICA_BOOT_FACTORY, s->watch, LABEL_CLOSE)) == 0 &&
		 (err = irq_bind(s->watch, s->thread)) == 0)
		err = gate_watch(s->gate, s->watch);
	if (err) {
		if (s->gate)
			kobject_destroy(s->gate), mica_slot_free(s->gate);
		if (s->watch)
			kobject_destroy(s->watch), mica_slot_free(s->watch);
		if (s->buffer)
			mica_slot_drop(s->buffer);
		s->gate = s->watch = s->buffer = MICA_CAP_NULL;
		return err;
	}
	s->buffer_pa = pa;
	s->buffer_size = size;
	s->read_only = read_only;
	s->closing = false;
	s->open = true;
	return 0;
}

static int on_open(struct srv_request *req, uint32_t size, bool read_only, mica_cap_t *session, mica_cap_t *buffer)
{
	if (req->obj)
		return -MICA_ENOSYS;   /* a session's gate */
	if (!size || size % MICA_PAGE_SIZE || size > BUFFER_MAX)
		return -MICA_EINVAL;
	for (unsigned i = 0; i < disk.sessions; i++) {
		struct session *s = &sessions[i];
		if (s->open || s->gate)
			continue;
		int err = session_open(s, size, read_only);
		if (err)
			return err;
		*session = s->gate;
		*buffer = s->buffer;
		srv_made(req, undo_open, s);
		return 0;
	}
	return -MICA_EBUSY;
}

static const struct block_ops ops = { .open = on_open, .info = on_info, .read = on_read, .write = on_write,
				      .flush = on_flush };

static void session_thread(void *arg)
{
	struct session *s = arg;
	const struct srv srv = { .protocol = &block_server, .ops = &ops, .state = s, .irq = session_irq };

	srv_serve(&srv, &s->bufs);
	mica_printf("blk: session thread %u: no slot left\n", s->index);
}

/* ---- start-up ------------------------------------------------------------ */

static int start_thread(mica_cap_t *slot, void (*fn)(void *), void *arg, void *stack)
{
	int err;

	*slot = mica_slot_alloc();
	if (!*slot)
		return -MICA_ENOMEM;
	if ((err = mica_thread_create(MICA_BOOT_FACTORY, MICA_BOOT_TASK, *slot, rt_utcb_alloc(), fn, arg, stack, STACK,
				      0)) != 0)
		return err;
	if ((err = thread_set_handlers(*slot, rt_cap("rm"), rt_cap("rm"))) != 0)
		return err;
	return thread_start(*slot);
}

static int die(const char *what, int err)
{
	mica_printf("blk: %s%s%s\n", what, err ? ": " : "", err ? mica_strerror(-err) : "");
	return 1;
}

static int setup_disk(mica_cap_t dev)
{
	const char *why = "";
	uint64_t pa, start;
	mica_cap_t qds = mica_slot_alloc();
	int err;

	if ((err = virtio_open(&disk.v, dev, &why)) != 0)
		return die(why, 0);
	if ((err = memory_alloc_dma(rt_cap("mem"), VIRTIO_QUEUE_BYTES, &qds, &pa)) != 0 ||
	    (err = region_map_attach(rt_cap("rm"), 0, VIRTIO_QUEUE_BYTES, MICA_R | MICA_W, qds, 0, &start)) != 0)
		return die("no DMA memory for the queue", err);
	uint64_t wanted = 1ull << F_SIZE_MAX | 1ull << F_SEG_MAX | 1ull << F_RO | 1ull << F_BLK_SIZE | 1ull << F_FLUSH;
	if ((err = virtio_start(&disk.v, wanted, &disk.features, (uint8_t *)start, pa, &why)) != 0)
		return die(why, 0);
	/* Request headers and status bytes: the second page of the queue's memory. */
	disk.hdr = (struct req_hdr *)(start + MICA_PAGE_SIZE);
	disk.hdr_pa = pa + MICA_PAGE_SIZE;
	disk.status = (volatile uint8_t *)(start + MICA_PAGE_SIZE + 1024);
	disk.status_pa = pa + MICA_PAGE_SIZE + 1024;
	uint64_t sectors = virtio_config64(&disk.v, 0);
	disk.size_max = disk.features & (1ull << F_SIZE_MAX) ? virtio_config32(&disk.v, 8) : 0;
	disk.seg_max = disk.features & (1ull << F_SEG_MAX) ? virtio_config32(&disk.v, 12) : 1;
	if (disk.seg_max > SEGS_MAX || !disk.seg_max)
		disk.seg_max = SEGS_MAX;
	if (!disk.size_max)
		disk.seg_max = 1;   /* one segment of any length */
	disk.block_size = disk.features & (1ull << F_BLK_SIZE) ? virtio_config32(&disk.v, 20) : 512;
	if (disk.block_size < 512 || disk.block_size > 4096 || (disk.block_size & (disk.block_size - 1)))
		disk.block_size = 512;
	disk.blocks = sectors / (disk.block_size / 512);
	disk.read_only = (disk.features & (1ull << F_RO)) != 0;
	disk.sessions = disk.v.size / DESCS_PER_SESSION;
	if (disk.sessions > SESSIONS_MAX)
		disk.sessions = SESSIONS_MAX;
	mica_printf("blk: %lu blocks of %u bytes%s, features %#lx, queue %u, %u sessions\n",
		    (unsigned long)disk.blocks, disk.block_size, disk.read_only ? ", read-only" : "",
		    (unsigned long)disk.features, disk.v.size, disk.sessions);
	return 0;
}

int main(void)
{
	static struct block_buffers buffers;
	mica_cap_t dev = rt_cap("dev"), irq_thread_slot;
	uint32_t id, class_rev, location, line;
	int err;

	if (!dev)
		return die("no PCI device given (boot.cfg: cap pci:1af4:1001 dev)", 0);
	if ((err = pci_device_describe(dev, &id, &class_rev, &location, &line)) != 0)
		return die("the device handle does not answer", err);
	if ((id & 0xffff) != 0x1af4 || ((id >> 16) != 0x1001 && (id >> 16) != 0x1042)) {
		mica_printf("blk: device %04x:%04x is not a virtio-blk disk\n", id & 0xffff, id >> 16);
		return 1;
	}
	if (setup_disk(dev))
		return 1;
	disk.irq = mica_slot_alloc();
	if ((err = start_thread(&irq_thread_slot, irq_thread, 0, irq_stack)) != 0 ||
	    (err = factory_create_irq(MICA_BOOT_FACTORY, disk.irq, LABEL_DEVICE)) != 0 ||
	    (err = irq_bind(disk.irq, irq_thread_slot)) != 0 || (err = pci_device_irq(dev, disk.irq)) != 0 ||
	    (err = irq_unmask(disk.irq)) != 0)
		return die("cannot take the device's interrupt", err);
	for (unsigned i = 0; i < disk.sessions; i++) {
		struct session *s = &sessions[i];
		s->index = i;
		s->done_irq = mica_slot_alloc();
		if ((err = start_thread(&s->thread, session_thread, s, s->stack)) != 0 ||
		    (err = factory_create_irq(MICA_BOOT_FACTORY, s->done_irq, LABEL_DONE)) != 0 ||
		    (err = irq_bind(s->done_irq, s->thread)) != 0)
			return die("cannot start the session threads", err);
	}
	const struct srv srv = { .protocol = &block_server, .ops = &ops, .state = 0 };
	return srv_serve(&srv, &buffers) ? 1 : 0;
}
