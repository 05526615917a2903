/*
 * romfile.c - open files under rom/: the boot file's dataspace from root's
 * Rom service (idl/rt/rom.idl), attached read-only by the program's region
 * mapper, so read() is a copy out of memory and the pages come in as they
 * are first touched.  The capability moves to the region mapper with the
 * attach; close() detaches the region, which gives it back, and drops it.
 * An empty file attaches nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libsys/slot.h>
#include <mica/ipc.h>
#include <mica/proc.h>
#include <rt/rt.h>

#include "glue.h"
#include <idl/rt/region_map.h>
#include <idl/rt/rom.h>

struct romfile {
	const char *data;   /* where the file is attached; NULL when it is empty */
	uint64_t size, pos;
	char name[ROM_OPEN_NAME_MAX + 1];   /* for a spawned child, which opens it again */
};

/* The boot file's dataspace in a fresh slot, and its size: 0 or an errno. */
static int rom_get(const char *name, mica_cap_t *ds, uint64_t *size)
{
	mica_cap_t rom = rt_cap("rom");
	mica_cap_t slot;
	int err;

	if (strlen(name) > ROM_OPEN_NAME_MAX)
		return ENAMETOOLONG;
	if (!rom)
		return ENOENT;   /* nothing is under rom/ for this program */
	slot = *ds = mica_slot_alloc();
	if (!slot)
		return EMFILE;   /* the task's slots, as a descriptor table */
	err = rom_open(rom, name, ds, size);
	if (!err && *ds == MICA_CAP_NULL)
		err = -MICA_EMSG;
	if (err) {
		mica_slot_free(slot);
		return libc_errno_of(err);
	}
	return 0;
}

static void fill_stat(struct stat *st, uint64_t size)
{
	st->st_mode = S_IFREG | 0555;   /* boot files are readable and executable */
	st->st_nlink = 1;
	st->st_size = (off_t)size;
	st->st_blksize = MICA_PAGE_SIZE;
	st->st_blocks = (blkcnt_t)((size + 511) / 512);
}

static ssize_t romfile_read(struct file *f, void *buf, size_t len)
{
	struct romfile *r = f->obj;
	size_t n = r->pos < r->size ? r->size - r->pos : 0;

	if (n > len)
		n = len;
	memcpy(buf, r->data + r->pos, n);
	r->pos += n;
	return (ssize_t)n;
}

static ssize_t romfile_write(struct file *f, const void *buf, size_t len)
{
	(void)f;
	(void)buf;
	(void)len;
	return libc_fail(EBADF);   /* never reached: open() allows only O_RDONLY */
}

static off_t romfile_size(struct file *f)
{
	return (off_t)((struct romfile *)f->obj)->size;
}

static off_t romfile_lseek(struct file *f, off_t off, int whence)
{
	struct romfile *r = f->obj;
	off_t to = fd_seek_target(f, (off_t)r->pos, off, whence, romfile_size);

	if (to >= 0)
		r->pos = (uint64_t)to;
	return to;
}

static int romfile_fstat(struct file *f, struct stat *st)
{
	fill_stat(st, ((struct romfile *)f->obj)->size);
	return 0;
}

static void release(struct romfile *r)
{
	if (r->data) {
		uint64_t start, size;
		mica_cap_t back = mica_slot_alloc();
		region_map_detach(rt_cap("rm"), (uint64_t)(uintptr_t)r->data, &start, &size, &back);
		if (back)
			mica_slot_drop(back);
	}
	free(r);
}

static int romfile_close(struct file *f)
{
	release(f->obj);
	return 0;
}

static int romfile_hand_off(struct file *f, struct inherit_item *out)
{
	struct romfile *r = f->obj;

	*out = (struct inherit_item){ MICA_INHERIT_ROM, r->pos, r->name, 0 };
	return 0;
}

static const struct file_ops romfile_ops = {
	.read = romfile_read,
	.write = romfile_write,
	.lseek = romfile_lseek,
	.fstat = romfile_fstat,
	.close = romfile_close,
	.hand_off = romfile_hand_off,
};

int romfile_open(const char *name, int flags)
{
	struct romfile *r;
	mica_cap_t ds;
	uint64_t start;
	int err, fd;

	r = calloc(1, sizeof *r);
	if (!r)
		return libc_fail(ENOMEM);
	err = rom_get(name, &ds, &r->size);
	if (err) {
		free(r);
		return libc_fail(err);
	}
	strcpy(r->name, name);   /* rom_get checked its length */
	/* The file exists (ENOENT came first): rom/ is read-only. */
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC | O_APPEND))) {
		mica_slot_drop(ds);
		free(r);
		return libc_fail(EROFS);
	}
	if (r->size) {
		uint64_t span = (r->size + MICA_PAGE_SIZE - 1) & ~(uint64_t)(MICA_PAGE_SIZE - 1);
		err = region_map_attach(rt_cap("rm"), 0, span, MICA_R, ds, 0, &start);
		if (!err)
			r->data = (const char *)(uintptr_t)start;
	}
	mica_slot_drop(ds);   /* empty after an attach, which took it */
	if (err) {
		free(r);
		return libc_fail_mica(err);
	}
	fd = fd_install(&romfile_ops, r, flags);
	if (fd < 0)
		release(r);
	return fd;
}

int romfile_stat(const char *name, struct stat *st)
{
	mica_cap_t ds;
	uint64_t size;
	int err = rom_get(name, &ds, &size);

	if (err)
		return libc_fail(err);
	mica_slot_drop(ds);
	fill_stat(st, size);
	return 0;
}
