/*
 * ds.c - dataspaces (idl/rt/dataspace.idl): anonymous memory, boot files,
 * and copy-on-write copies of boot-file bytes (program data).
 *
 * The pages of an anonymous or copy-on-write dataspace are in a radix
 * tree of up to three levels of 512 entries (a page each, from the pool),
 * as many as its size needs (one up to 2 MiB, two up to 1 GiB), so a
 * dataspace spans at most 512 GiB and costs only what it has touched; a
 * walk over every page (fork, destroy) looks only at the entries from
 * the first page it ever had on (a stack's top pages).  A
 * rom dataspace is the module's own pages.  A copy-on-write page shows
 * the source page until it is mapped with MICA_W; a source page that the
 * end of the source cuts (the rest of it must read as zeros) is always
 * copied.  A device dataspace is a PCI BAR's registers (pci.c): root's
 * window maps them uncached, and so does every mapping made from it.  A
 * DMA dataspace is a run of physically contiguous pool pages (memory.c).
 *
 * A fork (ds_fork) makes a second dataspace of the same pages: each page
 * present is then shared by both (marked SHARED in both trees, its sharer
 * count raised), the W right is taken from every mapping of it, and the
 * first write through either side gets that side a copy; the last holder
 * writes the page in place.  A page is freed with its last holder.  The
 * exception is a page the source holds alone (written since its last fork,
 * or never shared): a fork copies up to FORK_COPIES_MAX of those at once,
 * since both sides are likely to write them again (the stack's top, the C
 * library's data), and a write fault costs far more than the copy; the
 * source keeps its page, and its mappings their W.
 */
#include "root.h"

#include "pool.h"

#include <libsys/slot.h>
#include <mica/error.h>
#include <mica/ipc.h>

#include <idl/kernel/task.h>

#define FANOUT 512ull
#define MAX_PAGES (FANOUT * FANOUT * FANOUT)
#define SHARED 1ull   /* a leaf entry's page is shared with another dataspace */
#define AROUND (1ull << DS_AROUND_ORDER)
#define FORK_COPIES_MAX 8   /* pages a fork copies at once (of those the source holds alone) */

struct ds {
	struct obj obj;
	enum ds_type type;
	uint32_t rights;
	uint64_t size;
	struct session *session;   /* charged for `size` (0: rom) */
	uint64_t src_pa, src_size;
	uint64_t *tree;            /* anonymous, copy-on-write: the top level */
	unsigned depth;            /* levels above the leaves (0..2) */
	uint64_t lo;               /* no page below it has an entry */
	bool *held;                /* a device BAR's: cleared when this goes (ds_hold) */
	uint32_t holders;          /* ds_share: more records that must destroy it before it goes */
	uint64_t image;            /* a program image's bytes (ds_copy_contiguous), 0: none */
};

static struct pool ds_pool = POOL(struct ds);

/* Pages one entry of a level-`level` node stands for: 2^(9 level). */
static unsigned level_shift(unsigned level)
{
	return 9 * level;
}

static uint64_t level_span(unsigned level)
{
	return 1ull << level_shift(level);
}

/* The entries of a level-`level` node that `pages` pages from its first
 * can use. */
static uint64_t level_entries(unsigned level, uint64_t pages)
{
	uint64_t n = (pages + level_span(level) - 1) >> level_shift(level);

	return n < FANOUT ? n : FANOUT;
}

/* A tree node of which `entries` (from the first) are zero: the walks
 * look only at the entries a node's size can use (level_entries), so a
 * small dataspace's node is not zeroed whole. */
static uint64_t *node_new(uint64_t entries)
{
	uint64_t pa = pages_alloc_uninit();

	if (!pa)
		return 0;
	memset(pages_va(pa), 0, entries * sizeof(uint64_t));
	return pages_va(pa);
}

/* The first entry of a level-`level` node whose first page is `first`
 * that may lead to a page: the walks over every page (fork, destroy)
 * start there, so a 1 MiB stack whose top pages are used costs what it
 * uses. */
static uint64_t first_entry(const struct ds *d, unsigned level, uint64_t first)
{
	return d->lo > first ? (d->lo - first) >> level_shift(level) : 0;
}

/* Page `index` gets an entry, or a node above one. */
static void note_page(struct ds *d, uint64_t index)
{
	if (index < d->lo)
		d->lo = index;
}

/* The entry for page `index`, making the levels above it if `make`. */
static uint64_t *entry(struct ds *d, uint64_t index, bool make)
{
	uint64_t *node = d->tree;

	for (int shift = 9 * (int)d->depth; shift > 0; shift -= 9) {
		uint64_t *e = &node[(index >> shift) % FANOUT];
		if (!*e) {
			uint64_t *n = make ? node_new(FANOUT) : 0;
			if (!n)
				return 0;
			*e = (uint64_t)n;
			note_page(d, index);
		}
		node = (uint64_t *)*e;
	}
	return &node[index % FANOUT];
}

int ds_create(enum ds_type type, uint64_t size, uint32_t rights, struct session *s, uint64_t src_pa,
	      uint64_t src_size, bool client_owned, struct ds **out)
{
	if (!size || size > MAX_PAGES * PAGE)
		return -MICA_EINVAL;
	size = (size + PAGE - 1) & ~(PAGE - 1);
	if (s && session_charge(s, size))
		return -MICA_ENOMEM;
	struct ds *d = pool_get(&ds_pool);
	int err = -MICA_ENOMEM;
	if (d) {
		*d = (struct ds){ .type = type, .rights = rights, .size = size, .session = s,
				  .src_pa = src_pa, .src_size = src_size, .lo = ~0ull };
		for (uint64_t span = FANOUT; span < size / PAGE; span *= FANOUT)
			d->depth++;
		if (type == DS_ROM || type == DS_DEVICE || type == DS_DMA ||
		    (d->tree = node_new(level_entries(d->depth, size / PAGE))) != 0)
			err = obj_open(&d->obj, K_DS, client_owned);
		if (!err) {
			*out = d;
			return 0;
		}
		if (d->tree)
			pages_free((uint64_t)d->tree - MICA_BOOT_PHYS_WINDOW);
		pool_put(&ds_pool, d);
	}
	if (s)
		session_uncharge(s, size);
	return err;
}

/* Take `rights` from every mapping of the page (MICA_RWX: the mappings). */
static void revoke(uint64_t pa, uint32_t rights)
{
	uint32_t status;

	task_mem_unmap(MICA_BOOT_TASK, mica_fpage((mica_addr_t)pages_va(pa), 12, rights), false, &status);
}

/* A page leaves a dataspace, freed with its last holder.  It goes out of
 * every task it was mapped into when it is freed or `cleared` (its
 * holder must see zeros); a page another dataspace still holds stays
 * where that one's program has it (the program of this one has ended or
 * detached it), and any stale mapping of it goes when its last holder
 * writes it in place (ds_page). */
static void page_leave(uint64_t entry, bool cleared)
{
	uint64_t pa = entry & ~SHARED;
	bool kept = (entry & SHARED) && pages_shared(pa);

	if (!kept || cleared)
		revoke(pa, MICA_RWX);
	if (entry & SHARED)
		pages_put(pa);
	else
		pages_free(pa);
}

/* Every page goes, of a level-`level` node from page `first` over `pages` pages. */
static void free_level(const struct ds *d, uint64_t *node, unsigned level, uint64_t first, uint64_t pages)
{
	uint64_t span = level_span(level), end = level_entries(level, pages);

	for (uint64_t i = first_entry(d, level, first); i < end; i++) {
		if (!node[i])
			continue;
		if (level)
			free_level(d, (uint64_t *)node[i], level - 1, first + i * span, pages - i * span);
		else
			page_leave(node[i], false);
	}
	pages_free((uint64_t)node - MICA_BOOT_PHYS_WINDOW);
}

/* A device's registers or DMA pages: out of every task that got them from
 * root; DMA pages go back to the pool. */
static void unmap_run(uint64_t pa, uint64_t size, bool free)
{
	for (uint64_t off = 0; off < size; off += PAGE) {
		uint32_t status;
		task_mem_unmap(MICA_BOOT_TASK, mica_fpage((mica_addr_t)pages_va(pa + off), 12, MICA_RWX), false,
			       &status);
		if (free)
			pages_free(pa + off);
	}
}

void ds_share(struct ds *d)
{
	d->holders++;
}

void ds_destroy(struct ds *d)
{
	if (d->holders) {
		d->holders--;
		return;
	}
	obj_close(&d->obj);
	if (d->tree)
		free_level(d, d->tree, d->depth, 0, d->size / PAGE);
	if (d->type == DS_DEVICE || d->type == DS_DMA)
		unmap_run(d->src_pa, d->size, d->type == DS_DMA);
	if (d->session)
		session_uncharge(d->session, d->size);
	if (d->held)
		*d->held = false;
	pool_put(&ds_pool, d);
}

void ds_hold(struct ds *d, bool *held)
{
	*held = true;
	d->held = held;
}

mica_cap_t ds_gate(struct ds *d)
{
	return d->obj.gate;
}

/* A private copy of the source page at `offset`: its bytes below src_size, zeros after. */
static uint64_t copy_page(struct ds *d, uint64_t offset)
{
	uint64_t pa = pages_alloc_uninit(), n = offset < d->src_size ? d->src_size - offset : 0;

	if (!pa)
		return 0;
	if (n > PAGE)
		n = PAGE;
	memcpy(pages_va(pa), pages_va(d->src_pa + offset), n);
	memset((char *)pages_va(pa) + n, 0, PAGE - n);
	return pa;
}

uint64_t ds_page(struct ds *d, uint64_t offset, uint32_t rights, int *err)
{
	offset &= ~(PAGE - 1);
	if (offset >= d->size) {
		*err = -MICA_EINVAL;
		return 0;
	}
	if (rights & ~d->rights) {
		*err = -MICA_EPERM;
		return 0;
	}
	if (d->type == DS_ROM || d->type == DS_DEVICE || d->type == DS_DMA)
		return d->src_pa + offset;
	uint64_t *e = entry(d, offset / PAGE, true);
	if (e && *e && (!(*e & SHARED) || !(rights & MICA_W)))
		return *e & ~SHARED;
	if (e && *e) {
		/* The first write to a page shared since a fork: the last holder
		 * keeps it, the others get a copy. */
		uint64_t old = *e & ~SHARED, pa = old;
		if (!pages_shared(old)) {
			revoke(old, MICA_RWX);   /* mappings left by former holders */
		} else {
			if (!(pa = pages_alloc_uninit())) {
				*err = -MICA_ENOMEM;
				return 0;
			}
			memcpy(pages_va(pa), pages_va(old), PAGE);
			pages_put(old);
		}
		*e = pa;
		return pa;
	}
	if (e && d->type == DS_COW && !(rights & MICA_W) && offset + PAGE <= d->src_size)
		return d->src_pa + offset;   /* shared until written */
	uint64_t pa = !e ? 0 : d->type == DS_COW ? copy_page(d, offset) : pages_alloc();
	if (!pa) {
		*err = -MICA_ENOMEM;
		return 0;
	}
	*e = pa;
	note_page(d, offset / PAGE);
	return pa;
}

int ds_write(struct ds *d, uint64_t offset, const void *src, size_t len)
{
	const char *p = src;
	int err = 0;

	while (len) {
		uint64_t in = offset % PAGE, n = PAGE - in < len ? PAGE - in : len;
		uint64_t pa = ds_page(d, offset, MICA_R | MICA_W, &err);
		if (!pa)
			return err;
		memcpy((char *)pages_va(pa) + in, p, n);
		p += n, offset += n, len -= n;
	}
	return 0;
}

/* Dataspace protocol handlers, reached through handlers.c. */
int ds_map(struct ds *d, uint64_t offset, uint32_t rights, unsigned max_order, struct mica_flexpage *page)
{
	int err = 0;
	uint64_t pa = ds_page(d, offset, rights, &err);

	if (!pa)
		return err;
	/* Fault-around: the pages of a boot file or a program image (read-only
	 * and physically contiguous) are sent in the largest aligned block of
	 * at most 2^max_order bytes around the page that the dataspace holds
	 * whole: an image's from root's window (it is allocated aligned, and
	 * a block only where its physical base is aligned alike), a boot
	 * file's from its alias (rom_block).  The receiver's window takes what
	 * lies in it. */
	unsigned order = 12;
	uint64_t at = (uint64_t)pages_va(pa);
	for (unsigned k = max_order; k > 12 && (d->type == DS_ROM || d->image); k--) {
		uint64_t size = 1ull << k, base = offset & ~(size - 1), va;
		if (base + size > d->size)
			continue;
		if (d->image && !((d->src_pa + base) & (size - 1))) {
			for (uint64_t off = 0; off < size; off += PAGE)
				(void)*(volatile char *)pages_va(d->src_pa + base + off);   /* root must have them mapped */
			at = (uint64_t)pages_va(d->src_pa + base);
		} else if (d->type == DS_ROM && (va = rom_block(d, offset, size)) != 0) {
			at = va;
		} else {
			continue;
		}
		order = k;
		break;
	}
	if (order == 12)
		(void)*(volatile char *)at;   /* root must have the page mapped to map it on */
	page->fpage = mica_fpage((mica_addr_t)at, order, rights);
	/* The page's offset: where the block lands in a window as big, and which
	 * part of it a smaller window takes. */
	page->send_base = offset & ~(PAGE - 1);
	return 0;
}

struct session *ds_session(struct ds *d)
{
	return d->type == DS_ANON || d->image ? d->session : 0;
}

int ds_copy_contiguous(struct ds *src, uint64_t size, struct session *s, bool client_owned, struct ds **out,
		       const void **bytes)
{
	uint64_t rounded = (size + PAGE - 1) & ~(PAGE - 1);
	int err = 0;

	if (!size || size > src->size)
		return -MICA_EINVAL;
	if (rounded > session_left(s))
		return -MICA_ENOMEM;
	/* Aligned for fault-around (ds_map) where the pool allows. */
	uint64_t first = pages_alloc_run(rounded / PAGE, AROUND);
	if (!first)
		first = pages_alloc_run(rounded / PAGE, PAGE);
	if (!first)
		return -MICA_ENOMEM;
	for (uint64_t off = 0; off < size && !err; off += PAGE) {
		uint64_t pa = ds_page(src, off, MICA_R, &err);
		if (pa)
			memcpy(pages_va(first + off), pages_va(pa), size - off < PAGE ? size - off : PAGE);
	}
	if (!err)
		err = ds_create(DS_DMA, rounded, MICA_R | MICA_X, s, first, rounded, client_owned, out);
	if (err) {
		for (uint64_t off = 0; off < rounded; off += PAGE)
			pages_free(first + off);
		return err;
	}
	(*out)->image = size;
	*bytes = pages_va(first);
	return 0;
}

const void *ds_image(struct ds *d, uint64_t *size)
{
	if (!d->image)
		return 0;
	*size = d->image;
	return pages_va(d->src_pa);
}

int ds_info(struct ds *d, uint64_t *size, uint32_t *rights)
{
	*size = d->size;
	*rights = d->rights;
	return 0;
}

int ds_clear(struct ds *d, uint64_t offset, uint64_t size)
{
	if (!(d->rights & MICA_W))
		return -MICA_EPERM;
	if (offset % PAGE || size % PAGE || offset > d->size || size > d->size - offset)
		return -MICA_EINVAL;
	for (uint64_t off = offset; off < offset + size; off += PAGE) {
		uint64_t *e = entry(d, off / PAGE, false);
		if (!e || !*e)
			continue;
		page_leave(*e, true);
		*e = 0;
	}
	return 0;
}

/* The pages of `from` (a level-`level` node of d from page `first` over
 * `pages` pages) shared into `to`, but for up to *copies of those `from`
 * holds alone, copied. */
static int fork_level(const struct ds *d, uint64_t *from, uint64_t *to, unsigned level, uint64_t first,
		      uint64_t pages, unsigned *copies)
{
	uint64_t span = level_span(level), end = level_entries(level, pages);

	for (uint64_t i = first_entry(d, level, first); i < end; i++) {
		if (!from[i])
			continue;
		if (level) {
			if (!to[i] && !(to[i] = (uint64_t)node_new(level_entries(level - 1, pages - i * span))))
				return -MICA_ENOMEM;
			int err = fork_level(d, (uint64_t *)from[i], (uint64_t *)to[i], level - 1, first + i * span,
					     pages - i * span, copies);
			if (err)
				return err;
			continue;
		}
		uint64_t pa = from[i] & ~SHARED, copy;
		if (!(from[i] & SHARED) && *copies && (copy = pages_alloc_uninit()) != 0) {
			memcpy(pages_va(copy), pages_va(pa), PAGE);
			to[i] = copy;
			(*copies)--;
			continue;
		}
		if (!pages_share(pa))
			return -MICA_ENOMEM;
		if (!(from[i] & SHARED))
			revoke(pa, MICA_W);   /* its next write faults and copies */
		from[i] = to[i] = pa | SHARED;
	}
	return 0;
}

int ds_fork(struct ds *d, struct session *s, bool client_owned, struct ds **out)
{
	struct ds *n;
	unsigned copies = FORK_COPIES_MAX;
	int err;

	if (d->type != DS_ANON && d->type != DS_COW)
		return -MICA_EINVAL;
	if ((err = ds_create(d->type, d->size, d->rights, s, d->src_pa, d->src_size, client_owned, &n)) != 0)
		return err;
	n->lo = d->lo;   /* before a failed fork's destroy walks it */
	if ((err = fork_level(d, d->tree, n->tree, d->depth, 0, d->size / PAGE, &copies)) != 0) {
		ds_destroy(n);
		return err;
	}
	*out = n;
	return 0;
}

bool ds_forkable(struct ds *d)
{
	return d->type == DS_ANON || d->type == DS_COW;
}

/* What ds_map_present maps: d's pages into `task` at `at` (the
 * dataspace's first byte), of its first `size` bytes. */
struct present {
	const struct ds *d;
	mica_cap_t task;
	uint64_t at, size;
	uint32_t rights;
};

/* The pages of a level-`level` node from page `first` over `pages` pages. */
static void map_level(const struct present *m, const uint64_t *node, unsigned level, uint64_t first, uint64_t pages)
{
	uint64_t span = level_span(level), end = level_entries(level, pages);

	for (uint64_t i = first_entry(m->d, level, first); i < end; i++) {
		uint64_t off = (first + i * span) * PAGE;
		if (off >= m->size)
			return;
		if (!node[i])
			continue;
		if (level) {
			map_level(m, (const uint64_t *)node[i], level - 1, first + i * span, pages - i * span);
			continue;
		}
		uint32_t rights = node[i] & SHARED ? m->rights & ~MICA_W : m->rights;   /* shared: until written */
		task_mem_map(m->task, mica_fpage((mica_addr_t)pages_va(node[i] & ~SHARED), 12, rights), m->at + off,
			     false);
	}
}

void ds_map_present(struct ds *d, mica_cap_t task, uint64_t at, uint64_t size, uint32_t rights)
{
	const struct present m = { d, task, at, size, rights };

	if (d->tree)
		map_level(&m, d->tree, d->depth, 0, d->size / PAGE);
}
