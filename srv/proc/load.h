/*
 * load.h - a program's file read into memory for root's Image.start
 * (srv/proc/load.c).
 */
#ifndef SRV_PROC_LOAD_H
#define SRV_PROC_LOAD_H

#include <stdint.h>

#include <mica/types.h>

#define LOAD_MAX (64ull << 20)   /* the largest program file */

/* The file `path` (through the C library: rom/NAME or the file server's)
 * read into a new dataspace of the server's memory session: *ds, *size.
 * 0 or an errno: ENOENT, ENOTDIR, ... as open() says; EACCES (not a
 * regular file, or no x bit); ENOEXEC (no ELF header and program headers
 * in its first 4 KiB, or a segment past its end); ENOMEM.  Only the part a
 * program is loaded from is read: *size is its length. */
int load_file(const char *path, mica_cap_t *ds, uint64_t *size);

#endif
