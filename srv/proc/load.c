/*
 * load.c - a program's file as root starts it (load.h, docs/processes.md
 * "Starting").  A file of the file server is not read: its headers are,
 * and the load plan made from them says which masked mappings of the file
 * (OpenFile.mmap_masked) its segments are regions of — the read-only
 * segments' shared, the copy-on-write segment's private — which root gets
 * with Launcher.start_mapped, so that the program's pages are the page
 * cache's.  A boot file (rom/) is read into the staging dataspace, which
 * root copies (Image.start).  Root's ELF parser checks the rest.
 */
#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/fsfile.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <common/elf.h>
#include <common/elf_load_plan.h>
#include <libsys/debug.h>
#include <libsys/slot.h>
#include <mica/error.h>
#include <mica/fs.h>
#include <mica/ipc.h>
#include <rt/rt.h>

#include <idl/kernel/task.h>
#include <idl/rt/dataspace.h>
#include <idl/rt/fs.h>
#include <idl/rt/memory.h>
#include <idl/rt/process.h>
#include <idl/rt/region_map.h>

static const char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

#define HEAD 4096        /* the ELF header and program headers must lie in it */
#define PHDR_SIZE 56
#define PT_LOAD 1
#define STAGE_STEP (64ull << 10)   /* the staging dataspace grows by this */
#define STAGE_KEEP (1ull << 20)    /* and is kept up to this size */
#define PROGRAM_LO 0x1000ull       /* where a program's segments may lie: root's bounds */
#define PROGRAM_HI 0x00007f0000000000ull
#define PROGRAMS_MAX 16            /* programs kept */

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

/* ---- programs mapped lately -------------------------------------------- */

/* A program file of the file server: its headers, its plan's regions and
 * its text mapping, and the server's own view of that mapping, from which
 * a program's text is mapped at its start; kept for the next start of
 * the same file (the same identity and times, as fstat says). */
struct program {
	bool kept;             /* in programs[] (else one load's alone) */
	dev_t dev;
	ino_t ino;
	off_t size;
	time_t mtime, ctime;
	unsigned char head[LOAD_HEAD_MAX];
	uint32_t head_len;
	struct pages plan;     /* the regions, the text mapping (the server's); no data, no task */
	mica_cap_t data;       /* a private data mapping never mapped: each start's is a copy */
	uint64_t data_limit;   /* the copy-on-write segment's file end (0: none) */
	uint32_t data_rights;
	uint64_t view, view_size;   /* the text mapping's [0, view_size) attached here */
	uint64_t used;         /* programs_clock when last started */
};
static struct program programs[PROGRAMS_MAX], scratch_program;
static uint64_t programs_clock;

static bool same_file(const struct program *p, const struct stat *st)
{
	return p->kept && p->dev == st->st_dev && p->ino == st->st_ino && p->size == st->st_size &&
	       p->mtime == st->st_mtime && p->ctime == st->st_ctime;
}

static void program_drop(struct program *p)
{
	uint64_t start, size;
	mica_cap_t back = mica_slot_alloc();

	if (p->view && back && region_map_detach(rt_cap("rm"), p->view, &start, &size, &back) == 0)
		mica_slot_drop(back);
	else
		mica_slot_free(back);
	pages_drop(&p->plan);
	mica_slot_drop(p->data);
	*p = (struct program){ 0 };
}

/* Whether a file's program may be kept: neither of its times this very
 * second, so that any later change of it (which sets its ctime to the
 * second it happens in) moves them (times are whole seconds: a second
 * change in the second of the first would not).  Its headers would be
 * stale; its pages never are (they are the page cache's). */
static bool keepable(const struct stat *st)
{
	time_t now = time(0);

	return st->st_mtime != now && st->st_ctime != now;
}

/* The regions of p's plan, and the limits of its two masks: the read-only
 * segments' mapping is masked past the last one's file part, the private
 * one past the copy-on-write segment's (its bss starts there). */
static int plan_segments(const struct elf_image *img, struct program *p, uint64_t *text_limit)
{
	struct elf_load_plan plan;
	unsigned copies = 0;

	*text_limit = 0;
	for (unsigned i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];
		uint64_t end = s->offset + s->filesz;
		bool tail = s->memsz > s->filesz && (s->vaddr + s->filesz) % 4096;
		if (!s->filesz)
			continue;
		if ((s->rights & MICA_W) || tail) {
			copies++;
			p->data_limit = end;
			p->data_rights = s->rights | MICA_R;
		} else if (end > *text_limit)
			*text_limit = end;
	}
	if (copies > 1 || !*text_limit)
		return ENOEXEC;   /* one private mapping, one mask; some text */
	elf_plan_load(img, &plan);
	for (unsigned i = 0; i < plan.nregions; i++) {
		const struct elf_region *r = &plan.regions[i];
		if (r->kind == ELF_REGION_ZERO)
			continue;
		p->plan.regions[p->plan.n++] = (struct pages_region){ r->vaddr, r->size, r->offset, r->rights,
								       r->kind == ELF_REGION_COPY };
		if (r->kind == ELF_REGION_SHARED && r->offset + r->size > p->view_size)
			p->view_size = r->offset + r->size;
	}
	return 0;
}

/* The server's view of p's text mapping, its pages brought in (the file
 * server maps them 64 KiB at a time where it can). */
static int make_view(struct program *p)
{
	mica_cap_t copy = mica_slot_alloc();
	int err;

	if (!copy)
		return ENOMEM;
	if (task_cap_map(MICA_BOOT_TASK, p->plan.text, copy, MICA_RWX, false) != 0 ||
	    region_map_attach(rt_cap("rm"), 0, p->view_size, MICA_R | MICA_X, copy, 0, &p->view) != 0) {
		mica_slot_drop(copy);
		p->view = 0;
		return ENOMEM;
	}
	for (uint64_t at = 0; at < p->view_size; at += 4096)
		err = *(volatile const char *)(p->view + at);
	(void)err;
	return 0;
}

/* fd's program, made now: its headers read and checked, its plan, its
 * text mapping and the view of it. */
static int program_make(const char *path, int fd, const struct stat *st, struct program *p)
{
	static unsigned char head[LOAD_HEAD_MAX];
	struct elf_image img;
	uint64_t text_limit;
	const char *why;
	ssize_t got = read(fd, head, sizeof head);
	int err;

	if (got < 0)
		return errno;
	*p = (struct program){ .dev = st->st_dev, .ino = st->st_ino, .size = st->st_size, .mtime = st->st_mtime,
			       .ctime = st->st_ctime, .head_len = (uint32_t)got };
	memcpy(p->head, head, (size_t)got);
	if (elf_parse_head(p->head, p->head_len, (uint64_t)st->st_size, PROGRAM_LO, PROGRAM_HI, &img, &why) != 0) {
		mica_printf("proc: %s is not a program: %s\n", path, why);
		return ENOEXEC;
	}
	if ((err = plan_segments(&img, p, &text_limit)) != 0)
		return err;
	if ((err = fsfile_map_masked(fd, MICA_R | MICA_X, false, text_limit, &p->plan.text)) != 0 ||
	    (p->data_limit && (err = fsfile_map_masked(fd, p->data_rights, true, p->data_limit, &p->data)) != 0))
		return err == ENFILE || err == ENOMEM ? EAGAIN : EIO;   /* the file server has no mapping left */
	return make_view(p);
}

/* A place for a new program: a free one, else the least recently started
 * one's. */
static struct program *program_slot(void)
{
	struct program *oldest = &programs[0];

	for (unsigned i = 0; i < PROGRAMS_MAX; i++) {
		if (!programs[i].kept)
			return &programs[i];
		if (programs[i].used < oldest->used)
			oldest = &programs[i];
	}
	program_drop(oldest);
	return oldest;
}

/* fd's program: kept from an earlier start, or made now (and kept, if it
 * may be). */
static int program_get(const char *path, int fd, const struct stat *st, struct program **out)
{
	struct program *p;
	int err;

	for (unsigned i = 0; i < PROGRAMS_MAX; i++)
		if (same_file(&programs[i], st)) {
			programs[i].used = ++programs_clock;
			*out = &programs[i];
			return 0;
		}
	p = keepable(st) ? program_slot() : &scratch_program;
	if ((err = program_make(path, fd, st, p)) != 0) {
		program_drop(p);
		return err;
	}
	p->kept = p != &scratch_program;
	p->used = ++programs_clock;
	*out = p;
	return 0;
}

/* This start's data mapping: a copy of p's, which was never mapped
 * (Dataspace.duplicate of a private mapping copies its own pages: none). */
static int program_data(const struct program *p, struct load *l)
{
	int err;

	if (!p->data)
		return 0;
	if (!(l->map.data = mica_slot_alloc()))
		return ENOMEM;
	if ((err = dataspace_duplicate(p->data, false, rt_cap("mem"), &l->map.data)) != 0) {
		mica_slot_free(l->map.data);
		l->map.data = 0;
		return err == -(MICA_FS_ERRNO + ENFILE) || err == -MICA_ENOMEM ? EAGAIN : EIO;
	}
	return 0;
}

/* A file of the file server: its program, a copy of the text mapping's
 * capability for the record, and the data segment's private mapping. */
static int load_mapped(const char *path, int fd, const struct stat *st, struct load *l)
{
	struct program *p;
	mica_cap_t text = mica_slot_alloc();
	int err;

	if (!text)
		return ENOMEM;
	if ((err = program_get(path, fd, st, &p)) != 0) {
		mica_slot_free(text);
		return err;
	}
	l->mapped = true;
	l->program = p;
	pages_copy(&l->map, &p->plan);
	l->map.text = text;
	if (task_cap_sibling(MICA_BOOT_TASK, p->plan.text, text, MICA_RWX) != 0) {
		l->map.text = 0;
		mica_slot_free(text);
		return ENOMEM;
	}
	return program_data(p, l);
}

const void *load_head(const struct load *l, uint32_t *len, uint64_t *file_size)
{
	*len = l->program->head_len;
	*file_size = (uint64_t)l->program->size;
	return l->program->head;
}

void load_map_text(const struct load *l, mica_cap_t task)
{
	const struct program *p = l->program;

	for (unsigned i = 0; i < p->plan.n; i++) {
		const struct pages_region *r = &p->plan.regions[i];
		uint64_t at = r->start, end = r->start + r->size;
		if (r->data)
			continue;
		/* The largest blocks aligned alike here and in the view. */
		while (at < end) {
			uint64_t src = p->view + r->offset + (at - r->start);
			unsigned order = 12;
			while (order < 30 && !((at | src) & ((2ull << order) - 1)) && end - at >= (2ull << order))
				order++;
			task_mem_map(task, mica_fpage(src, order, r->rights), at, false);
			at += 1ull << order;
		}
	}
}

void load_done(struct load *l)
{
	if (l->temporary)
		stage_drop(l);
	mica_slot_drop(l->hold);
	l->hold = 0;
	pages_drop(&l->map);
	if (l->program == &scratch_program)
		program_drop(&scratch_program);
	l->program = 0;
}

/* A boot file: its loadable part read into the staging dataspace. */
static int load_read(int fd, const struct stat *st, struct load *l)
{
	static unsigned char head[HEAD];
	uint64_t extent = 0;
	ssize_t got = read(fd, head, sizeof head);
	int err;

	if (got < 0)
		return errno;
	if ((err = loaded_extent(head, (uint64_t)got, (uint64_t)st->st_size, &extent)) != 0)
		return err;
	if (extent > LOAD_MAX)
		return ENOMEM;
	if ((err = stage_get(extent, l)) == 0 && (err = read_into(fd, l, extent, head, (uint64_t)got)) != 0)
		load_done(l);
	return err;
}

/* A program kept whose file `path` still is (stat: the same identity
 * and times): started without opening the file, the hold asked on the
 * kept text mapping.  1: not kept (the caller opens the file), else 0 or
 * an errno value. */
static int load_kept(const char *path, struct load *l)
{
	struct stat st;
	struct program *p = 0;
	mica_cap_t hold = mica_slot_alloc(), text = mica_slot_alloc();
	int err;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
		for (unsigned i = 0; i < PROGRAMS_MAX && !p; i++)
			if (same_file(&programs[i], &st))
				p = &programs[i];
	if (!p || !hold || !text) {
		mica_slot_free(hold);
		mica_slot_free(text);
		return 1;
	}
	p->used = ++programs_clock;
	if ((err = open_file_deny_write(p->plan.text, &hold)) != 0) {
		mica_slot_free(hold);
		mica_slot_free(text);
		return err <= -MICA_FS_ERRNO ? -err - MICA_FS_ERRNO : EIO;   /* ETXTBSY */
	}
	l->mapped = true;
	l->program = p;
	pages_copy(&l->map, &p->plan);
	l->map.text = text;
	l->hold = hold;
	if (task_cap_sibling(MICA_BOOT_TASK, p->plan.text, text, MICA_RWX) != 0) {
		l->map.text = 0;
		mica_slot_free(text);
		err = ENOMEM;
	} else
		err = program_data(p, l);
	if (err)
		load_done(l);
	return err;
}

int load_file(const char *path, struct load *l)
{
	struct stat st;
	mica_cap_t hold = 0;
	int err, fd;

	/* All but the regions' array (1.3 KiB a spawn), which map.n 0 empties. */
	memset(l, 0, offsetof(struct load, map) + offsetof(struct pages, regions));
	if ((err = load_kept(path, l)) != 1)
		return err;
	if ((fd = open(path, O_RDONLY)) < 0)
		return errno;
	if (fstat(fd, &st) != 0)
		err = errno;
	else if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		err = EACCES;
	else if ((err = fsfile_deny_write(fd, &hold)) != 0)
		;
	else if (hold)   /* a file of the file server */
		err = load_mapped(path, fd, &st, l);
	else
		err = load_read(fd, &st, l);
	close(fd);
	if (err) {
		pages_drop(&l->map);
		mica_slot_drop(hold);
		if (l->program == &scratch_program)   /* made for this start alone (load_done's) */
			program_drop(&scratch_program);
		l->program = 0;
	} else
		l->hold = hold;
	return err;
}
