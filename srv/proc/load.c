/*
 * load.c - a program's file as root's program image (load.h,
 * docs/processes.md "Loading").  The part of the file a program is loaded
 * from (its headers and loadable segments, not the symbols and debugging
 * sections after them) is read into the staging dataspace and copied by
 * root into a program image (Image.copy), which programs are started from
 * without another copy.  The images of the files run lately stay, keyed by
 * the file's identity and times: a file run again is not read again.
 * Root's ELF parser checks the rest.
 */
#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/fsfile.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libsys/slot.h>
#include <mica/error.h>
#include <mica/ipc.h>
#include <rt/rt.h>

#include <idl/kernel/task.h>
#include <idl/rt/memory.h>
#include <idl/rt/process.h>
#include <idl/rt/region_map.h>

static const char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

#define HEAD 4096        /* the ELF header and program headers must lie in it */
#define PHDR_SIZE 56
#define PT_LOAD 1
#define STAGE_STEP (64ull << 10)   /* the staging dataspace grows by this */
#define STAGE_KEEP (1ull << 20)    /* and is kept up to this size */
#define IMAGES_MAX 16                /* program images kept */
#define IMAGES_BYTES (8ull << 20)    /* their bytes together, at most */

/* A program image kept: root's, of the file whose identity and times it
 * was read with. */
struct image {
	mica_cap_t cap;       /* 0: a free entry */
	dev_t dev;
	ino_t ino;
	off_t size;
	time_t mtime, ctime;
	uint64_t bytes;       /* the image's: the part a program is loaded from */
	uint64_t used;        /* images_clock when last started */
};
static struct image images[IMAGES_MAX];
static uint64_t images_clock, images_bytes;

static uint64_t le(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* How much of a file of `size` bytes, whose first bytes are head[0..got),
 * a program is loaded from: *extent, or ENOEXEC. */
static int loaded_extent(const unsigned char *head, uint64_t got, uint64_t size, uint64_t *extent)
{
	uint64_t phoff = le(head + 32, 8), phentsize = le(head + 54, 2), phnum = le(head + 56, 2);

	if (got < 64 || memcmp(head, elf_magic, sizeof elf_magic) != 0 || phentsize != PHDR_SIZE ||
	    phoff > got || phnum > (got - phoff) / PHDR_SIZE)
		return ENOEXEC;
	*extent = phoff + phnum * PHDR_SIZE;
	for (uint64_t i = 0; i < phnum; i++) {
		const unsigned char *ph = head + phoff + i * PHDR_SIZE;
		uint64_t offset = le(ph + 8, 8), filesz = le(ph + 32, 8);
		if (le(ph, 4) != PT_LOAD)
			continue;
		if (offset > size || filesz > size - offset)
			return ENOEXEC;
		if (offset + filesz > *extent)
			*extent = offset + filesz;
	}
	return 0;
}

static int errno_of(int mica_err)
{
	return mica_err == -MICA_ENOMEM ? ENOMEM : EIO;
}

/* The staging dataspace: kept attached between spawns, so that its pages,
 * once touched, are not faulted in again for each program. */
static struct load staging;

/* A dataspace of `size` bytes, attached: a copy of its capability goes to
 * the region mapper (attach takes the one it is given). */
static int stage_make(uint64_t size, struct load *l)
{
	mica_cap_t copy = mica_slot_alloc();
	uint64_t start;
	int err;

	if (!copy || !(l->ds = mica_slot_alloc())) {
		mica_slot_free(copy);
		return ENOMEM;
	}
	if ((err = memory_alloc(rt_cap("mem"), size, &l->ds)) != 0) {
		mica_slot_free(l->ds), mica_slot_free(copy);
		return errno_of(err);
	}
	if (task_cap_map(MICA_BOOT_TASK, l->ds, copy, MICA_RWX, false) != 0 ||
	    region_map_attach(rt_cap("rm"), 0, size, MICA_R | MICA_W, copy, 0, &start) != 0) {
		mica_slot_drop(copy), mica_slot_drop(l->ds);
		return ENOMEM;
	}
	l->buf = (char *)start;
	l->room = size;
	return 0;
}

static void stage_drop(struct load *l)
{
	uint64_t start, size;
	mica_cap_t back = mica_slot_alloc();

	if (back && region_map_detach(rt_cap("rm"), (uint64_t)l->buf, &start, &size, &back) == 0)
		mica_slot_drop(back);
	else
		mica_slot_free(back);
	mica_slot_drop(l->ds);
	*l = (struct load){ 0 };
}

/* Room for `size` bytes: the staging dataspace, grown up to STAGE_KEEP, or
 * one for this file alone. */
static int stage_get(uint64_t size, struct load *l)
{
	uint64_t room = (size + STAGE_STEP - 1) & ~(STAGE_STEP - 1);
	int err;

	if (room > STAGE_KEEP) {
		if ((err = stage_make(room, l)) == 0)
			l->temporary = true;
		return err;
	}
	if (staging.room < room) {
		if (staging.ds)
			stage_drop(&staging);
		if ((err = stage_make(room, &staging)) != 0)
			return err;
	}
	*l = staging;
	return 0;
}

void load_done(struct load *l)
{
	if (l->temporary)
		stage_drop(l);
	mica_slot_drop(l->hold);
	l->hold = 0;
}

/* ---- the images kept ------------------------------------------------ */

static bool same_file(const struct image *i, const struct stat *st)
{
	return i->dev == st->st_dev && i->ino == st->st_ino && i->size == st->st_size && i->mtime == st->st_mtime &&
	       i->ctime == st->st_ctime;
}

static struct image *image_find(const struct stat *st)
{
	for (unsigned i = 0; i < IMAGES_MAX; i++)
		if (images[i].cap && same_file(&images[i], st))
			return &images[i];
	return 0;
}

static void image_drop(struct image *i)
{
	mica_slot_drop(i->cap);   /* root's image goes after its last program */
	images_bytes -= i->bytes;
	*i = (struct image){ 0 };
}

/* Whether a file's image may be kept: a file of the file system (boot
 * files have no inode number), neither of its times this very second, so
 * that any later change of it (which sets its ctime to the second it
 * happens in) moves them (times are whole seconds: a second change in the
 * second of the first would not), and not too big. */
static bool keepable(const struct stat *st, uint64_t bytes)
{
	time_t now = time(0);

	return st->st_ino != 0 && st->st_mtime != now && st->st_ctime != now && bytes <= IMAGES_BYTES / 4;
}

/* Root's image of l's bytes, kept for st's file: l then names it; l stays
 * the staging dataspace when root cannot make one. */
static void image_keep(const struct stat *st, struct load *l)
{
	struct image *slot = 0;
	mica_cap_t cap = mica_slot_alloc();

	if (!cap)
		return;
	if (image_copy(l->ds, l->size, &cap) != 0) {
		mica_slot_free(cap);
		return;
	}
	/* Room: the least recently started go first. */
	for (;;) {
		struct image *oldest = 0;
		slot = 0;
		for (unsigned i = 0; i < IMAGES_MAX; i++) {
			if (!images[i].cap)
				slot = slot ? slot : &images[i];
			else if (!oldest || images[i].used < oldest->used)
				oldest = &images[i];
		}
		if (slot && images_bytes + l->size <= IMAGES_BYTES)
			break;
		image_drop(oldest);
	}
	*slot = (struct image){ cap, st->st_dev, st->st_ino, st->st_size, st->st_mtime, st->st_ctime, l->size,
				++images_clock };
	images_bytes += l->size;
	load_done(l);
	*l = (struct load){ .ds = cap, .size = slot->bytes };
}

/* The file's first `size` bytes into l (the first `got` of them already
 * read into head). */
static int read_into(int fd, struct load *l, uint64_t size, const unsigned char *head, uint64_t got)
{
	uint64_t done = got < size ? got : size;
	int err = 0;

	memcpy(l->buf, head, done);
	while (done < size && !err) {
		ssize_t n = read(fd, l->buf + done, size - done);
		if (n <= 0)
			err = n < 0 ? errno : EIO;   /* shorter than fstat said */
		else
			done += (uint64_t)n;
	}
	l->size = size;
	return err;
}

int load_file(const char *path, struct load *l)
{
	static unsigned char head[HEAD];
	struct stat st;
	struct image *kept;
	uint64_t extent = 0;
	ssize_t got;
	mica_cap_t hold = 0;
	int err, fd = open(path, O_RDONLY);

	*l = (struct load){ 0 };
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) != 0)
		err = errno;
	else if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		err = EACCES;
	else if ((err = fsfile_deny_write(fd, &hold)) != 0)
		;
	else if ((kept = image_find(&st)) != 0) {
		kept->used = ++images_clock;
		*l = (struct load){ .ds = kept->cap, .size = kept->bytes };
		err = 0;
	} else if ((got = read(fd, head, sizeof head)) < 0)
		err = errno;
	else if ((err = loaded_extent(head, (uint64_t)got, (uint64_t)st.st_size, &extent)) != 0)
		;
	else if (extent > LOAD_MAX)
		err = ENOMEM;
	else if ((err = stage_get(extent, l)) == 0 && (err = read_into(fd, l, extent, head, (uint64_t)got)) != 0)
		load_done(l);
	else if (keepable(&st, extent))
		image_keep(&st, l);
	close(fd);
	if (err)
		mica_slot_drop(hold);
	else
		l->hold = hold;
	return err;
}
