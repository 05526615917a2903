/*
 * fsserver_test.c - the file server's protocol (idl/rt/fs.idl,
 * srv/ext2fs, docs/fsserver.md) on a copy of build/disk.img: files made,
 * written through the session buffer and read back, the errno values of
 * the file system, two sessions of one file, deferred unlink, listings,
 * and a session dropped without close.  fsserver.scenario checks the image
 * on the host afterwards (e2fsck -fn, ext2ctl cat).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <libsys/slot.h>
#include <mica/fs.h>
#include <rt/rt.h>
#include "qtest.h"

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
	int err = file_system_open(fs, path, flags, 0644, &f->gate, &buffer, &f->size, &f->type);
	if (err) {
		mica_slot_free(f->gate), mica_slot_free(buffer);
		return err;
	}
	expect("the buffer attaches", region_map_attach(rt_cap("rm"), 0, f->size, MICA_R | MICA_W, buffer, 0, &start), 0);
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

static const struct qtest_case cases[] = {
	{ "files_are_made_written_and_read", files_are_made_written_and_read },
	{ "errors_are_posix", errors_are_posix },
	{ "two_sessions_share_the_file", two_sessions_share_the_file },
	{ "unlinked_files_stay_open", unlinked_files_stay_open },
	{ "listings", listings },
};

int main(int argc, char **argv)
{
	(void)argc;
	qtest_name(argv[0]);
	fs = mica_slot_alloc();
	expect("the registry names fs", registry_lookup(rt_cap("registry"), "fs", &fs), 0);
	return QTEST_RUN(argv[0], cases);
}
