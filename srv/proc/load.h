/*
 * load.h - a program's file as root starts it (srv/proc/load.c): a file of
 * the file server as mappings of its page cache (Launcher.start_mapped), a
 * boot file read into a dataspace (Image.start).
 */
#ifndef SRV_PROC_LOAD_H
#define SRV_PROC_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include <mica/types.h>

#include "pages.h"

#define LOAD_MAX (64ull << 20)   /* the largest program file */
#define LOAD_HEAD_MAX 1024       /* its ELF header and program headers, at most */

struct program;

/* A program's file: mapped (a file of the file server), or read into a
 * dataspace of the server's memory session (a boot file). */
struct load {
	bool mapped;
	/* mapped: the program (load.c), and the mappings of this start (a
	 * copy of the text mapping's capability, its own data mapping) with
	 * the regions they show, for the record */
	struct program *program;
	/* read: the dataspace */
	mica_cap_t ds;
	char *buf;          /* where it is attached */
	uint64_t size;      /* the bytes of the file in it */
	uint64_t room;
	bool temporary;     /* this file's alone (else the staging one) */
	mica_cap_t hold;    /* the file server's denial of writes to the file
			       (0: a boot file): the caller keeps it while
			       the program runs, or load_done drops it */
	struct pages map;   /* last: its regions past map.n are never read */
};

/* The file `path` (through the C library: rom/NAME or the file server's)
 * as l: for a file of the file server, its headers and two masked
 * mappings of it (OpenFile.mmap_masked): the read-only segments' (shared,
 * up to the end of the last one's file part), which the server keeps for
 * the next start of the same file (the same inode, size and times: a
 * kept file is not opened again, its hold asked on the text mapping) with
 * its headers and its view of it, and the copy-on-write segment's
 * (private, up to the end of its file part: each start's own, a copy of
 * one kept never mapped), with the load plan's regions; a boot file is read into the staging dataspace, or
 * one of its own for a file over 1 MiB.  It stays valid until load_done or
 * the next load_file.
 * 0 or an errno: ENOENT, ENOTDIR, ... as open() says; EACCES (not a
 * regular file, or no x bit); ENOEXEC (no ELF header and program headers
 * in its first 1 KiB (4 KiB for a boot file), a segment past its end, not
 * a static program, more than one copy-on-write segment); ETXTBSY;
 * ENFILE (the file server has no mapping left); ENOMEM. */
int load_file(const char *path, struct load *l);
/* Done with it: what the caller did not take goes (a dataspace of its
 * own, the mappings, the hold). */
void load_done(struct load *l);
/* A mapped file's headers (*len bytes) and size, for root. */
const void *load_head(const struct load *l, uint32_t *len, uint64_t *file_size);
/* A mapped file's text into the task of a program started from it, from
 * the server's view of the text mapping (its pages there derived from the
 * page cache's, as large blocks as the alignment allows; pages the view
 * lacks now fault in later). */
void load_map_text(const struct load *l, mica_cap_t task);

#endif
