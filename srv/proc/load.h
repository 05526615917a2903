/*
 * load.h - a program's file read into memory for root's Image.start
 * (srv/proc/load.c).
 */
#ifndef SRV_PROC_LOAD_H
#define SRV_PROC_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include <mica/types.h>

#define LOAD_MAX (64ull << 20)   /* the largest program file */

/* A program's file in a dataspace of the server's memory session. */
struct load {
	mica_cap_t ds;
	char *buf;          /* where it is attached */
	uint64_t size;      /* the bytes of the file in it */
	uint64_t room;
	bool temporary;     /* this file's alone (else the staging one) */
};

/* The file `path` (through the C library: rom/NAME or the file server's)
 * read into l: the staging dataspace, or one of its own for a file over
 * 1 MiB; it stays valid until load_done or the next load_file.
 * 0 or an errno: ENOENT, ENOTDIR, ... as open() says; EACCES (not a
 * regular file, or no x bit); ENOEXEC (no ELF header and program headers
 * in its first 4 KiB, or a segment past its end); ENOMEM.  Only the part a
 * program is loaded from is read: *size is its length. */
int load_file(const char *path, struct load *l);
/* Done with it: a dataspace of its own goes. */
void load_done(struct load *l);

#endif
