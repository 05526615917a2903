/*
 * fs.h - the file-operations layer: what the ext2fs server calls.  It sits
 * on libext2fs (the on-disk format) and the mica_blk io_manager (blkio.h),
 * and adds what libext2fs leaves to its users: path lookup with symlinks,
 * open files with reference counts, deferred deletion of unlinked open
 * files, and POSIX-like operations.  docs/fs.md describes it.
 *
 * Every call returns 0 or an errno value (<errno.h>); fs_error() then gives
 * a message naming the operation, the path and the cause.  Nothing aborts.
 * Paths are absolute (a missing leading '/' means the same).  A struct fs
 * is not thread-safe: its user serialises the calls (docs/fs.md).
 */
#ifndef LIB_FS_FS_H
#define LIB_FS_FS_H

#include <stddef.h>
#include <stdint.h>

#include "blkdev.h"

struct fs;
struct fs_file;

#define FS_RDONLY 1u /* fs_options.flags: mount read-only */

struct fs_options {
	unsigned flags;
	size_t cache_bytes; /* block cache; 0 for the default */
	unsigned readahead; /* blocks; 0 for the default */
	/* Called when an inode goes (its last name and its last open are
	 * gone, its blocks freed): a cache of its contents must forget it,
	 * since the number may name a new file next.  May be NULL. */
	void (*released)(void *arg, uint32_t ino);
	void *released_arg;
};

/* fs_open flags */
#define FS_O_WRITE    0x01u
#define FS_O_CREAT    0x02u
#define FS_O_EXCL     0x04u
#define FS_O_TRUNC    0x08u
#define FS_O_NOFOLLOW 0x10u /* a final symlink is opened itself, not followed */

/* Directory entry types (the ext2 ones). */
enum { FS_DT_UNKNOWN, FS_DT_REG, FS_DT_DIR, FS_DT_CHR, FS_DT_BLK, FS_DT_FIFO,
       FS_DT_SOCK, FS_DT_LNK };

struct fs_stat {
	uint32_t ino, mode, nlink, uid, gid;
	uint64_t size;
	uint64_t blocks; /* 512-byte units */
	int64_t atime, mtime, ctime;
};

struct fs_statfs {
	uint32_t block_size;
	uint64_t blocks, free_blocks;
	uint64_t inodes, free_inodes;
};

/* One run of a file's blocks: pblk 0 is a hole of count blocks. */
struct fs_run {
	uint64_t lblk, pblk, count;
};

/*
 * Mounts the ext2 filesystem on dev (which stays the caller's: close it
 * after fs_unmount).  Refuses read-write when the journal needs recovery,
 * the filesystem has errors, or features are unknown; msg (may be NULL)
 * receives the reason.
 */
int fs_mount(struct blkdev *dev, const struct fs_options *opt, struct fs **out,
	     char *msg, size_t msgsize);
/* Writes everything back and frees fs; EBUSY (and nothing done) while
 * files are open: close them first, which ends deferred deletions. */
int fs_unmount(struct fs *fs);
int fs_sync(struct fs *fs);
/* Makes one file durable, as ext2's fsync does: its data and the blocks
 * mapping them, and its inode, written and the device flushed; the
 * allocation bitmaps and free counts are left to the next fs_sync (after
 * a crash e2fsck rebuilds them from the inodes).  A new file's name is
 * its directory's: fsync the directory too.  A file of more than
 * FS_FSYNC_BLOCKS_MAX blocks gets fs_sync instead. */
int fs_fsync(struct fs_file *f);
const char *fs_error(struct fs *fs);
int fs_statfs(struct fs *fs, struct fs_statfs *st);

int fs_stat(struct fs *fs, const char *path, struct fs_stat *st);  /* follows */
int fs_lstat(struct fs *fs, const char *path, struct fs_stat *st); /* does not */
/* lstat of the entry name (one component) of the open directory dir: a
 * directory's entries can be listed whatever their full paths' length. */
int fs_lstatat(struct fs_file *dir, const char *name, struct fs_stat *st);
int fs_readlink(struct fs *fs, const char *path, char *buf, size_t size, size_t *len);
int fs_mkdir(struct fs *fs, const char *path, uint32_t mode);
int fs_rmdir(struct fs *fs, const char *path);
int fs_unlink(struct fs *fs, const char *path);
int fs_rename(struct fs *fs, const char *from, const char *to);
int fs_link(struct fs *fs, const char *existing, const char *path);
int fs_symlink(struct fs *fs, const char *target, const char *path);
int fs_chmod(struct fs *fs, const char *path, uint32_t mode);
int fs_chown(struct fs *fs, const char *path, uint32_t uid, uint32_t gid);
int fs_utimes(struct fs *fs, const char *path, int64_t atime, int64_t mtime);
/* The same on the inode of an open file (an unlinked one too). */
int fs_fchmod(struct fs_file *f, uint32_t mode);
int fs_fchown(struct fs_file *f, uint32_t uid, uint32_t gid);
int fs_futimes(struct fs_file *f, int64_t atime, int64_t mtime);

/* Opens a file or directory; mode (permission bits) is for FS_O_CREAT. */
int fs_open(struct fs *fs, const char *path, unsigned flags, uint32_t mode,
	    struct fs_file **out);
/* Another reference to an open file; each needs its own fs_close. */
struct fs_file *fs_dup(struct fs_file *f);
int fs_close(struct fs_file *f);
int fs_read(struct fs_file *f, uint64_t off, void *buf, size_t len, size_t *done);
int fs_write(struct fs_file *f, uint64_t off, const void *buf, size_t len,
	     size_t *done);
int fs_truncate(struct fs_file *f, uint64_t size);
/* The mtime and ctime now, as fs_write sets them: for data written
 * another way (a page cache over blocks fs_bmap allocated). */
int fs_touch(struct fs_file *f);
int fs_fstat(struct fs_file *f, struct fs_stat *st);

/* Calls fn for each entry ('.' and '..' too); fn returns nonzero to stop. */
typedef int (*fs_dir_fn)(void *arg, const char *name, size_t len, uint32_t ino,
			 unsigned type);
int fs_readdir(struct fs_file *dir, fs_dir_fn fn, void *arg);

/*
 * The same from a position in the directory (0: its start): an entry's
 * block and its offset there, which stays the entry's while it exists,
 * whatever names are added or removed.  fn also gets the position after
 * its entry (telldir's); when fn stops at an entry, *pos becomes that
 * entry's, else the directory's end.  Positions not at an entry (a
 * removed one's, any number) are fine: the listing goes on from the next
 * entry after them.
 */
#define FS_DIR_POS(block, offset) ((uint64_t)(block) << 32 | (uint32_t)(offset))
typedef int (*fs_dir_at_fn)(void *arg, const char *name, size_t len, uint32_t ino,
			    unsigned type, uint64_t next);
int fs_readdir_at(struct fs_file *dir, uint64_t *pos, fs_dir_at_fn fn, void *arg);

/*
 * The page cache's map: the runs of disk blocks behind bytes [off, off+len)
 * of f, in order, holes as runs with pblk 0.  With alloc, holes are filled
 * with newly allocated (zeroed) blocks first; the file's size is unchanged.
 * At most max runs; *n says how many were written.
 */
int fs_bmap(struct fs_file *f, uint64_t off, uint64_t len, int alloc,
	    struct fs_run *runs, unsigned max, unsigned *n);
/*
 * fs_read for a page cache above lib/fs, into the pieces of iov in order
 * (a page each, say; at most 64): the file's blocks straight from the
 * device (a run of consecutive blocks in one device read), not through
 * the block cache, so that file data is not cached twice; block-cache
 * copies of the blocks (maybe newer) win.  Bytes past the file's end are
 * zero up to the next block boundary.  What is not whole blocks (pieces
 * of whole sectors), or has no blocks of its own (inline data), is read
 * as fs_read reads.
 */
int fs_read_direct(struct fs_file *f, uint64_t off, const struct blkdev_seg *iov, unsigned iovcnt, size_t *done);
/*
 * fs_write for a page cache writing its pages back: bytes inside the
 * file's size over its blocks straight to the device (block-cache copies
 * of the blocks take them too), the last block's bytes past the file's end
 * written as zeros; the times are left alone (fs_touch).  A hole, or what
 * does not start at a block or reaches past the size, goes through
 * fs_write.
 */
int fs_write_direct(struct fs_file *f, uint64_t off, const void *buf, size_t len, size_t *done);
uint32_t fs_block_size(const struct fs *fs);
struct blkdev *fs_device(const struct fs *fs);

#endif
