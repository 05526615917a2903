/*
 * fs_opgen.c - the model tests' random operations (fs_opgen.h).
 */
#include "fs_opgen.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void fs_opgen_seed(struct fs_opgen *g, uint64_t seed)
{
	memset(g, 0, sizeof *g);
	g->rng = seed;
}

unsigned fs_opgen_rnd(struct fs_opgen *g, unsigned n)
{
	g->rng = g->rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(g->rng >> 33) % n;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries under root/rel, depth first, each directory's in name
 * order: the same list whatever order readdir gives. */
static void collect(struct fs_opgen *g, const char *root, const char *rel)
{
	char p[512], *names[FS_OPGEN_EXISTING];
	unsigned n = 0;
	struct dirent *e;
	DIR *d;

	snprintf(p, sizeof p, "%s/%s", root, rel);
	if (!(d = opendir(p)))
		return;
	while ((e = readdir(d)) && n < FS_OPGEN_EXISTING)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "lost+found"))
			if ((names[n] = strdup(e->d_name)))
				n++;
	closedir(d);
	qsort(names, n, sizeof names[0], by_name);
	for (unsigned i = 0; i < n; i++) {
		struct stat st;
		if (g->n_existing < FS_OPGEN_EXISTING) {
			char *mine = g->existing[g->n_existing];
			snprintf(mine, sizeof g->existing[0], "%s%s%s", rel, *rel ? "/" : "", names[i]);
			snprintf(p, sizeof p, "%s/%s", root, mine);
			g->n_existing++;
			if (!lstat(p, &st) && S_ISDIR(st.st_mode) && strlen(mine) < 100)
				collect(g, root, mine);
		}
		free(names[i]);
	}
}

/* A random relative path: an existing entry, a new name under one, or a
 * few names from a small set (so that names collide). */
static void rand_path(struct fs_opgen *g, char *p, size_t size)
{
	static const char *names[] = { "d0", "d1", "d2", "f0", "f1", "f2", "f3", "s0" };
	unsigned depth = 1 + fs_opgen_rnd(g, 3), how = fs_opgen_rnd(g, 10);

	p[0] = 0;
	if (how < 6 && g->n_existing) {
		const char *e = g->existing[fs_opgen_rnd(g, g->n_existing)];
		snprintf(p, size, "%s%s%s", e, how < 2 ? "/" : "", how < 2 ? names[fs_opgen_rnd(g, 8)] : "");
		return;
	}
	for (unsigned i = 0; i < depth; i++) {
		size_t len = strlen(p);
		snprintf(p + len, size - len, "%s%s", i ? "/" : "", names[fs_opgen_rnd(g, 8)]);
	}
}

static uint64_t rand_offset(struct fs_opgen *g)
{
	switch (fs_opgen_rnd(g, 50)) {
	case 0: return (70ull << 20) + fs_opgen_rnd(g, 1 << 20);          /* triple indirect at 1 KiB */
	case 1: return (4ull << 30) - 1 - fs_opgen_rnd(g, 8192);           /* a 4 GiB sparse file */
	case 2: case 3: return (12ull << 10) + fs_opgen_rnd(g, 300 << 10); /* indirect, double at 1 KiB */
	default: return fs_opgen_rnd(g, 20000);
	}
}

void fs_opgen_next(struct fs_opgen *g, const char *root, struct fs_op *op, char *data)
{
	static const enum fs_op_kind kinds[12] = {
		FS_OP_WRITE, FS_OP_WRITE, FS_OP_WRITE, FS_OP_TRUNCATE, FS_OP_MKDIR, FS_OP_RMDIR,
		FS_OP_UNLINK, FS_OP_RENAME, FS_OP_RENAME, FS_OP_LINK, FS_OP_SYMLINK, FS_OP_CHMOD,
	};

	if (g->done++ % FS_OPGEN_COLLECT == 0) {
		g->n_existing = 0;
		collect(g, root, "");
	}
	memset(op, 0, sizeof *op);
	op->kind = kinds[fs_opgen_rnd(g, 12)];
	rand_path(g, op->a, sizeof op->a);
	rand_path(g, op->b, sizeof op->b);
	switch (op->kind) {
	case FS_OP_WRITE:
		op->off = rand_offset(g);
		op->len = 1 + fs_opgen_rnd(g, FS_OPGEN_DATA - 1);
		for (uint32_t i = 0; i < op->len; i++)
			data[i] = (char)fs_opgen_rnd(g, 256);
		break;
	case FS_OP_TRUNCATE:
		op->off = fs_opgen_rnd(g, 4) ? fs_opgen_rnd(g, 100000) : rand_offset(g);
		break;
	case FS_OP_CHMOD:   /* or utimes, half the time */
		if (fs_opgen_rnd(g, 2)) {
			op->mode = fs_opgen_rnd(g, 07777);
		} else {
			op->kind = FS_OP_UTIMES;
			op->atime = FS_OPGEN_UTIME_BASE + fs_opgen_rnd(g, 1 << 20);
			op->mtime = FS_OPGEN_UTIME_BASE + fs_opgen_rnd(g, 1 << 20);
		}
		break;
	default:
		break;
	}
}

static int err_of(int rc)
{
	return rc < 0 ? errno : 0;
}

int fs_opgen_apply(const char *root, const struct fs_op *op, const char *data)
{
	char a[512], b[512];
	struct stat st;
	int fd, e;

	snprintf(a, sizeof a, "%s/%s", root, op->a);
	snprintf(b, sizeof b, "%s/%s", root, op->b);
	if ((op->kind == FS_OP_WRITE || op->kind == FS_OP_TRUNCATE) && !lstat(a, &st) && S_ISLNK(st.st_mode))
		return 0;
	switch (op->kind) {
	case FS_OP_WRITE:
		if ((fd = open(a, O_CREAT | O_WRONLY, 0644)) < 0)
			return errno;
		e = pwrite(fd, data, op->len, (off_t)op->off) == (ssize_t)op->len ? 0 : errno;
		close(fd);
		return e;
	case FS_OP_TRUNCATE: return err_of(truncate(a, (off_t)op->off));
	case FS_OP_MKDIR: return err_of(mkdir(a, 0750));
	case FS_OP_RMDIR: return err_of(rmdir(a));
	case FS_OP_UNLINK: return err_of(unlink(a));
	case FS_OP_RENAME: return err_of(rename(a, b));
	case FS_OP_LINK: return err_of(link(a, b));
	/* Relative targets only: '/' and the root's '..' differ between trees. */
	case FS_OP_SYMLINK: return err_of(symlink(op->b, a));
	case FS_OP_CHMOD: return err_of(chmod(a, op->mode));
	case FS_OP_UTIMES: {
		struct timespec ts[2] = { { (time_t)op->atime, 0 }, { (time_t)op->mtime, 0 } };
		return err_of(utimensat(AT_FDCWD, a, ts, 0));
	}
	}
	return EINVAL;
}
