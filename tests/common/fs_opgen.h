/*
 * fs_opgen.h - the seeded random file-system operations of the model
 * tests, one copy for all of them: tests/host/fs/fs_model.c (lib/fs on the
 * host against a host directory) and tests/qemu/progs/fsmodel.c (the C
 * library against the file server inside Mica, then the host replays the
 * same sequence on a directory and compares).
 *
 * The generator picks most paths among the entries that exist in the tree
 * it is applied to (collected, sorted, every FS_OPGEN_COLLECT operations),
 * so two trees that start equal and agree on every result stay equal
 * under the same seed.  Plain C with POSIX calls: it builds for the host
 * and for Mica's newlib.
 */
#ifndef TESTS_COMMON_FS_OPGEN_H
#define TESTS_COMMON_FS_OPGEN_H

#include <stddef.h>
#include <stdint.h>

#define FS_OPGEN_PATH 256        /* a generated path's room */
#define FS_OPGEN_EXISTING 512    /* entries remembered */
#define FS_OPGEN_COLLECT 20      /* operations between collections */
#define FS_OPGEN_DATA (64 << 10) /* a write's most bytes */
#define FS_OPGEN_UTIME_BASE 1000000000 /* times set are this + up to 2^20 */

enum fs_op_kind {
	FS_OP_WRITE, FS_OP_TRUNCATE, FS_OP_MKDIR, FS_OP_RMDIR, FS_OP_UNLINK,
	FS_OP_RENAME, FS_OP_LINK, FS_OP_SYMLINK, FS_OP_CHMOD, FS_OP_UTIMES,
};

struct fs_op {
	enum fs_op_kind kind;
	char a[FS_OPGEN_PATH], b[FS_OPGEN_PATH]; /* relative paths; b: rename,
						      link's new name, symlink's target */
	uint64_t off;      /* write: where; truncate: the new size */
	uint32_t len;      /* write: how many bytes of the data */
	unsigned mode;     /* chmod */
	int64_t atime, mtime;
};

struct fs_opgen {
	uint64_t rng;
	unsigned done;     /* operations generated */
	unsigned n_existing;
	char existing[FS_OPGEN_EXISTING][128];
};

void fs_opgen_seed(struct fs_opgen *g, uint64_t seed);
/* A random number below n. */
unsigned fs_opgen_rnd(struct fs_opgen *g, unsigned n);
/* The next operation on the tree under root (collected first when due);
 * a write's data goes to data (FS_OPGEN_DATA bytes of room). */
void fs_opgen_next(struct fs_opgen *g, const char *root, struct fs_op *op, char *data);
/* Apply op to the tree under root with POSIX calls (umask 0 expected);
 * 0 or the errno.  A write or truncate through a symlink is skipped
 * (creating through a dangling link differs between systems): 0. */
int fs_opgen_apply(const char *root, const struct fs_op *op, const char *data);

#endif
