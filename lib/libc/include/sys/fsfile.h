/*
 * sys/fsfile.h - Mica's: what the C library's file-server descriptors
 * (lib/libc/fsfile.c) offer a server that runs programs from files: the
 * process server holds a file's writers off while a program runs from it
 * (docs/processes.md, ETXTBSY) and maps its segments from the page cache.
 */
#ifndef _SYS_FSFILE_H
#define _SYS_FSFILE_H

#include <stdbool.h>
#include <stdint.h>

#include <mica/types.h>

/* A hold denying writes to fd's file (OpenFile.deny_write) while a
 * program runs from it: 0 with *hold 0 for a boot file of rom/, else 0 or
 * an errno value (ETXTBSY: the file is open for writing). */
int fsfile_deny_write(int fd, mica_cap_t *hold);
/* A masked mapping of fd's file (OpenFile.mmap_masked: its bytes from
 * `limit` on read as zeros; `private`: copy-on-write) in *ds: what the
 * process server maps a program's segments with.  0 or an errno value
 * (ENODEV: not a file of the file server). */
int fsfile_map_masked(int fd, uint32_t rights, bool private, uint64_t limit, mica_cap_t *ds);

#endif
