/*
 * mount.c - mounting: the superblock's features are checked first (read
 * straight from the device, so a refusal can name every feature), then
 * libext2fs opens the filesystem through the mica_blk io_manager.
 *
 * Refused outright, with the feature named: unknown incompatible features,
 * a journal that needs recovery (libext2fs cannot replay it, and reading
 * past it would show data the journal has replaced) and an external
 * journal device (journal_dev: a journal, not a filesystem).  Refused
 * read-write: features libext2fs can read but lib/fs cannot keep
 * consistent when writing (MMP, quota, orphan file, read-only, shared
 * blocks, verity, casefold, whose case-insensitive names lib/fs does not
 * honour), unknown read-only-compatible features, a filesystem with errors
 * or not cleanly unmounted, a device shorter than the filesystem, and group
 * descriptors that fail libext2fs's ext2fs_check_desc.  A superblock whose
 * first data block libext2fs would trust into a buffer overrun is refused
 * either way.  A read-write mount marks the filesystem not clean until
 * fs_unmount, as Linux does.  Every refusal returns an errno value and a
 * message naming the problem, for the file server to pass on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_impl.h"

enum { READ_WRITE, READ_ONLY, NEVER }; /* what lib/fs can do with a feature */

struct feature {
	int ro;        /* a read-only-compatible feature, else incompatible */
	uint32_t mask;
	const char *name;
	int can;       /* READ_ONLY: not written; NEVER: not mounted */
};

static const struct feature features[] = {
	{ 0, EXT2_FEATURE_INCOMPAT_COMPRESSION, "compression", NEVER },
	{ 0, EXT3_FEATURE_INCOMPAT_RECOVER, "needs_recovery", NEVER },
	{ 0, EXT3_FEATURE_INCOMPAT_JOURNAL_DEV, "journal_dev", NEVER },
	{ 0, EXT4_FEATURE_INCOMPAT_MMP, "mmp", READ_ONLY },
	{ 0, EXT4_FEATURE_INCOMPAT_DIRDATA, "dirdata", NEVER },
	{ 0, EXT4_FEATURE_INCOMPAT_CASEFOLD, "casefold", READ_ONLY },
	{ 1, EXT4_FEATURE_RO_COMPAT_HAS_SNAPSHOT, "snapshot", READ_ONLY },
	{ 1, EXT4_FEATURE_RO_COMPAT_QUOTA, "quota", READ_ONLY },
	{ 1, EXT4_FEATURE_RO_COMPAT_REPLICA, "replica", READ_ONLY },
	{ 1, EXT4_FEATURE_RO_COMPAT_READONLY, "read-only", READ_ONLY },
	{ 1, EXT4_FEATURE_RO_COMPAT_PROJECT, "project", READ_ONLY },
	{ 1, EXT4_FEATURE_RO_COMPAT_SHARED_BLOCKS, "shared_blocks", READ_ONLY },
	{ 1, EXT4_FEATURE_RO_COMPAT_VERITY, "verity", READ_ONLY },
	{ 1, EXT4_FEATURE_RO_COMPAT_ORPHAN_PRESENT, "orphan_present", READ_ONLY },
};

/* Appends the name of every feature bit in bits to buf. */
static void name_bits(int ro, uint32_t bits, char *buf, size_t size)
{
	for (unsigned b = 0; b < 32; b++) {
		uint32_t m = 1u << b;
		const char *name = NULL;
		size_t len = strlen(buf);
		if (!(bits & m))
			continue;
		for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
			if (features[i].ro == ro && features[i].mask == m)
				name = features[i].name;
		if (name)
			snprintf(buf + len, size - len, " %s", name);
		else
			snprintf(buf + len, size - len, " %s_0x%x", ro ? "ro_compat" : "incompat", m);
	}
}

/* The features of one word that lib/fs can do at most `can` with. */
static uint32_t feature_mask(int ro, int can)
{
	uint32_t m = 0;

	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (features[i].ro == ro && features[i].can == can)
			m |= features[i].mask;
	return m;
}

static int read_super(struct blkdev *dev, struct ext2_super_block *sb)
{
	uint32_t n = (2048 + dev->sector_size - 1) / dev->sector_size;
	char *buf = malloc((size_t)n * dev->sector_size);
	int err;

	if (!buf)
		return ENOMEM;
	if (!(err = dev->read(dev, 0, n, buf)))
		memcpy(sb, buf + 1024, sizeof(*sb));
	free(buf);
	return err;
}

/* Whether the features and state of sb allow the mount on a device of
 * dev_bytes; msg says why not. */
static int check_super(const struct ext2_super_block *sb, uint64_t dev_bytes, int rw,
		       char *msg, size_t size)
{
	/* MMP is read without libext2fs's MMP code (not built): no update
	 * of the MMP block is needed to read. */
	uint32_t bad_in = sb->s_feature_incompat &
		(~(EXT2_LIB_FEATURE_INCOMPAT_SUPP | EXT4_FEATURE_INCOMPAT_MMP) |
		 feature_mask(0, NEVER));
	uint32_t bad_ro = sb->s_feature_ro_compat & ~EXT2_LIB_FEATURE_RO_COMPAT_SUPP;
	int err = ENOTSUP;

	msg[0] = 0;
	if (sb->s_magic != EXT2_SUPER_MAGIC) {
		snprintf(msg, size, "mount: no ext2 superblock (bad magic)");
		return EINVAL;
	}
	/* libext2fs trusts this field; a wrong one overruns its bitmaps. */
	if (sb->s_first_data_block > 1 || (sb->s_first_data_block && sb->s_log_block_size)) {
		snprintf(msg, size, "mount: corrupt superblock (first data block %u); run e2fsck",
			 sb->s_first_data_block);
		return EIO;
	}
	if (!bad_in)
		bad_ro = 0; /* unknown read-only-compatible features are readable */
	if (rw && !bad_in) {
		bad_in = sb->s_feature_incompat & feature_mask(0, READ_ONLY);
		bad_ro = sb->s_feature_ro_compat &
			(~EXT2_LIB_FEATURE_RO_COMPAT_SUPP | feature_mask(1, READ_ONLY));
		err = EROFS;
	}
	if (bad_in || bad_ro) {
		size_t len;
		snprintf(msg, size, "mount: features not supported%s:",
			 err == EROFS ? " for writing" : "");
		name_bits(0, bad_in, msg, size);
		name_bits(1, bad_ro, msg, size);
		len = strlen(msg);
		if (bad_in & EXT3_FEATURE_INCOMPAT_RECOVER)
			snprintf(msg + len, size - len, " (the journal must be replayed: "
				 "run e2fsck)");
		else if (bad_in & EXT3_FEATURE_INCOMPAT_JOURNAL_DEV)
			snprintf(msg + len, size - len, " (an external journal, not a "
				 "filesystem)");
		return err;
	}
	uint64_t blocks = sb->s_blocks_count |
		(sb->s_feature_incompat & EXT4_FEATURE_INCOMPAT_64BIT ? (uint64_t)sb->s_blocks_count_hi << 32 : 0);
	uint64_t fs_bytes = blocks << (EXT2_MIN_BLOCK_LOG_SIZE +
							 sb->s_log_block_size);
	if (rw && sb->s_log_block_size <= EXT2_MAX_BLOCK_LOG_SIZE - EXT2_MIN_BLOCK_LOG_SIZE &&
	    dev_bytes < fs_bytes) {
		snprintf(msg, size, "mount: the device (%llu bytes) is shorter than its "
			 "filesystem (%llu bytes): truncated image; mount read-only",
			 (unsigned long long)dev_bytes, (unsigned long long)fs_bytes);
		return EROFS;
	}
	if (rw && (!(sb->s_state & EXT2_VALID_FS) || (sb->s_state & EXT2_ERROR_FS))) {
		snprintf(msg, size, "mount: filesystem %s; run e2fsck before writing",
			 sb->s_state & EXT2_ERROR_FS ? "has errors" : "was not cleanly unmounted");
		return EROFS;
	}
	return 0;
}

static int open_e2(struct fs *fs, char *msg, size_t size)
{
	char name[64];
	/* check_super has judged the features: libext2fs's own check would
	 * refuse MMP read-only too (its MMP code is not built). */
	int flags = EXT2_FLAG_64BITS | (fs->rdonly ? EXT2_FLAG_FORCE : EXT2_FLAG_RW);
	errcode_t e;

	blkio_name(&fs->io, name, sizeof(name));
	if ((e = ext2fs_open2(name, NULL, flags, 0, 0, mica_blk_io_manager, &fs->e2))) {
		snprintf(msg, size, "mount: %s", error_message(e));
		return fs_errno(e);
	}
	if (fs->rdonly)
		return 0;
	/* Before writing, the group descriptors must be sane (e2fsck's test). */
	if (!(e = ext2fs_check_desc(fs->e2)) && !(e = ext2fs_read_bitmaps(fs->e2))) {
		fs->e2->super->s_state &= (uint16_t)~EXT2_VALID_FS;
		ext2fs_mark_super_dirty(fs->e2);
		e = ext2fs_flush(fs->e2);
	}
	if (e) {
		snprintf(msg, size, "mount: %s", error_message(e));
		ext2fs_close_free(&fs->e2);
		return fs_errno(e);
	}
	return 0;
}

int fs_mount(struct blkdev *dev, const struct fs_options *opt, struct fs **out,
	     char *msg, size_t msgsize)
{
	static const struct fs_options none;
	struct ext2_super_block sb;
	char scratch[256];
	struct fs *fs;
	int err;

	if (!opt)
		opt = &none;
	if (!msg || !msgsize) {
		msg = scratch;
		msgsize = sizeof(scratch);
	}
	initialize_ext2_error_table();
	if ((err = read_super(dev, &sb))) {
		snprintf(msg, msgsize, "mount: read superblock: %s", error_message(err));
		return err;
	}
	if ((err = check_super(&sb, dev->sectors * dev->sector_size,
			       !(opt->flags & FS_RDONLY), msg, msgsize)))
		return err;
	if (!(fs = calloc(1, sizeof(*fs)))) {
		snprintf(msg, msgsize, "mount: out of memory");
		return ENOMEM;
	}
	fs->rdonly = !!(opt->flags & FS_RDONLY);
	fs->io.dev = dev;
	fs->io.cache_bytes = opt->cache_bytes;
	fs->io.readahead = opt->readahead ? opt->readahead : BLKIO_DEFAULT_READAHEAD;
	fs->released = opt->released;
	fs->released_arg = opt->released_arg;
	if ((err = open_e2(fs, msg, msgsize))) {
		free(fs);
		return err;
	}
	*out = fs;
	return 0;
}

int fs_sync(struct fs *fs)
{
	errcode_t e;

	if (fs->rdonly)
		return 0;
	if ((e = ext2fs_flush(fs->e2)))
		return fs_fail(fs, fs_errno(e), "sync: %s", error_message(e));
	return 0;
}

int fs_unmount(struct fs *fs)
{
	errcode_t e;

	if (fs->nodes)
		return fs_fail(fs, EBUSY, "unmount: files are still open");
	if (!fs->rdonly) {
		fs->e2->super->s_state |= EXT2_VALID_FS;
		ext2fs_mark_super_dirty(fs->e2);
	}
	e = ext2fs_close_free(&fs->e2);
	free(fs->dir_block);
	free(fs);
	return e ? fs_errno(e) : 0;
}
