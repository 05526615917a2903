/*
 * cache.c - the file server's page cache (cache.h, docs/fsserver.md).
 *
 * Every frame of the pool is a struct page: free, a file page (in its
 * file's set, the hash and the reclaim queue, least recently used first)
 * or a private page (in its mapping's set and the hash).  Clients get a
 * page mapped from this server's own mapping of it, so Task.mem_unmap on
 * the server's page reaches every client that has it.
 */
#include "cache.h"
#include "cuts.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/ipc.h>
#include <rt/rt.h>

#include <idl/kernel/task.h>
#include <idl/rt/memory.h>
#include <idl/rt/region_map.h>

#define PAGE MICA_PAGE_SIZE
#define POOL_PAGES_MIN 16
#define UNMAP_WRITTEN 2u   /* Task.mem_unmap's status: a page touched was written */
#define FILE_BUCKETS 256   /* the cached files' hash, a power of two */

struct page {
	struct page *hnext;          /* hash chain */
	struct page *snext, *sprev;  /* in its set */
	struct page *qnext, *qprev;  /* the reclaim queue (file pages), the free list (qnext) */
	struct page_set *set;        /* 0: free */
	uint64_t index;
	uint8_t *va;
	bool dirty;                  /* written by a client, not yet back in the file */
	bool by_mapping;             /* dirty through a mapping (not only by cache_write) */
	bool private;
	bool windowed;               /* mapped in its file's window too */
};

static struct {
	struct page *pages, *free, **hash;
	struct page *qhead, *qtail;  /* reclaim queue */
	unsigned npages, nfree, nprivate, hmask;
	struct cfile *files[FILE_BUCKETS];   /* by inode number */
	uint8_t *windows;            /* WINDOWS windows of WINDOW_PAGES pages, reserved */
	uint64_t window_used;        /* a bit per window */
	uint8_t *zero;               /* a frame kept zeros (cache_zero_page) */
} cache;

#define CFILE_OF(set) ((struct cfile *)((char *)(set) - offsetof(struct cfile, pages)))

int cache_init(uint64_t bytes)
{
	mica_cap_t ds = mica_slot_alloc();
	uint64_t start;
	unsigned n = (unsigned)(bytes / PAGE), h = 1;
	int err;

	if (n < POOL_PAGES_MIN)
		n = POOL_PAGES_MIN;
	while (h < n)
		h <<= 1;
	cache.pages = calloc(n, sizeof *cache.pages);
	cache.hash = calloc(h, sizeof *cache.hash);
	if (!ds || !cache.pages || !cache.hash)
		return -MICA_ENOMEM;
	if ((err = memory_alloc(rt_cap("mem"), (uint64_t)n * PAGE, &ds)) != 0)
		return err;
	/* The windows: reserved (no region goes there), each aligned to its
	 * size, so that one flexpage unmaps it whole. */
	uint64_t wsize = (uint64_t)WINDOWS * WINDOW_PAGES * PAGE, align = (uint64_t)WINDOW_PAGES * PAGE;
	if ((err = region_map_reserve(rt_cap("rm"), 0, wsize + align, &start)) != 0)
		return err;
	cache.windows = (uint8_t *)((start + align - 1) & ~(align - 1));
	if ((err = region_map_attach(rt_cap("rm"), 0, (uint64_t)n * PAGE, MICA_RWX, ds, 0, &start)) != 0) {
		mica_slot_drop(ds);
		return err;
	}
	cache.npages = cache.nfree = n;
	cache.hmask = h - 1;
	for (unsigned i = n; i-- > 0;) {
		cache.pages[i].va = (uint8_t *)start + (uint64_t)i * PAGE;
		cache.pages[i].qnext = cache.free;
		cache.free = &cache.pages[i];
	}
	cache.zero = cache.free->va;   /* never free, never written: zeros */
	cache.free = cache.free->qnext;
	cache.nfree--;
	memset(cache.zero, 0, PAGE);
	return 0;
}

const uint8_t *cache_zero_page(void)
{
	return cache.zero;
}

void cache_stats(unsigned *pages, unsigned *free)
{
	*pages = cache.npages;
	*free = cache.nfree;
}

/* ---- the hash, the sets, the queue ---------------------------------- */

static struct cfile **file_bucket(uint32_t ino)
{
	return &cache.files[ino & (FILE_BUCKETS - 1)];
}

static void file_free(struct cfile *cf);

/* An idle file (no session or mapping: cache_file_put) holds no lib/fs
 * file; it goes with its last page. */
static bool idle(const struct cfile *cf)
{
	return cf->refs == 0 && !cf->file;
}

static struct page **bucket(const struct page_set *set, uint64_t index)
{
	uint64_t h = ((uint64_t)(uintptr_t)set >> 4) * 0x9e3779b97f4a7c15ull + index * 0xff51afd7ed558ccdull;
	return &cache.hash[(h >> 32) & cache.hmask];
}

static struct page *find(const struct page_set *set, uint64_t index)
{
	for (struct page *p = *bucket(set, index); p; p = p->hnext)
		if (p->set == set && p->index == index)
			return p;
	return 0;
}

static void queue_remove(struct page *p)
{
	*(p->qprev ? &p->qprev->qnext : &cache.qhead) = p->qnext;
	*(p->qnext ? &p->qnext->qprev : &cache.qtail) = p->qprev;
	p->qnext = p->qprev = 0;
}

static void queue_append(struct page *p)
{
	p->qprev = cache.qtail;
	p->qnext = 0;
	*(cache.qtail ? &cache.qtail->qnext : &cache.qhead) = p;
	cache.qtail = p;
}

static void insert(struct page *p, struct page_set *set, uint64_t index, bool private)
{
	struct page **b = bucket(set, index);

	p->set = set, p->index = index, p->private = private, p->dirty = false;
	p->hnext = *b;
	*b = p;
	p->sprev = 0;
	p->snext = set->head;
	if (set->head)
		set->head->sprev = p;
	set->head = p;
	set->count++;
	if (private)
		cache.nprivate++;
	else
		queue_append(p);
}

/* Out of its set, the hash and the queue, onto the free list. */
static void release(struct page *p)
{
	struct page **b = bucket(p->set, p->index);

	while (*b != p)
		b = &(*b)->hnext;
	*b = p->hnext;
	*(p->sprev ? &p->sprev->snext : &p->set->head) = p->snext;
	if (p->snext)
		p->snext->sprev = p->sprev;
	p->set->count--;
	if (p->private)
		cache.nprivate--;
	else
		queue_remove(p);
	struct cfile *emptied = !p->private && !p->set->count && idle(CFILE_OF(p->set)) ? CFILE_OF(p->set) : 0;
	p->set = 0;
	p->windowed = false;   /* the revoke before took it from the window too */
	p->qnext = cache.free;
	cache.free = p;
	cache.nfree++;
	if (emptied)
		file_free(emptied);
}

/* Take rights (MICA_W: a downgrade, MICA_RWX: the page) from every
 * client's mapping of p; whether any of them had written it. */
static bool revoke(struct page *p, unsigned rights)
{
	uint32_t status = 0;

	task_mem_unmap(MICA_BOOT_TASK, mica_fpage((mica_addr_t)p->va, 12, rights), false, &status);
	return (status & UNMAP_WRITTEN) != 0;
}

/* ---- writing back ---------------------------------------------------- */

/* p's bytes inside the file (none past its end) to the file; what a
 * mapping wrote past the end in the file's last page is zeroed, as POSIX
 * says of a partial page's bytes past the end of the object (never
 * written out): a later mapping reads zeros there.  The caller took W
 * from every client first. */
static int write_page(struct cfile *cf, struct page *p)
{
	struct fs_stat st;
	uint64_t off = p->index * PAGE;
	size_t done;
	int err;

	if (!cf->wfile)
		return EBADF;   /* no client could write it: never dirty */
	if ((err = fs_fstat(cf->file, &st)) != 0)
		return err;
	if (off >= st.size)
		return 0;
	uint64_t n = st.size - off < PAGE ? st.size - off : PAGE;
	memset(p->va + n, 0, PAGE - n);
	if ((err = fs_write_direct(cf->wfile, off, p->va, n, &done)) == 0 && p->by_mapping)
		err = fs_touch(cf->wfile);   /* a write through a mapping changes the times now */
	return err;
}

static void set_dirty(struct page *p, bool dirty)
{
	if (p->dirty != dirty)
		CFILE_OF(p->set)->ndirty += dirty ? 1 : -1;
	p->dirty = dirty;
	if (!dirty)
		p->by_mapping = false;
}

/* A dirty page back to the file; clients keep it, read-only until they
 * write it again (the write faults, maps it writable and dirties it). */
static int clean(struct cfile *cf, struct page *p)
{
	if (!p->dirty)
		return 0;
	revoke(p, MICA_W);
	int err = write_page(cf, p);
	if (!err && p->by_mapping)
		cache_written_back(cf);
	if (!err)
		set_dirty(p, false);
	return err;
}

int cache_writeback(struct cfile *cf, uint64_t off, uint64_t len)
{
	uint64_t first = off / PAGE, last = len ? (off + len - 1) / PAGE : first;
	int err = 0;

	if (!len || off + len < off)
		last = UINT64_MAX / PAGE;
	if (!cf->ndirty)
		return 0;
	for (struct page *p = cf->pages.head; p; p = p->snext) {
		if (p->index < first || p->index > last)
			continue;
		int e = clean(cf, p);
		if (e && !err)
			err = e;
	}
	return err;
}

int cache_writeback_all(void)
{
	int err = 0;

	for (unsigned b = 0; b < FILE_BUCKETS; b++)
		for (struct cfile *cf = cache.files[b]; cf; cf = cf->next) {
			int e = cache_writeback(cf, 0, 0);
			if (e && !err)
				err = e;
		}
	return err;
}

/* The page goes from every client; a file page written by one goes back
 * to the file first. */
static void evict(struct page *p)
{
	bool written = revoke(p, MICA_RWX);

	if (!p->private && (written || p->dirty)) {
		int err = write_page(CFILE_OF(p->set), p);
		if (err)
			printf("ext2fs: page %llu of inode %u lost: %s\n", (unsigned long long)p->index,
			       CFILE_OF(p->set)->ino, strerror(err));
		else if (written || p->by_mapping)
			cache_written_back(CFILE_OF(p->set));
		set_dirty(p, false);
	}
	release(p);
}

/* A free frame: the free list's, else the least recently used file
 * page's.  Private pages take at most half of the pool. */
static struct page *frame(bool private, int *err)
{
	struct page *p;

	if (private && cache.nprivate >= cache.npages / 2) {
		*err = ENOMEM;
		return 0;
	}
	if (!cache.free && cache.qhead)
		evict(cache.qhead);
	if (!(p = cache.free)) {
		*err = ENOMEM;
		return 0;
	}
	cache.free = p->qnext;
	cache.nfree--;
	p->qnext = 0;
	return p;
}

/* ---- files ----------------------------------------------------------- */

bool cache_running(uint32_t ino)
{
	for (struct cfile *cf = *file_bucket(ino); cf; cf = cf->next)
		if (cf->ino == ino)
			return cf->running != 0;
	return false;
}

int cache_file(struct fs_file *f, uint32_t ino, bool writable, struct cfile **out)
{
	struct cfile *cf;

	for (cf = *file_bucket(ino); cf; cf = cf->next)
		if (cf->ino == ino)
			break;
	if (!cf) {
		if (!(cf = calloc(1, sizeof *cf)))
			return ENOMEM;
		cf->ino = ino;
		cf->next = *file_bucket(ino);
		*file_bucket(ino) = cf;
	}
	if (!cf->file)
		cf->file = fs_dup(f);   /* new, or idle until now: its pages are the file's */
	if (writable && !cf->wfile)
		cf->wfile = fs_dup(f);
	cf->refs++;
	*out = cf;
	return 0;
}

/* The number of cf's window (it has one). */
static unsigned window_index(const struct cfile *cf)
{
	return (unsigned)((uint64_t)(cf->window - cache.windows) / ((uint64_t)WINDOW_PAGES * PAGE));
}

/* Out of the hash, freed: it has no page left. */
static void file_free(struct cfile *cf)
{
	struct cfile **p = file_bucket(cf->ino);

	while (*p != cf)
		p = &(*p)->next;
	*p = cf->next;
	if (cf->window)   /* empty now: every page went from it with its revoke */
		cache.window_used &= ~(1ull << window_index(cf));
	free(cf);
}

/* cf's window goes: the pages mapped in it (and what clients were given
 * from it) are unmapped, and it is free for another file. */
static void window_release(struct cfile *cf)
{
	uint32_t status;

	for (struct page *p = cf->pages.head; p; p = p->snext)
		p->windowed = false;
	task_mem_unmap(MICA_BOOT_TASK, mica_fpage((mica_addr_t)cf->window, WINDOW_ORDER, MICA_RWX), true, &status);
	cache.window_used &= ~(1ull << window_index(cf));
	cf->window = 0;
}

/* Every page of cf goes (from every client too); cf with the last one
 * when it is idle. */
static void evict_all(struct cfile *cf)
{
	for (unsigned n = cf->pages.count; n; n--)
		evict(cf->pages.head);
}

int cache_drop(struct cfile *cf, uint64_t off, uint64_t len, uint32_t *dropped)
{
	uint64_t first = off / PAGE, last = len ? (off + len - 1) / PAGE : UINT64_MAX / PAGE;
	int err = cache_writeback(cf, off, len);   /* a page that could not be written stays */
	struct page *next;

	*dropped = 0;
	for (struct page *p = cf->pages.head; p; p = next) {
		next = p->snext;
		if (p->index >= first && p->index <= last && !p->dirty) {
			evict(p);
			(*dropped)++;
		}
	}
	return err;
}

void cache_file_put(struct cfile *cf)
{
	struct fs_file *file = cf->file, *wfile = cf->wfile;

	if (--cf->refs)
		return;
	int err = cache_writeback(cf, 0, 0);
	if (err) {
		printf("ext2fs: writing back inode %u: %s\n", cf->ino, strerror(err));
		evict_all(cf);   /* what could not be written is lost: no stale copy stays */
	}
	/* Idle: its clean pages stay cached (and on the reclaim queue) for the
	 * next open of the inode, read-only wherever a client still has them
	 * (the write-back took W), and in its window until a file in use
	 * needs that (cache_around). */
	cf->file = cf->wfile = 0;
	if (!cf->pages.count)
		file_free(cf);
	/* Last: the last close of an unlinked inode releases it, and
	 * cache_forget drops an idle file of it. */
	if (wfile)
		fs_close(wfile);
	fs_close(file);
}

void cache_forget(uint32_t ino)
{
	for (struct cfile *cf = *file_bucket(ino); cf; cf = cf->next)
		if (cf->ino == ino) {
			if (idle(cf))
				evict_all(cf);   /* and cf with the last page */
			return;
		}
}

/* ---- pages ----------------------------------------------------------- */

/* Page `index` of cf, loaded if it was not (past the end: zeros), the
 * most recently used now; 0 with an errno value in *err.  Inlined: a
 * call more per page shows in file_read_64k_cached. */
static inline __attribute__((always_inline)) struct page *load(struct cfile *cf, uint64_t index, int *err)
{
	struct page *p = find(&cf->pages, index);
	size_t n = 0;

	if (p) {
		queue_remove(p);
		queue_append(p);
		return p;
	}
	if (!(p = frame(false, err)))
		return 0;
	struct blkdev_seg page = { p->va, PAGE };
	int e = fs_read_direct(cf->file, index * PAGE, &page, 1, &n);
	if (e && !n) {
		p->qnext = cache.free, cache.free = p, cache.nfree++;
		*err = e;
		return 0;
	}
	memset(p->va + n, 0, PAGE - n);   /* past the end: zeros */
	insert(p, &cf->pages, index, false);
	return p;
}

/* Pages [first, first + n) of cf, none cached (n <= RUN_PAGES), loaded
 * with one fs_read_direct (one disk read per run of consecutive blocks,
 * straight into the frames), the most recently used now.  An errno
 * value. */
static int load_run(struct cfile *cf, uint64_t first, unsigned n)
{
	struct page *p[RUN_PAGES];
	struct blkdev_seg frames[RUN_PAGES];
	unsigned k = 0;
	size_t got = 0;
	int err = 0;

	while (k < n && (p[k] = frame(false, &err))) {
		frames[k] = (struct blkdev_seg){ p[k]->va, PAGE };
		k++;
	}
	if (k == n)
		err = fs_read_direct(cf->file, first * PAGE, frames, n, &got);
	if (err) {
		while (k--)
			p[k]->qnext = cache.free, cache.free = p[k], cache.nfree++;
		return err;
	}
	for (k = 0; k < n; k++) {
		size_t in = got > (size_t)k * PAGE ? got - (size_t)k * PAGE : 0;
		if (in < PAGE)
			memset(p[k]->va + in, 0, PAGE - in);   /* past the end: zeros */
		insert(p[k], &cf->pages, first + k, false);
	}
	return 0;
}

int cache_load(struct cfile *cf, uint64_t first, uint64_t last)
{
	for (uint64_t i = first; i <= last;) {
		struct page *p = find(&cf->pages, i);
		if (p) {
			queue_remove(p);
			queue_append(p);
			i++;
			continue;
		}
		unsigned n = 1;
		while (n < RUN_PAGES && i + n <= last && !find(&cf->pages, i + n))
			n++;
		int err = load_run(cf, i, n);
		if (err)
			return err;
		i += n;
	}
	return 0;
}

uint8_t *cache_page(struct cfile *cf, uint64_t index, bool write, int *err)
{
	struct page *p = load(cf, index, err);

	if (p && write) {
		set_dirty(p, true);
		p->by_mapping = true;
	}
	return p ? p->va : 0;
}

/* An idle file's window, released for a file in use: its number, or
 * WINDOWS when no idle file has one. */
static unsigned window_take(void)
{
	for (unsigned b = 0; b < FILE_BUCKETS; b++)
		for (struct cfile *cf = cache.files[b]; cf; cf = cf->next)
			if (idle(cf) && cf->window) {
				unsigned w = window_index(cf);
				window_release(cf);
				return w;
			}
	return WINDOWS;
}

uint8_t *cache_around(struct cfile *cf, uint64_t index, uint64_t end)
{
	uint64_t first = index & ~(uint64_t)(AROUND_PAGES - 1);

	if (index >= WINDOW_PAGES)
		return 0;
	if (!cf->window) {
		unsigned w = 0;
		while (w < WINDOWS && (cache.window_used & (1ull << w)))
			w++;
		if (w == WINDOWS && (w = window_take()) == WINDOWS)
			return 0;
		cache.window_used |= 1ull << w;
		cf->window = cache.windows + (uint64_t)w * WINDOW_PAGES * PAGE;
	}
	for (uint64_t i = first; i < first + AROUND_PAGES; i++) {
		struct page *p = i < end || i == index ? find(&cf->pages, i) : 0;
		if (!p || p->windowed)
			continue;
		/* Derived from the pool's page: revoking that takes this too. */
		if (task_mem_map(MICA_BOOT_TASK, mica_fpage((mica_addr_t)p->va, 12, MICA_R | MICA_X),
				 (uint64_t)(cf->window + i * PAGE), false) == 0)
			p->windowed = true;
	}
	return cf->window + first * PAGE;
}

int cache_read(struct cfile *cf, uint64_t off, void *dst, size_t len, size_t *done)
{
	int err = 0;

	*done = 0;
	while (*done < len) {
		uint64_t at = off + *done, in = at % PAGE;
		size_t n = PAGE - in < len - *done ? PAGE - in : len - *done;
		uint8_t *va = cache_page(cf, at / PAGE, false, &err);
		if (!va)
			return err;
		memcpy((uint8_t *)dst + *done, va + in, n);
		*done += n;
	}
	return 0;
}

int cache_write(struct cfile *cf, uint64_t off, const void *data, size_t len, size_t *done)
{
	int err = 0;

	*done = 0;
	while (*done < len) {
		uint64_t at = off + *done, in = at % PAGE;
		size_t n = PAGE - in < len - *done ? PAGE - in : len - *done;
		struct page *p = load(cf, at / PAGE, &err);
		if (!p)
			return err;
		set_dirty(p, true);
		memcpy(p->va + in, (const uint8_t *)data + *done, n);
		*done += n;
	}
	return 0;
}

uint8_t *cache_private_find(struct page_set *set, uint64_t index)
{
	struct page *p = find(set, index);

	return p ? p->va : 0;
}

uint8_t *cache_private_page(struct page_set *set, struct cfile *cf, uint64_t index, size_t keep, int *err)
{
	struct page *p = find(set, index), *src = 0;

	if (p)
		return p->va;
	/* The copy's frame first: loading the original may reclaim a frame,
	 * never the copy's. */
	if (!(p = frame(true, err)))
		return 0;
	if (keep && !(src = load(cf, index, err))) {
		p->qnext = cache.free, cache.free = p, cache.nfree++;
		return 0;
	}
	if (src)
		memcpy(p->va, src->va, keep);
	memset(p->va + keep, 0, PAGE - keep);
	insert(p, set, index, true);
	return p->va;
}

int cache_private_copy(struct page_set *dst, const struct page_set *src)
{
	int err = 0;

	for (struct page *p = src->head; p; p = p->snext) {
		struct page *q = frame(true, &err);
		if (!q) {
			cache_private_free(dst);
			return err;
		}
		memcpy(q->va, p->va, PAGE);
		insert(q, dst, p->index, true);
	}
	return 0;
}

void cache_private_free(struct page_set *set)
{
	while (set->head)
		evict(set->head);
}

/* The part of [from, to) in page p, as offsets in it; false when none. */
static bool span(const struct page *p, uint64_t from, uint64_t to, uint64_t *a, uint64_t *b)
{
	uint64_t start = p->index * PAGE, end = start + PAGE;

	if (to <= start || from >= end || from >= to)
		return false;
	*a = (from > start ? from : start) - start;
	*b = (to < end ? to : end) - start;
	return true;
}

/* The new bytes (and zeros for a gap before them) in one cached page. */
static void page_written(struct page *p, uint64_t off, const void *data, uint64_t len, uint64_t old_size)
{
	uint64_t a, b;

	if (span(p, old_size, off, &a, &b))
		memset(p->va + a, 0, b - a);
	if (span(p, off, off + len, &a, &b))
		memcpy(p->va + a, (const uint8_t *)data + (p->index * PAGE + a - off), b - a);
}

void cache_written(struct cfile *cf, uint64_t off, const void *data, uint64_t len, uint64_t old_size)
{
	uint64_t first = (old_size < off ? old_size : off) / PAGE, last = (off + len - 1) / PAGE;

	if (!len)
		return;
	if (last - first < cf->pages.count) {   /* fewer pages in the range than cached: look each up */
		for (uint64_t i = first; i <= last; i++) {
			struct page *p = find(&cf->pages, i);
			if (p)
				page_written(p, off, data, len, old_size);
		}
		return;
	}
	for (struct page *p = cf->pages.head; p; p = p->snext)
		page_written(p, off, data, len, old_size);
}

void cache_truncated(struct cfile *cf, uint64_t old_size, uint64_t size)
{
	uint64_t keep = (size + PAGE - 1) / PAGE, a, b;

	cuts_move(cf->ino);   /* before the clients' views can see a byte of it */
	if (cf->allocated > size)
		cf->allocated = size;   /* growing again makes a hole */

	for (struct page *p = cf->pages.head, *next; p; p = next) {
		next = p->snext;
		if (p->index >= keep) {
			revoke(p, MICA_RWX);   /* past the end now: what was written there is gone */
			set_dirty(p, false);
			release(p);
		} else if (span(p, size < old_size ? size : old_size, UINT64_MAX, &a, &b)) {
			memset(p->va + a, 0, b - a);   /* zeros between the sizes and past the end */
		}
	}
}
