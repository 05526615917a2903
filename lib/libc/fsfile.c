/*
 * fsfile.c - files of the file server (idl/rt/fs.idl, srv/ext2fs,
 * docs/fsserver.md): descriptors of open files, the calls by path that
 * path.c passes on, directories (<dirent.h>: a listing the server streams
 * through a pipe, read here without a descriptor), the working directory, the
 * attributes of open files and the file system's numbers (statvfs).
 *
 * The server is the capability `fs` (boot.cfg `cap fs`), else the
 * registry's `fs`.  An open file is a session: its own gate and a buffer
 * both sides attach; write (and a read the server has no view for) copies
 * through the buffer in pieces of its size, so the data never travels in
 * messages.  A read of a regular file copies from the program's own view
 * of the server's page cache: a read-only shared mapping of the file,
 * MICA_FS_WINDOW bytes of it attached at a time, after OpenFile.load
 * said how much of the range the file holds.  The file position
 * lives here, until the description is handed to a spawned child: then
 * parent and child share it in the server (OpenFile.dup, read_on,
 * write_on, seek).  O_APPEND writes go where the server says the end is.
 * The working directory and the umask (022 at start) live here too.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <libsys/slot.h>
#include <mica/fs.h>
#include <mica/proc.h>
#include <rt/rt.h>

#include <idl/kernel/task.h>
#include <idl/rt/fs.h>
#include <idl/rt/region_map.h>
#include <idl/rt/registry.h>

#include "glue.h"

struct fsfile {
	mica_cap_t gate;
	uint8_t *buf;
	uint32_t size;   /* of the buffer */
	uint32_t type;   /* S_IFMT */
	off_t pos;       /* unless shared */
	int shared;      /* the offset is the server's, shared with a child's session */
	char *path;      /* absolute, as opened: fchdir's and *at()'s directory */
	uint8_t *view;     /* reads of a regular file: MICA_FS_WINDOW of its pages (0: none yet) */
	uint64_t view_at;  /* the offset in the file where the view starts */
	const volatile uint64_t *cut;   /* the file's cut counter (with the view's first making) */
	int no_view;       /* the server made none (no mapping left): reads copy through the buffer */
	mica_cap_t locker; /* OpenFile.lock_owner's, for record locks (0: none) */
	pid_t locker_pid;  /* the process it was asked for (0: not yet; with no locker: refused) */
};

/* A directory stream: the listing the server streams through a pipe
 * (OpenFile.list), read here without a descriptor of its own. */
#define DIR_BUF 4096   /* records read at once: a whole record always fits */
struct libc_dir {
	int fd;
	struct pipe_end *listing;   /* being read (0: none yet, or read to its end) */
	int ended;                  /* the listing's end was read */
	uint64_t from;              /* where the next listing starts (rewinddir, seekdir) */
	uint64_t at;                /* telldir's: the position of the next entry */
	uint32_t have, off;         /* bytes in buf, and where the next record is */
	struct dirent ent;
	uint8_t buf[DIR_BUF];
};

static char cwd[PATH_MAX] = "/";
static unsigned open_files;   /* sessions of ours (a fork without any walks no table) */
static mode_t libc_umask = 022;   /* the permission bits open and mkdir leave out */

mode_t umask(mode_t mask)
{
	mode_t old = libc_umask;

	libc_umask = mask & 0777;
	return old;
}

const char *fsfile_cwd(void)
{
	return cwd;
}

mode_t fsfile_umask(void)
{
	return libc_umask;
}

void fsfile_inherit_cwd(const char *path, mode_t mask)
{
	if (path[0] == '/' && strlen(path) < sizeof cwd)
		strcpy(cwd, path);
	libc_umask = mask & 0777;
}

static mica_cap_t server(void)
{
	static mica_cap_t fs;

	return libc_service("fs", &fs);
}

/* The errno of an answer of the server: its file system's, or a Mica
 * error's. */
static int fs_errno(int err)
{
	return err <= -MICA_FS_ERRNO ? -err - MICA_FS_ERRNO : libc_errno_of(err);
}

static int fail(int err)
{
	return libc_fail(fs_errno(err));
}

/*
 * A request for a file's data or offset that a signal broke off
 * (MICA_ECANCELED: the thread was diverted to the handlers, which have
 * run) is sent again rather than failing with EINTR: reading and writing
 * a file is not interruptible, as a disk's I/O is not elsewhere.  Asking
 * again is safe: at an offset of the request's own it reads or writes the
 * same bytes, and a shared offset (read_on, load_on, write_on, seek) is
 * moved back by the server when its answer could not be delivered.  (An
 * O_APPEND write whose answer was lost is written twice.)
 */
#define AGAIN(call) ({                                           \
	int again_err_;                                          \
	while ((again_err_ = (call)) == -MICA_ECANCELED)         \
		;                                                \
	again_err_;                                              \
})

int fsfile_errno(int err)
{
	return fs_errno(err);
}

/* path made absolute against the working directory, into buf; NULL (errno
 * set) when it does not fit. */
static const char *absolute(const char *path, char *buf)
{
	if (!*path) {
		libc_fail(ENOENT);
		return 0;
	}
	if (*path == '/')
		return path;
	size_t n = strlen(cwd), m = strlen(path);
	if (n + 1 + m >= PATH_MAX) {
		libc_fail(ENAMETOOLONG);
		return 0;
	}
	memcpy(buf, cwd, n);
	if (n && buf[n - 1] != '/')
		buf[n++] = '/';
	memcpy(buf + n, path, m + 1);
	return buf;
}

#define ABS(var, path) char var##_buf[PATH_MAX]; const char *var = absolute(path, var##_buf); if (!var) return -1
/* Without a file server nothing exists outside rom/. */
#define SERVER(s) mica_cap_t s = server(); if (!s) return libc_fail(ENOENT)

/* The file server's one file system has a device number of its own:
 * programs (df, find -xdev, du) take 0 for "no device". */
#define FSFILE_DEV 1

static void stat_fill(struct stat *st, uint32_t ino, uint32_t mode, uint32_t nlink, uint32_t uid, uint32_t gid,
		      uint64_t size, uint64_t blocks, int64_t atime, int64_t mtime, int64_t ctime)
{
	*st = (struct stat){ .st_dev = FSFILE_DEV, .st_ino = ino, .st_mode = mode, .st_nlink = nlink, .st_uid = uid, .st_gid = gid,
			     .st_size = (off_t)size, .st_blocks = (blkcnt_t)blocks, .st_blksize = 4096 };
	st->st_atime = atime, st->st_mtime = mtime, st->st_ctime = ctime;
}

/* ---- descriptors ----------------------------------------------------- */

/* Reads and writes go through the session's buffer, a buffer's worth at a
 * time: at *pos, or with pos NULL at the offset the server keeps for a
 * description shared with a child (docs/processes.md). */

/* The session's buffer, attached on its first use: an open that only
 * stats, maps or closes the file needs none (the server makes it on
 * OpenFile.buffer).  0 or a Mica error. */
static int fsfile_buffer(struct fsfile *ff)
{
	mica_cap_t buffer, slot;
	uint32_t type;
	uint64_t start;
	int err;

	if (ff->buf)
		return 0;
	if (!(buffer = slot = mica_slot_alloc()))
		return -MICA_ENOMEM;
	if ((err = open_file_buffer(ff->gate, &buffer, &ff->size, &type)) == 0 &&
	    (err = buffer ? 0 : -MICA_EMSG) == 0 &&
	    (err = region_map_attach(rt_cap("rm"), 0, ff->size, MICA_R | MICA_W, buffer, 0, &start)) == 0) {
		mica_slot_free(buffer);   /* empty: the attach moved the capability to the region mapper */
		ff->buf = (uint8_t *)start;
		return 0;
	}
	mica_slot_drop(buffer ? buffer : slot);
	return err;
}

/* The server's page of cut counters (FileSystem.cuts), attached read-only
 * at the first view of the program (a forked child's region of it is a
 * copy of its parent's: it asks again, libc_fsfile_after_fork; when the
 * server does not answer, it reads without views).
 * NULL with err set when there is none. */
static const volatile uint64_t *cuts_page;

static const volatile uint64_t *fsfile_cuts(int *err)
{
	mica_cap_t ds, slot;
	uint64_t start;

	if (cuts_page)
		return cuts_page;
	if (!(ds = slot = mica_slot_alloc())) {
		*err = -MICA_ENOMEM;
		return 0;
	}
	if ((*err = file_system_cuts(server(), &ds)) == 0 && (*err = ds ? 0 : -MICA_EMSG) == 0 &&
	    (*err = region_map_attach(rt_cap("rm"), 0, MICA_PAGE_SIZE, MICA_R, ds, 0, &start)) == 0) {
		mica_slot_free(slot);   /* empty: the region mapper has it */
		return cuts_page = (const volatile uint64_t *)start;
	}
	mica_slot_drop(ds ? ds : slot);
	return 0;
}

/* The file's cut counter in that page (its inode's number from fstat).
 * 0 or a Mica error. */
static int fsfile_cut(struct fsfile *ff)
{
	uint32_t ino, mode, nlink, uid, gid;
	uint64_t size, blocks;
	int64_t a, m, c;
	int err;
	const volatile uint64_t *page = fsfile_cuts(&err);

	if (page && (err = open_file_fstat(ff->gate, &ino, &mode, &nlink, &uid, &gid, &size, &blocks, &a, &m, &c)) == 0)
		ff->cut = &page[ino % MICA_FS_CUTS];
	return err;
}

/* The view of the file over the window at base (aligned to it): a read-only
 * shared mapping of the file (OpenFile.mmap) attached once, moved when a
 * read leaves it.  Its pages are the page cache's: what other clients
 * write shows in it, and a page reclaimed or cut by a truncation is taken
 * from it and faults back in.  0 or a Mica error. */
static int fsfile_view(struct fsfile *ff, uint64_t base)
{
	mica_cap_t ds = mica_slot_alloc(), slot = ds;
	uint64_t start, size;
	int err;

	if (!ds)
		return -MICA_ENOMEM;
	if (ff->view) {
		/* A view that cannot be detached stays (and stays usable). */
		if ((err = region_map_detach(rt_cap("rm"), (uint64_t)ff->view, &start, &size, &ds)) == 0)
			ff->view = 0;
	} else if (!ff->cut && (err = fsfile_cut(ff)) != 0) {
		mica_slot_free(slot);
		/* No counters to be had (a forked child whose parent's capability
		 * to the server went with it): no view, as for a server that has
		 * none. */
		return err == -MICA_EBADCAP || err == -MICA_EGONE ? -(MICA_FS_ERRNO + ENODEV) : err;
	} else {
		err = open_file_mmap(ff->gate, MICA_R | MICA_FS_MAP_ZEROS, false, &ds);
	}
	if (!err && !ds)
		err = -MICA_EMSG;
	if (!err && (err = region_map_attach(rt_cap("rm"), 0, MICA_FS_WINDOW, MICA_R, ds, base, &start)) == 0) {
		mica_slot_free(slot);   /* empty: the region mapper has it */
		ff->view = (uint8_t *)start;
		ff->view_at = base;
		return 0;
	}
	if (ds)
		mica_slot_drop(ds);
	else
		mica_slot_free(slot);
	return err;
}

/* Detach the region at `at` (none: 0) and drop its capability. */
static void fsfile_region_drop(const void *at)
{
	mica_cap_t ds = at ? mica_slot_alloc() : 0, slot = ds;
	uint64_t start, size;

	if (ds && region_map_detach(rt_cap("rm"), (uint64_t)at, &start, &size, &ds) == 0 && ds)
		mica_slot_drop(ds);
	else if (slot)
		mica_slot_free(slot);
}

/* Detach the view and drop its mapping (the server ends it when its last
 * capability goes). */
static void fsfile_view_drop(struct fsfile *ff)
{
	fsfile_region_drop(ff->view);
	ff->view = 0;
}

/* The piece [at, at + n) read again through the session's buffer (the
 * server copies it, so no cut falls between its size and its bytes):
 * how many bytes it got, or a Mica error. */
static int fsfile_reread(struct fsfile *ff, uint64_t at, char *dst, uint32_t n, uint32_t *got)
{
	int err = fsfile_buffer(ff);

	*got = 0;
	while (!err && *got < n) {
		uint32_t k = n - *got < ff->size ? n - *got : ff->size, done;
		if ((err = AGAIN(open_file_read(ff->gate, at + *got, k, &done))) == 0 && done > k)
			err = -MICA_EMSG;
		if (err)
			break;
		memcpy(dst + *got, ff->buf, done);
		*got += done;
		if (done < k)
			break;
	}
	return *got ? 0 : err;
}

/* A read of a regular file through the view: OpenFile.load (load_on at a
 * shared offset) says how much of a piece inside the view the file holds
 * and brings the pages into the cache, then a copy in this program.  The
 * view is moved before the request, so a move that fails costs no byte
 * (a shared offset moves only inside the view the server is told of).
 * A cut of the file (a truncation by anyone) between the request and the
 * end of the copy may have zeroed bytes under it: the file's cut counter
 * says so, and the piece is read again through the buffer.  -1 when the
 * server has no view for it (the caller reads through the buffer). */
static ssize_t fsfile_view_read(struct fsfile *ff, void *buf, size_t len, const off_t *pos)
{
	size_t total = 0;
	uint64_t at = pos ? (uint64_t)*pos : ff->view_at;   /* shared: where the view is, until the server says */

	while (total < len) {
		uint32_t n = len - total < MICA_FS_WINDOW ? (uint32_t)(len - total) : MICA_FS_WINDOW, done;
		if (pos)
			at = (uint64_t)*pos + total;
		uint64_t base = at & ~(uint64_t)(MICA_FS_WINDOW - 1);
		if (!ff->view || ff->view_at != base) {
			int verr = fsfile_view(ff, base);
			if ((verr == -(MICA_FS_ERRNO + ENFILE) || verr == -(MICA_FS_ERRNO + ENODEV)) && !total &&
			    !ff->view) {
				ff->no_view = 1;   /* the server's mappings are used up, or not a regular file */
				return -1;
			}
			if (verr)
				return total ? (ssize_t)total : fail(verr);
		}
		if (n > base + MICA_FS_WINDOW - at)
			n = (uint32_t)(base + MICA_FS_WINDOW - at);   /* no further than the view */
		uint64_t cut = *ff->cut;
		int err = pos ? AGAIN(open_file_load(ff->gate, at, n, &done))
			      : AGAIN(open_file_load_on(ff->gate, n, base, &done, &at));
		if (!err && !pos && (at < base || at - base >= MICA_FS_WINDOW))
			continue;   /* the shared offset is elsewhere (another program moved it): nothing moved */
		if (!err && (done > n || at + done > base + MICA_FS_WINDOW))
			err = -MICA_EMSG;
		if (err)
			return total ? (ssize_t)total : fail(err);
		if (!pos && n > base + MICA_FS_WINDOW - at)
			n = (uint32_t)(base + MICA_FS_WINDOW - at);   /* the server stopped at the view's end */
		memcpy((char *)buf + total, ff->view + (at - base), done);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);   /* the copy's loads before the counter's */
		if (*ff->cut != cut && (err = fsfile_reread(ff, at, (char *)buf + total, done, &done)) != 0)
			return total ? (ssize_t)total : fail(err);
		total += done;
		at += done;
		if (done < n)
			break;
	}
	return (ssize_t)total;
}

static ssize_t fsfile_pread(struct fsfile *ff, void *buf, size_t len, const off_t *pos)
{
	size_t total = 0;

	if (ff->type == S_IFREG && !ff->no_view) {
		ssize_t n = fsfile_view_read(ff, buf, len, pos);
		if (n >= 0 || !ff->no_view)
			return n;
	}
	int berr = fsfile_buffer(ff);

	if (berr)
		return fail(berr);
	while (total < len) {
		uint32_t n = len - total < ff->size ? (uint32_t)(len - total) : ff->size, done;
		uint64_t at;
		int err = pos ? AGAIN(open_file_read(ff->gate, (uint64_t)*pos + total, n, &done))
			      : AGAIN(open_file_read_on(ff->gate, n, &done, &at));
		if (err)
			return total ? (ssize_t)total : fail(err);
		memcpy((char *)buf + total, ff->buf, done);
		total += done;
		if (done < n)
			break;
	}
	return (ssize_t)total;
}

/* With pos, *pos is where to write (ignored with append) and afterwards
 * the end of what was written. */
static ssize_t fsfile_pwrite(struct fsfile *ff, const void *buf, size_t len, off_t *pos, int append)
{
	size_t total = 0;

	if (ff->type == S_IFDIR)
		return libc_fail(EISDIR);
	int berr = fsfile_buffer(ff);
	if (berr)
		return fail(berr);
	while (total < len) {
		uint32_t n = len - total < ff->size ? (uint32_t)(len - total) : ff->size, done;
		uint64_t at;
		memcpy(ff->buf, (const char *)buf + total, n);
		int err = pos ? AGAIN(open_file_write(ff->gate, (uint64_t)*pos, n, append, &done, &at))
			      : AGAIN(open_file_write_on(ff->gate, n, append, &done, &at));
		if (err)
			return total ? (ssize_t)total : fail(err);
		total += done;
		if (pos)
			*pos = (off_t)(at + done);
		if (done < n)
			break;
	}
	return (ssize_t)total;
}

static ssize_t fs_read_op(struct file *f, void *buf, size_t len)
{
	struct fsfile *ff = f->obj;

	if (ff->type == S_IFDIR)
		return libc_fail(EISDIR);
	if (ff->shared)
		return fsfile_pread(ff, buf, len, 0);
	ssize_t n = fsfile_pread(ff, buf, len, &ff->pos);
	if (n > 0)
		ff->pos += n;
	return n;
}

static ssize_t fs_write_op(struct file *f, const void *buf, size_t len)
{
	struct fsfile *ff = f->obj;

	return fsfile_pwrite(ff, buf, len, ff->shared ? 0 : &ff->pos, (f->flags & O_APPEND) != 0);
}

static int fs_fstat_op(struct file *f, struct stat *st)
{
	struct fsfile *ff = f->obj;
	uint32_t ino, mode, nlink, uid, gid;
	uint64_t size, blocks;
	int64_t a, m, c;
	int err = open_file_fstat(ff->gate, &ino, &mode, &nlink, &uid, &gid, &size, &blocks, &a, &m, &c);

	if (err)
		return fail(err);
	stat_fill(st, ino, mode, nlink, uid, gid, size, blocks, a, m, c);
	return 0;
}

static off_t fs_size(struct file *f)
{
	struct stat st;

	return fs_fstat_op(f, &st) ? -1 : st.st_size;
}

static off_t fs_lseek_op(struct file *f, off_t off, int whence)
{
	struct fsfile *ff = f->obj;

	if (ff->shared) {
		uint64_t pos;
		int err = AGAIN(open_file_seek(ff->gate, off, (uint32_t)whence, &pos));
		return err ? fail(err) : (off_t)pos;
	}
	off_t to = fd_seek_target(f, ff->pos, off, whence, fs_size);

	if (to >= 0)
		ff->pos = to;
	return to;
}

static int fs_close_op(struct file *f)
{
	struct fsfile *ff = f->obj;
	uint64_t start, size;
	mica_cap_t slot = mica_slot_alloc(), back = slot;

	/* The view first: its mapping's end (the server learns of it by the
	 * mapping's watch) is then not the file's last reference, which the
	 * close below ends while we wait (writing back what it must). */
	fsfile_view_drop(ff);
	int err = open_file_close(ff->gate);
	open_files--;

	/* The close revoked the buffer: the region comes back empty (back
	 * NULL), and the slot is freed all the same. */
	if (slot && ff->buf && region_map_detach(rt_cap("rm"), (uint64_t)ff->buf, &start, &size, &back) == 0)
		mica_slot_drop(slot);
	else if (slot)
		mica_slot_free(slot);
	if (ff->locker)
		mica_slot_drop(ff->locker);
	mica_slot_drop(ff->gate);
	free(ff->path);
	free(ff);
	return err ? fail(err) : 0;
}

/* A spawned child gets a session of its own on the same open file
 * (OpenFile.dup), sharing the offset with ours: from now on it is the
 * server's. */
static int fs_hand_off_op(struct file *f, struct inherit_item *out)
{
	struct fsfile *ff = f->obj;
	mica_cap_t gate = mica_slot_alloc(), slot = gate;
	int err;

	if (!gate)
		return ENOMEM;
	if ((err = open_file_dup(ff->gate, (uint64_t)ff->pos, &gate)) != 0 || !gate) {
		mica_slot_free(slot);
		return err ? fs_errno(err) : EIO;
	}
	ff->shared = 1;
	*out = (struct inherit_item){ MICA_INHERIT_FILE, 0, ff->path, gate };
	return 0;
}

static const struct file_ops fsfile_ops;

/* The file server file whose description fd is the lowest number of (so
 * that a walk of the table meets each description once), or NULL. */
static struct fsfile *description_at(int fd)
{
	int flags;
	struct file *f = fd_get(fd, &flags);

	if (!f || f->ops != &fsfile_ops)
		return 0;
	for (int lower = 0; lower < fd; lower++)
		if (fd_get(lower, &flags) == f)
			return 0;
	return f->obj;
}

/* fork: each of our descriptions gets the child a session of its own on
 * the same open file (OpenFile.dup), moved into the child's slot of ours,
 * as a spawn's hand-off does: it shares the offset (POSIX), which is the
 * server's from now on, and it outlives our close and our end (a copy
 * derived from ours would go with them).  One request per description,
 * its numbers dup'd or not.  0, or MICA_EAGAIN or MICA_ENOMEM (the errors
 * fork has) when the server refuses. */
int libc_fsfile_fork_into(mica_cap_t task)
{
	if (!open_files)
		return 0;
	for (int fd = 0; fd < FD_MAX; fd++) {
		struct fsfile *ff = description_at(fd);
		if (!ff)
			continue;
		mica_cap_t gate = mica_slot_alloc(), slot = gate;
		int err = gate ? open_file_dup(ff->gate, (uint64_t)ff->pos, &gate) : -MICA_ENOMEM;
		if (!err && !gate)
			err = -MICA_EMSG;
		if (err) {
			mica_slot_free(slot);
			return fs_errno(err) == ENOMEM ? -MICA_ENOMEM : -MICA_EAGAIN;
		}
		ff->shared = 1;
		err = task_cap_map(task, gate, ff->gate, MICA_RWX, true);
		mica_slot_drop(gate);
		if (err)
			return err;
	}
	return 0;
}

/* In a forked child: each description's slot holds its own session
 * (libc_fsfile_fork_into), which shares the offset with the parent's.
 * The buffer and the view in the copied memory are the parent's session's
 * (capabilities derived from the parent's), and so is the page of cut
 * counters: they go, and the child's own come at their first use; a directory's buffer holds the entries
 * readdir has not returned yet, so its own comes now, with them copied. */
void libc_fsfile_after_fork(void)
{
	fsfile_region_drop((const void *)cuts_page);
	cuts_page = 0;
	if (!open_files)
		return;
	for (int fd = 0; fd < FD_MAX; fd++) {
		struct fsfile *ff = description_at(fd);
		if (!ff)
			continue;
		ff->shared = 1;   /* (the copied memory was the parent's before its dup) */
		ff->cut = 0;      /* in the page of cut counters, which it gets again */
		if (ff->locker) {   /* the parent's: the child is another owner */
			mica_slot_drop(ff->locker);
			ff->locker = 0;
		}
		fsfile_view_drop(ff);
		uint8_t *parents = ff->buf;
		ff->buf = 0;
		if (parents && ff->type == S_IFDIR && fsfile_buffer(ff) == 0)
			memcpy(ff->buf, parents, ff->size);
		fsfile_region_drop(parents);
	}
}

/* A notifier's look: readable and writable always, as POSIX says of
 * regular files; the file's own events (NOTIFIER_WRITTEN, ...:
 * sys/notifier.h) through the session's subscription (OpenFile.notify),
 * which answers those that came since the last look and arms irq when
 * none did.  POLLERR when the server refuses (not a regular file, no
 * subscription left). */
static short fs_poll_op(struct file *f, short events, mica_cap_t irq)
{
	struct fsfile *ff = f->obj;
	short r = events & (POLLIN | POLLOUT);
	uint32_t happened;

	if (!(events & MICA_FS_EVENTS))
		return r;
	if (open_file_notify(ff->gate, irq, (uint32_t)events & MICA_FS_EVENTS, &happened) != 0)
		return r | POLLERR;
	return r | (short)happened;
}

static const struct file_ops fsfile_ops = {
	.read = fs_read_op, .write = fs_write_op, .lseek = fs_lseek_op, .fstat = fs_fstat_op, .close = fs_close_op,
	.poll = fs_poll_op, .hand_off = fs_hand_off_op,
};

mica_cap_t fsfile_gate(struct file *f)
{
	return f->ops == &fsfile_ops ? ((struct fsfile *)f->obj)->gate : 0;
}

mica_cap_t fsfile_locker(struct file *f, mica_cap_t irq, int make)
{
	struct fsfile *ff = f->ops == &fsfile_ops ? f->obj : 0;
	pid_t pid = getpid();
	mica_cap_t slot, locker;

	if (!ff || ff->locker_pid == pid)
		return ff ? ff->locker : 0;   /* (0: the server made none: not asked again) */
	if (ff->locker) {   /* a copy of another process's (libc_fsfile_after_fork drops them) */
		mica_slot_drop(ff->locker);
		ff->locker = 0;
	}
	if (!make || !(locker = slot = mica_slot_alloc()))
		return 0;
	ff->locker_pid = pid;
	/* The server gets a sibling of our irq, not a copy derived from ours:
	 * the process server's irq outlives this program (exec), and so must
	 * the server's capability to it, or the locks would go with us. */
	mica_cap_t given = mica_slot_alloc();
	int err = given ? task_cap_sibling(MICA_BOOT_TASK, irq, given, MICA_RWX) : -MICA_ENOMEM;
	if (!err)
		err = open_file_lock_owner(ff->gate, given, (uint32_t)pid, &locker);
	mica_slot_drop(given);   /* moved to the server, or nothing to keep */
	if (err || !locker) {
		mica_slot_free(slot);
		return 0;
	}
	ff->locker = locker;
	return locker;
}

/* The server file behind fd, or NULL with errno: EBADF for none, err for
 * a descriptor of another kind. */
static struct fsfile *fsfile_of(int fd, int err)
{
	struct file *f = fd_lookup(fd);

	if (!f)
		return 0;
	if (f->ops != &fsfile_ops) {
		libc_fail(err);
		return 0;
	}
	return f->obj;
}

int fsfile_open(const char *path, int flags, mode_t mode)
{
	SERVER(fs);
	ABS(p, path);
	uint32_t fl = 0;
	int acc = flags & O_ACCMODE;

	if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR)
		return libc_fail(EINVAL);
	fl |= acc != O_WRONLY ? MICA_FS_O_READ : 0;
	fl |= acc != O_RDONLY ? MICA_FS_O_WRITE : 0;
	fl |= flags & O_CREAT ? MICA_FS_O_CREAT : 0;
	fl |= flags & O_EXCL ? MICA_FS_O_EXCL : 0;
	fl |= flags & O_TRUNC && acc != O_RDONLY ? MICA_FS_O_TRUNC : 0;
	fl |= flags & O_DIRECTORY ? MICA_FS_O_DIRECTORY : 0;
	fl |= flags & O_NOFOLLOW ? MICA_FS_O_NOFOLLOW : 0;

	struct fsfile *ff = calloc(1, sizeof *ff);
	mica_cap_t buffer = mica_slot_alloc(), slot = buffer;
	int err;

	if (ff) {
		ff->gate = mica_slot_alloc();
		ff->path = strdup(p);
	}
	if (!ff || !ff->gate || !ff->path || !buffer) {
		if (ff && ff->gate)
			mica_slot_free(ff->gate);
		if (buffer)
			mica_slot_free(buffer);
		if (ff)
			free(ff->path);
		free(ff);
		return libc_fail(ENOMEM);
	}
	if ((err = file_system_open(fs, p, fl, mode & 07777 & ~libc_umask, &ff->gate, &buffer, &ff->size,
				    &ff->type)) != 0) {
		mica_slot_free(ff->gate), mica_slot_free(slot), free(ff->path), free(ff);
		return fail(err);
	}
	open_files++;
	/* The server answers no buffer: it comes on first use (fsfile_buffer). */
	mica_slot_drop(buffer);
	if (!buffer)
		mica_slot_free(slot);
	int fd = fd_install(&fsfile_ops, ff, flags);
	if (fd < 0) {
		struct file f = { &fsfile_ops, ff, acc, 1 };
		fs_close_op(&f);
		return libc_fail(EMFILE);
	}
	return fd;
}

int fsfile_adopt(mica_cap_t gate, int flags, const char *path)
{
	struct fsfile *ff = calloc(1, sizeof *ff);
	mica_cap_t buffer = mica_slot_alloc(), slot = buffer;
	uint64_t start;
	int err = -MICA_ENOMEM;

	if (ff && buffer && (ff->path = strdup(path)) != 0 &&
	    (err = open_file_buffer(gate, &buffer, &ff->size, &ff->type)) == 0 &&
	    (err = buffer ? 0 : -MICA_EMSG) == 0 &&
	    (err = region_map_attach(rt_cap("rm"), 0, ff->size, MICA_R | MICA_W, buffer, 0, &start)) == 0) {
		mica_slot_free(buffer);   /* empty: the region mapper has it */
		ff->gate = gate;
		ff->buf = (uint8_t *)start;
		ff->shared = 1;
		open_files++;
		int fd = fd_install(&fsfile_ops, ff, flags);
		if (fd < 0) {
			struct file f = { &fsfile_ops, ff, flags & O_ACCMODE, 1 };
			fs_close_op(&f);
		}
		return fd;
	}
	mica_slot_drop(buffer ? buffer : slot);
	mica_slot_drop(gate);
	if (ff)
		free(ff->path);
	free(ff);
	return fail(err);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	struct fsfile *ff = fsfile_of(fd, ESPIPE);

	if (!ff)
		return -1;
	if (off < 0)
		return libc_fail(EINVAL);
	if ((fd_lookup(fd)->flags & O_ACCMODE) == O_WRONLY)
		return libc_fail(EBADF);
	if (ff->type == S_IFDIR)
		return libc_fail(EISDIR);
	return fsfile_pread(ff, buf, len > INT_MAX ? INT_MAX : len, &off);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	struct fsfile *ff = fsfile_of(fd, ESPIPE);

	if (!ff)
		return -1;
	if (off < 0)
		return libc_fail(EINVAL);
	if ((fd_lookup(fd)->flags & O_ACCMODE) == O_RDONLY)
		return libc_fail(EBADF);
	return fsfile_pwrite(ff, buf, len > INT_MAX ? INT_MAX : len, &off, 0);
}

int fsync(int fd)
{
	struct fsfile *ff = fsfile_of(fd, EINVAL);

	if (!ff)
		return -1;
	int err = open_file_fsync(ff->gate);
	return err ? fail(err) : 0;
}

/* Advice on the page cache (OpenFile.advise): the file server's files
 * take it, any other file takes it and nothing changes, a pipe refuses it.
 * The error number comes back, errno stays. */
int posix_fadvise(int fd, off_t offset, off_t len, int advice)
{
	int saved = errno, err = 0;
	struct file *f = fd_lookup(fd);
	struct stat st;
	uint32_t dropped;

	if (!f)
		err = EBADF;
	else if (offset < 0 || len < 0 || advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE)
		err = EINVAL;
	else if (f->ops != &fsfile_ops)
		err = fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) ? ESPIPE : 0;
	else {
		uint64_t n = (uint64_t)len;
		if ((uint64_t)offset + n < (uint64_t)offset)
			n = 0;   /* past 2^64: to the end */
		int e = open_file_advise(((struct fsfile *)f->obj)->gate, (uint64_t)offset, n, (uint32_t)advice, &dropped);
		err = e ? fs_errno(e) : 0;
		if (err == ENODEV)
			err = 0;   /* a directory: nothing to advise on */
	}
	errno = saved;
	return err;
}

int fdatasync(int fd)
{
	return fsync(fd);
}

int ftruncate(int fd, off_t size)
{
	struct fsfile *ff = fsfile_of(fd, EINVAL);

	if (!ff)
		return -1;
	if (size < 0)
		return libc_fail(EINVAL);
	int err = open_file_truncate(ff->gate, (uint64_t)size);
	return err ? fail(err) : 0;
}

/* The process server's: a hold denying writes to the file open as fd
 * while a program runs from it (OpenFile.deny_write); none (0) for a file
 * of another kind (rom/, which never changes).  0 or an errno: ETXTBSY
 * when it is open for writing. */
int fsfile_deny_write(int fd, mica_cap_t *hold)
{
	struct file *f = fd_lookup(fd);
	mica_cap_t slot;
	int err;

	*hold = 0;
	if (!f)
		return EBADF;
	if (f->ops != &fsfile_ops)
		return 0;
	if (!(*hold = slot = mica_slot_alloc()))
		return ENOMEM;
	if ((err = open_file_deny_write(((struct fsfile *)f->obj)->gate, hold)) == 0 && !*hold)
		err = -MICA_EMSG;
	if (err) {
		mica_slot_free(slot);
		*hold = 0;
		return fs_errno(err);
	}
	return 0;
}

int fsfile_map_masked(int fd, uint32_t rights, bool private, uint64_t limit, mica_cap_t *ds)
{
	struct file *f = fd_lookup(fd);
	int err;

	*ds = 0;
	if (!f)
		return EBADF;
	if (f->ops != &fsfile_ops)
		return ENODEV;
	if (!(*ds = mica_slot_alloc()))
		return ENOMEM;
	if ((err = open_file_mmap_masked(((struct fsfile *)f->obj)->gate, rights, private, limit, ds)) != 0) {
		mica_slot_free(*ds);
		*ds = 0;
		return fs_errno(err);
	}
	return 0;
}

/* ---- by path ---------------------------------------------------------- */

int fsfile_stat(const char *path, struct stat *st, int nofollow)
{
	SERVER(fs);
	ABS(p, path);
	uint32_t ino, mode, nlink, uid, gid;
	uint64_t size, blocks;
	int64_t a, m, c;
	int err = file_system_stat(fs, p, nofollow, &ino, &mode, &nlink, &uid, &gid, &size, &blocks, &a, &m, &c);

	if (err)
		return fail(err);
	stat_fill(st, ino, mode, nlink, uid, gid, size, blocks, a, m, c);
	return 0;
}

#define BY_PATH(path, call) do { SERVER(fs); ABS(p, path); int e_ = (call); return e_ ? fail(e_) : 0; } while (0)

int fsfile_unlink(const char *path) { BY_PATH(path, file_system_unlink(fs, p)); }
int fsfile_mkdir(const char *path, mode_t mode) { BY_PATH(path, file_system_mkdir(fs, p, mode & 07777 & ~libc_umask)); }
int fsfile_chmod(const char *path, mode_t mode) { BY_PATH(path, file_system_chmod(fs, p, mode & 07777)); }

int rmdir(const char *path)
{
	BY_PATH(path, file_system_rmdir(fs, p));
}

int fsfile_chown(const char *path, uid_t uid, gid_t gid)
{
	BY_PATH(path, file_system_chown(fs, p, uid, gid));
}

int fsfile_utimes(const char *path, int64_t atime, int64_t mtime)
{
	BY_PATH(path, file_system_utimes(fs, p, atime, mtime));
}

int fsfile_rename(const char *from, const char *to)
{
	ABS(t, to);
	BY_PATH(from, file_system_rename(fs, p, t));
}

int fsfile_link(const char *existing, const char *path)
{
	ABS(e, existing);
	BY_PATH(path, file_system_link(fs, e, p));
}

int symlink(const char *target, const char *path)
{
	BY_PATH(path, file_system_symlink(fs, target, p));
}

ssize_t readlink(const char *restrict path, char *restrict buf, size_t size)
{
	char target[FILE_SYSTEM_READLINK_TARGET_MAX + 1];
	SERVER(fs);
	ABS(p, path);
	int err = file_system_readlink(fs, p, target);

	if (err)
		return fail(err);
	size_t n = strlen(target);
	n = n < size ? n : size;   /* POSIX: truncated, not terminated */
	memcpy(buf, target, n);
	return (ssize_t)n;
}

/* Everything written so far to the disk. */
void sync(void)
{
	mica_cap_t fs = server();

	if (fs)
		file_system_sync(fs);
}

int truncate(const char *path, off_t size)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return -1;
	int r = ftruncate(fd, size), e = errno;
	close(fd);
	errno = e;
	return r;
}

/* ---- the working directory ------------------------------------------ */

int chdir(const char *path)
{
	char buf[PATH_MAX];
	const char *p = absolute(path, buf);
	struct stat st;

	if (!p || stat(p, &st))
		return -1;
	if (!S_ISDIR(st.st_mode))
		return libc_fail(ENOTDIR);
	if (strlen(p) >= sizeof cwd)
		return libc_fail(ENAMETOOLONG);
	strcpy(cwd, p);
	return 0;
}

char *getcwd(char *buf, size_t size)
{
	size_t n = strlen(cwd) + 1;

	if (buf && !size) {
		libc_fail(EINVAL);
		return 0;
	}
	if (!buf) {
		size = size ? size : n;
		if (!(buf = malloc(size))) {
			libc_fail(ENOMEM);
			return 0;
		}
	}
	if (n > size) {
		libc_fail(ERANGE);
		return 0;
	}
	memcpy(buf, cwd, n);
	return buf;
}

/* ---- directories ------------------------------------------------------ */

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return 0;
	DIR *d = fdopendir(fd);
	if (!d)
		close(fd);
	return d;
}

/* The listing of the directory open as fd, which it then owns (closedir
 * closes it); fd is left open when it fails. */
DIR *fdopendir(int fd)
{
	struct fsfile *ff = fsfile_of(fd, ENOTSUP);   /* rom/ has no listing here */

	if (!ff)
		return 0;
	if (ff->type != S_IFDIR) {
		libc_fail(ENOTDIR);
		return 0;
	}
	DIR *d = calloc(1, sizeof *d);
	if (!d) {
		libc_fail(ENOMEM);
		return 0;
	}
	d->fd = fd;
	return d;
}

/* The listing read so far goes (the server learns it from the pipe);
 * the next readdir starts one at `from`. */
static void dir_restart(DIR *d, uint64_t from)
{
	if (d->listing)
		libc_pipe_end_close(d->listing);
	d->listing = 0;
	d->ended = 0;
	d->from = d->at = from;
	d->have = d->off = 0;
}

/* More records from the listing (started now if it was not): 0, or -1
 * with errno. */
static int dir_fill(DIR *d)
{
	struct fsfile *ff = fsfile_of(d->fd, EBADF);
	int err;

	if (!ff)
		return -1;
	if (!d->listing) {
		mica_cap_t cap = mica_slot_alloc();
		if (!cap)
			return libc_fail(ENFILE);
		if ((err = open_file_list(ff->gate, d->from, &cap)) != 0) {
			mica_slot_free(cap);
			return fail(err);
		}
		if ((err = libc_pipe_end_open(cap, &d->listing)) != 0)
			return libc_fail_mica(err);
	}
	memmove(d->buf, d->buf + d->off, d->have - d->off);
	d->have -= d->off;
	d->off = 0;
	ssize_t n = libc_pipe_end_read(d->listing, d->buf + d->have, sizeof d->buf - d->have);
	if (n < 0)
		return -1;
	if (n == 0) {   /* the end: the pipe goes now */
		libc_pipe_end_close(d->listing);
		d->listing = 0;
		d->ended = 1;
		return d->have ? libc_fail(EIO) : 0;   /* a record cut short */
	}
	d->have += (uint32_t)n;
	return 0;
}

/* The next whole record in the buffer in *out: 1, 0 when there is none
 * yet, -1 (EIO) when what is there is no record (the server writes only
 * whole, well-formed ones). */
static int dir_record(DIR *d, const struct mica_fs_dirent **out)
{
	const struct mica_fs_dirent *e = (const struct mica_fs_dirent *)(d->buf + d->off);
	uint32_t left = d->have - d->off;

	if (left < sizeof *e || left < e->reclen)
		return 0;
	if (e->reclen % 8 || e->reclen < sizeof *e + e->namelen + 1u)
		return libc_fail(EIO);
	d->off += e->reclen;
	*out = e;
	return 1;
}

struct dirent *readdir(DIR *d)
{
	const struct mica_fs_dirent *e = 0;
	int r;

	while ((r = dir_record(d, &e)) == 0)
		if (d->ended || dir_fill(d))
			return 0;   /* at the end errno is unchanged */
	if (r < 0)
		return 0;
	if (!e->ino) {   /* the listing failed: the errno is in `next` */
		int err = e->next && e->next < 4096 ? (int)e->next : EIO;
		dir_restart(d, d->at);
		d->ended = 1;
		libc_fail(err);
		return 0;
	}
	d->ent.d_ino = e->ino;
	d->ent.d_type = e->type;
	memcpy(d->ent.d_name, e->name, e->namelen);
	d->ent.d_name[e->namelen] = 0;
	d->at = e->next;
	return &d->ent;
}

void rewinddir(DIR *d)
{
	dir_restart(d, 0);
}

long telldir(DIR *d)
{
	return (long)d->at;
}

/* A listing from loc on, a value telldir gave (any other value lists from
 * the next entry after that place, or nothing). */
void seekdir(DIR *d, long loc)
{
	dir_restart(d, (uint64_t)loc);
}

int dirfd(DIR *d)
{
	return d->fd;
}

int closedir(DIR *d)
{
	dir_restart(d, 0);
	int r = close(d->fd);
	free(d);
	return r;
}

/* ---- attributes of open files, and the file system's numbers ------- */

/* Another kind of descriptor (a stream, a rom file, a pipe) has none of
 * these: EINVAL, as POSIX says for fchmod on a pipe. */

int fchmod(int fd, mode_t mode)
{
	struct fsfile *ff = fsfile_of(fd, EINVAL);

	if (!ff)
		return -1;
	int err = open_file_fchmod(ff->gate, mode & 07777);
	return err ? fail(err) : 0;
}

/* (uid_t)-1 or (gid_t)-1 leaves that one as it is. */
int fchown(int fd, uid_t uid, gid_t gid)
{
	struct fsfile *ff = fsfile_of(fd, EINVAL);
	struct stat st = { 0 };

	if (!ff)
		return -1;
	if ((uid == (uid_t)-1 || gid == (gid_t)-1) && fstat(fd, &st))
		return -1;
	uid = uid == (uid_t)-1 ? st.st_uid : uid;
	gid = gid == (gid_t)-1 ? st.st_gid : gid;
	int err = open_file_fchown(ff->gate, uid, gid);
	return err ? fail(err) : 0;
}

/* The seconds futimens and utimensat set from ts: NULL or UTIME_NOW is
 * now, UTIME_OMIT the file's time in cur (its stat); the nanoseconds go,
 * as the inode keeps none.  0, or -1 with EINVAL for a bad tv_nsec. */
int fsfile_times(const struct timespec *ts, const struct stat *cur, int64_t *atime, int64_t *mtime)
{
	int64_t now = time(0);

	for (int i = 0; ts && i < 2; i++)
		if (ts[i].tv_nsec != UTIME_NOW && ts[i].tv_nsec != UTIME_OMIT &&
		    (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000))
			return libc_fail(EINVAL);
	*atime = !ts || ts[0].tv_nsec == UTIME_NOW ? now : ts[0].tv_nsec == UTIME_OMIT ? cur->st_atime : ts[0].tv_sec;
	*mtime = !ts || ts[1].tv_nsec == UTIME_NOW ? now : ts[1].tv_nsec == UTIME_OMIT ? cur->st_mtime : ts[1].tv_sec;
	return 0;
}

int futimens(int fd, const struct timespec *ts)
{
	struct fsfile *ff = fsfile_of(fd, EINVAL);
	struct stat st = { 0 };
	int64_t a, m;

	if (!ff)
		return -1;
	if (ts && (ts[0].tv_nsec == UTIME_OMIT || ts[1].tv_nsec == UTIME_OMIT) && fstat(fd, &st))
		return -1;
	if (fsfile_times(ts, &st, &a, &m))
		return -1;
	int err = open_file_futimes(ff->gate, a, m);
	return err ? fail(err) : 0;
}

/* The working directory becomes the path the directory was opened by. */
int fchdir(int fd)
{
	struct fsfile *ff = fsfile_of(fd, ENOTDIR);

	if (!ff)
		return -1;
	if (ff->type != S_IFDIR)
		return libc_fail(ENOTDIR);
	return chdir(ff->path);
}

/* The path a directory descriptor was opened by, or NULL with errno
 * (EBADF, ENOTDIR). */
const char *fsfile_dir_path(int fd)
{
	struct fsfile *ff = fsfile_of(fd, ENOTDIR);

	if (ff && ff->type != S_IFDIR) {
		libc_fail(ENOTDIR);
		return 0;
	}
	return ff ? ff->path : 0;
}

static int statvfs_of(mica_cap_t fs, struct statvfs *buf)
{
	uint32_t bsize;
	uint64_t blocks, bfree, files, ffree;
	int err = file_system_statfs(fs, &bsize, &blocks, &bfree, &files, &ffree);

	if (err)
		return fail(err);
	*buf = (struct statvfs){ .f_bsize = bsize, .f_frsize = bsize, .f_blocks = blocks, .f_bfree = bfree,
				 .f_bavail = bfree, .f_files = files, .f_ffree = ffree, .f_favail = ffree,
				 .f_flag = ST_NOSUID, .f_namemax = MICA_FS_NAME_MAX };
	return 0;
}

/* One file system holds every path of the server: the path must exist. */
int fsfile_statvfs(const char *path, struct statvfs *buf)
{
	struct stat st;
	SERVER(fs);

	if (fsfile_stat(path, &st, 0))
		return -1;
	return statvfs_of(fs, buf);
}

int fstatvfs(int fd, struct statvfs *buf)
{
	if (!fsfile_of(fd, ENOSYS))
		return -1;
	return statvfs_of(server(), buf);
}
/* ---- mappings (mman.c) ------------------------------------------------ */

int fsfile_map(int fd, bool private, uint64_t limit, mica_cap_t *ds, uint32_t *rights)
{
	struct file *f = fd_lookup(fd);

	if (!f)
		return -1;
	if (f->ops != &fsfile_ops)
		return libc_fail(ENODEV);
	int acc = f->flags & O_ACCMODE;
	if (acc == O_WRONLY)
		return libc_fail(EACCES);
	struct fsfile *ff = f->obj;
	bool masked = limit != FSFILE_NO_LIMIT;
	uint32_t r = MICA_R | MICA_X | (private || (acc == O_RDWR && !masked) ? MICA_W : 0);
	mica_cap_t c = mica_slot_alloc();
	if (!c)
		return libc_fail(ENOMEM);
	int err = masked ? open_file_mmap_masked(ff->gate, r, private, limit, &c)
			 : open_file_mmap(ff->gate, r, private, &c);
	if (err) {
		mica_slot_free(c);
		return fail(err);
	}
	*ds = c;
	*rights = r;
	return 0;
}
