/*
 * fs_model.c - lib/fs against a model: a seeded random sequence of
 * operations is applied both to an image through lib/fs and to a host
 * directory, each result (0 or the errno) must agree, and at the end every
 * file, directory and attribute is compared and e2fsck -fn must be clean.
 * The image starts as a generated tree put in by mke2fs -d, which must
 * read back equal first.  Writes reach the triple-indirect blocks (past
 * 64.3 MiB with 1 KiB blocks) and 4 GiB, sparsely.  An ext4 image made by
 * mke2fs -d reads back the same way.  The operations come from
 * tests/common/fs_opgen.c, which fsmodel.scenario shares (--check, below).
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

#include "fs_opgen.h"
#include "fsutil.h"
#include "tap.h"

#define OPS 5000

static struct fs_opgen gen;
static char src[256], model[256], img[256];
static const char *img_root = ""; /* where the model's tree is in the image */
static char buf[64 << 10], back[64 << 10];
static struct fs *fs_cur;
static unsigned ok_ops, tind_writes, huge_writes; /* coverage of a run */

static unsigned rnd(unsigned n)
{
	return fs_opgen_rnd(&gen, n);
}

static void host_path(char *out, size_t size, const char *rel)
{
	snprintf(out, size, "%s/%s", model, rel);
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

/* op through lib/fs; 0 or the errno. */
static int fs_apply(const struct fs_op *op, const char *data)
{
	char a[300], b[300];
	struct fs_file *f;
	size_t done;
	int e;

	snprintf(a, sizeof(a), "/%s", op->a);
	snprintf(b, sizeof(b), "/%s", op->b);
	switch (op->kind) {
	case FS_OP_WRITE:
		if ((e = fs_open(fs_cur, a, FS_O_CREAT | FS_O_WRITE, 0644, &f)))
			return e;
		e = fs_write(f, op->off, data, op->len, &done);
		fs_close(f);
		if (!e && op->off >= (70ull << 20))
			tind_writes++;
		if (!e && op->off + op->len > (4ull << 30) - 4096)
			huge_writes++;
		return e;
	case FS_OP_TRUNCATE:
		if ((e = fs_open(fs_cur, a, FS_O_WRITE, 0, &f)))
			return e;
		e = fs_truncate(f, op->off);
		fs_close(f);
		return e;
	case FS_OP_MKDIR: return fs_mkdir(fs_cur, a, 0750);
	case FS_OP_RMDIR: return fs_rmdir(fs_cur, a);
	case FS_OP_UNLINK: return fs_unlink(fs_cur, a);
	case FS_OP_RENAME: return fs_rename(fs_cur, a, b);
	case FS_OP_LINK: return fs_link(fs_cur, a, b);
	case FS_OP_SYMLINK: return fs_symlink(fs_cur, op->b, a);
	case FS_OP_CHMOD: return fs_chmod(fs_cur, a, op->mode);
	case FS_OP_UTIMES: return fs_utimes(fs_cur, a, op->atime, op->mtime);
	}
	return EINVAL;
}

/* One random operation on both sides; 1 if their results disagree. */
static int one_op(unsigned i)
{
	struct fs_op op;
	int he, fe;

	fs_opgen_next(&gen, model, &op, buf);
	if ((op.kind == FS_OP_WRITE || op.kind == FS_OP_TRUNCATE) && is_host_symlink(op.a))
		return 0; /* O_CREAT through a dangling symlink: not supported */
	he = fs_opgen_apply(model, &op, buf);
	fe = fs_apply(&op, buf);
	ok_ops += he == 0 && fe == 0;
	if (he == fe)
		return 0;
	if (getenv("FS_MODEL_DEBUG"))
		run("ls -lR %s | grep -e ^/ -e ^l | head -40", model);
	printf("# op %u (%u) %s %s: host %d (%s), lib/fs %d (%s)\n", i, op.kind, op.a, op.b, he,
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
	snprintf(p + 300, 200, "%s/%s", img_root, rel);
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
		snprintf(p + 300, 200, "%s/%s", img_root, q);
		if (lstat(p, &hs) || fs_lstat(fs_cur, p + 300, &st)) {
			printf("# %s: missing in the image\n", q);
			diffs++;
			continue;
		}
		int bad = st.mode != hs.st_mode || st.nlink != hs.st_nlink ||
			  (!*img_root && (st.uid != hs.st_uid || st.gid != hs.st_gid)) ||
			  (!S_ISDIR(hs.st_mode) && st.size != (uint64_t)hs.st_size) ||
			  (!S_ISDIR(hs.st_mode) && hs.st_mtime < FS_OPGEN_UTIME_BASE + (1 << 20) &&
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
	snprintf(p, sizeof(p), "%s/%s", img_root, rel);
	if (fs_open(fs_cur, p, 0, 0, &f) == 0) {
		fs_readdir(f, count_entry, &fs_n);
		fs_close(f);
	}
	if (!*rel && !*img_root)
		fs_n--; /* lost+found */
	if (fs_n != host_n) {
		printf("# /%s: %u entries in the image, %u on the host\n", rel, fs_n, host_n);
		diffs++;
	}
	return diffs;
}

static void setup(const char *name, unsigned long long seed)
{
	fs_opgen_seed(&gen, seed);
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
	for (unsigned i = 0; i < OPS && mismatches < 5; i++)
		mismatches += one_op(i);
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

/*
 * fs_model --check IMG SEED OPS: the other half of fsmodel.scenario.  The
 * Mica program fsmodel applied OPS operations of SEED through the C library
 * and the file server under /m of IMG, starting empty; here the same
 * sequence is applied to an empty host directory, and the image's /m,
 * read through lib/fs, must equal it (owners aside: the host's are not 0).
 */
static int check_image(const char *image, unsigned long long seed, unsigned ops)
{
	int diffs;

	fs_opgen_seed(&gen, seed);
	snprintf(model, sizeof(model), "%s/fsmodel.model", scratch_dir());
	run("rm -rf %s && mkdir -p %s", model, model);
	for (unsigned i = 0; i < ops; i++) {
		struct fs_op op;
		fs_opgen_next(&gen, model, &op, buf);
		fs_opgen_apply(model, &op, buf);
	}
	img_root = "/m";
	if (!(fs_cur = mount_image(image, FS_RDONLY)))
		return 1;
	diffs = compare_tree("");
	unmount_image(fs_cur);
	printf("fs_model: %s /m %s the model of seed %llu, %u operations\n", image,
	       diffs ? "differs from" : "equals", seed, ops);
	return diffs != 0;
}

int main(int argc, char **argv)
{
	umask(0);
	if (argc == 5 && !strcmp(argv[1], "--check"))
		return check_image(argv[2], strtoull(argv[3], 0, 0), (unsigned)strtoul(argv[4], 0, 0));
	return tap_run(cases, TAP_COUNT(cases));
}
