/*
 * The link test's program: a tiny Mica program, compiled like the ext2fs
 * server will be (freestanding, newlib's headers), that calls the parts of
 * libext2fs the file-operations layer uses, so that linking it pulls them
 * and everything they need out of libext2fs.a, libcom_err.a and newlib.
 * It is linked, never run; lib/ext2fs/mica-link-test says what the link
 * must (and must not) leave undefined.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <ext2fs/ext2fs.h>
#include <et/com_err.h>

/* Mica's st_ino must hold ext2's 32-bit inode numbers (lib/newlib/ino_t.patch). */
_Static_assert(sizeof(((struct stat *)0)->st_ino) >= sizeof(ext2_ino_t),
	       "newlib's ino_t is too narrow for ext2 inode numbers");

static int count_entry(struct ext2_dir_entry *dirent, int offset, int blocksize,
		       char *buf, void *priv)
{
	(void)dirent;
	(void)offset;
	(void)blocksize;
	(void)buf;
	++*(int *)priv;
	return 0;
}

/* Write, read back and free one file, as lib/fs's open files will. */
static errcode_t file_round_trip(ext2_filsys fs, ext2_ino_t dir)
{
	ext2_ino_t ino;
	ext2_file_t file;
	char buf[64] = "hello";
	unsigned int got;
	blk64_t phys;
	errcode_t err;

	if ((err = ext2fs_new_inode(fs, dir, LINUX_S_IFREG | 0644, 0, &ino)) ||
	    (err = ext2fs_link(fs, dir, "f", ino, EXT2_FT_REG_FILE)) ||
	    (err = ext2fs_file_open(fs, ino, EXT2_FILE_WRITE, &file)))
		return err;
	err = ext2fs_file_write(file, buf, sizeof(buf), &got);
	if (!err)
		err = ext2fs_file_llseek(file, 0, EXT2_SEEK_SET, NULL);
	if (!err)
		err = ext2fs_file_read(file, buf, sizeof(buf), &got);
	ext2fs_file_close(file);
	if (!err)
		err = ext2fs_bmap2(fs, ino, NULL, NULL, BMAP_ALLOC, 0, NULL, &phys);
	if (!err)
		err = ext2fs_punch(fs, ino, NULL, NULL, 0, ~0ULL);
	if (!err)
		err = ext2fs_fallocate(fs, 0, ino, NULL, ~0ULL, 0, 8);
	if (!err)
		err = ext2fs_unlink(fs, dir, "f", ino, 0);
	return err;
}

/* The directory operations: mkdir, symlink, lookup, iterate, journal. */
static errcode_t tree_walk(ext2_filsys fs)
{
	ext2_ino_t dir, found;
	struct ext2_inode_large inode;
	int entries = 0;
	errcode_t err;

	if ((err = ext2fs_mkdir(fs, EXT2_ROOT_INO, 0, "d")) ||
	    (err = ext2fs_namei_follow(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, "d", &dir)) ||
	    (err = ext2fs_symlink(fs, dir, 0, "s", "target")) ||
	    (err = ext2fs_lookup(fs, dir, "s", 1, NULL, &found)) ||
	    (err = ext2fs_read_inode_full(fs, found, (struct ext2_inode *)&inode,
					  sizeof(inode))) ||
	    (err = ext2fs_write_inode_full(fs, found, (struct ext2_inode *)&inode,
					   sizeof(inode))) ||
	    (err = ext2fs_dir_iterate(fs, dir, 0, NULL, count_entry, &entries)) ||
	    (err = file_round_trip(fs, dir)))
		return err;
	return ext2fs_add_journal_inode(fs, 1024, EXT2_MKJOURNAL_NO_MNT_CHECK);
}

int main(int argc, char **argv)
{
	ext2_filsys fs;
	errcode_t err;

	(void)argc;
	/* Mica's io_manager (mica_blk) comes from the program; none is
	 * needed to prove the library links. */
	err = ext2fs_open2(argv[0], NULL, EXT2_FLAG_RW | EXT2_FLAG_64BITS, 0, 0,
			   NULL, &fs);
	if (!err)
		err = ext2fs_read_bitmaps(fs);
	if (!err)
		err = tree_walk(fs);
	if (!err)
		err = ext2fs_close_free(&fs);
	if (err)
		printf("%s: %s\n", argv[0], error_message(err));
	return err != 0;
}
