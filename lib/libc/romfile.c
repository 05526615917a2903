/*
 * romfile.c - open files under rom/: the boot file's dataspace from root's
 * Rom service (idl/rt/rom.idl), attached read-only by the program's region
 * mapper, so read() is a copy out of memory and the pages come in as they
 * are first touched.  The capability moves to the region mapper with the
 * attach; close() detaches the region, which gives it back, and drops it.
 * An empty file attaches nothing.
 *
 * The offset is the description's own until a child gets the description
 * (a spawn, an exec, a fork): it then moves into a page of its own (a
 * dataspace of the program's memory session, attached shared), which the
 * child attaches too, so that parent and child share it as POSIX wants
 * (docs/processes.md).  A read claims its bytes by a compare-and-swap on
 * the offset, so two programs reading at once never read the same bytes.
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
#include <idl/kernel/task.h>
#include <idl/rt/dataspace.h>
#include <idl/rt/memory.h>
#include <idl/rt/region_map.h>
#include <idl/rt/rom.h>

struct romfile {
	const char *data;   /* where the file is attached; NULL when it is empty */
	uint64_t size, own;
	uint64_t *pos;      /* the offset: &own, or in the shared page */
	mica_cap_t page;    /* the shared page's dataspace (0: not shared), for children's copies */
	char name[ROM_OPEN_NAME_MAX + 1];   /* for a spawned child, which opens it again */
};

static unsigned open_roms;   /* descriptions of ours (a fork without any walks no table) */

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
	uint64_t at = __atomic_load_n(r->pos, __ATOMIC_RELAXED);
	size_t n;

	do {   /* claim [at, at + n): another program sharing the offset may move it */
		n = at < r->size ? r->size - at : 0;
		if (n > len)
			n = len;
	} while (n && !__atomic_compare_exchange_n(r->pos, &at, at + n, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	memcpy(buf, r->data + at, n);
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
	uint64_t at = __atomic_load_n(r->pos, __ATOMIC_RELAXED);
	off_t to;

	do
		to = fd_seek_target(f, (off_t)at, off, whence, romfile_size);
	while (to >= 0 && !__atomic_compare_exchange_n(r->pos, &at, (uint64_t)to, false, __ATOMIC_RELAXED,
						       __ATOMIC_RELAXED));
	return to;
}

static int romfile_fstat(struct file *f, struct stat *st)
{
	fill_stat(st, ((struct romfile *)f->obj)->size);
	return 0;
}

static int romfile_hand_off(struct file *f, struct inherit_item *out);

static void detach(const void *at)
{
	uint64_t start, size;
	mica_cap_t back = mica_slot_alloc();

	region_map_detach(rt_cap("rm"), (uint64_t)(uintptr_t)at, &start, &size, &back);
	if (back)
		mica_slot_drop(back);
}

static void release(struct romfile *r)
{
	if (r->data)
		detach(r->data);
	if (r->page) {
		detach(r->pos);
		mica_slot_drop(r->page);
	}
	free(r);
}

/* Attach the offset's page `ds` (which the region mapper takes) shared and
 * read-write: 0 or a Mica error. */
static int attach_page(struct romfile *r, mica_cap_t ds)
{
	uint64_t start;
	int err = region_map_attach(rt_cap("rm"), 0, MICA_PAGE_SIZE, MICA_R | MICA_W, ds, 0, &start);

	if (!err)
		r->pos = (uint64_t *)(uintptr_t)start;
	return err;
}

/* The offset moved into a page of its own, once: a Memory.alloc of the
 * program's session, a capability kept for the children.  0 or a Mica
 * error (the offset stays the description's own). */
static int share(struct romfile *r)
{
	mica_cap_t ds, kept;
	int err;

	if (r->page)
		return 0;
	ds = mica_slot_alloc();
	kept = mica_slot_alloc();
	if (!ds || !kept)
		err = -MICA_ENOMEM;
	else if ((err = memory_alloc(rt_cap("mem"), MICA_PAGE_SIZE, &ds)) == 0 &&
		 (err = task_cap_map(MICA_BOOT_TASK, ds, kept, MICA_RWX, false)) == 0) {
		uint64_t at = r->own;
		if ((err = attach_page(r, ds)) == 0) {
			mica_slot_free(ds);   /* empty: the region mapper has it */
			*r->pos = at;
			r->page = kept;
			return 0;
		}
	}
	mica_slot_drop(ds);
	mica_slot_drop(kept);
	return err;
}

/* Every rom file's offset shared before a fork: the child's copy of the
 * page's region maps the same page (an attached region is shared across
 * a fork, fork.c).  0 or an errno. */
int libc_romfile_before_fork(void)
{
	int flags, err;

	if (!open_roms)
		return 0;
	for (int fd = 0; fd < FD_MAX; fd++) {
		struct file *f = fd_get(fd, &flags);
		if (f && f->ops->hand_off == romfile_hand_off && (err = share(f->obj)) != 0)
			return libc_errno_of(err);
	}
	return 0;
}

static int romfile_close(struct file *f)
{
	open_roms--;
	release(f->obj);
	return 0;
}

/* The child gets the name, the offset as it is, and a capability to the
 * offset's page straight from root (Dataspace.duplicate, shared: not
 * derived from ours, so it outlives this program). */
static int romfile_hand_off(struct file *f, struct inherit_item *out)
{
	struct romfile *r = f->obj;
	mica_cap_t page = mica_slot_alloc(), slot = page;
	int err;

	if (!page)
		return ENOMEM;
	if ((err = share(r)) != 0 || (err = dataspace_duplicate(r->page, true, rt_cap("mem"), &page)) != 0 ||
	    (err = page ? 0 : -MICA_EMSG) != 0) {
		mica_slot_drop(page ? page : slot);
		return libc_errno_of(err);
	}
	*out = (struct inherit_item){ MICA_INHERIT_ROM, *r->pos, r->name, page };
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
	r->pos = &r->own;
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
	else
		open_roms++;
	return fd;
}

/* A rom file a spawned child inherits: opened again, its offset in the
 * page `page` (which this takes) when there is one, else at `pos`. */
int romfile_adopt(const char *name, int flags, off_t pos, mica_cap_t page)
{
	int fd = romfile_open(name, O_RDONLY | (flags & O_NONBLOCK));
	int err;

	if (fd < 0) {
		mica_slot_drop(page);
		return fd;
	}
	struct romfile *r = fd_lookup(fd)->obj;
	if (!page) {
		r->own = (uint64_t)pos;
		return fd;
	}
	mica_cap_t kept = mica_slot_alloc();
	if (!kept || (err = task_cap_map(MICA_BOOT_TASK, page, kept, MICA_RWX, false)) != 0 ||
	    (err = attach_page(r, page)) != 0) {
		mica_slot_drop(kept);
		mica_slot_drop(page);
		close(fd);
		return libc_fail(kept ? libc_errno_of(err) : ENOMEM);
	}
	mica_slot_free(page);   /* empty: the region mapper has it */
	r->page = kept;
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
