/*
 * load.h - a program's file as a dataspace for root's Image.start: a
 * program image kept from an earlier load, or the file read into memory
 * (srv/proc/load.c).
 */
#ifndef SRV_PROC_LOAD_H
#define SRV_PROC_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include <mica/types.h>

#define LOAD_MAX (64ull << 20)   /* the largest program file */

/* A program's file: root's program image of it, or a dataspace of the
 * server's memory session it was read into. */
struct load {
	mica_cap_t ds;
	char *buf;          /* where it is attached (0: an image) */
	uint64_t size;      /* the bytes of the file in it */
	uint64_t room;
	bool temporary;     /* this file's alone (else the staging one) */
	mica_cap_t hold;    /* the file server's denial of writes to the file
			       (0: a boot file): the caller keeps it while
			       the program runs, or load_done drops it */
};

/* The file `path` (through the C library: rom/NAME or the file server's)
 * as l: a program image kept from an earlier load of the same file (the
 * same inode, size and times), or it is read, and root makes an image of
 * it to keep (a file changed in this very second is not kept, nor a boot
 * file); failing that, l is the staging dataspace, or one of its own for
 * a file over 1 MiB.  It stays valid until load_done or the next
 * load_file.
 * 0 or an errno: ENOENT, ENOTDIR, ... as open() says; EACCES (not a
 * regular file, or no x bit); ENOEXEC (no ELF header and program headers
 * in its first 4 KiB, or a segment past its end); ENOMEM.  Only the part a
 * program is loaded from is read: *size is its length. */
int load_file(const char *path, struct load *l);
/* Done with it: a dataspace of its own goes, and the hold if it is still
 * there. */
void load_done(struct load *l);

#endif
