/*
 * fsmodel.c - the model test of lib/fs (tests/host/fs/fs_model.c) inside
 * Mica: `fsmodel SEED OPS` applies the seeded random operations of
 * tests/common/fs_opgen.c through the C library and the file server under
 * /m, which it makes empty, then syncs.  fsmodel.scenario then has the host
 * check the image: e2fsck -fn clean, and /m equal to the same sequence
 * applied to a host directory (`fs_model --check`).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_opgen.h"

static struct fs_opgen gen;
static char data[FS_OPGEN_DATA];

int main(int argc, char **argv)
{
	unsigned ok = 0, errors[8] = { 0 };

	if (argc != 3) {
		fprintf(stderr, "usage: fsmodel SEED OPS\n");
		return 2;
	}
	unsigned long long seed = strtoull(argv[1], 0, 0);
	unsigned ops = (unsigned)strtoul(argv[2], 0, 0);
	umask(0);
	if (mkdir("/m", 0755)) {
		fprintf(stderr, "fsmodel: mkdir /m: errno %d\n", errno);
		return 1;
	}
	fs_opgen_seed(&gen, seed);
	for (unsigned i = 0; i < ops; i++) {
		struct fs_op op;
		fs_opgen_next(&gen, "/m", &op, data);
		int e = fs_opgen_apply("/m", &op, data);
		ok += !e;
		errors[e == ENOENT ? 0 : e == EEXIST ? 1 : e == ENOTDIR ? 2 : e == EISDIR ? 3 : e == ENOTEMPTY ? 4 :
		       e == EINVAL ? 5 : e == ENOSPC ? 6 : 7] += e != 0;
	}
	sync();
	printf("fsmodel: seed %llu: %u of %u operations succeeded; ENOENT %u EEXIST %u ENOTDIR %u EISDIR %u "
	       "ENOTEMPTY %u EINVAL %u ENOSPC %u other %u\n", seed, ok, ops, errors[0], errors[1], errors[2],
	       errors[3], errors[4], errors[5], errors[6], errors[7]);
	return 0;
}
