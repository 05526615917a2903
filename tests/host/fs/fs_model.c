/*
 * fs_model.c - lib/fs against a model: a seeded random sequence of
 * operations is applied both to an image through lib/fs and to a host
 * directory, each result (0 or the errno) must agree, and at the end every
 * file, directory and attribute is compared and e2fsck -fn must be clean.
 * The image starts as a generated tree put in by mke2fs -d, which must
 * read back equal first.  Writes reach the triple-indirect blocks (past
 * 64.3 MiB with 1 KiB blocks) and 4 GiB, sparsely.  An ext4 image made by
 * mke2fs -d reads back the same way.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "tap.h"

#define OPS 5000
#define UTIME_BASE 1000000000 /* times set by utimes are older than this + 1e8 */

static unsigned long long rng;
static char src[256], model[256], img[256];
static char buf[64 << 10], back[64 << 10];
static struct fs *fs_cur;
static unsigned ok_ops, tind_writes, huge_writes; /* coverage of a run */

static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(rng >> 33) % n;
}

/* The model's entries (relative paths), refreshed now and then, so that
 * most operations hit something that exists. */
static char existing[512][128];
static unsigned n_existing;

static void collect(const char *base, const char *rel)
{
	char p[512];
	struct dirent *e;
	DIR *d;

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	if (!(d = opendir(p)))
		return;
	while ((e = readdir(d)) && n_existing < 512) {
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(existing[n_existing], 128, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		snprintf(p, sizeof(p), "%s/%s", base, existing[n_existing]);
		n_existing++;
		if (!lstat(p, &st) && S_ISDIR(st.st_mode) && strlen(existing[n_existing - 1]) < 100)
			collect(base, existing[n_existing - 1]);
	}
	closedir(d);
}

/* A random relative path: an existing entry, a new name beside or under
 * one, or a few names from a small set (so that names collide). */
static void rand_path(char *p, size_t size)
{
	static const char *names[] = { "d0", "d1", "d2", "f0", "f1", "f2", "f3", "s0" };
	unsigned depth = 1 + rnd(3), how = rnd(10);

	p[0] = 0;
	if (how < 6 && n_existing) {
		snprintf(p, size, "%s%s%s", existing[rnd(n_existing)], how < 2 ? "/" : "",
			 how < 2 ? names[rnd(8)] : "");
		return;
	}
	for (unsigned i = 0; i < depth; i++) {
		size_t len = strlen(p);
		snprintf(p + len, size - len, "%s%s", i ? "/" : "", names[rnd(8)]);
	}
}

static void host_path(char *out, size_t size, const char *rel)
{
	snprintf(out, size, "%s/%s", model, rel);
}

static int host_err(int rc)
{
	return rc < 0 ? errno : 0;
}

/* A file the generated tree holds: seeded content of a random size. */
static void gen_file(const char *path, unsigned size)
{
	FILE *f = fopen(path, "wb");

	for (unsigned i = 0; f && i < size; i++)
		fputc((int)(rnd(256)), f);
	if (f)
		fclose(f);
}

static void gen_tree(void)
{
	char p[512];

	run("rm -rf %s %s && mkdir -p %s/d0/d1 %s/d1 %s/empty", src, model, src, src, src);
	for (unsigned i = 0; i < 24; i++) {
		static const char *dirs[] = { "", "d0/", "d0/d1/", "d1/" };
		snprintf(p, sizeof(p), "%s/%sf%u", src, dirs[i % 4], i);
		gen_file(p, i % 5 == 0 ? 0 : rnd(i % 3 ? 5000 : 300000));
	}
	snprintf(p, sizeof(p), "%s/d0/s0", src);
	if (symlink("d1/f2", p) != 0) /* no "..": the roots differ there */
		printf("# symlink failed\n");
	run("cp -a %s %s", src, model);
}

/* Does the last component of rel name a symlink on the host? */
static int is_host_symlink(const char *rel)
{
	char p[512];
	struct stat st;

	host_path(p, sizeof(p), rel);
	return lstat(p, &st) == 0 && S_ISLNK(st.st_mode);
}

static uint64_t rand_offset(void)
{
	switch (rnd(50)) {
	case 0: return (70ull << 20) + rnd(1 << 20);         /* triple indirect at 1 KiB */
	case 1: return (4ull << 30) - 1 - rnd(8192);          /* a 4 GiB sparse file */
	case 2: case 3: return (12ull << 10) + rnd(300 << 10);/* indirect, double at 1 KiB */
	default: return rnd(20000);
	}
}

static void op_write(const char *rel, int *he, int *fe)
{
	char p[512];
	uint64_t off = rand_offset();
	size_t len = 1 + rnd(sizeof(buf) - 1), done;
	struct fs_file *f;
	int fd;

	for (size_t i = 0; i < len; i++)
		buf[i] = (char)rnd(256);
	host_path(p, sizeof(p), rel);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	*he = host_err(fd);
	if (fd >= 0) {
		*he = host_err(pwrite(fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1);
		close(fd);
	}
	snprintf(p, sizeof(p), "/%s", rel);
	*fe = fs_open(fs_cur, p, FS_O_CREAT | FS_O_WRITE, 0644, &f);
	if (!*fe) {
		*fe = fs_write(f, off, buf, len, &done);
		fs_close(f);
	}
	if (!*fe && off >= (70ull << 20))
		tind_writes++;
	if (!*fe && off + len > (4ull << 30) - 4096)
		huge_writes++;
}

static void op_truncate(const char *rel, int *he, int *fe)
{
	char p[512];
	uint64_t size = rnd(4) ? rnd(100000) : rand_offset();
	struct fs_file *f;

	host_path(p, sizeof(p), rel);
	*he = host_err(truncate(p, (off_t)size));
	snprintf(p, sizeof(p), "/%s", rel);
	*fe = fs_open(fs_cur, p, FS_O_WRITE, 0, &f);
	if (!*fe) {
		*fe = fs_truncate(f, size);
		fs_close(f);
	}
}

/* One random operation on both sides; 1 if their results disagree. */
static int one_op(unsigned i)
{
	char a[256], b[256], ha[512], hb[512], fa[300], fb[300];
	int he = 0, fe = 0;
	unsigned op = rnd(12);

	rand_path(a, sizeof(a));
	rand_path(b, sizeof(b));
	host_path(ha, sizeof(ha), a);
	host_path(hb, sizeof(hb), b);
	snprintf(fa, sizeof(fa), "/%s", a);
	snprintf(fb, sizeof(fb), "/%s", b);
	switch (op) {
	case 0: case 1: case 2:
		if (is_host_symlink(a))
			return 0; /* O_CREAT through a dangling symlink: not supported */
		op_write(a, &he, &fe);
		break;
	case 3:
		if (is_host_symlink(a))
			return 0;
		op_truncate(a, &he, &fe);
		break;
	case 4:
		he = host_err(mkdir(ha, 0750));
		fe = fs_mkdir(fs_cur, fa, 0750);
		break;
	case 5:
		he = host_err(rmdir(ha));
		fe = fs_rmdir(fs_cur, fa);
		break;
	case 6:
		he = host_err(unlink(ha));
		fe = fs_unlink(fs_cur, fa);
		break;
	case 7: case 8:
		he = host_err(rename(ha, hb));
		fe = fs_rename(fs_cur, fa, fb);
		break;
	case 9:
		he = host_err(link(ha, hb));
		fe = fs_link(fs_cur, fa, fb);
		break;
	case 10:
		/* Relative targets only: '/' and the root's '..' differ on the host. */
		he = host_err(symlink(b, ha));
		fe = fs_symlink(fs_cur, b, fa);
		break;
	default: {
		struct timespec ts[2] = { { UTIME_BASE + rnd(1 << 20), 0 },
					  { UTIME_BASE + rnd(1 << 20), 0 } };
		if (rnd(2)) {
			unsigned mode = rnd(07777);
			he = host_err(chmod(ha, mode));
			fe = fs_chmod(fs_cur, fa, mode);
		} else {
			he = host_err(utimensat(AT_FDCWD, ha, ts, 0));
			fe = fs_utimes(fs_cur, fa, ts[0].tv_sec, ts[1].tv_sec);
		}
	}
	}
	ok_ops += he == 0 && fe == 0;
	if (he == fe)
		return 0;
	if (getenv("FS_MODEL_DEBUG"))
		run("ls -lR %s | grep -e ^/ -e ^l | head -40", model);
	printf("# op %u (%u) %s %s: host %d (%s), lib/fs %d (%s)\n", i, op, a, b, he,
	       strerror(he), fe, fe ? fs_error(fs_cur) : "ok");
	return 1;
}

/* Compares the file at rel on both sides, hole-aware for sparse files. */
static int same_data(const char *rel, uint64_t size)
{
	char p[512];
	struct fs_file *f;
	int fd, diff = 0;
	off_t pos = 0;

	host_path(p, sizeof(p), rel);
	snprintf(p + 300, 200, "/%s", rel);
	if ((fd = open(p, O_RDONLY)) < 0 || fs_open(fs_cur, p + 300, 0, 0, &f)) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (!diff && (pos = lseek(fd, pos, SEEK_DATA)) >= 0 && (uint64_t)pos < size) {
		off_t end = lseek(fd, pos, SEEK_HOLE);
		for (; !diff && pos < end; pos += sizeof(buf)) {
			size_t want = (size_t)(end - pos) < sizeof(buf) ? (size_t)(end - pos) : sizeof(buf), got;
			diff = pread(fd, buf, want, pos) != (ssize_t)want ||
			       fs_read(f, (uint64_t)pos, back, want, &got) || got != want ||
			       memcmp(buf, back, want);
		}
		pos = end;
	}
	/* Where the host has a hole, lib/fs must read zeroes: probe a few. */
	for (int k = 0; k < 4 && !diff && size; k++) {
		uint64_t at = rnd(1 << 30) % size;
		size_t got;
		if (pread(fd, buf, 1, (off_t)at) == 1 && !fs_read(f, at, back, 1, &got))
			diff = got != 1 || buf[0] != back[0];
	}
	close(fd);
	fs_close(f);
	return !diff;
}

static int count_entry(void *arg, const char *name, size_t len, uint32_t ino, unsigned t)
{
	(void)name, (void)ino, (void)t;
	if (!(len == 1 && name[0] == '.') && !(len == 2 && !strncmp(name, "..", 2)))
		(*(unsigned *)arg)++;
	return 0;
}

/* Compares the tree under rel (a directory) on both sides; returns the differences. */
static int compare_tree(const char *rel)
{
	char p[512], q[512];
	DIR *d;
	struct dirent *e;
	unsigned host_n = 0, fs_n = 0;
	int diffs = 0;
	struct fs_file *f;

	host_path(p, sizeof(p), rel);
	if (!(d = opendir(p)))
		return 1;
	while ((e = readdir(d))) {
		struct stat hs;
		struct fs_stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		host_n++;
		snprintf(q, sizeof(q), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		host_path(p, sizeof(p), q);
		snprintf(p + 300, 200, "/%s", q);
		if (lstat(p, &hs) || fs_lstat(fs_cur, p + 300, &st)) {
			printf("# %s: missing in the image\n", q);
			diffs++;
			continue;
		}
		int bad = st.mode != hs.st_mode || st.nlink != hs.st_nlink ||
			  st.uid != hs.st_uid || st.gid != hs.st_gid ||
			  (!S_ISDIR(hs.st_mode) && st.size != (uint64_t)hs.st_size) ||
			  (!S_ISDIR(hs.st_mode) && hs.st_mtime < UTIME_BASE + (1 << 20) &&
			   st.mtime != hs.st_mtime);
		if (S_ISREG(hs.st_mode) && !bad)
			bad = !same_data(q, st.size);
		if (S_ISLNK(hs.st_mode) && !bad) {
			char t1[256] = { 0 }, t2[256];
			size_t len;
			bad = readlink(p, t1, sizeof(t1) - 1) < 0 ||
			      fs_readlink(fs_cur, p + 300, t2, sizeof(t2), &len) || strcmp(t1, t2);
		}
		if (bad) {
			printf("# %s differs: mode %o/%o links %u/%u size %llu/%llu mtime %lld/%lld\n",
			       q, st.mode, hs.st_mode, st.nlink, (unsigned)hs.st_nlink,
			       (unsigned long long)st.size, (unsigned long long)hs.st_size,
			       (long long)st.mtime, (long long)hs.st_mtime);
			diffs++;
		}
		if (S_ISDIR(hs.st_mode))
			diffs += compare_tree(q);
	}
	closedir(d);
	snprintf(p, sizeof(p), "/%s", rel);
	if (fs_open(fs_cur, p, 0, 0, &f) == 0) {
		fs_readdir(f, count_entry, &fs_n);
		fs_close(f);
	}
	if (!*rel)
		fs_n--; /* lost+found */
	if (fs_n != host_n) {
		printf("# /%s: %u entries in the image, %u on the host\n", rel, fs_n, host_n);
		diffs++;
	}
	return diffs;
}

static void setup(const char *name, unsigned long long seed)
{
	rng = seed;
	snprintf(src, sizeof(src), "%s/%s.src", scratch_dir(), name);
	snprintf(model, sizeof(model), "%s/%s.model", scratch_dir(), name);
	snprintf(img, sizeof(img), "%s/%s.img", scratch_dir(), name);
	gen_tree();
}

static void model_run(const char *type, unsigned bs, unsigned long long seed)
{
	char name[32];
	unsigned mismatches = 0;

	snprintf(name, sizeof(name), "%s-%u-%llu", type, bs, seed);
	setup(name, seed);
	CHECK_EQ(make_image(img, type, bs, src, 32768, "-E root_owner=0:0"), 0);
	CHECK((fs_cur = mount_image(img, 0)) != NULL);
	if (!fs_cur)
		return;
	CHECK_EQ(compare_tree(""), 0); /* mke2fs -d put in the tree unchanged */
	ok_ops = tind_writes = huge_writes = 0;
	for (unsigned i = 0; i < OPS && mismatches < 5; i++) {
		if (i % 20 == 0) {
			n_existing = 0;
			collect(model, "");
		}
		mismatches += one_op(i);
	}
	CHECK_EQ(mismatches, 0);
	printf("# %u of %u operations succeeded; %u writes past 70 MiB, %u near 4 GiB\n",
	       ok_ops, OPS, tind_writes, huge_writes);
	CHECK(ok_ops > OPS / 5 && tind_writes > 0 && huge_writes > 0);
	CHECK_EQ(compare_tree(""), 0);
	CHECK_EQ(unmount_image(fs_cur), 0);
	CHECK_EQ(fsck_clean(img), 0);
	CHECK((fs_cur = mount_image(img, FS_RDONLY)) != NULL);
	if (fs_cur) {
		CHECK_EQ(compare_tree(""), 0); /* the same after a remount */
		unmount_image(fs_cur);
	}
}

static void model_ext2_1k_seed_1(void) { model_run("ext2", 1024, 1); }
static void model_ext2_1k_seed_2(void) { model_run("ext2", 1024, 2); }
static void model_ext2_4k_seed_3(void) { model_run("ext2", 4096, 3); }
static void model_ext2_4k_seed_4(void) { model_run("ext2", 4096, 4); }
static void model_ext2_1k_seed_7(void) { model_run("ext2", 1024, 7); }
static void model_ext2_4k_seed_8(void) { model_run("ext2", 4096, 8); }
static void model_ext4_4k_seed_5(void) { model_run("ext4", 4096, 5); }

static void ext4_image_by_mke2fs_reads_back(void)
{
	setup("ext4-ro", 6);
	CHECK_EQ(make_image(img, "ext4", 1024, src, 32768, "-E root_owner=0:0"), 0);
	CHECK((fs_cur = mount_image(img, FS_RDONLY)) != NULL);
	if (!fs_cur)
		return;
	CHECK_EQ(compare_tree(""), 0);
	unmount_image(fs_cur);
}

static const struct tap_case cases[] = {
	TAP_CASE(model_ext2_1k_seed_1),
	TAP_CASE(model_ext2_1k_seed_2),
	TAP_CASE(model_ext2_4k_seed_3),
	TAP_CASE(model_ext2_4k_seed_4),
	TAP_CASE(model_ext2_1k_seed_7),
	TAP_CASE(model_ext2_4k_seed_8),
	TAP_CASE(model_ext4_4k_seed_5),
	TAP_CASE(ext4_image_by_mke2fs_reads_back),
};

int main(void)
{
	umask(0);
	return tap_run(cases, TAP_COUNT(cases));
}
