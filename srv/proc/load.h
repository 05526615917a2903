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
 * regular file, or no x bit); ENOEXEC (empty, or no ELF magic); ENOMEM. */
int load_file(const char *path, mica_cap_t *ds, uint64_t *size);

#endif
