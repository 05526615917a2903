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
 * dataspace both sides attach, through which read, write and readdir move
 * the data.  Each session holds its own lib/fs file; lib/fs keeps one node
 * per inode under all of them (the provider every session of the inode
 * shares), and frees an unlinked inode at its last close.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/fs.h>
#include <rt/rt.h>
#include <server/server.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/gate.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>
#include <idl/rt/fs_server.h>
#include <idl/rt/memory.h>
#include <idl/rt/region_map.h>
#include <idl/rt/registry.h>

#include "fs.h"

#define BUFFER_SIZE (32u * 1024)   /* a session's buffer */
#define SESSIONS_MAX 256           /* open files at once, all clients together */

/* An offset shared by the sessions `dup` made of one another: one open
 * file description of programs that inherited it (docs/processes.md). */
struct position {
	unsigned refs;
	uint64_t at;
};

struct session {
	struct session *next;
	struct fs_file *file;
	mica_cap_t gate, watch, buffer;
	uint8_t *buf;                /* the buffer in this server */
	int writable;
	struct position *pos;        /* NULL: the client keeps its offset */
};

struct server {
	struct fs *fs;
	struct session *sessions;
	unsigned nsessions;
};

static struct server server;

static int fs_err(int e)
{
	return -(MICA_FS_ERRNO + e);
}

/* The session a label names, or NULL (the served gate, a stale label). */
static struct session *session_of(mica_word_t label)
{
	for (struct session *s = server.sessions; s; s = s->next)
		if ((mica_word_t)s == label)
			return s;
	return 0;
}

static void session_free(struct session *s)
{
	if (s->gate)
		kobject_destroy(s->gate), mica_slot_free(s->gate);
	if (s->watch)
		kobject_destroy(s->watch), mica_slot_free(s->watch);
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
	if (s->file)
		fs_close(s->file);
	if (s->pos && --s->pos->refs == 0)
		free(s->pos);
	free(s);
}

static void session_close(struct session *s)
{
	for (struct session **p = &server.sessions; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			server.nsessions--;
			break;
		}
	session_free(s);
}

static void undo_open(void *made)
{
	session_close(made);
}

static int session_new(struct fs_file *f, int writable, struct session **out)
{
	struct session *s = calloc(1, sizeof *s);
	mica_cap_t mine = 0;
	uint64_t start;
	int err;

	if (!s)
		return -MICA_ENOMEM;
	s->file = f;
	s->writable = writable;
	s->gate = mica_slot_alloc();
	s->watch = mica_slot_alloc();
	s->buffer = mica_slot_alloc();
	mine = mica_slot_alloc();
	if (!s->gate || !s->watch || !s->buffer || !mine)
		err = -MICA_ENOMEM;
	else if ((err = memory_alloc(rt_cap("mem"), BUFFER_SIZE, &s->buffer)) == 0 &&
		 (err = task_cap_map(MICA_BOOT_TASK, s->buffer, mine, MICA_RWX, false)) == 0 &&
		 (err = region_map_attach(rt_cap("rm"), 0, BUFFER_SIZE, MICA_R | MICA_W, mine, 0, &start)) == 0) {
		mica_slot_free(mine);   /* empty: the attach moved the capability to the region mapper */
		mine = 0;
		s->buf = (uint8_t *)start;
		if ((err = factory_create_gate(MICA_BOOT_FACTORY, s->gate, MICA_BOOT_THREAD, (mica_word_t)s)) == 0 &&
		    (err = factory_create_irq(MICA_BOOT_FACTORY, s->watch, (mica_word_t)s | 1)) == 0 &&
		    (err = irq_bind(s->watch, MICA_BOOT_THREAD)) == 0)
			err = gate_watch(s->gate, s->watch);
	}
	if (mine)
		mica_slot_free(mine);
	if (err) {
		if (s->buffer && !s->buf)
			mica_slot_drop(s->buffer), s->buffer = 0;
		s->file = 0;   /* the caller's still */
		session_free(s);
		return err;
	}
	s->next = server.sessions;
	server.sessions = s;
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
	if ((err = session_new(f, !!(flags & MICA_FS_O_WRITE), &s)) != 0) {
		fs_close(f);
		return err;
	}
	*file = s->gate;
	*buffer = s->buffer;
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
	BY_PATH(fs_sync(server.fs));
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
	int err = fs_read(s->file, offset, s->buf, count, &n);
	*done = (uint32_t)n;
	return err && !n ? fs_err(err) : 0;
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
	if (append) {
		if ((err = fs_fstat(s->file, &st)) != 0)
			return fs_err(err);
		offset = st.size;
	}
	err = fs_write(s->file, offset, s->buf, count, &n);
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
	int err = fs_truncate(s->file, size);
	return err ? fs_err(err) : 0;
}

static int on_fsync(struct srv_request *req)
{
	struct session *s = session_req(req);

	if (!s)
		return -MICA_ENOSYS;
	int err = fs_sync(server.fs);   /* every dirty block: lib/fs keeps no per-file list */
	return err ? fs_err(err) : 0;
}

/* fs_readdir's callback: skip the entries before the cookie, pack the
 * rest into the buffer while they fit. */
struct listing {
	struct session *s;
	uint64_t skip, index;
	uint32_t used, count;
};

static int pack_entry(void *arg, const char *name, size_t len, uint32_t ino, unsigned type)
{
	struct listing *l = arg;

	if (l->index < l->skip) {
		l->index++;
		return 0;
	}
	uint32_t reclen = (uint32_t)((sizeof(struct mica_fs_dirent) + len + 1 + 7) & ~(size_t)7);
	if (len > 255 || l->used + reclen > BUFFER_SIZE)
		return 1;
	struct mica_fs_dirent *d = (struct mica_fs_dirent *)(l->s->buf + l->used);
	d->ino = ino;
	d->reclen = (uint16_t)reclen;
	d->type = (uint8_t)type;
	d->namelen = (uint8_t)len;
	memcpy(d->name, name, len);
	d->name[len] = 0;
	l->used += reclen;
	l->count++;
	l->index++;
	return 0;
}

static int on_readdir(struct srv_request *req, uint64_t cookie, uint32_t *count, uint64_t *next)
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
	struct listing l = { .s = s, .skip = cookie, .index = 0 };
	if ((err = fs_readdir(s->file, pack_entry, &l)) != 0)
		return fs_err(err);
	*count = l.count;
	*next = cookie + l.count;
	return 0;
}

static int on_close(struct srv_request *req)
{
	struct session *s = session_req(req);

	if (!s)
		return -MICA_ENOSYS;
	session_close(s);
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
	if ((err = session_new(fs_dup(s->file), s->writable, &n)) != 0) {
		fs_close(s->file);   /* the reference fs_dup took */
		return err;
	}
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
	if ((err = fs_fstat(s->file, &st)) != 0)
		return fs_err(err);
	*buffer = s->buffer;
	*buffer_size = BUFFER_SIZE;
	*type = st.mode & S_IFMT;
	return 0;
}

static int on_read_on(struct srv_request *req, uint32_t count, uint32_t *done, uint64_t *at)
{
	struct session *s = session_req(req);
	int err;

	if (!s)
		return -MICA_ENOSYS;
	if (!s->pos)
		return -MICA_EINVAL;
	if ((err = on_read(req, s->pos->at, count, done)) == 0) {
		*at = s->pos->at;
		s->pos->at += *done;
	}
	return err;
}

static int on_write_on(struct srv_request *req, uint32_t count, bool append, uint32_t *done, uint64_t *at)
{
	struct session *s = session_req(req);
	int err;

	if (!s)
		return -MICA_ENOSYS;
	if (!s->pos)
		return -MICA_EINVAL;
	if ((err = on_write(req, s->pos->at, count, append, done, at)) == 0)
		s->pos->at = *at + *done;
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
	if (!s->pos)
		return -MICA_EINVAL;
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
	*pos = s->pos->at = base + (uint64_t)offset;
	return 0;
}

/* A session's last client capability went (a close by dropping, or the
 * client's end). */
static void on_irq(const struct srv *srv, mica_word_t label)
{
	(void)srv;
	struct session *s = session_of(label & ~(mica_word_t)1);

	if (s && (label & 1))
		session_close(s);
}

static const struct file_system_ops fs_ops = {
	.open = on_open, .stat = on_stat, .mkdir = on_mkdir, .unlink = on_unlink, .rmdir = on_rmdir,
	.rename = on_rename, .link = on_link, .symlink = on_symlink, .readlink = on_readlink, .chmod = on_chmod,
	.chown = on_chown, .utimes = on_utimes, .sync = on_sync, .statfs = on_statfs,
};
static const struct open_file_ops file_ops = {
	.read = on_read, .write = on_write, .fstat = on_fstat, .truncate = on_truncate, .fsync = on_fsync,
	.readdir = on_readdir, .close = on_close, .fchmod = on_fchmod, .fchown = on_fchown, .futimes = on_futimes,
	.dup = on_dup, .buffer = on_buffer, .read_on = on_read_on, .write_on = on_write_on, .seek = on_seek,
};
static const struct file_server_ops ops = { .file_system = &fs_ops, .open_file = &file_ops };

/* Mount the disk of the registry's `blk`; a message naming the problem
 * otherwise. */
static int mount_root(void)
{
	mica_cap_t blk = mica_slot_alloc();
	struct blkdev *dev;
	struct fs_options opt = { 0 };
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

int main(void)
{
	static struct file_server_buffers buffers;
	const struct srv s = { .protocol = &file_server_server, .ops = &ops, .state = &server, .irq = on_irq };

	if (!rt_cap("serve")) {
		printf("ext2fs: no gate to serve (boot.cfg: provide NAME)\n");
		return 1;
	}
	if (mount_root() != 0)
		return 1;
	int err = srv_serve(&s, &buffers);
	printf("ext2fs: %s\n", err == -MICA_ENOMEM ? "no capability slot left" : "stopped");
	return 1;
}
