/*
 * ext2fs.c - the file server (idl/rt/fs.idl, docs/fsserver.md): the ext2
 * file system on the block server's disk, through lib/fs, mounted as `/`.
 *
 * One thread serves everything: the served gate (`serve`, FileSystem by
 * path) and one gate per open file (OpenFile), labelled with its session.
 * lib/fs and libext2fs are not thread-safe; running every call on this
 * one thread is the lock around them, and it is also what serialises
 * open, create and unlink of one name by several clients.
 *
 * A session is an open file of one client: its gate, a last-reference
 * watch (an irq bound to this thread, labelled session | 1) and a buffer
 * dataspace both sides attach, through which read and write move the
 * data.  A directory's listing streams through a pipe instead
 * (listing.c, OpenFile.list).  Each session holds its own lib/fs file; lib/fs keeps one node
 * per inode under all of them (the provider every session of the inode
 * shares), and frees an unlinked inode at its last close.
 *
 * A regular file's pages are in the page cache (cache.c), one set per
 * inode for every session and mapping of it.  OpenFile.mmap makes a
 * mapping: an object with a gate and a watch like a session's, which
 * serves Dataspace (the client's region mapper faults the file's pages in
 * through it) and FileMapping (msync), and keeps the file open until its
 * last capability goes; OpenFile.mmap_masked makes one whose bytes from a
 * limit on read as zeros.
 *
 * A session may subscribe an irq of its program to its file's events
 * (OpenFile.notify): every write, size change and close of a session of
 * the inode, and a mapping's writes when they are written back, mark the
 * events on each subscribed session of the inode and trigger its irq if
 * it is armed.  Subscribers.count answers how many such irqs live.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/stat.h>

#include <libsys/cap.h>
#include <libsys/error.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/fs.h>
#include <mica/object.h>
#include <rt/rt.h>
#include <server/server.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/gate.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>
#include <idl/rt/fs_server.h>
#include <idl/rt/memory.h>
#include <idl/rt/process.h>
#include <idl/rt/region_map.h>
#include <idl/rt/registry.h>

#include "cache.h"
#include "cuts.h"
#include "fs.h"
#include "locks.h"
#include "listing.h"

#define BUFFER_SIZE (32u * 1024)   /* a session's buffer */
#define SESSIONS_MAX 256           /* open files at once, all clients together */
#define MAPPINGS_MAX 1024          /* file dataspaces at once, all clients together */
#define HOLDS_MAX 1024             /* OpenFile.deny_write's holds at once */
#define NO_LIMIT UINT64_MAX        /* a mapping without a mask */
#define CACHE_DEFAULT (4u << 20)   /* the page cache without boot.cfg `cache=` */
#define PAGE MICA_PAGE_SIZE
#define HALT_LABEL 2               /* the halt irq's (objects' labels are pointers) */
#define LISTING_LABEL 4            /* the irq of listings' write ends (listing.c) */

/* An offset shared by the sessions `dup` made of one another: one open
 * file description of programs that inherited it (docs/processes.md). */
struct position {
	unsigned refs;
	uint64_t at;
	uint64_t before;   /* at before the request being answered (undo_move) */
};

/* The answer to a request that moved a shared offset was not delivered
 * (the client's call was broken off, by a signal's handler say): the
 * offset goes back, so that the client, which asks again, reads or writes
 * the same bytes. */
static void undo_move(void *made)
{
	struct position *pos = made;

	pos->at = pos->before;
}

/* The request moves pos: undo_move if its answer is lost. */
static void moving(struct srv_request *req, struct position *pos)
{
	pos->before = pos->at;
	srv_made(req, undo_move, pos);
}

struct session {
	LIST_ENTRY(session) link;   /* server.sessions */
	struct fs_file *file;
	struct cfile *cached;        /* a regular file's pages (0: another kind) */
	mica_cap_t gate, watch, buffer;
	uint8_t *buf;                /* the buffer in this server */
	bool readable, writable;
	struct position *pos;        /* NULL: the client keeps its offset */
	mica_cap_t note_irq;         /* OpenFile.notify's subscription (0: none) */
	uint32_t note_events;        /* MICA_FS_EV_* it wants */
	uint32_t note_pending;       /* of those, what came since its last look */
	bool note_armed;             /* none came at its last look: trigger note_irq at the next */
};

/* A dataspace of a file's pages (OpenFile.mmap): its gate answers
 * Dataspace and FileMapping; a watch like a session's ends it. */
struct mapping {
	LIST_ENTRY(mapping) link;   /* server.mappings */
	struct cfile *cached;
	mica_cap_t gate, watch;
	uint32_t rights;
	bool private;
	bool zeros;                  /* MICA_FS_MAP_ZEROS: pages past the end read as zeros */
	bool writer;                 /* shared and writable: counted in the file's writers */
	uint64_t limit;              /* mmap_masked: bytes from here read as zeros (NO_LIMIT: none) */
	struct page_set own;         /* a private mapping's copies, a masked one's straddling page */
};

/* A denial of writes to a file (OpenFile.deny_write): a gate and a watch
 * like a session's; the denial ends with its last capability. */
struct hold {
	LIST_ENTRY(hold) link;      /* server.holds */
	struct cfile *cached;
	mica_cap_t gate, watch;
};

/* A program's locks through one session (OpenFile.lock_owner): its gate
 * answers lock and test_lock as `owner`; a watch like a session's ends
 * it, and so does its session's end. */
struct locker {
	LIST_ENTRY(locker) link;    /* server.lockers */
	struct session *s;
	struct owner *owner;         /* locks.c's */
	mica_cap_t gate, watch;
};

struct server {
	struct fs *fs;
	mica_cap_t cuts;             /* the gate of the cut counters' page (label: &server.cuts) */
	LIST_HEAD(, session) sessions;
	unsigned nsessions;
	LIST_HEAD(, mapping) mappings;
	unsigned nmappings;
	LIST_HEAD(, hold) holds;
	unsigned nholds;
	LIST_HEAD(, locker) lockers;
	unsigned nlockers;
	unsigned nsubscribed;        /* sessions with a subscription */
};

static struct server server;

static int fs_err(int e)
{
	return -(MICA_FS_ERRNO + e);
}

/* The object of list `head` (sessions, mappings, holds, lockers: each a
 * gate's label) whose address is `label`, or NULL (the served gate, a
 * stale label, another kind). */
#define LABELED(head, label) ({ \
	__typeof__(LIST_FIRST(head)) obj_; \
	LIST_FOREACH(obj_, head, link) \
		if ((mica_word_t)obj_ == (label)) \
			break; \
	obj_; \
})

static struct session *session_of(mica_word_t label)
{
	return LABELED(&server.sessions, label);
}

/* ---- notifications: OpenFile.notify, Subscribers -------------------- */

/* s's subscription ends: its irq is dropped. */
static void note_end(struct session *s)
{
	mica_slot_drop(s->note_irq);
	s->note_irq = 0;
	s->note_events = s->note_pending = 0;
	s->note_armed = false;
	s->cached->subscribed--;
	server.nsubscribed--;
}

/* `events` came to cf's inode: every session of it subscribed to any of
 * them keeps them for its next look, and an armed one's irq is triggered
 * (one that cannot be, its program gone, ends the subscription).  The
 * session that caused them counts too, as inotify's watches do. */
static void note(struct cfile *cf, uint32_t events)
{
	struct session *s;

	if (!cf || !cf->subscribed)
		return;
	LIST_FOREACH(s, &server.sessions, link) {
		if (s->cached != cf || !(s->note_events & events))
			continue;
		s->note_pending |= s->note_events & events;
		if (s->note_armed) {
			s->note_armed = false;
			if (irq_trigger(s->note_irq) < 0)
				note_end(s);
		}
	}
}

void cache_written_back(struct cfile *cf)
{
	note(cf, MICA_FS_EV_WRITTEN);
}

/* Forget the subscriptions whose irq is gone (with its program, say);
 * how many are left. */
static uint32_t notes_sweep(void)
{
	struct session *s;

	LIST_FOREACH(s, &server.sessions, link)
		if (s->note_irq && mica_cap_gone(s->note_irq))
			note_end(s);
	return server.nsubscribed;
}

/* ---- gates: a session's, a mapping's, a hold's ---------------------- */

/* A gate to this thread labelled with obj, and its last-reference watch
 * (an irq labelled obj | 1), in slots it allocates.  On an error what
 * was made stays in *gate and *watch (0: no slot) for gate_pair_destroy. */
static int gate_pair_new(void *obj, mica_cap_t *gate, mica_cap_t *watch)
{
	int err;

	*gate = mica_slot_alloc();
	*watch = mica_slot_alloc();
	if (!*gate || !*watch)
		return -MICA_ENOMEM;
	if ((err = factory_create_gate(MICA_BOOT_FACTORY, *gate, MICA_BOOT_THREAD, (mica_word_t)obj)) == 0 &&
	    (err = factory_create_irq(MICA_BOOT_FACTORY, *watch, (mica_word_t)obj | 1)) == 0 &&
	    (err = irq_bind(*watch, MICA_BOOT_THREAD)) == 0)
		err = gate_watch(*gate, *watch);
	return err;
}

/* gate_pair_new's objects go (the clients' capabilities to the gate with
 * it), and their slots. */
static void gate_pair_destroy(mica_cap_t gate, mica_cap_t watch)
{
	if (gate)
		kobject_destroy(gate), mica_slot_free(gate);
	if (watch)
		kobject_destroy(watch), mica_slot_free(watch);
}

/* ---- sessions ------------------------------------------------------- */

static void session_free(struct session *s)
{
	gate_pair_destroy(s->gate, s->watch);
	if (s->buf) {
		uint64_t start, size;
		mica_cap_t back = mica_slot_alloc();
		if (back && region_map_detach(rt_cap("rm"), (uint64_t)s->buf, &start, &size, &back) == 0)
			mica_slot_drop(back);
		else if (back)
			mica_slot_free(back);
	}
	if (s->buffer) {
		task_cap_unmap(MICA_BOOT_TASK, s->buffer, false);   /* the client's copies */
		mica_slot_drop(s->buffer);
	}
	if (s->note_irq)
		note_end(s);
	if (s->cached && s->writable)
		s->cached->writers--;
	if (s->cached)
		cache_file_put(s->cached);
	if (s->file)
		fs_close(s->file);
	if (s->pos && --s->pos->refs == 0)
		free(s->pos);
	free(s);
}

/* Whether another session than s has s's regular file open. */
static bool others_open(const struct session *s)
{
	struct session *o;

	LIST_FOREACH(o, &server.sessions, link)
		if (o != s && o->cached == s->cached)
			return true;
	return false;
}

static void lockers_of_session_close(const struct session *s);

static void session_close(struct session *s)
{
	lockers_of_session_close(s);
	LIST_REMOVE(s, link);
	server.nsessions--;
	note(s->cached, MICA_FS_EV_CLOSED);   /* the other sessions' */
	if (s->cached && locks_on(s->cached))
		locks_session_closed(s->cached, !others_open(s));
	session_free(s);
}

static void undo_open(void *made)
{
	session_close(made);
}

/* A session of f (which it takes; cached: its pages, taken too). */
/* s's buffer, made on its first use (OpenFile.buffer, or a request that
 * moves data): a session that only stats, maps or closes needs none. */
static int session_buffer(struct session *s)
{
	mica_cap_t buffer, mine;
	uint64_t start;
	int err;

	if (s->buf)
		return 0;
	buffer = mica_slot_alloc();
	mine = mica_slot_alloc();
	if (!buffer || !mine)
		err = -MICA_ENOMEM;
	else if ((err = memory_alloc(rt_cap("mem"), BUFFER_SIZE, &buffer)) == 0 &&
		 (err = task_cap_map(MICA_BOOT_TASK, buffer, mine, MICA_RWX, false)) == 0 &&
		 (err = region_map_attach(rt_cap("rm"), 0, BUFFER_SIZE, MICA_R | MICA_W, mine, 0, &start)) == 0) {
		mica_slot_free(mine);   /* empty: the attach moved the capability to the region mapper */
		s->buffer = buffer;
		s->buf = (uint8_t *)start;
		return 0;
	}
	if (mine)
		mica_slot_free(mine);
	if (buffer)
		mica_slot_drop(buffer);   /* frees the slot, and drops the dataspace if it came */
	return err;
}

static int session_new(struct fs_file *f, struct cfile *cached, bool readable, bool writable, struct session **out)
{
	struct session *s = calloc(1, sizeof *s);
	int err;

	if (!s)
		return -MICA_ENOMEM;
	s->file = f;
	s->cached = cached;
	s->readable = readable;
	s->writable = writable;
	if (cached && writable)
		cached->writers++;
	if ((err = gate_pair_new(s, &s->gate, &s->watch)) != 0) {
		session_free(s);
		return err;
	}
	LIST_INSERT_HEAD(&server.sessions, s, link);
	server.nsessions++;
	*out = s;
	return 0;
}

static void stat_out(const struct fs_stat *st, uint32_t *ino, uint32_t *mode, uint32_t *nlink, uint32_t *uid,
		     uint32_t *gid, uint64_t *size, uint64_t *blocks, int64_t *atime, int64_t *mtime, int64_t *ctime)
{
	*ino = st->ino, *mode = st->mode, *nlink = st->nlink, *uid = st->uid, *gid = st->gid;
	*size = st->size, *blocks = st->blocks;
	*atime = st->atime, *mtime = st->mtime, *ctime = st->ctime;
}

/* ---- FileSystem: the served gate ------------------------------------ */

/* A request of FileSystem on a session's gate is not one. */
#define ON_SERVED_GATE(req) do { if ((req)->obj) return -MICA_ENOSYS; } while (0)

static int on_open(struct srv_request *req, const char *path, uint32_t flags, uint32_t mode, mica_cap_t *file,
		   mica_cap_t *buffer, uint32_t *buffer_size, uint32_t *type)
{
	unsigned fl = 0;
	struct fs_file *f;
	struct fs_stat st;
	struct session *s;
	int err;

	ON_SERVED_GATE(req);
	if (flags & ~(MICA_FS_O_READ | MICA_FS_O_WRITE | MICA_FS_O_CREAT | MICA_FS_O_EXCL | MICA_FS_O_TRUNC |
		      MICA_FS_O_DIRECTORY | MICA_FS_O_NOFOLLOW))
		return -MICA_EINVAL;
	if (server.nsessions >= SESSIONS_MAX)
		return fs_err(ENFILE);
	/* A program runs from the file: no writing (before O_TRUNC cuts it).
	 * With no hold at all, no look-up. */
	if ((flags & MICA_FS_O_WRITE) && server.nholds &&
	    (flags & MICA_FS_O_NOFOLLOW ? fs_lstat : fs_stat)(server.fs, path, &st) == 0 && S_ISREG(st.mode) &&
	    cache_running(st.ino))
		return fs_err(ETXTBSY);
	fl |= flags & MICA_FS_O_WRITE ? FS_O_WRITE : 0;
	fl |= flags & MICA_FS_O_CREAT ? FS_O_CREAT : 0;
	fl |= flags & MICA_FS_O_EXCL ? FS_O_EXCL : 0;
	fl |= flags & MICA_FS_O_TRUNC ? FS_O_TRUNC : 0;
	fl |= flags & MICA_FS_O_NOFOLLOW ? FS_O_NOFOLLOW : 0;
	if ((err = fs_open(server.fs, path, fl, mode & 07777, &f)) != 0)
		return fs_err(err);
	if ((err = fs_fstat(f, &st)) != 0 ||
	    (err = (flags & MICA_FS_O_DIRECTORY) && !S_ISDIR(st.mode) ? ENOTDIR : 0) != 0 ||
	    (err = S_ISLNK(st.mode) ? ELOOP : 0) != 0) {   /* O_NOFOLLOW of a symlink (POSIX) */
		fs_close(f);
		return fs_err(err);
	}
	struct cfile *cached = 0;
	if (S_ISREG(st.mode) && (err = cache_file(f, st.ino, flags & MICA_FS_O_WRITE, &cached)) != 0) {
		fs_close(f);
		return fs_err(err);
	}
	if (cached && (flags & MICA_FS_O_TRUNC)) {
		cache_truncated(cached, 0, 0);   /* pages other sessions had cached go */
		note(cached, MICA_FS_EV_RESIZED);
	}
	if ((err = session_new(f, cached, flags & MICA_FS_O_READ, flags & MICA_FS_O_WRITE, &s)) != 0)
		return err;
	*file = s->gate;
	*buffer = MICA_CAP_NULL;   /* made on first use: OpenFile.buffer */
	*buffer_size = BUFFER_SIZE;
	*type = st.mode & S_IFMT;
	srv_made(req, undo_open, s);
	return 0;
}

static int on_stat(struct srv_request *req, const char *path, bool nofollow, uint32_t *ino, uint32_t *mode,
		   uint32_t *nlink, uint32_t *uid, uint32_t *gid, uint64_t *size, uint64_t *blocks, int64_t *atime,
		   int64_t *mtime, int64_t *ctime)
{
	struct fs_stat st;
	int err;

	ON_SERVED_GATE(req);
	if ((err = (nofollow ? fs_lstat : fs_stat)(server.fs, path, &st)) != 0)
		return fs_err(err);
	stat_out(&st, ino, mode, nlink, uid, gid, size, blocks, atime, mtime, ctime);
	return 0;
}

#define BY_PATH(call) do { ON_SERVED_GATE(req); int e_ = (call); return e_ ? fs_err(e_) : 0; } while (0)

static int on_mkdir(struct srv_request *req, const char *path, uint32_t mode)
{
	BY_PATH(fs_mkdir(server.fs, path, mode & 07777));
}

static int on_unlink(struct srv_request *req, const char *path)
{
	BY_PATH(fs_unlink(server.fs, path));
}

static int on_rmdir(struct srv_request *req, const char *path)
{
	BY_PATH(fs_rmdir(server.fs, path));
}

static int on_rename(struct srv_request *req, const char *from, const char *to)
{
	BY_PATH(fs_rename(server.fs, from, to));
}

static int on_link(struct srv_request *req, const char *existing, const char *path)
{
	BY_PATH(fs_link(server.fs, existing, path));
}

static int on_symlink(struct srv_request *req, const char *target, const char *path)
{
	BY_PATH(fs_symlink(server.fs, target, path));
}

static int on_readlink(struct srv_request *req, const char *path, char *target)
{
	size_t len;

	ON_SERVED_GATE(req);
	int err = fs_readlink(server.fs, path, target, FILE_SYSTEM_READLINK_TARGET_MAX + 1, &len);
	if (err)
		return fs_err(err);
	target[len < FILE_SYSTEM_READLINK_TARGET_MAX ? len : FILE_SYSTEM_READLINK_TARGET_MAX] = 0;
	return 0;
}

static int on_chmod(struct srv_request *req, const char *path, uint32_t mode)
{
	BY_PATH(fs_chmod(server.fs, path, mode & 07777));
}

static int on_chown(struct srv_request *req, const char *path, uint32_t uid, uint32_t gid)
{
	BY_PATH(fs_chown(server.fs, path, uid, gid));
}

static int on_utimes(struct srv_request *req, const char *path, int64_t atime, int64_t mtime)
{
	BY_PATH(fs_utimes(server.fs, path, atime, mtime));
}

static int on_sync(struct srv_request *req)
{
	ON_SERVED_GATE(req);
	int err = cache_writeback_all();   /* what mappings wrote, first */
	if (!err)
		err = fs_sync(server.fs);
	return err ? fs_err(err) : 0;
}

static int on_statfs(struct srv_request *req, uint32_t *block_size, uint64_t *blocks, uint64_t *free_blocks,
		     uint64_t *inodes, uint64_t *free_inodes)
{
	struct fs_statfs st;

	ON_SERVED_GATE(req);
	int err = fs_statfs(server.fs, &st);
	if (err)
		return fs_err(err);
	*block_size = st.block_size, *blocks = st.blocks, *free_blocks = st.free_blocks;
	*inodes = st.inodes, *free_inodes = st.free_inodes;
	return 0;
}

/* The page of cut counters, read-only: the same gate for every client. */
static int on_cuts(struct srv_request *req, mica_cap_t *ds)
{
	ON_SERVED_GATE(req);
	*ds = server.cuts;
	return 0;
}

/* Whether req came through the cut counters' gate. */
static bool cuts_req(const struct srv_request *req)
{
	return req->obj && req->label == (mica_word_t)&server.cuts;
}

/* ---- OpenFile: a session's gate ------------------------------------- */

static struct session *session_req(struct srv_request *req)
{
	return req->obj ? session_of(req->label) : 0;
}

static int on_read(struct srv_request *req, uint64_t offset, uint32_t count, uint32_t *done)
{
	struct session *s = session_req(req);
	size_t n = 0;

	if (!s)
		return -MICA_ENOSYS;
	if (count > BUFFER_SIZE)
		return -MICA_EINVAL;
	struct fs_stat st;
	int err;
	if ((err = session_buffer(s)) != 0)
		return err;
	if (s->cached) {   /* through the page cache, where mappings' writes are too */
		if ((err = fs_fstat(s->file, &st)) != 0)
			return fs_err(err);
		uint64_t left = offset < st.size ? st.size - offset : 0;
		err = cache_read(s->cached, offset, s->buf, count < left ? count : left, &n);
	} else {
		err = fs_read(s->file, offset, s->buf, count, &n);
	}
	*done = (uint32_t)n;
	return err && !n ? fs_err(err) : 0;
}

/* OpenFile.load: the client reads [offset, offset + count) from its own
 * view of the file (a shared mapping): the pages come into the cache here,
 * so that its first fault in each block maps the block whole, and the
 * answer is how much of the range the file holds now.  A range of more
 * than a quarter of the pool is left to the faults (loading it would
 * reclaim its own first pages). */
static int on_load(struct srv_request *req, uint64_t offset, uint32_t count, uint32_t *done)
{
	struct session *s = session_req(req);
	struct fs_stat st;
	unsigned pages, free_pages;
	int err;

	if (!s)
		return -MICA_ENOSYS;
	if (count > MICA_FS_WINDOW)
		return -MICA_EINVAL;
	if (!s->cached)
		return fs_err(ENODEV);
	if (!s->readable)
		return fs_err(EBADF);
	if ((err = fs_fstat(s->file, &st)) != 0)
		return fs_err(err);
	uint64_t left = offset < st.size ? st.size - offset : 0;
	*done = count < left ? count : (uint32_t)left;
	if (!*done)
		return 0;
	uint64_t first = offset / PAGE, last = (offset + *done - 1) / PAGE;
	cache_stats(&pages, &free_pages);
	if (last - first >= pages / 4)
		return 0;   /* left to the faults */
	if ((err = cache_load(s->cached, first, last)) != 0)
		return err == ENOMEM ? -MICA_ENOMEM : fs_err(err);
	return 0;
}

/* op (read or load) at the session's shared offset, which moves past what
 * it did; *at says where that was. */
static int at_offset(struct srv_request *req, uint32_t count, uint32_t *done, uint64_t *at,
		     int (*op)(struct srv_request *req, uint64_t offset, uint32_t count, uint32_t *done))
{
	struct session *s = session_req(req);
	int err;

	if (!s)
		return -MICA_ENOSYS;
	if (!s->pos)
		return -MICA_EINVAL;
	if ((err = op(req, s->pos->at, count, done)) == 0) {
		*at = s->pos->at;
		moving(req, s->pos);
		s->pos->at += *done;
	}
	return err;
}

/* load at the shared offset when it lies in the client's view (the
 * window from `window`), no further than the window's end: the client
 * copies from the view it has, so a view it could not move never costs
 * it bytes it was not given.  Elsewhere nothing moves; *at says where. */
static int on_load_on(struct srv_request *req, uint32_t count, uint64_t window, uint32_t *done, uint64_t *at)
{
	struct session *s = session_req(req);

	if (!s)
		return -MICA_ENOSYS;
	if (!s->pos)
		return -MICA_EINVAL;
	if (count > MICA_FS_WINDOW)
		return -MICA_EINVAL;
	uint64_t off = s->pos->at;
	if (off < window || off - window >= MICA_FS_WINDOW) {
		*done = 0;
		*at = off;
		return 0;
	}
	uint64_t room = window + MICA_FS_WINDOW - off;
	return at_offset(req, count < room ? count : (uint32_t)room, done, at, on_load);
}

/* Blocks behind the whole pages of s's file that [off, end) touches
 * (inside size): the holes there filled (lib/fs's fs_bmap), so that
 * writing the pages back cannot fail for want of space.  [0,
 * cf->allocated) is known to have none, which spares the look-up when
 * the same file is written again.  An errno value. */
static int allocated(struct session *s, uint64_t off, uint64_t end, uint64_t size)
{
	struct cfile *cf = s->cached;
	uint64_t from = off & ~(uint64_t)(PAGE - 1), to = (end + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	struct fs_run runs[16];
	unsigned n;
	int err;

	if (to > size)
		to = size;   /* writing back stops at the end */
	if (to <= cf->allocated)
		return 0;
	if (from < cf->allocated)
		from = cf->allocated;
	bool frontier = from == cf->allocated;
	while (from < to) {
		if ((err = fs_bmap(s->file, from, to - from, 1, runs, 16, &n)) != 0)
			return err;
		uint64_t next = n < 16 ? to : (runs[n - 1].lblk + runs[n - 1].count) * fs_block_size(server.fs);
		if (next <= from)
			return EIO;   /* no progress: lib/fs answered nothing */
		from = next;
		if (frontier)
			cf->allocated = from < to ? from : to;
	}
	return 0;
}

static int on_write(struct srv_request *req, uint64_t offset, uint32_t count, bool append, uint32_t *done,
		    uint64_t *at)
{
	struct session *s = session_req(req);
	struct fs_stat st;
	size_t n = 0;
	int err;

	if (!s)
		return -MICA_ENOSYS;
	if (count > BUFFER_SIZE)
		return -MICA_EINVAL;
	if (!s->writable)
		return fs_err(EBADF);
	if ((err = session_buffer(s)) != 0)
		return err;
	if ((err = fs_fstat(s->file, &st)) != 0)
		return fs_err(err);
	if (append)
		offset = st.size;
	if (s->cached && offset + count <= st.size && (err = allocated(s, offset, offset + count, st.size)) == 0) {
		/* Inside the file over allocated blocks: into the cached pages
		 * only, which go to the file when written back. */
		if ((err = cache_write(s->cached, offset, s->buf, count, &n)) == 0 || n)
			fs_touch(s->file);
		if (n)
			note(s->cached, MICA_FS_EV_WRITTEN);
		*done = (uint32_t)n;
		*at = offset;
		return err && !n ? fs_err(err) : 0;
	}
	if (err)
		return fs_err(err);   /* no space for a hole's blocks */
	err = fs_write(s->file, offset, s->buf, count, &n);
	if (s->cached && n) {
		cache_written(s->cached, offset, s->buf, n, st.size);
		note(s->cached, MICA_FS_EV_WRITTEN | (offset + n > st.size ? MICA_FS_EV_RESIZED : 0));
	}
	*done = (uint32_t)n;
	*at = offset;
	return err && !n ? fs_err(err) : 0;
}

static int on_fstat(struct srv_request *req, uint32_t *ino, uint32_t *mode, uint32_t *nlink, uint32_t *uid,
		    uint32_t *gid, uint64_t *size, uint64_t *blocks, int64_t *atime, int64_t *mtime, int64_t *ctime)
{
	struct session *s = session_req(req);
	struct fs_stat st;

	if (!s)
		return -MICA_ENOSYS;
	int err = fs_fstat(s->file, &st);
	if (err)
		return fs_err(err);
	stat_out(&st, ino, mode, nlink, uid, gid, size, blocks, atime, mtime, ctime);
	return 0;
}

static int on_truncate(struct srv_request *req, uint64_t size)
{
	struct session *s = session_req(req);

	if (!s)
		return -MICA_ENOSYS;
	if (!s->writable)
		return fs_err(EINVAL);   /* POSIX ftruncate on a descriptor not open for writing */
	struct fs_stat st;
	int err = fs_fstat(s->file, &st);
	if (!err && !(err = fs_truncate(s->file, size)) && s->cached) {
		cache_truncated(s->cached, st.size, size);
		if (size != st.size)
			note(s->cached, MICA_FS_EV_RESIZED);
	}
	return err ? fs_err(err) : 0;
}

static int on_fsync(struct srv_request *req)
{
	struct session *s = session_req(req);

	if (!s)
		return -MICA_ENOSYS;
	int err = s->cached ? cache_writeback(s->cached, 0, 0) : 0;
	if (!err)
		err = fs_fsync(s->file);   /* the file's blocks and inode, as ext2's fsync */
	return err ? fs_err(err) : 0;
}

/* OpenFile.advise (posix_fadvise): only DONTNEED does something. */
static int on_advise(struct srv_request *req, uint64_t offset, uint64_t length, uint32_t advice, uint32_t *dropped)
{
	struct session *s = session_req(req);

	if (!s)
		return -MICA_ENOSYS;
	*dropped = 0;
	if (advice > MICA_FS_ADVISE_NOREUSE || offset + length < offset)
		return -MICA_EINVAL;
	if (!s->cached)
		return fs_err(ENODEV);
	if (advice != MICA_FS_ADVISE_DONTNEED)
		return 0;
	int err = cache_drop(s->cached, offset, length, dropped);
	return err ? fs_err(err) : 0;
}

/* A listing of the directory (listing.c): the read end of its pipe. */
static int on_list(struct srv_request *req, uint64_t from, mica_cap_t *read_end)
{
	struct session *s = session_req(req);
	struct fs_stat st;
	int err;

	if (!s)
		return -MICA_ENOSYS;
	if ((err = fs_fstat(s->file, &st)) != 0)
		return fs_err(err);
	if (!S_ISDIR(st.mode))
		return fs_err(ENOTDIR);
	err = listing_start(req, s->file, from, read_end);
	return err > 0 ? fs_err(err) : err;
}

static struct hold *hold_of(mica_word_t label);
static void hold_close(struct hold *h);
static struct locker *locker_of(mica_word_t label);
static void locker_close(struct locker *l);

/* A session ends, or a hold (OpenFile.deny_write) or a locker
 * (OpenFile.lock_owner) on its gate. */
static int on_close(struct srv_request *req)
{
	struct session *s = session_req(req);
	struct hold *h = req->obj && !s ? hold_of(req->label) : 0;
	struct locker *l = req->obj && !s && !h ? locker_of(req->label) : 0;

	if (s)
		session_close(s);
	else if (h)
		hold_close(h);
	else if (l)
		locker_close(l);
	else
		return -MICA_ENOSYS;
	return 0;
}

/* The inode's attributes through a session: any session may, as the
 * path calls let anyone (every program is user 0). */
static int on_fchmod(struct srv_request *req, uint32_t mode)
{
	struct session *s = session_req(req);

	if (!s)
		return -MICA_ENOSYS;
	int err = fs_fchmod(s->file, mode & 07777);
	return err ? fs_err(err) : 0;
}

static int on_fchown(struct srv_request *req, uint32_t uid, uint32_t gid)
{
	struct session *s = session_req(req);

	if (!s)
		return -MICA_ENOSYS;
	int err = fs_fchown(s->file, uid, gid);
	return err ? fs_err(err) : 0;
}

static int on_futimes(struct srv_request *req, int64_t atime, int64_t mtime)
{
	struct session *s = session_req(req);

	if (!s)
		return -MICA_ENOSYS;
	int err = fs_futimes(s->file, atime, mtime);
	return err ? fs_err(err) : 0;
}

/* Another session on the same open file (a descriptor a spawned child
 * inherits), sharing an offset with this one: its gate only; its holder
 * asks for the buffer. */
static int on_dup(struct srv_request *req, uint64_t offset, mica_cap_t *file)
{
	struct session *s = session_req(req), *n;
	int err;

	if (!s)
		return -MICA_ENOSYS;
	if (server.nsessions >= SESSIONS_MAX)
		return fs_err(ENFILE);
	if (!s->pos) {
		if (!(s->pos = calloc(1, sizeof *s->pos)))
			return -MICA_ENOMEM;
		s->pos->refs = 1;
		s->pos->at = offset;
	}
	if (s->cached)
		s->cached->refs++;   /* the new session's */
	if ((err = session_new(fs_dup(s->file), s->cached, s->readable, s->writable, &n)) != 0)
		return err;   /* it dropped both references */
	n->pos = s->pos;
	s->pos->refs++;
	*file = n->gate;
	srv_made(req, undo_open, n);
	return 0;
}

static int on_buffer(struct srv_request *req, mica_cap_t *buffer, uint32_t *buffer_size, uint32_t *type)
{
	struct session *s = session_req(req);
	struct fs_stat st;
	int err;

	if (!s)
		return -MICA_ENOSYS;
	if ((err = fs_fstat(s->file, &st)) != 0 || (err = session_buffer(s)) != 0)
		return err < 0 ? err : fs_err(err);
	*buffer = s->buffer;
	*buffer_size = BUFFER_SIZE;
	*type = st.mode & S_IFMT;
	return 0;
}

static int on_read_on(struct srv_request *req, uint32_t count, uint32_t *done, uint64_t *at)
{
	return at_offset(req, count, done, at, on_read);
}

static int on_write_on(struct srv_request *req, uint32_t count, bool append, uint32_t *done, uint64_t *at)
{
	struct session *s = session_req(req);
	int err;

	if (!s)
		return -MICA_ENOSYS;
	if (!s->pos)
		return -MICA_EINVAL;
	if ((err = on_write(req, s->pos->at, count, append, done, at)) == 0) {
		moving(req, s->pos);
		s->pos->at = *at + *done;
	}
	return err;
}

static int on_seek(struct srv_request *req, int64_t offset, uint32_t whence, uint64_t *pos)
{
	struct session *s = session_req(req);
	struct fs_stat st;
	uint64_t base;
	int err;

	if (!s)
		return -MICA_ENOSYS;
	if (!s->pos) {
		/* Only SEEK_SET can say where an offset kept here starts. */
		if (whence != SEEK_SET || offset < 0)
			return -MICA_EINVAL;
		if (!(s->pos = calloc(1, sizeof *s->pos)))
			return -MICA_ENOMEM;
		s->pos->refs = 1;
		*pos = s->pos->at = (uint64_t)offset;
		return 0;
	}
	if (whence == SEEK_SET)
		base = 0;
	else if (whence == SEEK_CUR)
		base = s->pos->at;
	else if (whence == SEEK_END) {
		if ((err = fs_fstat(s->file, &st)) != 0)
			return fs_err(err);
		base = st.size;
	} else
		return fs_err(EINVAL);
	if (offset < 0 && (uint64_t)-(offset + 1) + 1 > base)
		return fs_err(EINVAL);
	if (offset > 0 && (uint64_t)offset > (uint64_t)INT64_MAX - base)
		return fs_err(EOVERFLOW);
	moving(req, s->pos);
	*pos = s->pos->at = base + (uint64_t)offset;
	return 0;
}

/* OpenFile.notify: arm, then look.  The first call subscribes; a later
 * one with another irq replaces it. */
static int on_notify(struct srv_request *req, mica_cap_t irq, uint32_t events, uint32_t *happened)
{
	struct session *s = session_req(req);
	bool same = false;
	int err;

	if (!s)
		return -MICA_ENOSYS;
	if (!events || (events & ~MICA_FS_EVENTS) || !mica_cap_is_irq(irq))
		return -MICA_EINVAL;
	if (!s->cached)
		return fs_err(ENODEV);
	if (s->note_irq && task_cap_same(MICA_BOOT_TASK, s->note_irq, irq, &same) != 0)
		same = false;
	if (!same) {
		if (!s->note_irq && server.nsubscribed >= MICA_FS_SUBSCRIPTIONS_MAX &&
		    notes_sweep() >= MICA_FS_SUBSCRIPTIONS_MAX)
			return -MICA_ENOMEM;
		if ((err = srv_keep(req, irq)) != 0)
			return err;
		if (s->note_irq)
			mica_slot_drop(s->note_irq);
		else
			s->cached->subscribed++, server.nsubscribed++;
		s->note_irq = irq;
	}
	s->note_events = events;
	*happened = s->note_pending & events;
	s->note_pending = 0;
	s->note_armed = !*happened;
	return 0;
}

/* Subscribers.count (on any gate): the live subscriptions. */
static int on_count(struct srv_request *req, uint32_t *live)
{
	(void)req;
	*live = notes_sweep();
	return 0;
}

/* ---- record locks: OpenFile.lock, test_lock (locks.c) --------------- */

static struct locker *locker_of(mica_word_t label)
{
	return LABELED(&server.lockers, label);
}

static void locker_close(struct locker *l)
{
	LIST_REMOVE(l, link);
	server.nlockers--;
	gate_pair_destroy(l->gate, l->watch);
	if (l->owner)
		locks_owner_put(l->owner);
	free(l);
}

static void undo_locker(void *made)
{
	locker_close(made);
}

static void lockers_of_session_close(const struct session *s)
{
	struct locker *l, *next;

	for (l = LIST_FIRST(&server.lockers); l; l = next) {
		next = LIST_NEXT(l, link);
		if (l->s == s)
			locker_close(l);
	}
}

static int on_lock_owner(struct srv_request *req, mica_cap_t owner, uint32_t pid, mica_cap_t *out)
{
	struct session *s = session_req(req);
	struct locker *l;
	struct owner *o;
	int err;

	if (!s)
		return -MICA_ENOSYS;
	if (!s->cached || !owner)
		return fs_err(EINVAL);
	if ((err = locks_owner_get(req, owner, pid, &o)) != 0)
		return err > 0 ? fs_err(err) : err;
	LIST_FOREACH(l, &server.lockers, link)
		if (l->s == s && l->owner == o) {   /* one locker per session and owner */
			locks_owner_put(o);
			*out = l->gate;
			return 0;
		}
	if (server.nlockers >= MICA_FS_LOCKERS_MAX || !(l = calloc(1, sizeof *l))) {
		err = server.nlockers >= MICA_FS_LOCKERS_MAX ? fs_err(ENOLCK) : -MICA_ENOMEM;
		locks_owner_put(o);
		return err;
	}
	l->s = s;
	l->owner = o;
	LIST_INSERT_HEAD(&server.lockers, l, link);
	server.nlockers++;
	if ((err = gate_pair_new(l, &l->gate, &l->watch)) != 0) {
		locker_close(l);
		return err;
	}
	*out = l->gate;
	srv_made(req, undo_locker, l);
	return 0;
}

/* The session a lock request came through (a locker's: *l says which),
 * and the request's range as the table keeps it: 0 or an errno value.
 * A request through a locker names no owner. */
static int lock_req(struct srv_request *req, mica_cap_t owner, uint32_t type, uint64_t start, uint64_t length,
		    struct session **s, struct locker **l, uint64_t *end)
{
	*l = 0;
	if (!(*s = session_req(req)) && req->obj && (*l = locker_of(req->label)) != 0)
		*s = (*l)->s;
	if (!*s)
		return -MICA_ENOSYS;
	if (*l && owner)
		return -MICA_EINVAL;
	if (type > MICA_FS_LOCK_WRITE || !(*s)->cached)
		return EINVAL;
	if (start > INT64_MAX || length > INT64_MAX - start)
		return EOVERFLOW;
	*end = length ? start + length : LOCK_EOF;
	return 0;
}

static int on_lock(struct srv_request *req, mica_cap_t owner, uint32_t pid, uint32_t type, uint64_t start,
		   uint64_t length, bool wait)
{
	struct session *s;
	struct locker *l;
	uint64_t end;
	int err = lock_req(req, owner, type, start, length, &s, &l, &end);

	if (!err && !owner && !l)
		err = EINVAL;
	if (!err && ((type == MICA_FS_LOCK_READ && !s->readable) || (type == MICA_FS_LOCK_WRITE && !s->writable)))
		err = EBADF;
	if (!err && l)
		err = locks_set_as(req, s->cached, l->owner, pid, type, start, end, wait);
	else if (!err)
		err = locks_set(req, s->cached, owner, pid, type, start, end, wait);
	return err > 0 ? fs_err(err) : err;
}

static int on_test_lock(struct srv_request *req, mica_cap_t owner, uint32_t type, uint64_t start, uint64_t length,
			uint32_t *held_type, uint64_t *held_start, uint64_t *held_length, uint32_t *held_pid)
{
	struct session *s;
	struct locker *l;
	uint64_t end;
	int err = lock_req(req, owner, type, start, length, &s, &l, &end);

	if (!err && type == MICA_FS_LOCK_UNLOCK)
		err = EINVAL;
	if (err)
		return err > 0 ? fs_err(err) : err;
	*held_type = type;
	*held_start = start;
	if (l)
		locks_test_as(s->cached, l->owner, held_type, held_start, &end, held_pid);
	else
		locks_test(s->cached, owner, held_type, held_start, &end, held_pid);
	*held_length = end == LOCK_EOF ? 0 : end - *held_start;
	return 0;
}

/* ---- file dataspaces: OpenFile.mmap, Dataspace, FileMapping ---------- */

static struct mapping *mapping_of(mica_word_t label)
{
	return LABELED(&server.mappings, label);
}

static struct mapping *mapping_req(struct srv_request *req)
{
	return req->obj ? mapping_of(req->label) : 0;
}

static void mapping_free(struct mapping *m)
{
	gate_pair_destroy(m->gate, m->watch);
	cache_private_free(&m->own);
	if (m->writer)
		m->cached->writers--;
	cache_file_put(m->cached);
	free(m);
}

static void mapping_close(struct mapping *m)
{
	LIST_REMOVE(m, link);
	server.nmappings--;
	mapping_free(m);
}

static void undo_map(void *made)
{
	mapping_close(made);
}

/* A mapping of s's file (OpenFile.mmap, mmap_masked). */
static int map_new(struct srv_request *req, struct session *s, uint32_t rights, bool private, uint64_t limit,
		   mica_cap_t *ds)
{
	struct mapping *m;
	int err;

	if (!(rights & MICA_RWX) || (rights & ~(MICA_RWX | MICA_FS_MAP_ZEROS)))
		return -MICA_EINVAL;
	bool zeros = rights & MICA_FS_MAP_ZEROS;
	rights &= MICA_RWX;
	if (!s->cached)
		return fs_err(ENODEV);
	if (!s->readable || ((rights & MICA_W) && !private && !s->writable))
		return fs_err(EACCES);
	if (server.nmappings >= MAPPINGS_MAX)
		return fs_err(ENFILE);
	bool writer = !private && (rights & MICA_W);   /* none while a hold lives: no writable session */
	if (!(m = calloc(1, sizeof *m)))
		return -MICA_ENOMEM;
	m->rights = rights;
	m->private = private;
	m->zeros = zeros;
	m->limit = limit;
	m->cached = s->cached;
	s->cached->refs++;   /* the mapping keeps the file open */
	if ((m->writer = writer))
		s->cached->writers++;
	if ((err = gate_pair_new(m, &m->gate, &m->watch)) != 0) {
		mapping_free(m);
		return err;
	}
	LIST_INSERT_HEAD(&server.mappings, m, link);
	server.nmappings++;
	*ds = m->gate;
	srv_made(req, undo_map, m);
	return 0;
}

static int on_map(struct srv_request *req, uint32_t rights, bool private, mica_cap_t *ds)
{
	struct session *s = session_req(req);

	return s ? map_new(req, s, rights, private, NO_LIMIT, ds) : -MICA_ENOSYS;
}

/* A masked mapping: shared ones read-only (the page at the mask is a
 * copy, which a write could not reach the file through). */
static int on_mmap_masked(struct srv_request *req, uint32_t rights, bool private, uint64_t limit, mica_cap_t *ds)
{
	struct session *s = session_req(req);

	if (!s)
		return -MICA_ENOSYS;
	if (!private && (rights & MICA_W))
		return -MICA_EINVAL;
	return map_new(req, s, rights, private, limit, ds);
}

/* ---- holds: OpenFile.deny_write ------------------------------------ */

static struct hold *hold_of(mica_word_t label)
{
	return LABELED(&server.holds, label);
}

static void hold_free(struct hold *h)
{
	gate_pair_destroy(h->gate, h->watch);
	h->cached->running--;
	cache_file_put(h->cached);
	free(h);
}

static void hold_close(struct hold *h)
{
	LIST_REMOVE(h, link);
	server.nholds--;
	hold_free(h);
}

static void undo_hold(void *made)
{
	hold_close(made);
}

/* No writing to the file of the session (or of the hold, or of the mapping: the
 * process server keeps a program's text mapping and asks on it) whose gate this
 * is while the new hold lives: none may be open for writing now. */
static int on_deny_write(struct srv_request *req, mica_cap_t *out)
{
	struct session *s = session_req(req);
	struct hold *h = req->obj && !s ? hold_of(req->label) : 0;
	struct mapping *m = !s && !h ? mapping_req(req) : 0;
	struct cfile *cf = s ? s->cached : h ? h->cached : m ? m->cached : 0;
	int err;

	if (!s && !h && !m)
		return -MICA_ENOSYS;
	if (!cf)
		return fs_err(ENODEV);
	if (cf->writers)
		return fs_err(ETXTBSY);
	if (server.nholds >= HOLDS_MAX)
		return fs_err(ENFILE);
	if (!(h = calloc(1, sizeof *h)))
		return -MICA_ENOMEM;
	h->cached = cf;
	h->cached->refs++;
	h->cached->running++;
	if ((err = gate_pair_new(h, &h->gate, &h->watch)) != 0) {
		hold_free(h);
		return err;
	}
	LIST_INSERT_HEAD(&server.holds, h, link);
	server.nholds++;
	*out = h->gate;
	srv_made(req, undo_hold, h);
	return 0;
}

/* Page va (0: not had, err says why) as the answer for the page at start. */
static int map_page(struct mica_flexpage *page, uint8_t *va, int err, uint64_t start, uint32_t rights)
{
	if (!va)
		return err == ENOMEM ? -MICA_ENOMEM : -MICA_EIO;
	page->fpage = mica_fpage((mica_addr_t)va, 12, rights);
	page->send_base = start;   /* its place in a window of more pages */
	return 0;
}

/* A page of the file for a client's region mapper: the cache's own, or
 * a private mapping's copy when it writes (or wrote) it; none wholly past
 * the file's end (MICA_EFAULT: the client's SIGBUS), unless the mapping
 * reads zeros there.  A masked mapping's page wholly past its limit is
 * the page of zeros (read-only; a private write copies it), the page
 * that straddles the limit its own copy with the tail zeroed. */
static int on_ds_map(struct srv_request *req, uint64_t offset, uint32_t rights, struct mica_flexpage *page)
{
	struct mapping *m = mapping_req(req);
	uint64_t index = offset / PAGE, start = index * PAGE;
	uint8_t *va = 0;
	int err = 0;

	if (cuts_req(req)) {   /* the cut counters: read-only */
		if (rights & ~MICA_R)
			return -MICA_EPERM;
		if (offset >= PAGE)
			return -MICA_EINVAL;
		page->fpage = mica_fpage((mica_addr_t)cuts_page(), 12, MICA_R);
		page->send_base = 0;
		return 0;
	}
	if (!m)
		return -MICA_ENOSYS;
	if (rights & ~m->rights)
		return -MICA_EPERM;
	if (offset >= MICA_FS_MAP_SIZE)
		return -MICA_EINVAL;
	if (start >= m->limit) {
		if (rights & MICA_W)   /* private: a shared masked mapping has no W */
			va = cache_private_page(&m->own, m->cached, index, 0, &err);
		else if (!(va = cache_private_find(&m->own, index)))
			va = (uint8_t *)cache_zero_page();
		return map_page(page, va, err, start, rights);
	}
	struct fs_stat st;
	bool sized = fs_fstat(m->cached->file, &st) == 0;
	uint64_t pages = sized ? (st.size + PAGE - 1) / PAGE : 0;   /* the file's, the last one cut */
	if (!m->zeros && sized && index >= pages)
		return -MICA_EFAULT;
	if (m->limit - start < PAGE)
		return map_page(page, cache_private_page(&m->own, m->cached, index, m->limit - start, &err), err,
				start, rights);
	if (!m->private && !(rights & MICA_W)) {
		/* A read: fault-around, the cached pages of the block around it
		 * inside the file (a private mapping's own copies could be among
		 * them: one page there), if the block lies below a mask (the
		 * window may hold the file's pages past it). */
		uint8_t *block;
		uint64_t block_end = ((index | (AROUND_PAGES - 1)) + 1) * PAGE;
		if (!cache_page(m->cached, index, false, &err))
			return err == ENOMEM ? -MICA_ENOMEM : -MICA_EIO;
		if (sized && block_end <= m->limit && (block = cache_around(m->cached, index, pages)) != 0) {
			page->fpage = mica_fpage((mica_addr_t)block, AROUND_ORDER, rights);
			page->send_base = start;
			return 0;
		}
	}
	if (!m->private)
		va = cache_page(m->cached, index, rights & MICA_W, &err);
	else if (rights & MICA_W)
		va = cache_private_page(&m->own, m->cached, index, PAGE, &err);
	else if (!(va = cache_private_find(&m->own, index)))
		va = cache_page(m->cached, index, false, &err);   /* shared until written */
	return map_page(page, va, err, start, rights);
}

/* A copy of a private mapping for a forked program (the process server's
 * for a program's data, docs/processes.md "fork"): the same file, rights
 * and mask, with copies of the pages the mapping has of its own, taken
 * from the half of the pool private pages may have (the session is not
 * charged).  Another mapping has none (MICA_ENOSYS: the caller shares it). */
static int on_ds_duplicate(struct srv_request *req, bool shared, mica_cap_t session, mica_cap_t *ds)
{
	struct mapping *m = mapping_req(req), *c;
	int err;

	(void)session;
	if (!m || !m->private || shared)
		return -MICA_ENOSYS;
	if (server.nmappings >= MAPPINGS_MAX)
		return fs_err(ENFILE);
	if (!(c = calloc(1, sizeof *c)))
		return -MICA_ENOMEM;
	*c = (struct mapping){ .cached = m->cached, .rights = m->rights, .private = true, .zeros = m->zeros,
			       .limit = m->limit };
	c->cached->refs++;
	if ((err = cache_private_copy(&c->own, &m->own)) != 0 || (err = gate_pair_new(c, &c->gate, &c->watch)) != 0) {
		mapping_free(c);
		return err > 0 ? fs_err(err) : err;
	}
	LIST_INSERT_HEAD(&server.mappings, c, link);
	server.nmappings++;
	*ds = c->gate;
	srv_made(req, undo_map, c);
	return 0;
}

static int on_ds_info(struct srv_request *req, uint64_t *size, uint32_t *rights)
{
	struct mapping *m = mapping_req(req);

	if (cuts_req(req)) {
		*size = PAGE;
		*rights = MICA_R;
		return 0;
	}
	if (!m)
		return -MICA_ENOSYS;
	*size = MICA_FS_MAP_SIZE;
	*rights = m->rights;
	return 0;
}

static int on_mapping_sync(struct srv_request *req, uint64_t offset, uint64_t size)
{
	struct mapping *m = mapping_req(req);
	int err;

	if (!m)
		return -MICA_ENOSYS;
	if (m->private)
		return 0;
	if ((err = cache_writeback(m->cached, offset, size)) == 0)
		err = fs_sync(server.fs);
	return err ? fs_err(err) : 0;
}

/* A session's or a mapping's last client capability went (a close by
 * dropping, or the client's end). */
/* The system halts (root triggered the irq given with Parent.on_halt):
 * every session and mapping ends, the page cache is written back with
 * their last references, and the file system is unmounted clean. */
static void halt(void)
{
	listing_end_all();
	while (!LIST_EMPTY(&server.holds))
		hold_close(LIST_FIRST(&server.holds));
	while (!LIST_EMPTY(&server.mappings))
		mapping_close(LIST_FIRST(&server.mappings));
	while (!LIST_EMPTY(&server.sessions))
		session_close(LIST_FIRST(&server.sessions));
	int err = fs_unmount(server.fs);
	printf("ext2fs: %s\n", err ? strerror(err) : "unmounted");
	exit(err ? 1 : 0);
}

static void on_irq(const struct srv *srv, mica_word_t label)
{
	(void)srv;
	mica_word_t obj = label & ~(mica_word_t)1;
	struct session *s;
	struct mapping *m;

	if (label == HALT_LABEL)
		halt();
	if (label == LISTING_LABEL) {
		listing_woken();
		return;
	}
	if (!(label & 1))
		return;
	struct hold *h;
	struct locker *l;
	if ((s = session_of(obj)) != 0)
		session_close(s);
	else if ((m = mapping_of(obj)) != 0)
		mapping_close(m);
	else if ((h = hold_of(obj)) != 0)
		hold_close(h);
	else if ((l = locker_of(obj)) != 0)
		locker_close(l);
}

static const struct file_system_ops fs_ops = {
	.open = on_open, .stat = on_stat, .mkdir = on_mkdir, .unlink = on_unlink, .rmdir = on_rmdir,
	.rename = on_rename, .link = on_link, .symlink = on_symlink, .readlink = on_readlink, .chmod = on_chmod,
	.chown = on_chown, .utimes = on_utimes, .sync = on_sync, .statfs = on_statfs,
	.cuts = on_cuts,
};
static const struct open_file_ops file_ops = {
	.read = on_read, .write = on_write, .fstat = on_fstat, .truncate = on_truncate, .fsync = on_fsync,
	.close = on_close, .mmap = on_map,
	.fchmod = on_fchmod, .fchown = on_fchown, .futimes = on_futimes,
	.dup = on_dup, .buffer = on_buffer, .read_on = on_read_on, .write_on = on_write_on, .seek = on_seek,
	.load = on_load, .load_on = on_load_on, .deny_write = on_deny_write, .list = on_list,
	.notify = on_notify, .mmap_masked = on_mmap_masked, .lock = on_lock, .test_lock = on_test_lock,
	.advise = on_advise, .lock_owner = on_lock_owner,
};
static const struct dataspace_ops ds_ops = { .map = on_ds_map, .info = on_ds_info, .duplicate = on_ds_duplicate };
static const struct file_mapping_ops mapping_ops = { .msync = on_mapping_sync };
static const struct subscribers_ops subscribers_ops = { .count = on_count };
static const struct file_server_ops ops = {
	.file_system = &fs_ops, .open_file = &file_ops, .dataspace = &ds_ops, .file_mapping = &mapping_ops,
	.subscribers = &subscribers_ops,
};

/* lib/fs's word that an inode went: the page cache forgets it. */
static void inode_released(void *arg, uint32_t ino)
{
	(void)arg;
	cache_forget(ino);
}

/* Mount the disk of the registry's `blk`; a message naming the problem
 * otherwise. */
static int mount_root(void)
{
	mica_cap_t blk = mica_slot_alloc();
	struct blkdev *dev;
	struct fs_options opt = { .released = inode_released };
	char msg[256] = "";
	int err;

	if (!blk || registry_lookup(rt_cap("registry"), "blk", &blk) != 0) {
		printf("ext2fs: cannot mount /: no block server (`blk` in the registry)\n");
		return -1;
	}
	if ((err = blkdev_mica_open(blk, 1, &dev)) != 0) {
		printf("ext2fs: cannot mount /: the disk: %s\n", strerror(err));
		return -1;
	}
	if ((err = fs_mount(dev, &opt, &server.fs, msg, sizeof msg)) != 0) {
		printf("ext2fs: cannot mount /: %s\n", msg[0] ? msg : strerror(err));
		dev->close(dev);
		return -1;
	}
	struct fs_statfs st;
	fs_statfs(server.fs, &st);
	printf("ext2fs: / mounted: %llu blocks of %u bytes, %llu free\n", (unsigned long long)st.blocks,
	       st.block_size, (unsigned long long)st.free_blocks);
	return 0;
}

/* An irq on this thread that root triggers when the system halts. */
static int ask_halt_irq(void)
{
	mica_cap_t irq = mica_slot_alloc();
	int err;

	if (!irq)
		return -MICA_ENOMEM;
	if ((err = factory_create_irq(MICA_BOOT_FACTORY, irq, HALT_LABEL)) == 0 &&
	    (err = irq_bind(irq, MICA_BOOT_THREAD)) == 0)
		err = parent_on_halt(rt_cap("parent"), irq);
	if (err)
		mica_slot_drop(irq);
	return err;
}

/* The page cache's size from an argument `cache=SIZE` (bytes, or with K
 * or M); false for anything else. */
static bool cache_arg(const char *arg, uint64_t *bytes)
{
	char *end;

	if (strncmp(arg, "cache=", 6) != 0 || arg[6] < '0' || arg[6] > '9')
		return false;
	uint64_t v = strtoull(arg + 6, &end, 10);
	unsigned shift = *end == 'K' ? 10 : *end == 'M' ? 20 : 0;
	if (shift)
		end++;
	if (*end || v > (1ull << 32) >> shift)
		return false;
	*bytes = v << shift;
	return true;
}

int main(int argc, char **argv)
{
	static struct file_server_buffers buffers;
	const struct srv s = { .protocol = &file_server_server, .ops = &ops, .state = &server, .irq = on_irq };
	uint64_t cache_bytes = CACHE_DEFAULT;
	int err;

	for (int i = 1; i < argc; i++)
		if (!cache_arg(argv[i], &cache_bytes)) {
			printf("ext2fs: unknown argument %s (cache=SIZE, SIZE in bytes, K or M)\n", argv[i]);
			return 1;
		}
	if (!rt_cap("serve")) {
		printf("ext2fs: no gate to serve (boot.cfg: provide NAME)\n");
		return 1;
	}
	if ((err = cache_init(cache_bytes)) != 0) {
		printf("ext2fs: no memory for a page cache of %llu bytes: %s\n", (unsigned long long)cache_bytes,
		       mica_strerror(err));
		return 1;
	}
	if ((err = cuts_init()) != 0 || !(server.cuts = mica_slot_alloc()) ||
	    (err = factory_create_gate(MICA_BOOT_FACTORY, server.cuts, MICA_BOOT_THREAD, (mica_word_t)&server.cuts))) {
		printf("ext2fs: no page of cut counters: %s\n", mica_strerror(err ? err : -MICA_ENOMEM));
		return 1;
	}
	if ((err = listing_init(LISTING_LABEL)) != 0) {
		printf("ext2fs: no irq for listings: %s\n", mica_strerror(err));
		return 1;
	}
	if (mount_root() != 0)
		return 1;
	if ((err = ask_halt_irq()) != 0)
		printf("ext2fs: root will not say when the system halts (%s): sync before halting\n",
		       mica_strerror(err));
	err = srv_serve(&s, &buffers);
	printf("ext2fs: %s\n", err == -MICA_ENOMEM ? "no capability slot left" : "stopped");
	return 1;
}
