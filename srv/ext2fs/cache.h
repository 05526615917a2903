/*
 * cache.h - the file server's page cache (docs/fsserver.md): file pages in
 * memory the server owns, one set per inode that every session and every
 * mapping of the file shares, mapped into clients' address spaces on their
 * faults.  A fixed pool of page frames (boot.cfg `cache=`) from the
 * server's memory session; when it is used up the least recently loaded
 * file page is reclaimed: taken from every client that has it (the
 * mapping database), written back first when a client wrote it.
 *
 * A file's pages stay cached after its last close, until reclaimed or the
 * inode goes: a program run again finds its file's pages.
 *
 * A read copies from the cached pages (loading them as it goes), which
 * hold what clients wrote through mappings too; a write goes to lib/fs and
 * updates the cached copies of what it wrote.  A client's region mapper maps a page writable only on a
 * write fault, so a page mapped with W is dirty; writing it back takes W
 * from every client's mapping (Task.mem_unmap), so that the next write
 * faults and dirties it again.  Private (copy-on-write) pages come from the same pool, at most
 * half of it, and are never written back.
 */
#ifndef EXT2FS_CACHE_H
#define EXT2FS_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "fs.h"

struct page;

/* The pages one owner holds: a cached file's, or a private mapping's own. */
struct page_set {
	struct page *head;
	unsigned count;
};

/* A file in the cache: one per inode open in any session or mapping, and
 * one per inode that was and whose pages are still cached (idle: no
 * references, no lib/fs file), until its last page is reclaimed or the
 * inode goes (cache_forget). */
struct cfile {
	struct cfile *next;
	uint32_t ino;
	unsigned refs;              /* sessions and mappings */
	struct fs_file *file;       /* to load pages */
	struct fs_file *wfile;      /* to write them back: a writable session's (0: none yet) */
	struct page_set pages;
	unsigned ndirty;            /* of its pages */
	uint8_t *window;            /* its pages in file order for fault-around (0: none yet) */
	uint64_t allocated;         /* [0, allocated) has no hole: a write there needs no block */
	unsigned writers;           /* sessions open for writing, shared writable mappings */
	unsigned running;           /* holds denying writes (OpenFile.deny_write) */
	unsigned subscribed;        /* sessions with a subscription (OpenFile.notify) */
};

/* Fault-around: a read fault of a shared mapping maps the cached pages of
 * the aligned block of AROUND_PAGES around the faulting one, from the
 * file's window, where page i of the file is mapped at window + i pages
 * (bounded: pages past WINDOW_PAGES are mapped one at a time). */
#define AROUND_ORDER 16
#define AROUND_PAGES (1u << (AROUND_ORDER - 12))
#define WINDOW_ORDER 26            /* 64 MiB of a file */
#define WINDOW_PAGES (1u << (WINDOW_ORDER - 12))
#define WINDOWS 64                 /* files with a window at once */

/* Whether a hold denies writing inode ino (OpenFile.deny_write). */
bool cache_running(uint32_t ino);
/* The pool: `bytes` of the server's memory (whole pages, at least 16). */
int cache_init(uint64_t bytes);
/* The cached file of f's inode (a new reference, made on first use);
 * `writable`: f was opened for writing.  An errno value. */
int cache_file(struct fs_file *f, uint32_t ino, bool writable, struct cfile **out);
/* Drop a reference; the last writes the file's pages back and leaves them
 * cached, clean, for the next open of the inode (all go when the write-back
 * fails). */
void cache_file_put(struct cfile *cf);
/* The inode `ino` is gone (lib/fs's fs_options.released): its idle file's
 * pages go, since the number may name another file next. */
void cache_forget(uint32_t ino);

/* The address in this server of page `index` of cf, loaded if it was not
 * (past the end: zeros), and dirty from now on if a client maps it to
 * `write`; 0 with an errno value in *err. */
uint8_t *cache_page(struct cfile *cf, uint64_t index, bool write, int *err);
/* Pages first to last of cf in the cache (the most recently used now);
 * those missing are read from the disk RUN_PAGES at a time, in one
 * request per run of consecutive blocks.  An errno value. */
#define RUN_PAGES 16
int cache_load(struct cfile *cf, uint64_t first, uint64_t last);
/* The address in this server of the block of AROUND_PAGES pages of cf
 * around page `index` (loaded: cache_page first) in its window, where each
 * page of the block that is cached and lies below page `end` is mapped; 0
 * when the block is outside the window or no window is free. */
uint8_t *cache_around(struct cfile *cf, uint64_t index, uint64_t end);
/* len bytes of cf from off (inside the file: the caller clamps) through
 * its pages, loading what is missing; *done says how many were copied
 * when an errno value comes back. */
int cache_read(struct cfile *cf, uint64_t off, void *dst, size_t len, size_t *done);
/* A private copy of page `index` of cf for `set` (a private mapping):
 * its own if it has one, else a new copy of the page's first `keep`
 * bytes (PAGE: all; fewer for a masked mapping), zeros after them; 0
 * with *err. */
uint8_t *cache_private_page(struct page_set *set, struct cfile *cf, uint64_t index, size_t keep, int *err);
/* The private page of `set` at `index`, or 0. */
uint8_t *cache_private_find(struct page_set *set, uint64_t index);
/* Copies of every page of src (a private mapping's) into dst, empty: a
 * forked program's data mapping.  0, or an errno value with dst left
 * empty. */
int cache_private_copy(struct page_set *dst, const struct page_set *src);
/* Take every page of set from every client and free it. */
void cache_private_free(struct page_set *set);

/* Write the pages of cf in [off, off + len) that were written through
 * mappings back to the file (lib/fs).  An errno value. */
int cache_writeback(struct cfile *cf, uint64_t off, uint64_t len);
/* Write len bytes of data at off into cf's pages (loading those it does
 * not cover whole), dirty now: the file gets them when they are written
 * back.  Only inside the file's size, over allocated blocks (the caller
 * checks).  *done says how many were copied when an errno value comes
 * back. */
int cache_write(struct cfile *cf, uint64_t off, const void *data, size_t len, size_t *done);
/* The pages of cf in [off, off + len) (len 0: to the end) out of the
 * cache and from every client, the dirty ones written back first (one
 * that cannot be stays: the errno value comes back); *dropped: how many
 * went (posix_fadvise's DONTNEED). */
int cache_drop(struct cfile *cf, uint64_t off, uint64_t len, uint32_t *dropped);
/* cache_writeback of every file (sync). */
int cache_writeback_all(void);
/* After a write to the file: the cached copies of [off, off + len) take
 * `data`, and cached bytes in [old_size, off) read as zeros (what clients
 * left past the old end is not the file's). */
void cache_written(struct cfile *cf, uint64_t off, const void *data, uint64_t len, uint64_t old_size);
/* After a truncation from old_size to size: pages past the new end go
 * from every client, the bytes between the two sizes read as zeros. */
void cache_truncated(struct cfile *cf, uint64_t old_size, uint64_t size);

/* One page of the pool that stays zeros, for clients to map read-only
 * (a masked mapping's pages past its limit). */
const uint8_t *cache_zero_page(void);
/* The server's, called here: pages clients wrote through mappings of cf
 * went back to the file (written back: msync, fsync, sync, the file's
 * last reference, reclaim). */
void cache_written_back(struct cfile *cf);

/* Pages in the pool, and free now (tests, statistics). */
void cache_stats(unsigned *pages, unsigned *free);

#endif
