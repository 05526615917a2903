/*
 * load.c - a program's file read into a dataspace (load.h).  The bytes are
 * copied: the file server cannot yet hand out its pages (mapping a file's
 * text and copy-on-write data needs its mappers), and root copies them once
 * more into the program's own contiguous memory (docs/processes.md).  Only
 * the part of the file a program is loaded from is read: its headers and
 * its loadable segments, not the symbols and debugging sections after
 * them.  Root's ELF parser checks the rest.
 */
#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libsys/slot.h>
#include <mica/error.h>
#include <mica/ipc.h>
#include <rt/rt.h>

#include <idl/kernel/task.h>
#include <idl/rt/memory.h>
#include <idl/rt/region_map.h>

static const char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

#define HEAD 4096        /* the ELF header and program headers must lie in it */
#define PHDR_SIZE 56
#define PT_LOAD 1

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

/* The dataspace's bytes: attach a copy of its capability (attach takes the
 * one it is given), the file's first `size` bytes in (the first `got` of
 * them already read into head), detach. */
static int read_into(int fd, mica_cap_t ds, uint64_t size, const unsigned char *head, uint64_t got)
{
	mica_cap_t copy = mica_slot_alloc(), back;
	uint64_t start, rsize, rounded = (size + MICA_PAGE_SIZE - 1) & ~(MICA_PAGE_SIZE - 1);
	int err = 0;

	if (!copy)
		return ENOMEM;
	if (task_cap_map(MICA_BOOT_TASK, ds, copy, MICA_RWX, false) != 0 ||
	    region_map_attach(rt_cap("rm"), 0, rounded, MICA_R | MICA_W, copy, 0, &start) != 0) {
		mica_slot_drop(copy);
		return ENOMEM;
	}
	char *buf = (char *)start;
	uint64_t done = got < size ? got : size;
	memcpy(buf, head, done);
	while (done < size && !err) {
		ssize_t n = read(fd, buf + done, size - done);
		if (n <= 0)
			err = n < 0 ? errno : EIO;   /* shorter than fstat said */
		else
			done += (uint64_t)n;
	}
	back = copy;
	if (region_map_detach(rt_cap("rm"), start, &start, &rsize, &back) == 0)
		mica_slot_drop(back);
	return err;
}

int load_file(const char *path, mica_cap_t *ds, uint64_t *size)
{
	static unsigned char head[HEAD];
	struct stat st;
	uint64_t extent = 0;
	ssize_t got;
	int err, fd = open(path, O_RDONLY);

	if (fd < 0)
		return errno;
	if (fstat(fd, &st) != 0)
		err = errno;
	else if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		err = EACCES;
	else if ((got = read(fd, head, sizeof head)) < 0)
		err = errno;
	else if ((err = loaded_extent(head, (uint64_t)got, (uint64_t)st.st_size, &extent)) != 0)
		;
	else if (extent > LOAD_MAX)
		err = ENOMEM;
	else if (!(*ds = mica_slot_alloc()))
		err = ENOMEM;
	else if ((err = memory_alloc(rt_cap("mem"), extent, ds)) != 0) {
		mica_slot_free(*ds);
		err = errno_of(err);
	} else if ((err = read_into(fd, *ds, extent, head, (uint64_t)got)) != 0)
		mica_slot_drop(*ds);
	else
		*size = extent;
	close(fd);
	return err;
}
