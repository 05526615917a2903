/*
 * fsserver_test.c - the file server's protocol (idl/rt/fs.idl,
 * srv/ext2fs, docs/fsserver.md) on a copy of build/disk.img: files made,
 * written through the session buffer and read back, the errno values of
 * the file system, two sessions of one file, deferred unlink, listings,
 * and a session dropped without close.  fsserver.scenario checks the image
 * on the host afterwards (e2fsck -fn, ext2ctl cat).
 *
 *   fsserver_test            the cases
 *   fsserver_test crash      notes the free counts in /h/before, then holds
 *                            an unlinked 256 KiB file open and dies by a fault
 *   fsserver_test check      the counts are back to /h/before's
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libsys/slot.h>
#include <mica/fs.h>
#include <rt/rt.h>
#include "qtest.h"

#include <idl/rt/dataspace.h>
#include <idl/rt/fs.h>
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

static void listings(void)
{
	struct open_file d;
	uint32_t count;
	uint64_t next;
	int seen_hello = 0, seen_dot = 0;

	expect("open /t", fopen_("/t", MICA_FS_O_READ | MICA_FS_O_DIRECTORY, &d), 0);
	expect("a directory", d.type, S_IFDIR);
	expect("readdir", open_file_readdir(d.gate, 0, &count, &next), 0);
	for (uint32_t i = 0, off = 0; i < count; i++) {
		struct mica_fs_dirent *e = (struct mica_fs_dirent *)(d.buf + off);
		seen_hello |= !strcmp(e->name, "hello");
		seen_dot |= !strcmp(e->name, ".");
		off += e->reclen;
	}
	expect("lists hello and .", seen_hello && seen_dot, 1);
	expect("readdir past the end", open_file_readdir(d.gate, next, &count, &next), 0);
	expect("is empty", count, 0);
	fclose_(&d, 1);
	struct open_file f;
	expect("open a file", fopen_("/t/hello", MICA_FS_O_READ, &f), 0);
	expect("readdir of it", open_file_readdir(f.gate, 0, &count, &next), fe(ENOTDIR));
	fclose_(&f, 1);
	expect("sync", file_system_sync(fs), 0);
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
	{ "errors_are_posix", errors_are_posix },
	{ "two_sessions_share_the_file", two_sessions_share_the_file },
	{ "unlinked_files_stay_open", unlinked_files_stay_open },
	{ "listings", listings },
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
