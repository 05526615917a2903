/*
 * fs_defects.c - the lib/fs defects an adversarial test found,
 * one case each, on images made by mke2fs and changed by debugfs where
 * mke2fs cannot make the state: data of device, fifo and socket nodes,
 * inline-data directories and files, trailing '/' and '.'/'..' names, the
 * 32000-link limit, messages naming whole paths, casefold, and the mount
 * refusals (short image, mmp, journal_dev).  ext2ctl's put and ls are
 * tested in ext2ctl.sh.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_impl.h"
#include "fsutil.h"
#include "tap.h"

static char img[256], src[256];

/* A fresh image of type from the host directory src (when made). */
static struct fs *fresh(const char *type, const char *extra, int with_src, unsigned flags)
{
	snprintf(img, sizeof(img), "%s/defects.img", scratch_dir());
	if (make_image(img, type, 1024, with_src ? src : NULL, 8192, extra))
		return NULL;
	return mount_image(img, flags);
}

static int done_clean(struct fs *fs)
{
	return unmount_image(fs) == 0 && fsck_clean(img) == 0;
}

/* A fresh host directory src for mke2fs -d. */
static void fresh_src(void)
{
	snprintf(src, sizeof(src), "%s/src", scratch_dir());
	run("rm -rf %s && mkdir -p %s", src, src);
}

static int debugfs_w(const char *cmd)
{
	return run("debugfs -w -R '%s' %s >/dev/null 2>&1", cmd, img);
}

static uint32_t ino_of(struct fs *fs, const char *path)
{
	struct fs_stat st;

	return fs_lstat(fs, path, &st) ? 0 : st.ino;
}

/* Opening a node of path for writing, and reading it, give err. */
static void no_data(struct fs *fs, const char *path, int err)
{
	struct fs_file *f;
	char buf[16];
	size_t n;

	CHECK_EQ(fs_open(fs, path, FS_O_WRITE, 0, &f), err);
	CHECK(strstr(fs_error(fs), path) != NULL);
	CHECK_EQ(fs_open(fs, path, FS_O_TRUNC, 0, &f), err);
	int opened = fs_open(fs, path, 0, 0, &f);
	CHECK_EQ(opened, 0);
	if (opened) {
		printf("# %s\n", fs_error(fs));
		return;
	}
	CHECK_EQ(fs_read(f, 0, buf, sizeof(buf), &n), err);
	CHECK_EQ(fs_write(f, 0, "x", 1, &n), EBADF);
	CHECK_EQ(fs_truncate(f, 0), EBADF);
	struct fs_run r;
	unsigned nr;
	CHECK_EQ(fs_bmap(f, 0, 1024, 0, &r, 1, &nr), err);
	CHECK_EQ(fs_close(f), 0);
}

static void device_fifo_socket_nodes_have_no_data(void)
{
	fresh_src();
	run("mkfifo %s/fifo && python3 -c \"import socket; "
	    "socket.socket(socket.AF_UNIX).bind('%s/sock')\"", src, src);
	struct fs *fs = fresh("ext2", NULL, 1, 0);
	CHECK(fs && unmount_image(fs) == 0);
	CHECK_EQ(debugfs_w("mknod chr c 1 3"), 0);
	CHECK_EQ(debugfs_w("mknod blk b 8 0"), 0);
	if (!(fs = mount_image(img, 0)))
		return;
	struct fs_stat st;
	CHECK_EQ(fs_lstat(fs, "/chr", &st), 0);
	CHECK_EQ(st.mode & 0170000, 0020000);
	no_data(fs, "/chr", ENODEV);
	no_data(fs, "/blk", ENODEV);
	no_data(fs, "/fifo", EINVAL);
	CHECK_EQ(fs_lstat(fs, "/sock", &st), 0);
	CHECK_EQ(st.mode & 0170000, 0140000);
	no_data(fs, "/sock", EINVAL);
	struct fs_file *f;
	CHECK_EQ(fs_open(fs, "/", FS_O_WRITE, 0, &f), EISDIR);
	/* A directory's blocks can still be mapped for reading. */
	struct fs_run r;
	unsigned nr = 0;
	if (!fs_open(fs, "/", 0, 0, &f)) {
		CHECK_EQ(fs_bmap(f, 0, 1024, 0, &r, 1, &nr), 0);
		CHECK(nr == 1 && r.pblk != 0);
		fs_close(f);
	}
	/* The device number is still there, the inode table untouched. */
	CHECK(done_clean(fs));
	CHECK_EQ(run("debugfs -R 'stat /chr' %s 2>/dev/null | grep -q 'number: 01:03'",
		     img), 0);
}

static void inline_dir_moved_to_new_parent_updates_dotdot(void)
{
	fresh_src();
	run("mkdir -p %s/a/d %s/b", src, src);
	struct fs *fs = fresh("ext4", "-O inline_data,^has_journal -I 256", 1, 0);

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(fs_mkdir(fs, "/a/e", 0755), 0);
	CHECK_EQ(fs_rename(fs, "/a/d", "/b/d"), 0);
	CHECK_EQ(fs_rename(fs, "/a/e", "/b/e"), 0);
	CHECK(ino_of(fs, "/b") != 0);
	CHECK_EQ(ino_of(fs, "/b/d/.."), ino_of(fs, "/b"));
	CHECK_EQ(ino_of(fs, "/b/e/.."), ino_of(fs, "/b"));
	CHECK(done_clean(fs));
	CHECK_EQ(run("debugfs -R 'stat /b/d' %s 2>/dev/null | grep -q 'Size of inline data'",
		     img), 0);
}

static void inline_file_reads_end_at_its_size(void)
{
	fresh_src();
	run("printf 'hi\\n' > %s/small", src);
	struct fs *fs = fresh("ext4", "-O inline_data,^has_journal -I 256", 1, FS_RDONLY);
	struct fs_file *f;
	char buf[100];
	size_t n = 0;

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(fs_open(fs, "/small", 0, 0, &f), 0);
	CHECK_EQ(fs_read(f, 0, buf, sizeof(buf), &n), 0);
	CHECK_EQ(n, 3);
	CHECK(!memcmp(buf, "hi\n", 3));
	CHECK_EQ(fs_read(f, 1, buf, sizeof(buf), &n), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(fs_read(f, 3, buf, sizeof(buf), &n), 0);
	CHECK_EQ(n, 0);
	CHECK_EQ(fs_read(f, 59, buf, sizeof(buf), &n), 0);
	CHECK_EQ(n, 0);
	fs_close(f);
	CHECK_EQ(unmount_image(fs), 0);
}

static void trailing_slash_and_dot_names_give_linux_errnos(void)
{
	struct fs *fs = fresh("ext2", NULL, 0, 0);
	struct fs_file *f;

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(write_at(fs, "/file", 0, "x", 1), 0);
	CHECK_EQ(fs_mkdir(fs, "/dir", 0755), 0);
	CHECK_EQ(fs_unlink(fs, "/file/"), ENOTDIR);
	CHECK_EQ(fs_unlink(fs, "/dir/"), EISDIR);
	CHECK_EQ(fs_rmdir(fs, "/file/"), ENOTDIR);
	CHECK_EQ(fs_open(fs, "/new/", FS_O_CREAT | FS_O_WRITE, 0644, &f), EISDIR);
	CHECK_EQ(fs_open(fs, "/file/", 0, 0, &f), ENOTDIR);
	CHECK_EQ(fs_rename(fs, "/file", "/new/"), ENOTDIR);
	CHECK_EQ(fs_rename(fs, "/file/", "/new"), ENOTDIR);
	CHECK_EQ(fs_symlink(fs, "file", "/ln/"), ENOENT);
	CHECK_EQ(fs_link(fs, "/file", "/hard/"), ENOENT);
	CHECK_EQ(ino_of(fs, "/new"), 0);
	CHECK_EQ(ino_of(fs, "/ln"), 0);
	CHECK_EQ(ino_of(fs, "/hard"), 0);
	/* A directory may be named with a trailing '/'. */
	CHECK_EQ(fs_mkdir(fs, "/d2/", 0755), 0);
	CHECK_EQ(fs_rename(fs, "/d2/", "/d3/"), 0);
	CHECK_EQ(fs_rmdir(fs, "/d3/"), 0);
	/* '.' and '..' are busy as rename ends; other calls as on Linux. */
	CHECK_EQ(fs_rename(fs, "/file", "/dir/."), EBUSY);
	CHECK_EQ(fs_rename(fs, "/file", "/dir/.."), EBUSY);
	CHECK_EQ(fs_rename(fs, "/dir/.", "/x"), EBUSY);
	CHECK_EQ(fs_rename(fs, "/dir/..", "/x"), EBUSY);
	CHECK_EQ(fs_unlink(fs, "/dir/."), EISDIR);
	CHECK_EQ(fs_mkdir(fs, "/dir/..", 0755), EEXIST);
	CHECK_EQ(fs_rmdir(fs, "/dir/."), EINVAL);
	CHECK_EQ(fs_rmdir(fs, "/dir/.."), ENOTEMPTY);
	CHECK(ino_of(fs, "/file") != 0);
	CHECK(done_clean(fs));
}

static void links_stop_at_32000(void)
{
	struct fs *fs = fresh("ext2", NULL, 0, 0);
	struct fs_stat st;

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(fs_mkdir(fs, "/d", 0755), 0);
	CHECK_EQ(fs_mkdir(fs, "/mover", 0755), 0);
	CHECK_EQ(write_at(fs, "/f", 0, "x", 1), 0);
	CHECK_EQ(unmount_image(fs), 0);
	/* Making 32000 entries takes long: debugfs sets the counts. */
	CHECK_EQ(debugfs_w("sif /d links_count 31999"), 0);
	CHECK_EQ(debugfs_w("sif /f links_count 32000"), 0);
	if (!(fs = mount_image(img, 0)))
		return;
	CHECK_EQ(fs_mkdir(fs, "/d/last", 0755), 0);
	CHECK_EQ(fs_stat(fs, "/d", &st), 0);
	CHECK_EQ(st.nlink, 32000);
	CHECK_EQ(fs_mkdir(fs, "/d/over", 0755), EMLINK);
	CHECK(strstr(fs_error(fs), "/d/over") != NULL);
	CHECK_EQ(fs_rename(fs, "/mover", "/d/mover"), EMLINK);
	CHECK_EQ(fs_rename(fs, "/d/last", "/d/again"), 0); /* same parent: no new link */
	CHECK_EQ(fs_link(fs, "/f", "/g"), EMLINK);
	CHECK_EQ(fs_stat(fs, "/d", &st), 0);
	CHECK_EQ(st.nlink, 32000);
	CHECK_EQ(ino_of(fs, "/d/over"), 0);
	CHECK(ino_of(fs, "/mover") != 0);
	CHECK_EQ(unmount_image(fs), 0);
}

/* Whether s is well-formed UTF-8 (no sequence cut short). */
static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : *p >= 0xc0 ? 1 : -1;
		if (n < 0)
			return 0;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

static void messages_name_whole_paths_and_keep_utf8(void)
{
	struct fs *fs = fresh("ext2", NULL, 0, 0);
	char path[4000], *big;
	struct fs_stat st;
	size_t len = 0;

	CHECK(fs);
	if (!fs)
		return;
	/* A 3,900-byte path of 3-byte characters, 50 to a component. */
	while (len + 152 < 3900) {
		path[len++] = '/';
		for (int i = 0; i < 50; i++, len += 3)
			memcpy(path + len, "\xe2\x82\xac", 3); /* the euro sign */
	}
	path[len] = 0;
	CHECK_EQ(fs_stat(fs, path, &st), ENOENT);
	CHECK(strstr(fs_error(fs), path) != NULL);
	CHECK(utf8_ok(fs_error(fs)));
	/* A message too long for the buffer ends before a split character. */
	for (unsigned shift = 0; shift < 3; shift++) {
		size_t n = FS_MSG_MAX + 30;
		if (!(big = malloc(n + 1)))
			break;
		memset(big, 'a', shift);
		for (size_t i = shift; i + 3 <= n; i += 3)
			memcpy(big + i, "\xe2\x82\xac", 3);
		big[n - (n - shift) % 3] = 0;
		CHECK_EQ(fs_fail(fs, EIO, "%s", big), EIO);
		CHECK(utf8_ok(fs_error(fs)));
		CHECK(strlen(fs_error(fs)) + 3 >= FS_MSG_MAX - 1);
		free(big);
	}
	/* Data errors name the file, not its inode. */
	struct fs_file *f;
	size_t done;
	CHECK_EQ(fs_mkdir(fs, "/some dir", 0755), 0);
	CHECK_EQ(fs_open(fs, "/some dir", 0, 0, &f), 0);
	CHECK_EQ(fs_read(f, 0, path, 10, &done), EISDIR);
	CHECK(strstr(fs_error(fs), "/some dir") != NULL);
	fs_close(f);
	CHECK_EQ(write_at(fs, "/ro", 0, "x", 1), 0);
	CHECK_EQ(fs_open(fs, "/ro", 0, 0, &f), 0);
	CHECK_EQ(fs_write(f, 0, "y", 1, &done), EBADF);
	CHECK(strstr(fs_error(fs), "/ro") != NULL);
	CHECK_EQ(fs_truncate(f, 0), EBADF);
	CHECK(strstr(fs_error(fs), "/ro") != NULL);
	fs_close(f);
	CHECK_EQ(fs_readlink(fs, "/ro", path, sizeof(path), &done), EINVAL);
	CHECK(strstr(fs_error(fs), "readlink /ro") != NULL);
	CHECK(done_clean(fs));
}

static void casefold_is_read_only(void)
{
	char msg[512];
	struct fs *fs = fresh("ext4", "-O casefold,^has_journal", 0, FS_RDONLY);

	CHECK(fs && unmount_image(fs) == 0);
	CHECK_EQ(mount_error(img, 0, msg, sizeof(msg)), EROFS);
	CHECK(strstr(msg, "casefold") != NULL);
	CHECK_EQ(mount_error(img, FS_RDONLY, msg, sizeof(msg)), 0);
}

static void short_image_is_mounted_read_only_only(void)
{
	char msg[512];
	struct fs *fs = fresh("ext2", NULL, 0, 0);

	CHECK(fs);
	if (!fs)
		return;
	CHECK_EQ(write_at(fs, "/f", 0, "x", 1), 0);
	CHECK_EQ(unmount_image(fs), 0);
	CHECK_EQ(run("truncate -s 4M %s", img), 0);
	CHECK_EQ(mount_error(img, 0, msg, sizeof(msg)), EROFS);
	CHECK(strstr(msg, "shorter") != NULL && strstr(msg, "8388608") != NULL);
	CHECK_EQ(mount_error(img, FS_RDONLY, msg, sizeof(msg)), 0);
	/* Refused before anything was written: the image is still clean. */
	CHECK_EQ(run("truncate -s 8M %s", img), 0);
	CHECK_EQ(fsck_clean(img), 0);
}

static void mmp_reads_and_journal_dev_is_named(void)
{
	char msg[512];
	struct fs *fs = fresh("ext4", "-O mmp,^has_journal", 0, FS_RDONLY);

	CHECK(fs);
	if (fs) {
		struct fs_stat st;
		CHECK_EQ(fs_stat(fs, "/lost+found", &st), 0);
		CHECK_EQ(unmount_image(fs), 0);
	}
	CHECK_EQ(mount_error(img, 0, msg, sizeof(msg)), EROFS);
	CHECK(strstr(msg, "mmp") != NULL);
	snprintf(img, sizeof(img), "%s/journal.img", scratch_dir());
	CHECK_EQ(run("mke2fs -q -F -O journal_dev -b 1024 %s 4M >/dev/null 2>&1", img), 0);
	CHECK_EQ(mount_error(img, FS_RDONLY, msg, sizeof(msg)), ENOTSUP);
	CHECK(strstr(msg, "journal_dev") != NULL);
	CHECK_EQ(mount_error(img, 0, msg, sizeof(msg)), ENOTSUP);
	CHECK(strstr(msg, "journal_dev") != NULL);
}

static const struct tap_case cases[] = {
	TAP_CASE(device_fifo_socket_nodes_have_no_data),
	TAP_CASE(inline_dir_moved_to_new_parent_updates_dotdot),
	TAP_CASE(inline_file_reads_end_at_its_size),
	TAP_CASE(trailing_slash_and_dot_names_give_linux_errnos),
	TAP_CASE(links_stop_at_32000),
	TAP_CASE(messages_name_whole_paths_and_keep_utf8),
	TAP_CASE(casefold_is_read_only),
	TAP_CASE(short_image_is_mounted_read_only_only),
	TAP_CASE(mmp_reads_and_journal_dev_is_named),
};

int main(void)
{
	return tap_run(cases, TAP_COUNT(cases));
}
