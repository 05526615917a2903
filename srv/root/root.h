/*
 * root.h - the root task's pieces (docs/root.md): one server thread on the
 * server loop (lib/server), every object it serves reached through gates
 * whose label is the object's address.  An irq whose label is an object's address with bit 0 set says
 * that the last client capability to that object's gate is gone.
 */
#ifndef SRV_ROOT_H
#define SRV_ROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mica/boot.h>
#include <mica/types.h>

enum obj_kind { K_DS = 1, K_SESSION, K_ROM, K_REGISTRY, K_LAUNCHER, K_PROCESS, K_PARENT, K_LOG, K_PCIDEV };

struct obj {
	enum obj_kind kind;
	mica_cap_t gate;   /* root's capability to the object's gate */
	mica_cap_t watch;  /* the irq that reports its last client gone (0: none) */
};

#define PAGE MICA_PAGE_SIZE

/* lib/common/string.c */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
#define WATCH_BIT 1ull

/* obj.c: gates and last-reference watches. */
int obj_open(struct obj *o, enum obj_kind kind, bool watch);
void obj_close(struct obj *o);
struct obj *obj_of_cap(mica_cap_t cap);

/* pages.c: the user pool's physical pages, reached through the window. */
void pages_init(void);
uint64_t pages_alloc(void);   /* a zeroed page's physical address, 0 when none is left */
/* pages_alloc for a page the caller writes whole: its old bytes stay. */
uint64_t pages_alloc_uninit(void);
void pages_free(uint64_t pa);
/* n physically contiguous zeroed pages starting at a multiple of `align`
 * (a power of two, at least a page): the first one's address, 0 when no
 * such run is free. */
uint64_t pages_alloc_run(uint64_t n, uint64_t align);
void pages_stats(uint64_t *total, uint64_t *free);
/* A page held by several dataspaces (copy-on-write after a fork): one more
 * holder (false at the limit of the count); whether another holder than
 * the caller is left; one holder fewer, the page freed with its last. */
bool pages_share(uint64_t pa);
bool pages_shared(uint64_t pa);
void pages_put(uint64_t pa);
static inline void *pages_va(uint64_t pa) { return (void *)(MICA_BOOT_PHYS_WINDOW + pa); }

/* ds.c: dataspaces. */
struct session;
struct ds;
enum ds_type { DS_ANON, DS_ROM, DS_COW, DS_DEVICE, DS_DMA };
/* A new dataspace of `size` bytes charged to `s` (none for rom); for rom
 * and copy-on-write it shows src_size bytes of physical memory from src_pa,
 * zeros after them; a device dataspace shows the device registers at
 * src_pa (mapped uncached), a DMA one the contiguous pages at src_pa, its
 * own, charged to `s`.  A `client_owned` one goes when the last client
 * capability to it does; the others belong to root's own records (rom/, a
 * program's regions), which destroy them. */
int ds_create(enum ds_type type, uint64_t size, uint32_t rights, struct session *s, uint64_t src_pa,
	      uint64_t src_size, bool client_owned, struct ds **out);
void ds_destroy(struct ds *d);
/* One more record holds d: it goes at the last of their ds_destroy calls. */
void ds_share(struct ds *d);
/* A copy-on-write copy of an anonymous or copy-on-write dataspace, charged
 * to `s`: both then share its pages until either writes one (ds.c). */
int ds_fork(struct ds *d, struct session *s, bool client_owned, struct ds **out);
/* Map the pages d has of its first `size` bytes into `task` at `at` with
 * `rights`, without W for those it shares (what it has not are left to
 * faults). */
void ds_map_present(struct ds *d, mica_cap_t task, uint64_t at, uint64_t size, uint32_t rights);
/* Whether ds_fork can copy it (the other kinds are shared as they are). */
bool ds_forkable(struct ds *d);
/* The physical page behind `offset` for an access with `rights`, made if
 * need be; 0 with *err set on failure. */
uint64_t ds_page(struct ds *d, uint64_t offset, uint32_t rights, int *err);
mica_cap_t ds_gate(struct ds *d);
/* *held is true while d lives (d clears it when it goes). */
void ds_hold(struct ds *d, bool *held);
int ds_write(struct ds *d, uint64_t offset, const void *src, size_t len);
struct mica_flexpage;
/* Dataspace.map: the page at `offset`, or for a boot file or a program
 * image the aligned block of up to 2^max_order bytes around it
 * (fault-around: the receiver's window takes the part it covers). */
#define DS_AROUND_ORDER 16
int ds_map(struct ds *d, uint64_t offset, uint32_t rights, unsigned max_order, struct mica_flexpage *page);
int ds_info(struct ds *d, uint64_t *size, uint32_t *rights);
int ds_clear(struct ds *d, uint64_t offset, uint64_t size);
/* The session an anonymous dataspace or a program image is charged to (0:
 * another kind). */
struct session *ds_session(struct ds *d);
/* A program image (Image.copy, or a program's own copy of its file): a new
 * read-only dataspace of physically contiguous pages, charged to `s`,
 * holding the first `size` bytes of `src` (zeros after them); *bytes is
 * where root's window shows them.  `client_owned`: it goes with its last
 * capability (and its ds_share holders). */
int ds_copy_contiguous(struct ds *src, uint64_t size, struct session *s, bool client_owned, struct ds **out,
		       const void **bytes);
/* A program image's bytes in root's window and *size, or 0: d is none. */
const void *ds_image(struct ds *d, uint64_t *size);

/* memory.c: sessions of the memory server. */
/* A session of `quota` bytes (at most `parent`'s), whose use counts against
 * `parent` and the sessions above it too (0: none). */
struct session *session_create(uint64_t quota, struct session *parent);
uint64_t session_left(struct session *s);
uint64_t session_quota(struct session *s);
int session_charge(struct session *s, uint64_t bytes);
void session_uncharge(struct session *s, uint64_t bytes);
/* The program that held it ended: it goes once its dataspaces have. */
void session_release(struct session *s);
mica_cap_t session_gate(struct session *s);
/* The live session a capability received in a request is to (its gate's
 * label, checked to be that session's very gate), or 0. */
struct session *session_of(mica_cap_t cap);
/* A dataspace of `size` bytes for the session's client, gone with its last capability. */
int session_alloc(struct session *s, uint64_t size, struct ds **out);
/* A DMA dataspace of `size` bytes, physically contiguous from *pa. */
int session_alloc_dma(struct session *s, uint64_t size, struct ds **out, uint64_t *pa);
int session_stats(struct session *s, uint64_t *quota, uint64_t *used, uint64_t *pool_pages, uint64_t *pool_free);

/* rom.c: boot modules. */
void rom_init(void);
/* The boot file named `name`: its index, or -1. */
int rom_find(const char *name);
struct ds *rom_ds(int index);
const void *rom_bytes(int index, uint64_t *size);
unsigned rom_count(void);
extern struct obj rom_obj;
int rom_open_file(const char *name, mica_cap_t *ds, uint64_t *size);
int rom_file_at(uint32_t index, char *name, uint64_t *size);
/* Where root sees the block of `size` bytes (a power of two, at most
 * 64 KiB) at `offset` of the boot file d at an address aligned to `size`
 * (its alias, made on first use), so that it can be sent as one flexpage;
 * 0 when d is no boot file or the block is past its alias. */
uint64_t rom_block(const struct ds *d, uint64_t offset, uint64_t size);

/* registry.c */
extern struct obj registry_obj;
/* The capability published as `name` (0: none). */
mica_cap_t registry_find(const char *name);
int registry_add(const char *name, mica_cap_t slot);
void registry_init(void);
int reg_publish(const char *name, mica_cap_t c);
int reg_lookup(const char *name, mica_cap_t *c);
int reg_entry(uint32_t index, char *name);
int reg_withdraw(const char *name, mica_cap_t owner);

/* log.c: a Stream on the kernel log, the stdout of programs without a console. */
extern struct obj log_stream;
void log_stream_init(void);
int log_stream_write(const void *data, uint32_t len, uint32_t *written);

/* launcher.c */
/* A program's file as another server's dataspaces (Launcher.start_mapped):
 * its headers, its size, the mappings of its text and of its data (root's
 * slots, kept by the program's record once it is made; data 0: none). */
struct mapped_file {
	const void *head;
	uint32_t head_len;
	uint64_t size;
	mica_cap_t text, data;
};
struct spawn_args {
	const char *name;
	const char *const *argv;   /* argv[0] is the name */
	const char *const *env;    /* extra KEY=VALUE entries */
	mica_cap_t out, in;        /* root's slots, granted to the program (0: none) */
	mica_cap_t proc;           /* the same, its gate to the process server */
	uint64_t mem_quota, kmem_quota;
	struct session *charge;    /* the starter's session, the new one's parent (0: root's) */
	struct process *payer;     /* whose factory pays for its kernel memory (0: root's, kmem_quota reserved) */
	struct { const char *name; mica_cap_t slot; } caps[8];   /* more named capabilities, copied */
	unsigned ncaps;
	uint16_t io_port;
	uint32_t io_count;            /* I/O ports it may use: an I/O flexpage (count 0: none) */
	const char *provide;          /* a gate to its main thread, published under this name */
	struct ds *image;             /* its file: these bytes (copied), not a boot file of `name` */
	uint64_t image_size;
	const struct mapped_file *mapped;   /* or its file mapped by another server (0: not) */
	bool daemon;                  /* root does not wait for it to end before halting */
	uint64_t utcb;                /* its main thread's UTCB (0: MICA_BOOT_UTCB) */
	uint32_t prio;                /* its main thread's priority and MCP (0: by its kind) */
};
struct process;
int launcher_spawn_program(const struct spawn_args *a, struct process **out);
void process_last_ref(struct obj *o);
/* Whether programs that root waits for are still running. */
bool launcher_busy(void);
bool launcher_alive(uint64_t pid);
uint64_t process_pid(struct process *p);
/* Launcher.identify: the pid of the program whose launcher gate it is. */
int launcher_identify_request(mica_cap_t launcher, uint64_t *pid);
/* Whether the program may halt the machine (boot.cfg started it). */
bool process_may_halt(struct process *p);
void launcher_kill_all(void);
/* Parent.on_halt: `irq` (root's now) is triggered at halt. */
int parent_on_halt_request(struct process *p, mica_cap_t irq);
/* Trigger the halt irq of every live program that gave one; how many. */
unsigned launcher_tell_halt(void);
/* A program told of the halt has not ended yet. */
bool launcher_halt_pending(void);
extern bool root_halting;
struct process *process_of(struct obj *o);
int launcher_spawn_request(struct process *spawner, const char *name, const void *args, uint32_t args_len,
			   mica_cap_t out_stream, mica_cap_t in_stream, mica_cap_t notify, uint64_t mem_quota,
			   struct obj **handle);
/* `payer` (a Process handle or a launcher gate, 0: none) pays for the
 * program, else (none, or it has ended) the dataspace's session and
 * root's factory (Image.start) or `spawner` (Launcher.start_mapped). */
int launcher_image_request(struct ds *image, const char *name, uint64_t size, const void *args, uint32_t args_len,
			   const void *env, uint32_t env_len, mica_cap_t out_stream, mica_cap_t in_stream,
			   mica_cap_t notify, mica_cap_t proc, mica_cap_t payer, uint64_t mem_quota,
			   struct obj **handle);
int launcher_mapped_request(struct process *spawner, const char *name,
			    const struct mapped_file *file, const void *strings, uint32_t strings_len, uint32_t argc,
			    mica_cap_t out_stream, mica_cap_t in_stream, mica_cap_t notify,
			    mica_cap_t proc, mica_cap_t payer, uint64_t mem_quota, struct obj **handle, mica_cap_t *task,
			    mica_cap_t *thread);
int process_status_request(struct process *p, bool *ended, int32_t *status, uint64_t *pid);
int process_kill_request(struct process *p);
int process_stop_request(struct process *p, bool stop);
int parent_exit_request(struct process *p, int32_t status);
int parent_region_request(struct process *p, uint32_t index, uint64_t *start, uint64_t *size, uint64_t *offset,
			  uint32_t *rights, mica_cap_t *ds);
int parent_stray_fault_request(struct process *p, uint64_t addr, uint64_t ip, uint32_t access);
/* An exception of p's main thread before its region mapper takes them:
 * p ends (128 + the exception's signal). */
int parent_exception(struct process *p, uint64_t vector, uint64_t ip);
int parent_page_fault(struct process *p, uint64_t addr, uint64_t ip, uint32_t access, struct mica_flexpage *page);
/* Parent.fork: a copy of p (docs/processes.md, "fork"), its first thread
 * stopped; *task and *thread are root's slots for them, *pid its pid.
 * `by_handle`: asked on p's Process handle (by its starter), refused
 * (MICA_EPERM) unless p was started with a `proc` (for the process
 * server: Image.start, start_mapped, a fork of such a program). */
int parent_fork_request(struct process *p, bool by_handle, mica_cap_t notify, mica_cap_t proc, const void *plan,
			uint32_t len, mica_cap_t text, mica_cap_t data, struct obj **handle, mica_cap_t *task,
			mica_cap_t *thread, uint64_t *pid);
/* A Process handle whose reply was lost: the program ends and its record goes. */
void process_abandon(struct obj *o);

/* pci.c: the PCI bus (docs/pci.md). */
#define PCI_BAR_IO 1u
#define PCI_BAR_64 2u
#define PCI_BAR_PREFETCH 4u
struct pcidev;
void pci_init(void);
mica_cap_t pci_find(const char *name);
int pci_info(struct pcidev *d, uint32_t *id, uint32_t *class_rev, uint32_t *location, uint32_t *irq_line);
int pci_config_read(struct pcidev *d, uint32_t offset, uint32_t width, uint32_t *value);
int pci_config_write(struct pcidev *d, uint32_t offset, uint32_t width, uint32_t value);
int pci_bar(struct pcidev *d, uint32_t index, uint64_t *base, uint64_t *size, uint32_t *flags, struct ds **ds);
int pci_irq(struct pcidev *d, mica_cap_t irq);
int pci_io_bar(struct pcidev *d, uint32_t index, mica_cap_t task);
void pci_release(struct pcidev *d);

/* dispatch glue: root's handlers (handlers.c). */
struct root_ops;
extern const struct root_ops root_ops;


#endif
