/*
 * load.c - a program's file read into a dataspace (load.h).  The bytes are
 * copied: the file server cannot yet hand out its pages (mapping a file's
 * text and copy-on-write data needs its mappers), and root copies them once
 * more into the program's own contiguous memory (docs/processes.md).
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

static int errno_of(int mica_err)
{
	return mica_err == -MICA_ENOMEM ? ENOMEM : EIO;
}

/* The dataspace's bytes: attach a copy of its capability (attach takes the
 * one it is given), read the file in, detach. */
static int read_into(int fd, mica_cap_t ds, uint64_t size)
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
	for (uint64_t done = 0; done < size && !err;) {
		ssize_t n = read(fd, buf + done, size - done);
		if (n <= 0)
			err = n < 0 ? errno : EIO;   /* shorter than fstat said */
		else
			done += (uint64_t)n;
	}
	if (!err && memcmp(buf, elf_magic, sizeof elf_magic) != 0)
		err = ENOEXEC;
	back = copy;
	if (region_map_detach(rt_cap("rm"), start, &start, &rsize, &back) == 0)
		mica_slot_drop(back);
	return err;
}

int load_file(const char *path, mica_cap_t *ds, uint64_t *size)
{
	struct stat st;
	int err, fd = open(path, O_RDONLY);

	if (fd < 0)
		return errno;
	if (fstat(fd, &st) != 0)
		err = errno;
	else if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		err = EACCES;
	else if ((uint64_t)st.st_size < sizeof elf_magic)
		err = ENOEXEC;
	else if ((uint64_t)st.st_size > LOAD_MAX)
		err = ENOMEM;
	else if (!(*ds = mica_slot_alloc()))
		err = ENOMEM;
	else if ((err = memory_alloc(rt_cap("mem"), (uint64_t)st.st_size, ds)) != 0) {
		mica_slot_free(*ds);
		err = errno_of(err);
	} else if ((err = read_into(fd, *ds, (uint64_t)st.st_size)) != 0)
		mica_slot_drop(*ds);
	else
		*size = (uint64_t)st.st_size;
	close(fd);
	return err;
}
