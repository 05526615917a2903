/*
 * fsserver_test.c - the file server's protocol (idl/rt/fs.idl,
 * srv/ext2fs, docs/fsserver.md) on a copy of build/disk.img: files made,
 * written through the session buffer and read back, the errno values of
 * the file system, two sessions of one file, deferred unlink, listings
 * through pipes (read here with lib/common's ring code, as a hostile
 * client could: never reading, scribbling on the ring, dying), and a
 * session dropped without close.  fsserver.scenario checks the image
 * on the host afterwards (e2fsck -fn, ext2ctl cat).
 *
 *   fsserver_test            the cases
 *   fsserver_test crash      notes the free counts in /h/before, then holds
 *                            an unlinked 256 KiB file open and as many
 *                            listings as the server keeps, never read,
 *                            and dies by a fault
 *   fsserver_test check      the counts are back to /h/before's, and the
 *                            listings' pipes and the server's are free
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <common/pipe_ring.h>
#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/fs.h>
#include <rt/rt.h>
#include "lookup.h"
#include "qtest.h"

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/rt/dataspace.h>
#include <idl/rt/fs.h>
#include <idl/rt/notify.h>
#include <idl/rt/pipe.h>
#include <idl/rt/region_map.h>
#include <idl/rt/registry.h>

static mica_cap_t fs;

struct open_file {
	mica_cap_t gate;
	uint8_t *buf;
	uint32_t size, type;
};

/* An errno of the file system as the protocol carries it. */
static int fe(int e)
{
	return -(MICA_FS_ERRNO + e);
}

static int fopen_(const char *path, uint32_t flags, struct open_file *f)
{
	mica_cap_t buffer = mica_slot_alloc();
	uint64_t start;

	f->gate = mica_slot_alloc();
	mica_cap_t none = buffer;
	int err = file_system_open(fs, path, flags, 0644, &f->gate, &buffer, &f->size, &f->type);
	if (err) {
		mica_slot_free(f->gate), mica_slot_free(buffer);
		return err;
	}
	/* open answers no buffer: it is made when first asked for. */
	if (buffer != MICA_CAP_NULL) {
		expect("open answers no buffer", buffer, MICA_CAP_NULL);
		mica_slot_drop(buffer), mica_slot_drop(f->gate);
		return -MICA_EMSG;
	}
	buffer = none;
	if ((err = open_file_buffer(f->gate, &buffer, &f->size, &f->type)) != 0 || !buffer) {
		mica_slot_free(none), mica_slot_drop(f->gate);
		return err ? err : -MICA_EMSG;
	}
	if ((err = region_map_attach(rt_cap("rm"), 0, f->size, MICA_R | MICA_W, buffer, 0, &start)) != 0) {
		mica_slot_drop(buffer), mica_slot_drop(f->gate);
		return err;
	}
	f->buf = (uint8_t *)start;
	return 0;
}

static void fclose_(struct open_file *f, int by_close)
{
	uint64_t start, size;
	mica_cap_t back = mica_slot_alloc();

	if (by_close)
		expect("close", open_file_close(f->gate), 0);
	region_map_detach(rt_cap("rm"), (uint64_t)f->buf, &start, &size, &back);
	mica_slot_drop(back);
	mica_slot_drop(f->gate);
}

static const char hello[] = "hello, world\n";

static void files_are_made_written_and_read(void)
{
	struct open_file f;
	uint32_t done;
	uint64_t at;

	expect("mkdir /t", file_system_mkdir(fs, "/t", 0755), 0);
	expect("open /t/hello, created", fopen_("/t/hello", MICA_FS_O_READ | MICA_FS_O_WRITE | MICA_FS_O_CREAT, &f), 0);
	expect("a regular file", f.type, S_IFREG);
	memcpy(f.buf, hello, sizeof hello - 1);
	expect("write", open_file_write(f.gate, 0, sizeof hello - 1, false, &done, &at), 0);
	expect("all of it", done, sizeof hello - 1);
	memset(f.buf, 0, 64);
	expect("read", open_file_read(f.gate, 0, 64, &done), 0);
	expect("what was written", done == sizeof hello - 1 && !memcmp(f.buf, hello, done), 1);
	expect("read at the end", open_file_read(f.gate, 100, 64, &done), 0);
	expect("gives nothing", done, 0);
	uint32_t ino, mode, nlink, uid, gid;
	uint64_t size, blocks;
	int64_t a, m, c;
	expect("fstat", open_file_fstat(f.gate, &ino, &mode, &nlink, &uid, &gid, &size, &blocks, &a, &m, &c), 0);
	expect("its size", size, sizeof hello - 1);
	expect("a count over the buffer", open_file_read(f.gate, 0, f.size + 1, &done), -MICA_EINVAL);
	expect("FileSystem on a session's gate", file_system_mkdir(f.gate, "/x", 0755), -MICA_ENOSYS);
	expect("OpenFile on the served gate", open_file_close(fs), -MICA_ENOSYS);
	expect("fchmod", open_file_fchmod(f.gate, 04600), 0);
	expect("fchown", open_file_fchown(f.gate, 70000, 5), 0);
	expect("futimes", open_file_futimes(f.gate, 1000, 2000), 0);
	expect("fstat", open_file_fstat(f.gate, &ino, &mode, &nlink, &uid, &gid, &size, &blocks, &a, &m, &c), 0);
	expect("they took", mode == (S_IFREG | 04600) && uid == 70000 && gid == 5 && a == 1000 && m == 2000, 1);
	expect("futimes out of range: EINVAL", open_file_futimes(f.gate, -1, 0), fe(EINVAL));
	expect("fchmod on the served gate", open_file_fchmod(fs, 0600), -MICA_ENOSYS);
	expect("fchown back", open_file_fchown(f.gate, 0, 0), 0);
	fclose_(&f, 1);
}

static void errors_are_posix(void)
{
	struct open_file f;
	uint32_t done;
	uint64_t at;
	char target[4096];

	expect("O_EXCL of an existing file", fopen_("/t/hello", MICA_FS_O_WRITE | MICA_FS_O_CREAT | MICA_FS_O_EXCL, &f),
	       fe(EEXIST));
	expect("a missing file", fopen_("/t/none", MICA_FS_O_READ, &f), fe(ENOENT));
	expect("a file as a directory", fopen_("/t/hello/x", MICA_FS_O_READ, &f), fe(ENOTDIR));
	expect("O_DIRECTORY of a file", fopen_("/t/hello", MICA_FS_O_READ | MICA_FS_O_DIRECTORY, &f), fe(ENOTDIR));
	expect("mkdir of an existing name", file_system_mkdir(fs, "/t", 0755), fe(EEXIST));
	expect("rmdir of a full directory", file_system_rmdir(fs, "/t"), fe(ENOTEMPTY));
	expect("rmdir of a file", file_system_rmdir(fs, "/t/hello"), fe(ENOTDIR));
	expect("unlink of a directory", file_system_unlink(fs, "/t"), fe(EISDIR));
	expect("unlink of a missing file", file_system_unlink(fs, "/t/none"), fe(ENOENT));
	expect("readlink of a file", file_system_readlink(fs, "/t/hello", target), fe(EINVAL));
	char longname[300];
	memset(longname, 'n', sizeof longname);
	longname[0] = '/';
	longname[257] = 0;   /* a component of 256 bytes */
	expect("a name of 256 bytes", file_system_mkdir(fs, longname, 0755), fe(ENAMETOOLONG));
	longname[256] = 0;   /* 255 */
	expect("a name of 255 bytes", file_system_mkdir(fs, longname, 0755), 0);
	expect("it goes again", file_system_rmdir(fs, longname), 0);
	expect("symlink", file_system_symlink(fs, "/t/loop", "/t/loop"), 0);
	expect("a symlink loop", fopen_("/t/loop", MICA_FS_O_READ, &f), fe(ELOOP));
	expect("readlink", file_system_readlink(fs, "/t/loop", target), 0);
	expect("gives the target", strcmp(target, "/t/loop"), 0);
	expect("unlink the symlink", file_system_unlink(fs, "/t/loop"), 0);
	expect("open read-only", fopen_("/t/hello", MICA_FS_O_READ, &f), 0);
	expect("write on it", open_file_write(f.gate, 0, 1, false, &done, &at), fe(EBADF));
	expect("truncate on it", open_file_truncate(f.gate, 0), fe(EINVAL));
	fclose_(&f, 1);
	expect("a directory opened for writing", fopen_("/t", MICA_FS_O_WRITE, &f), fe(EISDIR));
}

static void two_sessions_share_the_file(void)
{
	struct open_file a, b;
	uint32_t done;
	uint64_t at;

	expect("open a", fopen_("/t/shared", MICA_FS_O_READ | MICA_FS_O_WRITE | MICA_FS_O_CREAT, &a), 0);
	expect("open b", fopen_("/t/shared", MICA_FS_O_READ | MICA_FS_O_WRITE, &b), 0);
	memcpy(a.buf, "AAAA", 4);
	expect("a writes", open_file_write(a.gate, 0, 4, false, &done, &at), 0);
	memcpy(b.buf, "BB", 2);
	expect("b appends", open_file_write(b.gate, 0, 2, true, &done, &at), 0);
	expect("at the end", at, 4);
	expect("a reads", open_file_read(a.gate, 0, 16, &done), 0);
	expect("both writes", done == 6 && !memcmp(a.buf, "AAAABB", 6), 1);
	expect("b truncates", open_file_truncate(b.gate, 3), 0);
	expect("a reads again", open_file_read(a.gate, 0, 16, &done), 0);
	expect("the new size", done, 3);
	fclose_(&a, 1);
	fclose_(&b, 0);   /* dropped: the server closes it on the last reference */
	expect("unlink", file_system_unlink(fs, "/t/shared"), 0);
}

static void unlinked_files_stay_open(void)
{
	struct open_file f;
	uint32_t done, ino, mode, nlink, uid, gid;
	uint64_t at, size, blocks;
	int64_t a, m, c;

	expect("open /t/gone", fopen_("/t/gone", MICA_FS_O_READ | MICA_FS_O_WRITE | MICA_FS_O_CREAT, &f), 0);
	memset(f.buf, 'g', f.size);
	expect("write", open_file_write(f.gate, 0, f.size, false, &done, &at), 0);
	expect("unlink it", file_system_unlink(fs, "/t/gone"), 0);
	expect("the name is gone", file_system_stat(fs, "/t/gone", false, &ino, &mode, &nlink, &uid, &gid, &size,
						    &blocks, &a, &m, &c), fe(ENOENT));
	memset(f.buf, 0, f.size);
	expect("the session still reads", open_file_read(f.gate, 0, f.size, &done), 0);
	expect("its data", done == f.size && f.buf[0] == 'g' && f.buf[f.size - 1] == 'g', 1);
	expect("and writes", open_file_write(f.gate, f.size, 16, false, &done, &at), 0);
	expect("no links", open_file_fstat(f.gate, &ino, &mode, &nlink, &uid, &gid, &size, &blocks, &a, &m, &c), 0);
	expect("nlink 0", nlink, 0);
	struct open_file g;
	expect("a new file of the name", fopen_("/t/gone", MICA_FS_O_WRITE | MICA_FS_O_CREAT | MICA_FS_O_EXCL, &g), 0);
	uint32_t ino2;
	expect("fstat", open_file_fstat(g.gate, &ino2, &mode, &nlink, &uid, &gid, &size, &blocks, &a, &m, &c), 0);
	expect("is another inode, empty", ino2 != ino && size == 0, 1);
	fclose_(&g, 1);
	expect("unlink it", file_system_unlink(fs, "/t/gone"), 0);
	uint32_t bs;
	uint64_t total, free_before, free_after, inodes, free_inodes;
	expect("statfs", file_system_statfs(fs, &bs, &total, &free_before, &inodes, &free_inodes), 0);
	fclose_(&f, 1);
	expect("statfs", file_system_statfs(fs, &bs, &total, &free_after, &inodes, &free_inodes), 0);
	expect("the space is back at the last close", free_after > free_before, 1);
}

/* ---- listings ------------------------------------------------------- */

/* A listing's read end, its ring mapped here, our irq attached. */
struct reader {
	mica_cap_t end;
	struct pipe_ring ring;
};

/* Irqs attached to every end of every pipe (Subscribers.count). */
static long pipe_subscribers(void)
{
	uint32_t n;

	return subscribers_count(lookup_once("pipe"), &n) ? -1 : (long)n;
}

/* What a dropped capability set going finishes before the next check: the
 * pipe server learns an end went (its watch) and wakes the file server,
 * which frees the listing and drops its write end, which the pipe server
 * learns next.  Each server takes its pending irqs before a request. */
static void settle(void)
{
	uint32_t bs;
	uint64_t n;

	pipe_subscribers();
	file_system_statfs(fs, &bs, &n, &n, &n, &n);
	pipe_subscribers();
}

static mica_cap_t reader_irq(void)
{
	static mica_cap_t irq;

	if (!irq && (irq = mica_slot_alloc()) != 0 &&
	    (factory_create_irq(MICA_BOOT_FACTORY, irq, 0x6c697374ull) || irq_bind(irq, MICA_BOOT_THREAD)))
		irq = 0;
	return irq;
}

/* OpenFile.list of d from `from` into r: 0 or the answer. */
static int list(mica_cap_t d, uint64_t from, struct reader *r)
{
	mica_cap_t ring = mica_slot_alloc();
	uint32_t size, kind;
	uint64_t start;
	int err;

	r->end = mica_slot_alloc();
	if ((err = open_file_list(d, from, &r->end)) != 0) {
		mica_slot_free(r->end), mica_slot_free(ring);
		return err;
	}
	if ((err = pipe_end_attach(r->end, reader_irq(), &ring, &size, &kind)) == 0 &&
	    (err = region_map_attach(rt_cap("rm"), 0, size, MICA_R | MICA_W, ring, 0, &start)) == 0) {
		r->ring.hdr = (struct mica_pipe_header *)start;
		r->ring.data = (uint8_t *)start + MICA_PIPE_HEADER;
		return kind == MICA_PIPE_READ_END ? 0 : -MICA_EMSG;
	}
	mica_slot_drop(ring), mica_slot_drop(r->end);
	return err;
}

static void unlist(struct reader *r)
{
	uint64_t start, size;
	mica_cap_t back = mica_slot_alloc();

	if (region_map_detach(rt_cap("rm"), (uint64_t)r->ring.hdr, &start, &size, &back) == 0)
		mica_slot_drop(back);
	mica_slot_drop(r->end);
}

/* Read as a pipe's reader does: what is there, else wait for the
 * server's wake-up (our irq).  The count, 0 at the end, <0 an error. */
static long reader_read(struct reader *r, void *buf, size_t len)
{
	uint32_t wake;

	for (;;) {
		long n = pipe_ring_read(&r->ring, buf, len, &wake);
		if (wake)
			pipe_end_wake(r->end, wake);
		if (n != PIPE_RING_EMPTY)
			return n;
		pipe_ring_arm(&r->ring.hdr->readers_waiting);
		if (!pipe_ring_readable(&r->ring))
			mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, MICA_TIMEOUT_NEVER), 0, 0);
	}
}

/* /t/many: BIG_NAMES names "n<i>" padded to 100 characters: records of
 * about 72 KiB, more than a ring holds. */
#define BIG_NAMES 600
#define BIG_PAD "-a-long-name-to-fill-the-pipe-a-long-name-to-fill-the-pipe-a-long-name-to-fill-the-pipe-a-long-"

/* Records of a whole listing; calls between() before its first read
 * (the server has filled the ring and waits for room).  For each name "n<i>" of
 * `names`, how often it was listed; *dot for ".", *others for the rest;
 * *err a failure record's errno.  The number of records, or <0. */
struct tally {
	unsigned seen[2 * BIG_NAMES], dot, others, records;
	uint64_t last_next;
	int err;
};

static long read_listing(struct reader *r, struct tally *t, void (*between)(void))
{
	static uint8_t buf[8192];
	size_t have = 0;
	long n;

	memset(t, 0, sizeof *t);
	if (between)
		between();
	while ((n = reader_read(r, buf + have, 4096)) > 0) {
		have += (size_t)n;
		size_t off = 0;
		for (;;) {
			const struct mica_fs_dirent *e = (const struct mica_fs_dirent *)(buf + off);
			if (have - off < sizeof *e || have - off < e->reclen)
				break;
			if (e->reclen % 8 || e->reclen < sizeof *e + e->namelen + 1u)
				return -MICA_EMSG;
			unsigned i;
			if (!e->ino)
				t->err = (int)e->next;
			else if (!strcmp(e->name, "."))
				t->dot++;
			else if (e->name[0] == 'n' && sscanf(e->name + 1, "%u", &i) == 1 && i < 2 * BIG_NAMES)
				t->seen[i]++;
			else
				t->others++;
			t->last_next = e->next;
			t->records++;
			off += e->reclen;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	return n < 0 ? n : have ? -MICA_EMSG : (long)t->records;
}


static void big_name(char *path, unsigned i)
{
	snprintf(path, 128, "/t/many/n%u%s", i, BIG_PAD);
}

static void make_big(void)
{
	char path[128];
	struct open_file f;
	int ok = file_system_mkdir(fs, "/t/many", 0755) == 0;

	for (unsigned i = 0; ok && i < BIG_NAMES; i++) {
		big_name(path, i);
		mica_cap_t gate = mica_slot_alloc(), buffer = mica_slot_alloc();
		ok = file_system_open(fs, path, MICA_FS_O_WRITE | MICA_FS_O_CREAT, 0644, &gate, &buffer, &f.size,
				      &f.type) == 0 && open_file_close(gate) == 0;
		mica_slot_drop(gate), mica_slot_free(buffer);
	}
	expect("/t/many made", ok, 1);
}

static void listings(void)
{
	struct open_file d, f;
	struct reader r;
	struct tally t;
	mica_cap_t none = mica_slot_alloc();

	expect("open /t", fopen_("/t", MICA_FS_O_READ | MICA_FS_O_DIRECTORY, &d), 0);
	expect("a directory", d.type, S_IFDIR);
	expect("list", list(d.gate, 0, &r), 0);
	expect("read to its end", read_listing(&r, &t, 0) > 2, 1);
	expect("lists . and others (hello)", t.dot == 1 && t.others >= 2 && !t.err, 1);
	unlist(&r);
	expect("list from the last record's next", list(d.gate, t.last_next, &r), 0);
	expect("is empty", read_listing(&r, &t, 0), 0);
	unlist(&r);
	expect("list from far past the end", list(d.gate, 1ull << 60, &r), 0);
	expect("is empty too", read_listing(&r, &t, 0), 0);
	unlist(&r);
	expect("open a file", fopen_("/t/hello", MICA_FS_O_READ, &f), 0);
	expect("list of it: ENOTDIR", open_file_list(f.gate, 0, &none), fe(ENOTDIR));
	fclose_(&f, 1);
	expect("list on the server's gate: ENOSYS", open_file_list(fs, 0, &none), -MICA_ENOSYS);
	fclose_(&d, 1);
	mica_slot_free(none);
	expect("sync", file_system_sync(fs), 0);
}

/* Before the reads of a listing of /t/many (the ring full, the server
 * waiting for room): 50 new names come (at the directory's end), then
 * the first 20 names go, which the server wrote already (a listing that
 * counted entries to resume would now skip 20), and the last 50, which
 * it had not written yet. */
static void change_big(void)
{
	char path[128];
	struct open_file f;
	int ok = 1;

	for (unsigned i = BIG_NAMES; i < BIG_NAMES + 50; i++) {
		big_name(path, i);
		mica_cap_t gate = mica_slot_alloc(), buffer = mica_slot_alloc();
		ok &= file_system_open(fs, path, MICA_FS_O_WRITE | MICA_FS_O_CREAT, 0644, &gate, &buffer, &f.size,
				       &f.type) == 0 && open_file_close(gate) == 0;
		mica_slot_drop(gate), mica_slot_free(buffer);
	}
	for (unsigned i = 0; i < BIG_NAMES; i++) {
		big_name(path, i);
		if (i < 20 || i >= BIG_NAMES - 50)
			ok &= file_system_unlink(fs, path) == 0;
	}
	expect("50 names added, 70 removed during the listing", ok, 1);
}

/* A listing longer than the ring: the server writes what fits, waits,
 * goes on as the reader makes room, from where it was, while names come
 * and go: every name there before and never removed is listed once (the
 * removed ones it wrote before are, too); the removed ones it had not
 * written are not. */
static void a_long_listing_resumes_where_it_was(void)
{
	struct open_file d;
	struct reader r;
	struct tally t;
	unsigned once = 0, more = 0, gone = 0;

	make_big();
	expect("open /t/many", fopen_("/t/many", MICA_FS_O_READ | MICA_FS_O_DIRECTORY, &d), 0);
	expect("list", list(d.gate, 0, &r), 0);
	expect("the ring is full before the first read",
	       pipe_ring_room(&r.ring) < (long)MICA_FS_DIRENT_MAX, 1);
	expect("read to its end", read_listing(&r, &t, change_big) > 0, 1);
	unlist(&r);
	for (unsigned i = 0; i < 2 * BIG_NAMES; i++) {
		once += i >= 20 && i < BIG_NAMES - 50 && t.seen[i] == 1;
		more += t.seen[i] > 1;
		gone += i >= BIG_NAMES - 50 && i < BIG_NAMES && t.seen[i];
	}
	expect("every name kept listed once", once, BIG_NAMES - 70);
	expect("none twice", more, 0);
	expect("no name removed before it was written", gone, 0);
	fclose_(&d, 1);
}

/* Clients that never read: the server keeps MICA_FS_LISTINGS_MAX (16)
 * listings waiting, refuses more with ENFILE, and goes on serving; one
 * dropped frees its place; all dropped, the pipes are gone.  A client that
 * scribbles on its ring's header ends its own listing, nothing else. */
static void listings_are_bounded_and_hostile_readers_harmless(void)
{
	static struct reader held[MICA_FS_LISTINGS_MAX];
	struct open_file d;
	struct reader r;
	struct tally t;
	mica_cap_t none = mica_slot_alloc();
	long base = pipe_subscribers();
	int ok = 1;

	expect("the pipe server's count", base >= 0, 1);
	expect("open /t/many", fopen_("/t/many", MICA_FS_O_READ | MICA_FS_O_DIRECTORY, &d), 0);
	for (int i = 0; i < MICA_FS_LISTINGS_MAX; i++)
		ok &= list(d.gate, 0, &held[i]) == 0;
	expect("16 listings never read", ok, 1);
	expect("the 17th: ENFILE", open_file_list(d.gate, 0, &none), fe(ENFILE));
	expect("the server still serves", file_system_sync(fs), 0);
	unlist(&held[0]);
	settle();
	expect("one dropped: a listing again", list(d.gate, 0, &held[0]), 0);
	for (int i = 0; i < MICA_FS_LISTINGS_MAX; i++)
		unlist(&held[i]);
	settle();
	expect("all dropped: the server's irqs gone with the pipes", pipe_subscribers(), base);

	/* A head far past the tail (no room, a wrong header), then the write
	 * lock taken and a room of the whole ring: each time the server,
	 * woken, ends the listing (the end of data), and serves on. */
	for (int how = 0; how < 2; how++) {
		expect("list /t/many", list(d.gate, 0, &r), 0);
		if (how == 0) {
			r.ring.hdr->head = r.ring.hdr->tail + (1ull << 40);
		} else {
			r.ring.hdr->write_lock = 1;
			r.ring.hdr->tail = r.ring.hdr->head;
		}
		expect("wake the writer", pipe_end_wake(r.end, MICA_PIPE_WRITERS), 0);
		settle();
		expect("the server dropped its end", (r.ring.hdr->closed & MICA_PIPE_WRITERS) != 0, 1);
		unlist(&r);
	}
	settle();
	expect("nothing kept", pipe_subscribers(), base);
	ok = 1;
	for (int i = 0; i < MICA_FS_LISTINGS_MAX; i++)
		ok &= list(d.gate, 0, &held[i]) == 0;
	expect("16 listings again", ok, 1);
	for (int i = 0; i < MICA_FS_LISTINGS_MAX; i++)
		unlist(&held[i]);
	expect("and a whole one reads right", list(d.gate, 0, &r) == 0 && read_listing(&r, &t, 0) > 0 &&
	       t.dot == 1 && !t.err, 1);
	unlist(&r);
	fclose_(&d, 1);
	mica_slot_free(none);
}

/* A file that fills the disk: the write that finds no block left is
 * ENOSPC, and deleting the file gives every block back. */
static void a_full_disk_is_enospc(void)
{
	struct open_file f;
	uint32_t done, bs;
	uint64_t at, blocks, before, full, after, inodes, free_inodes, off = 0;
	int err = 0;

	expect("statfs", file_system_statfs(fs, &bs, &blocks, &before, &inodes, &free_inodes), 0);
	expect("open /t/big", fopen_("/t/big", MICA_FS_O_WRITE | MICA_FS_O_CREAT, &f), 0);
	memset(f.buf, 'b', f.size);
	while (!(err = open_file_write(f.gate, off, f.size, false, &done, &at)) && done == f.size)
		off += done;
	if (!err)   /* a short write: the next one finds nothing */
		err = open_file_write(f.gate, off + done, f.size, false, &done, &at);
	expect("ENOSPC", err, fe(ENOSPC));
	expect("statfs", file_system_statfs(fs, &bs, &blocks, &full, &inodes, &free_inodes), 0);
	expect("the disk is full", full < before / 100, 1);
	fclose_(&f, 1);
	expect("unlink /t/big", file_system_unlink(fs, "/t/big"), 0);
	expect("statfs", file_system_statfs(fs, &bs, &blocks, &after, &inodes, &free_inodes), 0);
	expect("every block is back", after, before);
}

/* idlc's fuzz driver on both kinds of gate, then the file system is still
 * served and intact.  Its count of wrong answers is not checked: the
 * driver sends strings from a pool it never touches (no mica_ipc_touch),
 * and the kernel refuses a string from a page not present (MICA_EFAULT,
 * docs/ipc.md), so calls with a long string count as wrong — an idlc
 * matter: with the pool touched, FileSystem on either gate gets no wrong
 * answer.  OpenFile.close among the calls ends the fuzzed session. */
static void the_server_survives_the_fuzzer(void)
{
	struct open_file f;
	uint32_t done;

	expect("FileServer fuzzed on the server's gate: no wrong answer", file_server_fuzz(fs, 11, 60), 0);
	expect("open /t/hello read-only", fopen_("/t/hello", MICA_FS_O_READ, &f), 0);
	file_server_fuzz(f.gate, 12, 60);   /* its close ends the session: later calls find no gate */
	fclose_(&f, 0);
	long base = pipe_subscribers();
	expect("open /t/many", fopen_("/t/many", MICA_FS_O_READ | MICA_FS_O_DIRECTORY, &f), 0);
	file_server_fuzz(f.gate, 13, 60);   /* listings among the calls, their ends dropped */
	fclose_(&f, 0);
	settle();
	expect("the fuzzer's listings are gone", pipe_subscribers(), base);
	expect("open /t/hello again", fopen_("/t/hello", MICA_FS_O_READ, &f), 0);
	expect("read", open_file_read(f.gate, 0, 64, &done), 0);
	expect("it is intact", done == sizeof hello - 1 && !memcmp(f.buf, hello, done), 1);
	fclose_(&f, 1);
}

/* A file dataspace (OpenFile.mmap) answers Dataspace and FileMapping and
 * nothing else; what it maps is the file; bad requests get errors. */
static void file_dataspaces_check_their_requests(void)
{
	struct open_file f, d;
	mica_cap_t ds = mica_slot_alloc(), none = mica_slot_alloc();
	uint64_t size, window;
	uint32_t rights, done;

	expect("open /t/hello read-only", fopen_("/t/hello", MICA_FS_O_READ, &f), 0);
	expect("W shared on a read-only session: EACCES", open_file_mmap(f.gate, MICA_R | MICA_W, false, &none),
	       fe(EACCES));
	expect("no rights: EINVAL", open_file_mmap(f.gate, 0, false, &none), -MICA_EINVAL);
	expect("unknown rights: EINVAL", open_file_mmap(f.gate, 8 | MICA_R, false, &none), -MICA_EINVAL);
	expect("on the served gate: ENOSYS", open_file_mmap(fs, MICA_R, false, &none), -MICA_ENOSYS);
	expect("open /t read-only", fopen_("/t", MICA_FS_O_READ, &d), 0);
	expect("a directory: ENODEV", open_file_mmap(d.gate, MICA_R, false, &none), fe(ENODEV));
	fclose_(&d, 1);
	expect("mmap shared read-only", open_file_mmap(f.gate, MICA_R, false, &ds), 0);
	expect("info", dataspace_info(ds, &size, &rights), 0);
	expect("its size", size == MICA_FS_MAP_SIZE && rights == MICA_R, 1);
	expect("info on a session's gate: ENOSYS", dataspace_info(f.gate, &size, &rights), -MICA_ENOSYS);
	expect("msync on a session's gate: ENOSYS", file_mapping_msync(f.gate, 0, 4096), -MICA_ENOSYS);
	expect("OpenFile.read on the dataspace's gate: ENOSYS", open_file_read(ds, 0, 16, &done), -MICA_ENOSYS);
	expect("FileSystem.sync on it: ENOSYS", file_system_sync(ds), -MICA_ENOSYS);
	expect("clear: ENOSYS", dataspace_clear(ds, 0, 4096), -MICA_ENOSYS);
	expect("reserve a window", region_map_reserve(rt_cap("rm"), 0, 4096, &window), 0);
	struct mica_flexpage fp = { .fpage = mica_fpage(window, 12, MICA_RWX) };
	expect("map with W: EPERM", dataspace_map(ds, 0, MICA_R | MICA_W, &fp), -MICA_EPERM);
	fp.fpage = mica_fpage(window, 12, MICA_RWX);
	expect("map past the size: EINVAL", dataspace_map(ds, MICA_FS_MAP_SIZE, MICA_R, &fp), -MICA_EINVAL);
	fp.fpage = mica_fpage(window, 12, MICA_RWX);
	expect("map page 0", dataspace_map(ds, 0, MICA_R, &fp), 0);
	expect("it is the file", memcmp((void *)window, hello, sizeof hello - 1), 0);
	expect("then zeros", ((volatile uint8_t *)window)[sizeof hello - 1] == 0, 1);
	expect("msync of a read-only mapping", file_mapping_msync(ds, 0, 4096), 0);
	fclose_(&f, 1);
	expect("the dataspace outlives the session", dataspace_info(ds, &size, &rights), 0);
	mica_slot_drop(ds);   /* its last capability: the server ends it */
	mica_slot_free(none);
	expect("open /t/hello again", fopen_("/t/hello", MICA_FS_O_READ, &f), 0);
	expect("read", open_file_read(f.gate, 0, 64, &done), 0);
	expect("it is intact", done == sizeof hello - 1 && !memcmp(f.buf, hello, done), 1);
	fclose_(&f, 1);
}

/* OpenFile.mmap_masked's refusals, and what its dataspace maps: the
 * file below the limit, zeros from it (the straddling page a copy), the
 * page of zeros past it, read-only. */
static void masked_dataspaces_check_their_requests(void)
{
	struct open_file f, d;
	mica_cap_t ds = mica_slot_alloc(), none = mica_slot_alloc();
	uint64_t window;

	expect("open /t/hello for writing", fopen_("/t/hello", MICA_FS_O_READ | MICA_FS_O_WRITE, &f), 0);
	expect("shared with W: EINVAL", open_file_mmap_masked(f.gate, MICA_R | MICA_W, false, 5, &none),
	       -MICA_EINVAL);
	expect("no rights: EINVAL", open_file_mmap_masked(f.gate, 0, true, 5, &none), -MICA_EINVAL);
	expect("on the served gate: ENOSYS", open_file_mmap_masked(fs, MICA_R, true, 5, &none), -MICA_ENOSYS);
	expect("open /t read-only", fopen_("/t", MICA_FS_O_READ, &d), 0);
	expect("a directory: ENODEV", open_file_mmap_masked(d.gate, MICA_R, true, 5, &none), fe(ENODEV));
	fclose_(&d, 1);
	expect("shared read-only, the limit 5 bytes in", open_file_mmap_masked(f.gate, MICA_R, false, 5, &ds), 0);
	expect("reserve a window", region_map_reserve(rt_cap("rm"), 0, 2 * 4096, &window), 0);
	struct mica_flexpage fp = { .fpage = mica_fpage(window, 12, MICA_RWX) };
	expect("map with W: EPERM", dataspace_map(ds, 4096, MICA_R | MICA_W, &fp), -MICA_EPERM);
	fp.fpage = mica_fpage(window, 12, MICA_RWX);
	expect("map page 0", dataspace_map(ds, 0, MICA_R, &fp), 0);
	volatile uint8_t *w = (volatile uint8_t *)window;
	expect("the file's 5 bytes, then zeros", !memcmp((void *)window, hello, 5) && w[5] == 0 && w[6] == 0, 1);
	fp.fpage = mica_fpage(window + 4096, 12, MICA_RWX);
	expect("map page 1, past the file's end and the limit", dataspace_map(ds, 4096, MICA_R, &fp), 0);
	expect("zeros", w[4096] == 0 && w[8191] == 0, 1);
	mica_slot_drop(ds);
	mica_slot_free(none);
	uint32_t done;
	expect("read", open_file_read(f.gate, 0, 64, &done), 0);
	expect("the file is intact", done == sizeof hello - 1 && !memcmp(f.buf, hello, done), 1);
	fclose_(&f, 1);
}

/* OpenFile.load and load_on (the C library's reads through its view):
 * what they answer, and each refusal. */
static void loads_answer_and_refuse(void)
{
	struct open_file f, w, d;
	mica_cap_t shared = mica_slot_alloc();
	uint32_t done;
	uint64_t at;

	expect("open /t/hello read-only", fopen_("/t/hello", MICA_FS_O_READ, &f), 0);
	expect("load of its bytes", open_file_load(f.gate, 0, 64, &done), 0);
	expect("... as many as the file has", done, sizeof hello - 1);
	expect("load from inside", open_file_load(f.gate, 7, 64, &done) == 0 && done == sizeof hello - 8, 1);
	expect("load at the end: 0", open_file_load(f.gate, sizeof hello - 1, 64, &done) == 0 && done == 0, 1);
	expect("load far past the end: 0", open_file_load(f.gate, 1ull << 40, 64, &done) == 0 && done == 0, 1);
	expect("load of 0 bytes: 0", open_file_load(f.gate, 0, 0, &done) == 0 && done == 0, 1);
	expect("more than MICA_FS_WINDOW: EINVAL", open_file_load(f.gate, 0, MICA_FS_WINDOW + 1, &done),
	       -MICA_EINVAL);
	expect("on the served gate: ENOSYS", open_file_load(fs, 0, 64, &done), -MICA_ENOSYS);
	expect("load_on without a shared offset: EINVAL", open_file_load_on(f.gate, 64, 0, &done, &at),
	       -MICA_EINVAL);
	expect("dup at offset 5 (a shared offset)", open_file_dup(f.gate, 5, &shared), 0);
	expect("load_on more than MICA_FS_WINDOW: EINVAL", open_file_load_on(shared, MICA_FS_WINDOW + 1, 0, &done, &at),
	       -MICA_EINVAL);
	expect("load_on from 5", open_file_load_on(shared, 4, 0, &done, &at) == 0 && done == 4 && at == 5, 1);
	expect("load_on for a view elsewhere: nothing, and where the offset is",
	       open_file_load_on(shared, 4, MICA_FS_WINDOW, &done, &at) == 0 && done == 0 && at == 9, 1);
	expect("... and the offset moved past it", open_file_load_on(shared, 64, 0, &done, &at) == 0 && at == 9 &&
						     done == sizeof hello - 10, 1);
	expect("load_on at the end: 0, the offset stays",
	       open_file_load_on(shared, 64, 0, &done, &at) == 0 && done == 0 && at == sizeof hello - 1, 1);
	mica_slot_drop(shared);
	expect("open /t/hello write-only", fopen_("/t/hello", MICA_FS_O_WRITE, &w), 0);
	expect("load on a write-only session: EBADF", open_file_load(w.gate, 0, 64, &done), fe(EBADF));
	fclose_(&w, 1);
	expect("open /t read-only", fopen_("/t", MICA_FS_O_READ, &d), 0);
	expect("load of a directory: ENODEV", open_file_load(d.gate, 0, 64, &done), fe(ENODEV));
	fclose_(&d, 1);
	fclose_(&f, 1);
}

/* OpenFile.advise: DONTNEED drops the range's pages (written back first:
 * what was written reads back), the rest of the advice changes nothing;
 * bad requests are refused. */
static void advice_drops_pages(void)
{
	struct open_file f, d;
	uint32_t done, dropped = 99;
	uint64_t at;

	expect("open /t/advice, created", fopen_("/t/advice", MICA_FS_O_READ | MICA_FS_O_WRITE | MICA_FS_O_CREAT, &f), 0);
	memset(f.buf, 'a', 3 * 4096);
	expect("write 3 pages", open_file_write(f.gate, 0, 3 * 4096, false, &done, &at) == 0 && done == 3 * 4096, 1);
	memset(f.buf, 'b', 100);
	expect("write over them (into the page cache)", open_file_write(f.gate, 4000, 100, false, &done, &at), 0);
	expect("load them", open_file_load(f.gate, 0, 3 * 4096, &done) == 0 && done == 3 * 4096, 1);
	expect("WILLNEED: nothing dropped", open_file_advise(f.gate, 0, 0, MICA_FS_ADVISE_WILLNEED, &dropped) == 0 &&
						     dropped == 0, 1);
	expect("DONTNEED of the second page", open_file_advise(f.gate, 4096, 1, MICA_FS_ADVISE_DONTNEED, &dropped), 0);
	expect("... drops one", dropped, 1);
	expect("DONTNEED of all", open_file_advise(f.gate, 0, 0, MICA_FS_ADVISE_DONTNEED, &dropped), 0);
	expect("... drops the other two", dropped, 2);
	expect("again: none left", open_file_advise(f.gate, 0, 0, MICA_FS_ADVISE_DONTNEED, &dropped) == 0 && dropped == 0,
	       1);
	memset(f.buf, 0, 3 * 4096);
	expect("read back", open_file_read(f.gate, 0, 3 * 4096, &done) == 0 && done == 3 * 4096, 1);
	expect("what was written, from the disk", f.buf[0] == 'a' && f.buf[3999] == 'a' && f.buf[4000] == 'b' &&
							  f.buf[4099] == 'b' && f.buf[4100] == 'a' &&
							  f.buf[3 * 4096 - 1] == 'a', 1);
	expect("another advice: EINVAL", open_file_advise(f.gate, 0, 0, MICA_FS_ADVISE_NOREUSE + 1, &dropped),
	       -MICA_EINVAL);
	expect("a range past 2^64: EINVAL", open_file_advise(f.gate, 1, UINT64_MAX, MICA_FS_ADVISE_DONTNEED, &dropped),
	       -MICA_EINVAL);
	expect("on the served gate: ENOSYS", open_file_advise(fs, 0, 0, MICA_FS_ADVISE_DONTNEED, &dropped),
	       -MICA_ENOSYS);
	expect("open /t read-only", fopen_("/t", MICA_FS_O_READ, &d), 0);
	expect("a directory: ENODEV", open_file_advise(d.gate, 0, 0, MICA_FS_ADVISE_DONTNEED, &dropped), fe(ENODEV));
	fclose_(&d, 1);
	fclose_(&f, 1);
	expect("unlink /t/advice", file_system_unlink(fs, "/t/advice"), 0);
}

/* load_on stops at the end of the window the client names: a shared
 * offset never moves past the view the client copies from. */
static void load_on_stops_at_the_window(void)
{
	struct open_file f;
	mica_cap_t shared = mica_slot_alloc();
	uint32_t done;
	uint64_t at;

	expect("open /t/sparse, created", fopen_("/t/sparse", MICA_FS_O_READ | MICA_FS_O_WRITE | MICA_FS_O_CREAT, &f),
	       0);
	expect("2 windows long (a hole)", open_file_truncate(f.gate, 2 * MICA_FS_WINDOW), 0);
	expect("dup 3 bytes before the first window's end", open_file_dup(f.gate, MICA_FS_WINDOW - 3, &shared), 0);
	expect("load_on 64 in the first window: 3",
	       open_file_load_on(shared, 64, 0, &done, &at) == 0 && done == 3 && at == MICA_FS_WINDOW - 3, 1);
	expect("again: the offset is past that window, nothing",
	       open_file_load_on(shared, 64, 0, &done, &at) == 0 && done == 0 && at == MICA_FS_WINDOW, 1);
	expect("in the second window: 64",
	       open_file_load_on(shared, 64, MICA_FS_WINDOW, &done, &at) == 0 && done == 64 && at == MICA_FS_WINDOW, 1);
	mica_slot_drop(shared);
	fclose_(&f, 1);
	expect("unlink it", file_system_unlink(fs, "/t/sparse"), 0);
}

/* FileSystem.cuts: one read-only page; the counter of a file's inode moves
 * at each truncation and O_TRUNC open, by any session. */
static void cut_counters_move_at_truncations(void)
{
	struct open_file f, t;
	mica_cap_t ds = mica_slot_alloc(), again = mica_slot_alloc(), none = mica_slot_alloc();
	uint32_t ino, mode, nlink, uid, gid, rights;
	uint64_t size, blocks, start, window;
	int64_t a, m, c;

	expect("cuts", file_system_cuts(fs, &ds), 0);
	expect("info: a page, read-only", dataspace_info(ds, &size, &rights) == 0 && size == 4096 && rights == MICA_R, 1);
	expect("reserve a window", region_map_reserve(rt_cap("rm"), 0, 4096, &window), 0);
	struct mica_flexpage fp = { .fpage = mica_fpage(window, 12, MICA_RWX) };
	expect("map with W: EPERM", dataspace_map(ds, 0, MICA_R | MICA_W, &fp), -MICA_EPERM);
	fp.fpage = mica_fpage(window, 12, MICA_RWX);
	expect("map past the page: EINVAL", dataspace_map(ds, 4096, MICA_R, &fp), -MICA_EINVAL);
	expect("clear: ENOSYS", dataspace_clear(ds, 0, 4096), -MICA_ENOSYS);
	expect("OpenFile.read on its gate: ENOSYS", open_file_read(ds, 0, 1, &rights), -MICA_ENOSYS);
	expect("FileSystem.sync on its gate: ENOSYS", file_system_sync(ds), -MICA_ENOSYS);
	expect("cuts on its gate: ENOSYS", file_system_cuts(ds, &none), -MICA_ENOSYS);
	expect("cuts again", file_system_cuts(fs, &again), 0);
	expect("attach it read-only", region_map_attach(rt_cap("rm"), 0, 4096, MICA_R, ds, 0, &start), 0);
	mica_slot_free(ds);
	const volatile uint64_t *cut = (const volatile uint64_t *)start;
	expect("open /t/cut, created", fopen_("/t/cut", MICA_FS_O_READ | MICA_FS_O_WRITE | MICA_FS_O_CREAT, &f), 0);
	expect("cuts on a session's gate: ENOSYS", file_system_cuts(f.gate, &none), -MICA_ENOSYS);
	expect("fstat", open_file_fstat(f.gate, &ino, &mode, &nlink, &uid, &gid, &size, &blocks, &a, &m, &c), 0);
	uint64_t before = cut[ino % MICA_FS_CUTS];
	expect("truncate", open_file_truncate(f.gate, 100), 0);
	expect("its counter moved", cut[ino % MICA_FS_CUTS], before + 1);
	expect("an O_TRUNC open by another session", fopen_("/t/cut", MICA_FS_O_WRITE | MICA_FS_O_TRUNC, &t), 0);
	expect("its counter moved again", cut[ino % MICA_FS_CUTS], before + 2);
	expect("what the other capability maps is the same page",
	       region_map_attach(rt_cap("rm"), 0, 4096, MICA_R, again, 0, &start) == 0 &&
	       ((const volatile uint64_t *)start)[ino % MICA_FS_CUTS] == before + 2, 1);
	mica_slot_free(again);
	mica_slot_free(none);
	fclose_(&t, 1);
	fclose_(&f, 1);
	expect("unlink it", file_system_unlink(fs, "/t/cut"), 0);
}

/* OpenFile.deny_write: a hold on a file no one writes; while it lives
 * (or another hold made from it) opens for writing and shared writable
 * mappings are ETXTBSY; it ends by close on its gate or its last
 * capability. */
static void holds_deny_writing(void)
{
	struct open_file f, w, d;
	mica_cap_t hold = mica_slot_alloc(), second = mica_slot_alloc(), none = mica_slot_alloc();
	mica_cap_t buffer = mica_slot_alloc(), gate = mica_slot_alloc();
	uint32_t size, type;

	expect("open /t/run, created", fopen_("/t/run", MICA_FS_O_READ | MICA_FS_O_WRITE | MICA_FS_O_CREAT, &w), 0);
	expect("open it read-only", fopen_("/t/run", MICA_FS_O_READ, &f), 0);
	expect("deny_write with a writer: ETXTBSY", open_file_deny_write(f.gate, &none), fe(ETXTBSY));
	fclose_(&w, 1);
	expect("deny_write on the served gate: ENOSYS", open_file_deny_write(fs, &none), -MICA_ENOSYS);
	expect("open /t read-only", fopen_("/t", MICA_FS_O_READ, &d), 0);
	expect("deny_write on a directory: ENODEV", open_file_deny_write(d.gate, &none), fe(ENODEV));
	fclose_(&d, 1);
	expect("deny_write without a writer", open_file_deny_write(f.gate, &hold), 0);
	expect("an open for writing: ETXTBSY",
	       file_system_open(fs, "/t/run", MICA_FS_O_WRITE, 0, &gate, &buffer, &size, &type), fe(ETXTBSY));
	expect("with O_TRUNC: ETXTBSY",
	       file_system_open(fs, "/t/run", MICA_FS_O_WRITE | MICA_FS_O_TRUNC, 0, &gate, &buffer, &size, &type),
	       fe(ETXTBSY));
	expect("a second hold from the hold's gate", open_file_deny_write(hold, &second), 0);
	expect("OpenFile.read on a hold's gate: ENOSYS", open_file_read(hold, 0, 1, &size), -MICA_ENOSYS);
	expect("close on the first hold's gate", open_file_close(hold), 0);
	mica_slot_drop(hold);
	hold = mica_slot_alloc();
	expect("the second still denies", file_system_open(fs, "/t/run", MICA_FS_O_WRITE, 0, &gate, &buffer, &size,
							     &type), fe(ETXTBSY));
	mica_slot_drop(second);   /* its last capability: the server learns it from the watch */
	int err;
	for (int i = 0; i < 1000 && (err = file_system_open(fs, "/t/run", MICA_FS_O_READ | MICA_FS_O_WRITE, 0, &gate,
							       &buffer, &size, &type)) == fe(ETXTBSY); i++)
		file_system_statfs(fs, &size, &(uint64_t){ 0 }, &(uint64_t){ 0 }, &(uint64_t){ 0 }, &(uint64_t){ 0 });
	expect("then an open for writing works", err, 0);
	expect("and a shared writable mapping of it", open_file_mmap(gate, MICA_R | MICA_W, false, &none), 0);
	expect("with which a hold is ETXTBSY", open_file_deny_write(f.gate, &hold), fe(ETXTBSY));
	expect("close that session", open_file_close(gate), 0);
	mica_slot_drop(gate);
	mica_slot_free(buffer);
	expect("the mapping alone still writes: ETXTBSY", open_file_deny_write(f.gate, &hold), fe(ETXTBSY));
	mica_slot_drop(none);
	mica_slot_free(hold);
	fclose_(&f, 1);
	expect("unlink it", file_system_unlink(fs, "/t/run"), 0);
}

static const struct qtest_case cases[] = {
	{ "files_are_made_written_and_read", files_are_made_written_and_read },
	{ "loads_answer_and_refuse", loads_answer_and_refuse },
	{ "advice_drops_pages", advice_drops_pages },
	{ "errors_are_posix", errors_are_posix },
	{ "two_sessions_share_the_file", two_sessions_share_the_file },
	{ "unlinked_files_stay_open", unlinked_files_stay_open },
	{ "listings", listings },
	{ "a_long_listing_resumes_where_it_was", a_long_listing_resumes_where_it_was },
	{ "listings_are_bounded_and_hostile_readers_harmless", listings_are_bounded_and_hostile_readers_harmless },
	{ "a_full_disk_is_enospc", a_full_disk_is_enospc },
	{ "file_dataspaces_check_their_requests", file_dataspaces_check_their_requests },
	{ "masked_dataspaces_check_their_requests", masked_dataspaces_check_their_requests },
	{ "load_on_stops_at_the_window", load_on_stops_at_the_window },
	{ "cut_counters_move_at_truncations", cut_counters_move_at_truncations },
	{ "holds_deny_writing", holds_deny_writing },
	{ "the_server_survives_the_fuzzer", the_server_survives_the_fuzzer },
};

#define must(cond) do { if (!(cond)) exit(1); } while (0)

struct counts {
	uint64_t free_blocks, free_inodes;
};

static struct counts counts_now(void)
{
	struct counts c;
	uint32_t bs;
	uint64_t blocks, inodes;

	if (file_system_statfs(fs, &bs, &blocks, &c.free_blocks, &inodes, &c.free_inodes))
		c.free_blocks = c.free_inodes = 0;
	return c;
}

/* Dies holding an unlinked file: the server must free it when the task's
 * capabilities go.  It prints no TAP (it never ends by itself): a failure
 * exits 1 instead of faulting, which the scenario sees. */
static void crash(void)
{
	struct open_file note, held;
	uint32_t done;
	uint64_t at;

	must(file_system_mkdir(fs, "/h", 0755) == 0);
	must(fopen_("/h/before", MICA_FS_O_WRITE | MICA_FS_O_CREAT, &note) == 0);
	must(open_file_write(note.gate, 0, sizeof(struct counts), false, &done, &at) == 0);
	struct counts c = counts_now();
	memcpy(note.buf, &c, sizeof c);
	must(open_file_write(note.gate, 0, sizeof c, false, &done, &at) == 0);
	must(open_file_close(note.gate) == 0);
	must(fopen_("/h/held", MICA_FS_O_WRITE | MICA_FS_O_CREAT, &held) == 0);
	memset(held.buf, 'h', held.size);
	for (uint64_t off = 0; off < 256 * 1024; off += held.size)
		open_file_write(held.gate, off, held.size, false, &done, &at);
	must(file_system_unlink(fs, "/h/held") == 0);
	must(counts_now().free_blocks < c.free_blocks);
	struct open_file d;
	static struct reader listed[MICA_FS_LISTINGS_MAX];
	must(fopen_("/t/many", MICA_FS_O_READ | MICA_FS_O_DIRECTORY, &d) == 0);
	for (int i = 0; i < MICA_FS_LISTINGS_MAX; i++)
		must(list(d.gate, 0, &listed[i]) == 0);
	*(volatile int *)0x123456789000 = 1;
}

static void check(void)
{
	struct open_file note;
	struct counts before;
	uint32_t done;

	expect("open /h/before", fopen_("/h/before", MICA_FS_O_READ, &note), 0);
	expect("read", open_file_read(note.gate, 0, sizeof before, &done), 0);
	memcpy(&before, note.buf, sizeof before);
	fclose_(&note, 1);
	struct counts now = counts_now();
	expect("the blocks are back", now.free_blocks, before.free_blocks);
	expect("the inode is back", now.free_inodes, before.free_inodes);
	/* Its listings went with it: their pipes, our irqs on them, and the
	 * server's places. */
	static struct reader held[MICA_FS_LISTINGS_MAX];
	struct open_file d;
	int ok = 1;
	settle();
	expect("no irq left on any pipe", pipe_subscribers(), 0);
	expect("open /t/many", fopen_("/t/many", MICA_FS_O_READ | MICA_FS_O_DIRECTORY, &d), 0);
	for (int i = 0; i < MICA_FS_LISTINGS_MAX; i++)
		ok &= list(d.gate, 0, &held[i]) == 0;
	expect("16 listings again", ok, 1);
}

int main(int argc, char **argv)
{
	qtest_name(argv[0]);
	fs = mica_slot_alloc();
	if (argc > 1 && !strcmp(argv[1], "crash")) {
		must(registry_lookup(rt_cap("registry"), "fs", &fs) == 0);
		crash();
	}
	expect("the registry names fs", registry_lookup(rt_cap("registry"), "fs", &fs), 0);
	if (argc > 1 && !strcmp(argv[1], "check"))
		check();
	else
		return QTEST_RUN(argv[0], cases);
	return qtest_done();
}
