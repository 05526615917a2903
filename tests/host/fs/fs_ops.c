/*
 * fs_ops.c - lib/fs operation by operation, on small images made by
 * mke2fs: path lookup, open files, deferred deletion, truncate, rename,
 * links, attributes, the block map, mount refusals, ENOSPC, big
 * directories, and the block cache of the mica_blk io_manager.  Every case
 * that writes ends with e2fsck -fn clean.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkcache.h"
#include "blkdev.h"
#include "blkio.h"
#include "fs_impl.h"
#include "fsutil.h"
#include "tap.h"

static char img[256];

/* A fresh empty ext2 image of size_k KiB, mounted read-write. */
static struct fs *fresh(unsigned bs, unsigned long size_k)
{
	snprintf(img, sizeof(img), "%s/ops.img", scratch_dir());
	if (make_image(img, "ext2", bs, NULL, size_k, NULL))
		return NULL;
	return mount_image(img, 0);
}

static int done_clean(struct fs *fs)
{
	return unmount_image(fs) == 0 && fsck_clean(img) == 0;
}

static uint32_t ino_of(struct fs *fs, const char *path)
{
	struct fs_stat st;

	return fs_stat(fs, path, &st) ? 0 : st.ino;
}

static void lookup_follows_dot_dotdot_and_symlinks(void)
{
	struct fs *fs = fresh(1024, 4096);

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(fs_mkdir(fs, "/a", 0755), 0);
	CHECK_EQ(fs_mkdir(fs, "/a/b", 0755), 0);
	CHECK_EQ(fs_symlink(fs, "../../a", "/a/b/up"), 0);
	CHECK_EQ(fs_symlink(fs, "/a/b", "/abs"), 0);
	CHECK(ino_of(fs, "/a/b") != 0);
	CHECK_EQ(ino_of(fs, "/a/b/../b/./up/b"), ino_of(fs, "/a/b"));
	CHECK_EQ(ino_of(fs, "abs/up"), ino_of(fs, "/a"));
	CHECK_EQ(ino_of(fs, "/.."), ino_of(fs, "/"));
	struct fs_stat st;
	CHECK_EQ(fs_lstat(fs, "/abs", &st), 0);
	CHECK_EQ(st.mode & 0170000, 0120000);
	char buf[64];
	size_t len;
	CHECK_EQ(fs_readlink(fs, "/a/b/up", buf, sizeof(buf), &len), 0);
	CHECK(len == 7 && !strcmp(buf, "../../a"));
	CHECK(done_clean(fs));
}

static void lookup_errors_are_errno_with_message(void)
{
	struct fs *fs = fresh(1024, 4096);
	char longname[300];
	struct fs_stat st;

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(write_at(fs, "/file", 0, "x", 1), 0);
	CHECK_EQ(fs_stat(fs, "/nope", &st), ENOENT);
	CHECK(strstr(fs_error(fs), "/nope") != NULL);
	CHECK_EQ(fs_stat(fs, "/file/x", &st), ENOTDIR);
	CHECK_EQ(fs_stat(fs, "/file/", &st), ENOTDIR);
	memset(longname, 'n', sizeof(longname));
	longname[0] = '/';
	longname[sizeof(longname) - 1] = 0;
	CHECK_EQ(fs_stat(fs, longname, &st), ENAMETOOLONG);
	CHECK_EQ(fs_symlink(fs, "/l2", "/l1"), 0);
	CHECK_EQ(fs_symlink(fs, "/l1", "/l2"), 0);
	CHECK_EQ(fs_symlink(fs, "self", "/self"), 0);
	CHECK_EQ(fs_stat(fs, "/l1", &st), ELOOP);
	CHECK_EQ(fs_stat(fs, "/self/x", &st), ELOOP);
	CHECK_EQ(fs_lstat(fs, "/l1", &st), 0);
	CHECK_EQ(fs_mkdir(fs, "/file", 0755), EEXIST);
	CHECK_EQ(fs_mkdir(fs, "/", 0755), EINVAL);
	CHECK_EQ(fs_rmdir(fs, "/file"), ENOTDIR);
	CHECK_EQ(fs_unlink(fs, "/lost+found"), EISDIR);
	CHECK(done_clean(fs));
}

static void open_files_share_data_and_count_references(void)
{
	struct fs *fs = fresh(1024, 4096);
	struct fs_file *a, *b, *c;
	char buf[8] = { 0 };
	size_t n;

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(fs_open(fs, "/f", FS_O_CREAT | FS_O_WRITE, 0600, &a), 0);
	CHECK_EQ(fs_open(fs, "/f", 0, 0, &b), 0);
	c = fs_dup(b);
	CHECK_EQ(fs_write(a, 0, "abc", 3, &n), 0);
	CHECK_EQ(fs_read(c, 0, buf, sizeof(buf), &n), 0);
	CHECK(n == 3 && !memcmp(buf, "abc", 3));
	CHECK_EQ(fs_write(b, 0, "x", 1, &n), EBADF);
	CHECK_EQ(fs_open(fs, "/f", FS_O_CREAT | FS_O_EXCL, 0600, &c), EEXIST);
	CHECK_EQ(fs_close(b), 0);
	CHECK_EQ(fs_read(b, 0, buf, 1, &n), 0); /* c still holds it */
	CHECK_EQ(fs_close(b), 0);
	CHECK_EQ(fs_unmount(fs), EBUSY); /* a is still open */
	CHECK_EQ(fs_close(a), 0);
	CHECK(done_clean(fs));
}

static void unlinked_open_file_lives_until_last_close(void)
{
	struct fs *fs = fresh(1024, 8192);
	struct fs_statfs before, during, after;
	static char data[256 << 10];
	struct fs_file *f;
	struct fs_stat st;
	size_t n;

	CHECK(fs);
	if (!fs)
		return;
	memset(data, 0x5a, sizeof(data));
	fs_statfs(fs, &before);
	CHECK_EQ(fs_open(fs, "/doomed", FS_O_CREAT | FS_O_WRITE, 0644, &f), 0);
	CHECK_EQ(fs_write(f, 0, data, sizeof(data), &n), 0);
	CHECK_EQ(fs_unlink(fs, "/doomed"), 0);
	CHECK_EQ(fs_stat(fs, "/doomed", &st), ENOENT);
	CHECK_EQ(fs_write(f, sizeof(data), data, sizeof(data), &n), 0);
	CHECK_EQ(fs_fstat(f, &st), 0);
	CHECK_EQ(st.nlink, 0);
	CHECK_EQ(st.size, 2 * sizeof(data));
	CHECK_EQ(fs_read(f, sizeof(data) + 5, data, 10, &n), 0);
	CHECK(n == 10 && data[9] == 0x5a);
	fs_statfs(fs, &during);
	CHECK(during.free_blocks + 512 < before.free_blocks);
	CHECK_EQ(fs_close(f), 0);
	fs_statfs(fs, &after);
	CHECK_EQ(after.free_blocks, before.free_blocks);
	CHECK_EQ(after.free_inodes, before.free_inodes);
	CHECK(done_clean(fs));
}

/* fs_options.released's calls: the inodes, in order. */
static uint32_t released[8];
static unsigned nreleased;

static void note_released(void *arg, uint32_t ino)
{
	(void)arg;
	if (nreleased < sizeof(released) / sizeof(released[0]))
		released[nreleased] = ino;
	nreleased++;
}

static void released_names_each_inode_once_when_it_goes(void)
{
	struct fs_options opt = { .released = note_released };
	struct blkdev *dev;
	struct fs *fs;
	struct fs_file *f;
	char msg[512];
	uint32_t a, b, c, d;

	snprintf(img, sizeof(img), "%s/ops.img", scratch_dir());
	CHECK_EQ(make_image(img, "ext2", 1024, NULL, 4096, NULL), 0);
	CHECK_EQ(blkdev_file_open(img, 1, &dev), 0);
	CHECK_EQ(fs_mount(dev, &opt, &fs, msg, sizeof(msg)), 0);
	CHECK_EQ(write_at(fs, "/a", 0, "a", 1), 0);
	CHECK_EQ(write_at(fs, "/b", 0, "b", 1), 0);
	CHECK_EQ(write_at(fs, "/c", 0, "c", 1), 0);
	CHECK_EQ(fs_mkdir(fs, "/d", 0755), 0);
	a = ino_of(fs, "/a"), b = ino_of(fs, "/b"), c = ino_of(fs, "/c"), d = ino_of(fs, "/d");
	/* Another name, then one of the two gone: the inode stays. */
	CHECK_EQ(fs_link(fs, "/a", "/a2"), 0);
	CHECK_EQ(fs_unlink(fs, "/a"), 0);
	CHECK_EQ(nreleased, 0);
	CHECK_EQ(fs_unlink(fs, "/a2"), 0);
	CHECK(nreleased == 1 && released[0] == a);
	/* Open: not before the last close. */
	CHECK_EQ(fs_open(fs, "/b", 0, 0, &f), 0);
	CHECK_EQ(fs_unlink(fs, "/b"), 0);
	CHECK_EQ(nreleased, 1);
	CHECK_EQ(fs_close(f), 0);
	CHECK(nreleased == 2 && released[1] == b);
	/* A rename over a file, an rmdir. */
	CHECK_EQ(write_at(fs, "/e", 0, "e", 1), 0);
	CHECK_EQ(fs_rename(fs, "/e", "/c"), 0);
	CHECK(nreleased == 3 && released[2] == c);
	CHECK_EQ(fs_rmdir(fs, "/d"), 0);
	CHECK(nreleased == 4 && released[3] == d);
	CHECK(done_clean(fs));
}

static void truncate_grows_with_zeroes_and_shrinks_freeing_blocks(void)
{
	struct fs *fs = fresh(1024, 8192);
	struct fs_statfs before, after;
	static char data[100000], back[300000];
	struct fs_file *f;
	size_t n;

	CHECK(fs);
	if (!fs)
		return;
	memset(data, 'q', sizeof(data));
	fs_statfs(fs, &before);
	CHECK_EQ(fs_open(fs, "/t", FS_O_CREAT | FS_O_WRITE, 0644, &f), 0);
	CHECK_EQ(fs_write(f, 0, data, sizeof(data), &n), 0);
	CHECK_EQ(fs_truncate(f, 1500), 0);
	CHECK_EQ(fs_truncate(f, 300000), 0);
	CHECK_EQ(fs_read(f, 0, back, sizeof(back), &n), 0);
	CHECK_EQ(n, 300000);
	CHECK(back[1499] == 'q' && back[1500] == 0 && back[99999] == 0 && back[299999] == 0);
	CHECK_EQ(fs_truncate(f, 0), 0);
	CHECK_EQ(fs_close(f), 0);
	CHECK_EQ(fs_unlink(fs, "/t"), 0);
	fs_statfs(fs, &after);
	CHECK_EQ(after.free_blocks, before.free_blocks);
	CHECK(done_clean(fs));
}

static void rename_replaces_targets_and_moves_directories(void)
{
	struct fs *fs = fresh(1024, 8192);
	struct fs_stat st;
	size_t n;
	char *s;

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(fs_mkdir(fs, "/p", 0755), 0);
	CHECK_EQ(fs_mkdir(fs, "/q", 0755), 0);
	CHECK_EQ(fs_mkdir(fs, "/p/d", 0755), 0);
	CHECK_EQ(fs_mkdir(fs, "/p/d/sub", 0755), 0);
	CHECK_EQ(write_at(fs, "/p/a", 0, "new", 3), 0);
	CHECK_EQ(write_at(fs, "/q/b", 0, "old", 3), 0);
	CHECK_EQ(fs_rename(fs, "/p/a", "/q/b"), 0);
	CHECK((s = read_all(fs, "/q/b", &n)) && n == 3 && !memcmp(s, "new", 3));
	free(s);
	CHECK_EQ(fs_stat(fs, "/p/a", &st), ENOENT);
	CHECK_EQ(fs_rename(fs, "/p/d", "/p/d/sub/x"), EINVAL);
	CHECK_EQ(fs_rename(fs, "/q/b", "/p/d"), EISDIR);
	CHECK_EQ(fs_rename(fs, "/p/d", "/q/b"), ENOTDIR);
	CHECK_EQ(fs_mkdir(fs, "/q/full", 0755), 0);
	CHECK_EQ(fs_mkdir(fs, "/q/full/x", 0755), 0);
	CHECK_EQ(fs_rename(fs, "/p/d", "/q/full"), ENOTEMPTY);
	CHECK_EQ(fs_mkdir(fs, "/q/empty", 0755), 0);
	CHECK_EQ(fs_rename(fs, "/p/d", "/q/empty"), 0);
	CHECK_EQ(ino_of(fs, "/q/empty/sub/../.."), ino_of(fs, "/q"));
	CHECK_EQ(fs_stat(fs, "/p", &st), 0);
	CHECK_EQ(st.nlink, 2);
	CHECK_EQ(fs_stat(fs, "/q", &st), 0);
	CHECK_EQ(st.nlink, 4);
	CHECK_EQ(fs_rename(fs, "/q/empty", "/q/empty"), 0);
	CHECK_EQ(fs_rename(fs, "/nope", "/q/x"), ENOENT);
	CHECK(done_clean(fs));
}

/* The cache of looked-up names (path.c) never answers with what a name
 * was: every walk below goes over names the walks before it cached. */
static void cached_names_follow_every_change(void)
{
	struct fs *fs = fresh(1024, 8192);
	struct fs_stat st;
	ext2_ino_t a;

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(fs_mkdir(fs, "/a", 0755), 0);
	CHECK_EQ(write_at(fs, "/a/f", 0, "x", 1), 0);
	CHECK_EQ(fs_stat(fs, "/a/f", &st), 0);
	a = ino_of(fs, "/a");
	CHECK_EQ(fs_rename(fs, "/a", "/b"), 0);
	CHECK_EQ(fs_stat(fs, "/a/f", &st), ENOENT);
	CHECK_EQ(ino_of(fs, "/b"), a);
	CHECK_EQ(fs_unlink(fs, "/b/f"), 0);
	CHECK_EQ(fs_stat(fs, "/b/f", &st), ENOENT);
	CHECK_EQ(fs_mkdir(fs, "/b/f", 0755), 0);   /* the name again, now a directory */
	CHECK_EQ(fs_stat(fs, "/b/f", &st), 0);
	CHECK_EQ(st.mode & 0170000, 0040000);
	CHECK_EQ(fs_symlink(fs, "/b", "/l"), 0);
	CHECK_EQ(fs_stat(fs, "/l/f", &st), 0);
	CHECK_EQ(fs_unlink(fs, "/l"), 0);
	CHECK_EQ(fs_mkdir(fs, "/l", 0755), 0);     /* a symlink's name, now a directory */
	CHECK_EQ(fs_stat(fs, "/l/f", &st), ENOENT);
	CHECK_EQ(fs_rmdir(fs, "/b/f"), 0);
	CHECK_EQ(fs_stat(fs, "/b/f", &st), ENOENT);
	CHECK_EQ(fs_link(fs, "/l", "/m"), EPERM);
	CHECK_EQ(write_at(fs, "/b/g", 0, "y", 1), 0);
	CHECK_EQ(fs_link(fs, "/b/g", "/l/h"), 0);
	CHECK_EQ(ino_of(fs, "/l/h"), ino_of(fs, "/b/g"));
	CHECK_EQ(fs_rename(fs, "/b/g", "/l/h"), 0);   /* the same inode: both names stay */
	CHECK_EQ(fs_rename(fs, "/l", "/b/l2"), 0);     /* a directory moves: its '..' changes */
	CHECK_EQ(ino_of(fs, "/b/l2/.."), a);
	CHECK_EQ(fs_stat(fs, "/l/h", &st), ENOENT);
	/* A removed directory's inode comes back as a new directory elsewhere:
	 * its cached '..' must not. */
	CHECK_EQ(fs_mkdir(fs, "/b/d", 0755), 0);
	ext2_ino_t d = ino_of(fs, "/b/d");
	CHECK_EQ(ino_of(fs, "/b/d/.."), a);
	CHECK_EQ(fs_rmdir(fs, "/b/d"), 0);
	char name[16];
	int reused = 0;
	for (int i = 0; i < 16 && !reused; i++) {   /* until one gets d's inode */
		snprintf(name, sizeof name, "/e%d", i);
		CHECK_EQ(fs_mkdir(fs, name, 0755), 0);
		reused = ino_of(fs, name) == d;
	}
	CHECK(reused);
	CHECK_EQ(fs_rename(fs, name, "/e"), 0);
	CHECK_EQ(ino_of(fs, "/e/.."), EXT2_ROOT_INO);
	/* A rename over a cached name: the name is the moved file now. */
	CHECK_EQ(write_at(fs, "/e/x", 0, "x", 1), 0);
	CHECK_EQ(write_at(fs, "/e/y", 0, "y", 1), 0);
	ext2_ino_t x = ino_of(fs, "/e/x");
	CHECK(ino_of(fs, "/e/y") != x);
	CHECK_EQ(fs_rename(fs, "/e/x", "/e/y"), 0);
	CHECK_EQ(ino_of(fs, "/e/y"), x);
	CHECK_EQ(fs_stat(fs, "/e/x", &st), ENOENT);
	/* Names looked up while missing (cached so), then added each way
	 * there is: every one is found. */
	static const char *const missing[] = { "/e/c", "/e/m", "/e/s", "/e/k", "/e/r", "/e/m/in" };
	for (unsigned i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		CHECK_EQ(fs_stat(fs, missing[i], &st), ENOENT);
		CHECK_EQ(fs_stat(fs, missing[i], &st), ENOENT);
	}
	CHECK_EQ(write_at(fs, "/e/c", 0, "c", 1), 0);
	CHECK_EQ(fs_mkdir(fs, "/e/m", 0755), 0);
	CHECK_EQ(fs_symlink(fs, "c", "/e/s"), 0);
	CHECK_EQ(fs_link(fs, "/e/c", "/e/k"), 0);
	CHECK_EQ(fs_rename(fs, "/e/y", "/e/r"), 0);
	CHECK_EQ(fs_mkdir(fs, "/e/m/in", 0755), 0);
	for (unsigned i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
		CHECK_EQ(fs_stat(fs, missing[i], &st), 0);
	CHECK_EQ(ino_of(fs, "/e/s"), ino_of(fs, "/e/c"));
	CHECK_EQ(ino_of(fs, "/e/k"), ino_of(fs, "/e/c"));
	CHECK_EQ(ino_of(fs, "/e/r"), x);
	CHECK_EQ(fs_stat(fs, "/e/y", &st), ENOENT);
	/* A symlink chain walks through both of the walk's buffers, with
	 * the rest of the path after each link. */
	CHECK_EQ(fs_symlink(fs, "s", "/e/s2"), 0);
	CHECK_EQ(fs_symlink(fs, "/e/s2", "/s3"), 0);
	CHECK_EQ(ino_of(fs, "/s3"), ino_of(fs, "/e/c"));
	CHECK_EQ(fs_mkdir(fs, "/e/m/in/deep", 0755), 0);
	CHECK_EQ(fs_symlink(fs, "/e/m", "/d3"), 0);
	CHECK_EQ(fs_symlink(fs, "../d3/in", "/e/d2"), 0);
	CHECK_EQ(fs_symlink(fs, "e/d2", "/d1"), 0);
	CHECK_EQ(ino_of(fs, "/d1/deep/../deep"), ino_of(fs, "/e/m/in/deep"));
	CHECK_EQ(ino_of(fs, "/d1/./deep"), ino_of(fs, "/e/m/in/deep"));
	CHECK(done_clean(fs));
}

/* fs_fsync writes one file and its inode to the disk: a second mount of
 * the image (read-only, beside the first) reads it back; but the free
 * counts on the disk are still those of the last fs_sync (fsync writes no
 * superblock or group descriptors, as ext2's does not). */
static void fsync_makes_one_file_durable(void)
{
	struct fs *fs = fresh(1024, 8192), *other;
	struct fs_statfs before, now, seen;
	struct fs_file *f, *d;
	char data[5000];
	size_t n;
	char *s;

	CHECK(fs);
	if (!fs)
		return;
	memset(data, 'q', sizeof data);
	CHECK_EQ(fs_mkdir(fs, "/d", 0755), 0);
	CHECK_EQ(fs_sync(fs), 0);
	CHECK_EQ(fs_statfs(fs, &before), 0);
	CHECK_EQ(write_at(fs, "/d/kept", 0, data, sizeof data), 0);
	CHECK_EQ(fs_open(fs, "/d/kept", FS_O_WRITE, 0, &f), 0);
	CHECK_EQ(fs_fsync(f), 0);
	CHECK_EQ(fs_close(f), 0);
	CHECK_EQ(fs_open(fs, "/d", 0, 0, &d), 0);
	CHECK_EQ(fs_fsync(d), 0);   /* the name */
	CHECK_EQ(fs_close(d), 0);
	CHECK_EQ(fs_statfs(fs, &now), 0);
	CHECK(now.free_blocks < before.free_blocks);
	CHECK((other = mount_image(img, FS_RDONLY)) != NULL);
	if (other) {
		CHECK((s = read_all(other, "/d/kept", &n)) && n == sizeof data && !memcmp(s, data, n));
		free(s);
		CHECK_EQ(fs_statfs(other, &seen), 0);
		CHECK_EQ(seen.free_blocks, before.free_blocks);
		CHECK_EQ(unmount_image(other), 0);
	}
	CHECK(done_clean(fs));
}

static void links_count_names_and_directories_refuse_them(void)
{
	struct fs *fs = fresh(1024, 4096);
	struct fs_stat st;

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(write_at(fs, "/f", 0, "data", 4), 0);
	CHECK_EQ(fs_mkdir(fs, "/d", 0700), 0);
	CHECK_EQ(fs_link(fs, "/f", "/d/g"), 0);
	CHECK_EQ(fs_link(fs, "/f", "/d/g"), EEXIST);
	CHECK_EQ(fs_link(fs, "/d", "/e"), EPERM);
	CHECK_EQ(fs_stat(fs, "/d/g", &st), 0);
	CHECK_EQ(st.nlink, 2);
	CHECK_EQ(fs_unlink(fs, "/f"), 0);
	CHECK_EQ(fs_stat(fs, "/d/g", &st), 0);
	CHECK_EQ(st.nlink, 1);
	CHECK_EQ(fs_rmdir(fs, "/d"), ENOTEMPTY);
	CHECK_EQ(fs_unlink(fs, "/d/g"), 0);
	CHECK_EQ(fs_rmdir(fs, "/d"), 0);
	CHECK(done_clean(fs));
}

static void attributes_are_stored(void)
{
	struct fs *fs = fresh(4096, 8192);
	struct fs_stat st;

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(write_at(fs, "/f", 0, "x", 1), 0);
	CHECK_EQ(fs_chmod(fs, "/f", 04751), 0);
	CHECK_EQ(fs_chown(fs, "/f", 70000, 1234), 0);
	CHECK_EQ(fs_utimes(fs, "/f", 1000000000, 1234567890), 0);
	CHECK(unmount_image(fs) == 0 && (fs = mount_image(img, FS_RDONLY)));
	if (!fs)
		return;
	CHECK_EQ(fs_stat(fs, "/f", &st), 0);
	CHECK_EQ(st.mode, 0104751);
	CHECK_EQ(st.uid, 70000);
	CHECK_EQ(st.gid, 1234);
	CHECK_EQ(st.atime, 1000000000);
	CHECK_EQ(st.mtime, 1234567890);
	CHECK_EQ(fs_chmod(fs, "/f", 0644), EROFS);
	CHECK_EQ(fs_unlink(fs, "/f"), EROFS);
	CHECK(done_clean(fs));
}

/* fs_fchmod, fs_fchown, fs_futimes: on the open file's inode, also once
 * its name is gone; EINVAL for a time out of range, EROFS read-only. */
static void attributes_of_open_files(void)
{
	struct fs *fs = fresh(1024, 4096);
	struct fs_file *f, *g;
	struct fs_stat st;

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(write_at(fs, "/f", 0, "x", 1), 0);
	CHECK_EQ(fs_open(fs, "/f", 0, 0, &f), 0);
	CHECK_EQ(fs_fchmod(f, 04711), 0);
	CHECK_EQ(fs_fchown(f, 70000, 1234), 0);
	CHECK_EQ(fs_futimes(f, 1000000000, 1234567890), 0);
	CHECK_EQ(fs_futimes(f, -1, 0), EINVAL);
	CHECK_EQ(fs_futimes(f, 0, (int64_t)1 << 40), EINVAL);
	CHECK_EQ(fs_stat(fs, "/f", &st), 0);
	CHECK(st.mode == 0104711 && st.uid == 70000 && st.gid == 1234 && st.atime == 1000000000 &&
	      st.mtime == 1234567890);
	CHECK_EQ(fs_unlink(fs, "/f"), 0);
	CHECK_EQ(fs_fchmod(f, 0600), 0);
	CHECK_EQ(fs_fstat(f, &st), 0);
	CHECK(st.mode == 0100600 && st.nlink == 0);
	CHECK_EQ(fs_close(f), 0);
	CHECK_EQ(write_at(fs, "/g", 0, "y", 1), 0);
	CHECK(unmount_image(fs) == 0 && (fs = mount_image(img, FS_RDONLY)));
	if (!fs)
		return;
	CHECK_EQ(fs_open(fs, "/g", 0, 0, &g), 0);
	CHECK_EQ(fs_fchmod(g, 0644), EROFS);
	CHECK_EQ(fs_fchown(g, 0, 0), EROFS);
	CHECK_EQ(fs_futimes(g, 0, 0), EROFS);
	fs_close(g);
	CHECK(done_clean(fs));
}

static void bmap_reports_holes_and_allocates_them(void)
{
	struct fs *fs = fresh(1024, 8192);
	struct fs_run runs[8];
	struct fs_file *f;
	unsigned n;
	size_t got;
	char buf[1024];

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(write_at(fs, "/s", 0, "A", 1), 0);
	CHECK_EQ(write_at(fs, "/s", 10 * 1024, "B", 1), 0);
	CHECK_EQ(fs_open(fs, "/s", FS_O_WRITE, 0, &f), 0);
	CHECK_EQ(fs_bmap(f, 0, 11 * 1024, 0, runs, 8, &n), 0);
	CHECK_EQ(n, 3);
	CHECK(runs[0].lblk == 0 && runs[0].pblk != 0 && runs[0].count == 1);
	CHECK(runs[1].lblk == 1 && runs[1].pblk == 0 && runs[1].count == 9);
	CHECK(runs[2].lblk == 10 && runs[2].pblk != 0 && runs[2].count == 1);
	CHECK_EQ(fs_bmap(f, 1024, 9 * 1024, 1, runs, 8, &n), 0);
	for (unsigned i = 0; i < n; i++)
		CHECK(runs[i].pblk != 0);
	CHECK_EQ(fs_bmap(f, 0, 11 * 1024, 0, runs, 1, &n), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(fs_read(f, 5 * 1024, buf, sizeof(buf), &got), 0);
	CHECK(got == sizeof(buf) && buf[0] == 0 && buf[1023] == 0);
	/* Filling over blocks that hold data keeps the data. */
	CHECK_EQ(fs_bmap(f, 0, 11 * 1024, 1, runs, 8, &n), 0);
	CHECK_EQ(fs_read(f, 0, buf, 1, &got), 0);
	CHECK(got == 1 && buf[0] == 'A');
	CHECK_EQ(fs_read(f, 10 * 1024, buf, 1, &got), 0);
	CHECK(got == 1 && buf[0] == 'B');
	CHECK_EQ(fs_close(f), 0);
	CHECK(done_clean(fs));
}

/* A device whose transfers fail (EIO) while `failing` is set. */
static int failing;
static int (*dev_read)(struct blkdev *, uint64_t, uint32_t, void *);
static int (*dev_write)(struct blkdev *, uint64_t, uint32_t, const void *);
static int (*dev_readv)(struct blkdev *, uint64_t, uint32_t, const struct blkdev_seg *, unsigned);

static int failing_read(struct blkdev *d, uint64_t s, uint32_t n, void *buf)
{
	return failing ? EIO : dev_read(d, s, n, buf);
}

static int failing_write(struct blkdev *d, uint64_t s, uint32_t n, const void *buf)
{
	return failing ? EIO : dev_write(d, s, n, buf);
}

static int failing_readv(struct blkdev *d, uint64_t s, uint32_t n, const struct blkdev_seg *iov, unsigned cnt)
{
	return failing ? EIO : dev_readv(d, s, n, iov, cnt);
}

/* fs_read_direct and fs_write_direct pass the device's error on, and a
 * failed direct write leaves the file as it was (the block cache's
 * copies take a write only once the device has it). */
static void direct_io_reports_device_errors(void)
{
	struct fs *fs = fresh(1024, 8192);
	char *data = malloc(64 << 10), *other = malloc(64 << 10), *got = malloc(64 << 10);
	struct blkdev_seg seg = { got, 16 << 10 };
	struct fs_file *f;
	size_t n;

	CHECK(fs && data && other && got);
	if (!fs || !data || !other || !got)
		goto out;
	for (unsigned i = 0; i < 64 << 10; i++)
		data[i] = (char)(i * 5 + 1), other[i] = (char)(i * 3 + 2);
	CHECK_EQ(fs_open(fs, "/e", FS_O_CREAT | FS_O_WRITE, 0644, &f), 0);
	CHECK_EQ(fs_write(f, 0, data, 64 << 10, &n), 0);
	CHECK_EQ(fs_sync(fs), 0);
	struct blkdev *dev = fs_device(fs);
	dev_read = dev->read, dev_write = dev->write, dev_readv = dev->readv;
	dev->read = failing_read, dev->write = failing_write;
	if (dev->readv)
		dev->readv = failing_readv;
	failing = 1;
	CHECK_EQ(fs_read_direct(f, 16 << 10, &seg, 1, &n), EIO);
	CHECK_EQ(fs_write_direct(f, 16 << 10, other, 16 << 10, &n), EIO);
	failing = 0;
	CHECK_EQ(fs_read_direct(f, 16 << 10, &seg, 1, &n), 0);
	CHECK(n == (16u << 10) && !memcmp(got, data + (16 << 10), 16 << 10));
	CHECK_EQ(fs_read(f, 0, got, 64 << 10, &n), 0);
	CHECK(n == (64u << 10) && !memcmp(got, data, 64 << 10));
	CHECK_EQ(fs_close(f), 0);
	dev->read = dev_read, dev->write = dev_write, dev->readv = dev_readv;
	CHECK(done_clean(fs));
out:
	free(data), free(other), free(got);
}

/* The byte at offset off of direct_io's file (generation g). */
static char direct_byte(uint64_t off, unsigned g)
{
	return (char)(off * 7 + off / 4096 + g * 13 + 1);
}

/* fs_read_direct and fs_write_direct, which map the file themselves
 * (indirect blocks walked once) and go around the block cache, agree with
 * libext2fs's reads: direct, indirect and doubly indirect blocks, a hole,
 * the last partial block, blocks the cache holds dirty; with 1 KiB and
 * 4 KiB blocks, ext2's indirect maps and ext4's extents. */
static void direct_io_agrees_with_file_reads(void)
{
	static const struct { const char *type; unsigned bs; } kinds[] = {
		{ "ext2", 1024 }, { "ext2", 4096 }, { "ext4", 1024 },
	};

	for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		uint64_t bs = kinds[k].bs, apb = bs / 4;
		/* Through the second block the doubly indirect one maps, a hole
		 * at blocks 20 to 29, a partial last block. */
		uint64_t size = (12 + 2 * apb + 40) * bs + 100, hole = 20 * bs, hole_end = 30 * bs;
		char *want = calloc(1, size + bs), *got = malloc(size + bs), *piece = malloc(16 << 10);
		struct fs_file *f;
		size_t n;

		snprintf(img, sizeof(img), "%s/ops.img", scratch_dir());
		struct fs *fs = make_image(img, kinds[k].type, kinds[k].bs, NULL, 16384, NULL) ? NULL : mount_image(img, 0);
		CHECK(fs && want && got && piece);
		if (!fs || !want || !got || !piece)
			goto next;
		CHECK_EQ(fs_open(fs, "/d", FS_O_CREAT | FS_O_WRITE, 0644, &f), 0);
		for (uint64_t off = 0; off < size; off++)
			want[off] = off >= hole && off < hole_end ? 0 : direct_byte(off, 0);
		CHECK_EQ(fs_write(f, 0, want, hole, &n), 0);
		CHECK_EQ(fs_write(f, hole_end, want + hole_end, size - hole_end, &n), 0);
		/* Whole blocks, unaligned ranges (libext2fs's way), all of it. */
		for (uint64_t off = 0; off < size; off += 16 << 10) {
			struct blkdev_seg pieces[4] = { { piece, 4096 }, { piece + 4096, 2048 }, { piece + 6144, 2048 },
						   { piece + 8192, 8192 } };
			CHECK_EQ(fs_read_direct(f, off, pieces, 4, &n), 0);
			uint64_t in = size - off < (16u << 10) ? size - off : 16u << 10;
			CHECK_EQ(n, in);
			CHECK(!memcmp(piece, want + off, in));
			for (uint64_t i = in; i < (16u << 10) && i < (in + bs - 1) / bs * bs; i++)
				CHECK_EQ(piece[i], 0);   /* the last block past the end */
		}
		struct blkdev_seg one = { got, 5000 };
		CHECK_EQ(fs_read_direct(f, 3, &one, 1, &n), 0);
		CHECK(n == 5000 && !memcmp(got, want + 3, 5000));
		one = (struct blkdev_seg){ got, bs };
		CHECK_EQ(fs_read_direct(f, size + bs, &one, 1, &n), 0);
		CHECK_EQ(n, 0);
		/* Rewritten straight to the disk, over the boundary of the
		 * indirect blocks and to the end: libext2fs reads it through the
		 * block cache, whose copies took it. */
		uint64_t from = 8 * bs;
		for (uint64_t off = from; off < size; off++)
			if (off < hole || off >= hole_end)
				want[off] = direct_byte(off, 1);
		CHECK_EQ(fs_write_direct(f, from, want + from, hole - from, &n), 0);
		CHECK_EQ(n, hole - from);
		CHECK_EQ(fs_write_direct(f, hole_end, want + hole_end, size - hole_end, &n), 0);
		CHECK_EQ(n, size - hole_end);
		CHECK_EQ(fs_read(f, 0, got, size, &n), 0);
		CHECK(n == size && !memcmp(got, want, size));
		/* The hole through fs_write_direct: libext2fs allocates it. */
		for (uint64_t off = hole; off < hole_end; off++)
			want[off] = direct_byte(off, 2);
		CHECK_EQ(fs_write_direct(f, hole, want + hole, hole_end - hole, &n), 0);
		CHECK_EQ(n, hole_end - hole);
		/* Written through libext2fs and still dirty in the block cache:
		 * the direct read sees the cache's copy. */
		memset(want + bs, 'c', bs);
		CHECK_EQ(fs_write(f, bs, want + bs, bs, &n), 0);
		one = (struct blkdev_seg){ got, size };
		CHECK_EQ(fs_read_direct(f, 0, &one, 1, &n), 0);
		CHECK(n == size && !memcmp(got, want, size));
		/* Past the size, or not open for writing: refused or left to fs_write. */
		CHECK_EQ(fs_write_direct(f, size + 1, "x", 1, &n), 0);
		CHECK_EQ(n, 1);
		CHECK_EQ(fs_close(f), 0);
		CHECK_EQ(fs_open(fs, "/d", 0, 0, &f), 0);
		CHECK_EQ(fs_write_direct(f, 0, want, bs, &n), EBADF);
		CHECK_EQ(fs_close(f), 0);
		CHECK(done_clean(fs));
	next:
		free(want), free(got), free(piece);
	}
}

/* Sets bits in the superblock's feature word at byte offset off. */
static void poke_feature(const char *path, long off, uint32_t bits)
{
	FILE *f = fopen(path, "r+b");
	uint32_t v = 0;

	if (!f)
		return;
	fseek(f, 1024 + off, SEEK_SET);
	if (fread(&v, 4, 1, f) == 1) {
		v |= bits;
		fseek(f, 1024 + off, SEEK_SET);
		fwrite(&v, 4, 1, f);
	}
	fclose(f);
}

static void mount_refuses_needs_recovery_and_unknown_features(void)
{
	char msg[512];
	struct fs *fs = fresh(1024, 4096);

	CHECK(fs && unmount_image(fs) == 0);
	poke_feature(img, 0x64, 0x40000000);
	CHECK_EQ(mount_error(img, 0, msg, sizeof(msg)), EROFS);
	CHECK(strstr(msg, "ro_compat_0x40000000") != NULL);
	CHECK_EQ(mount_error(img, FS_RDONLY, msg, sizeof(msg)), 0);
	/* A journal to replay: reading past it would show replaced data. */
	poke_feature(img, 0x60, EXT3_FEATURE_INCOMPAT_RECOVER);
	CHECK_EQ(mount_error(img, 0, msg, sizeof(msg)), ENOTSUP);
	CHECK(strstr(msg, "needs_recovery") != NULL && strstr(msg, "e2fsck") != NULL);
	CHECK_EQ(mount_error(img, FS_RDONLY, msg, sizeof(msg)), ENOTSUP);
	CHECK(strstr(msg, "needs_recovery") != NULL);
	poke_feature(img, 0x60, 0x80000000);
	CHECK_EQ(mount_error(img, FS_RDONLY, msg, sizeof(msg)), ENOTSUP);
	CHECK(strstr(msg, "incompat_0x80000000") != NULL);
	run("dd if=/dev/zero of=%s bs=1024 seek=1 count=1 conv=notrunc 2>/dev/null", img);
	CHECK_EQ(mount_error(img, FS_RDONLY, msg, sizeof(msg)), EINVAL);
}

/* Writes files into /fill until ENOSPC, then empty files until no inodes. */
static unsigned fill(struct fs *fs, char *block, size_t size)
{
	char path[64];
	unsigned i = 0;
	int err = 0;

	while (!err && i < 100000) {
		snprintf(path, sizeof(path), "/fill/%u", i++);
		err = write_at(fs, path, 0, block, size);
	}
	CHECK_EQ(err, ENOSPC);
	for (err = 0; !err && i < 100000; i++) {
		struct fs_file *f;
		snprintf(path, sizeof(path), "/fill/%u", i);
		if (!(err = fs_open(fs, path, FS_O_CREAT | FS_O_WRITE, 0644, &f)))
			fs_close(f);
	}
	CHECK_EQ(err, ENOSPC);
	return i;
}

static void filling_to_enospc_and_emptying_restores_free_counts(void)
{
	static char block[48 << 10];
	struct fs *fs = fresh(1024, 3072);
	struct fs_statfs before, full, after;
	char path[64];
	unsigned n;

	CHECK(fs);
	if (!fs)
		return;
	memset(block, 7, sizeof(block));
	fs_statfs(fs, &before);
	CHECK_EQ(fs_mkdir(fs, "/fill", 0755), 0);
	n = fill(fs, block, sizeof(block));
	fs_statfs(fs, &full);
	CHECK(full.free_blocks < 64 || full.free_inodes == 0);
	for (unsigned i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/fill/%u", i);
		fs_unlink(fs, path);
	}
	CHECK_EQ(fs_rmdir(fs, "/fill"), 0);
	fs_statfs(fs, &after);
	CHECK_EQ(after.free_blocks, before.free_blocks);
	CHECK_EQ(after.free_inodes, before.free_inodes);
	CHECK(done_clean(fs));
}

static int count_entry(void *arg, const char *name, size_t len, uint32_t ino, unsigned type)
{
	(void)name, (void)len, (void)ino, (void)type;
	(*(unsigned *)arg)++;
	return 0;
}

static void directory_holds_thousands_of_entries(void)
{
	struct fs *fs = fresh(1024, 16384);
	struct fs_file *d;
	char path[64];
	unsigned n = 0, found = 0;

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(fs_mkdir(fs, "/big", 0755), 0);
	for (unsigned i = 0; i < 3000; i++) {
		struct fs_file *f;
		snprintf(path, sizeof(path), "/big/entry-with-a-longish-name-%05u", i);
		if (!fs_open(fs, path, FS_O_CREAT | FS_O_EXCL, 0644, &f) && !fs_close(f))
			n++;
	}
	CHECK_EQ(n, 3000);
	for (unsigned i = 0; i < 3000; i += 7) {
		snprintf(path, sizeof(path), "/big/entry-with-a-longish-name-%05u", i);
		found += ino_of(fs, path) != 0;
	}
	CHECK_EQ(found, 429);
	for (unsigned i = 0; i < 3000; i += 2) {
		snprintf(path, sizeof(path), "/big/entry-with-a-longish-name-%05u", i);
		fs_unlink(fs, path);
	}
	n = 0;
	CHECK_EQ(fs_open(fs, "/big", 0, 0, &d), 0);
	CHECK_EQ(fs_readdir(d, count_entry, &n), 0);
	CHECK_EQ(n, 1500 + 2);
	fs_close(d);
	CHECK(done_clean(fs));
}

/* A listing in steps of ten entries (fs_readdir_at), names added and
 * removed between the steps: every entry there at the start and never
 * removed is listed exactly once, a removed one never after its removal.
 * Odd steps resume from the position the stop gave, even ones from the
 * last entry's `next` (telldir's): both are where the listing was. */
#define LISTED 300
struct step {
	unsigned taken, seen[LISTED];
	uint64_t next;
};

static int take_ten(void *arg, const char *name, size_t len, uint32_t ino, unsigned type, uint64_t next)
{
	struct step *st = arg;
	unsigned i;

	(void)ino, (void)type;
	if (st->taken == 10)
		return 1;
	st->taken++;
	st->next = next;
	if (len == 4 && name[0] == 'e' && sscanf(name + 1, "%3u", &i) == 1 && i < LISTED)
		st->seen[i]++;
	return 0;
}

static void listing_resumes_by_position_while_names_change(void)
{
	struct fs *fs = fresh(1024, 16384);
	struct fs_file *d, *f;
	struct step st = { 0 };
	bool removed[LISTED] = { 0 };
	char path[64];
	uint64_t pos = 0;
	unsigned added = 0, steps = 0;

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(fs_mkdir(fs, "/d", 0755), 0);
	for (unsigned i = 0; i < LISTED; i++) {
		snprintf(path, sizeof(path), "/d/e%03u", i);
		CHECK_EQ(fs_open(fs, path, FS_O_CREAT, 0644, &f), 0);
		fs_close(f);
	}
	CHECK_EQ(fs_open(fs, "/d", 0, 0, &d), 0);
	while (steps < 100) {   /* 31 for 300 names and 60 added */
		st.taken = 0;
		CHECK_EQ(fs_readdir_at(d, &pos, take_ten, &st), 0);
		if (st.taken < 10)
			break;
		if (steps++ % 2)
			pos = st.next;
		/* Remove one listed and one not yet listed (every 7th and 11th
		 * name in turn), add two new ones with longer names (they fill
		 * the removed ones' room or a new block). */
		for (unsigned k = 0; k < 2; k++) {
			unsigned i = (steps * (k ? 11 : 7)) % LISTED;
			snprintf(path, sizeof(path), "/d/e%03u", i);
			if (!removed[i] && fs_unlink(fs, path) == 0)
				removed[i] = true;
			snprintf(path, sizeof(path), "/d/new-name-%u", added++);
			if (fs_open(fs, path, FS_O_CREAT, 0644, &f) == 0)
				fs_close(f);
		}
	}
	unsigned once = 0, twice = 0, removed_n = 0;
	for (unsigned i = 0; i < LISTED; i++) {
		removed_n += removed[i];
		twice += st.seen[i] > 1;
		once += !removed[i] && st.seen[i] == 1;
	}
	CHECK(steps > 20 && steps < 100);
	CHECK(removed_n > 20);
	CHECK_EQ(twice, 0);
	CHECK_EQ(once, LISTED - removed_n);
	/* A position past the end, or inside a record: no error, no entry
	 * twice. */
	pos = FS_DIR_POS(100000, 3);
	st.taken = 0;
	CHECK_EQ(fs_readdir_at(d, &pos, take_ten, &st), 0);
	CHECK_EQ(st.taken, 0);
	fs_close(d);
	CHECK(done_clean(fs));
}

/* Blocks lib/fs has read so far: each read is one hit of the block
 * cache (a missing block is first filled, then found). */
static uint64_t block_reads(struct fs *fs)
{
	struct blkio_stats st;

	blkio_get_stats(fs->e2->io, &st);
	return st.hits;
}

/* How many block reads a stat of path costs; it answers err. */
static uint64_t stat_cost_err(struct fs *fs, const char *path, int err)
{
	struct fs_stat st;
	uint64_t before = block_reads(fs);

	CHECK_EQ(fs_stat(fs, path, &st), err);
	return block_reads(fs) - before;
}

static uint64_t stat_cost(struct fs *fs, const char *path)
{
	return stat_cost_err(fs, path, 0);
}

/* A name in a long directory (a /bin with hundreds of links, the name
 * last) is looked for in the directory's blocks once, each block once;
 * after that the name cache answers and the walk reads no block at all,
 * as in a directory of two entries (docs/fs.md, "The name cache"). */
static void long_directory_is_scanned_once_per_name(void)
{
	struct fs *fs = fresh(1024, 8192);
	struct fs_stat st;
	char path[64];

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(fs_mkdir(fs, "/short", 0755), 0);
	CHECK_EQ(fs_mkdir(fs, "/long", 0755), 0);
	CHECK_EQ(write_at(fs, "/short/true", 0, "x", 1), 0);
	for (unsigned i = 0; i < 400; i++) {
		snprintf(path, sizeof(path), "/long/link-%03u", i);
		CHECK_EQ(fs_symlink(fs, "toybox", path), 0);
	}
	CHECK_EQ(write_at(fs, "/long/true", 0, "x", 1), 0);
	CHECK_EQ(fs_stat(fs, "/long", &st), 0);
	uint64_t dir_blocks = st.size / 1024;
	CHECK(dir_blocks >= 6);
	CHECK(unmount_image(fs) == 0);
	fs = mount_image(img, 0);   /* every cache cold */
	CHECK(fs);
	if (!fs)
		return;
	/* The walk: the directory's blocks, and besides them at most the
	 * root's block and the inode table blocks holding the inodes of the
	 * root, /long and true. */
	uint64_t first = stat_cost(fs, "/long/true");
	CHECK(first >= dir_blocks && first <= dir_blocks + 4);
	printf("# first lookup: %llu block reads, %llu directory blocks\n",
	       (unsigned long long)first, (unsigned long long)dir_blocks);
	CHECK(stat_cost(fs, "/short/true") > 0);
	CHECK_EQ(stat_cost(fs, "/long/true"), 0);
	CHECK_EQ(stat_cost(fs, "/short/true"), 0);
	/* A name the directory lacks is scanned for once too (SQLite asks
	 * whether its journal exists at every transaction). */
	CHECK(stat_cost_err(fs, "/long/journal", ENOENT) >= dir_blocks);
	CHECK_EQ(stat_cost_err(fs, "/long/journal", ENOENT), 0);
	CHECK_EQ(write_at(fs, "/long/journal", 0, "j", 1), 0);
	CHECK_EQ(fs_stat(fs, "/long/journal", &st), 0);
	CHECK(done_clean(fs));
}

/* An in-memory device counting its calls, for the cache's own cases. */
struct memdev {
	struct blkdev dev;
	char *mem;
	unsigned reads, writes, flushes;
};

static int mem_read(struct blkdev *d, uint64_t s, uint32_t n, void *buf)
{
	struct memdev *m = (struct memdev *)d;

	m->reads++;
	memcpy(buf, m->mem + s * 512, (size_t)n * 512);
	return 0;
}

static int mem_write(struct blkdev *d, uint64_t s, uint32_t n, const void *buf)
{
	struct memdev *m = (struct memdev *)d;

	m->writes++;
	memcpy(m->mem + s * 512, buf, (size_t)n * 512);
	return 0;
}

static int mem_flush(struct blkdev *d)
{
	((struct memdev *)d)->flushes++;
	return 0;
}

static void block_cache_writes_back_in_runs_and_reads_ahead(void)
{
	struct memdev m = { { 512, 8192, mem_read, mem_write, mem_flush, NULL, NULL }, NULL, 0, 0, 0 };
	struct blkio_stats st = { 0 };
	struct blkcache *c;
	char blk[1024], back[1024];

	m.mem = calloc(8192, 512);
	CHECK(m.mem && blkcache_create(&m.dev, 1024, 256 << 10, 16, &st, &c) == 0);
	if (!m.mem)
		return;
	for (unsigned i = 0; i < 64; i++) {
		memset(blk, (int)i, sizeof(blk));
		CHECK_EQ(blkcache_write(c, 100 + i, sizeof(blk), blk), 0);
	}
	CHECK_EQ(m.writes, 0);
	CHECK_EQ(blkcache_read(c, 163, sizeof(back), back), 0);
	CHECK_EQ(back[0], 63);
	CHECK_EQ(blkcache_flush(c), 0);
	CHECK_EQ(m.writes, 1);
	CHECK_EQ(m.flushes, 1);
	CHECK_EQ(m.mem[(100 + 5) * 1024], 5);
	memcpy(blk, "partial", 8);
	CHECK_EQ(blkcache_write(c, 2, 100, blk), 0); /* a partial block */
	CHECK_EQ(blkcache_flush(c), 0);
	CHECK(!memcmp(m.mem + 2048, "partial", 7));
	m.reads = 0;
	for (unsigned i = 1000; i < 1040; i++)
		CHECK_EQ(blkcache_read(c, i, sizeof(back), back), 0);
	CHECK(m.reads <= 4);
	blkcache_destroy(c);
	free(m.mem);
}

static const struct tap_case cases[] = {
	TAP_CASE(lookup_follows_dot_dotdot_and_symlinks),
	TAP_CASE(lookup_errors_are_errno_with_message),
	TAP_CASE(open_files_share_data_and_count_references),
	TAP_CASE(unlinked_open_file_lives_until_last_close),
	TAP_CASE(released_names_each_inode_once_when_it_goes),
	TAP_CASE(truncate_grows_with_zeroes_and_shrinks_freeing_blocks),
	TAP_CASE(rename_replaces_targets_and_moves_directories),
	TAP_CASE(cached_names_follow_every_change),
	TAP_CASE(fsync_makes_one_file_durable),
	TAP_CASE(links_count_names_and_directories_refuse_them),
	TAP_CASE(attributes_are_stored),
	TAP_CASE(attributes_of_open_files),
	TAP_CASE(bmap_reports_holes_and_allocates_them),
	TAP_CASE(direct_io_agrees_with_file_reads),
	TAP_CASE(direct_io_reports_device_errors),
	TAP_CASE(mount_refuses_needs_recovery_and_unknown_features),
	TAP_CASE(filling_to_enospc_and_emptying_restores_free_counts),
	TAP_CASE(directory_holds_thousands_of_entries),
	TAP_CASE(listing_resumes_by_position_while_names_change),
	TAP_CASE(long_directory_is_scanned_once_per_name),
	TAP_CASE(block_cache_writes_back_in_runs_and_reads_ahead),
};

int main(void)
{
	return tap_run(cases, TAP_COUNT(cases));
}
