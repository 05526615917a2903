/*
 * sys/fsfile.h - Mica's: what the C library's file-server descriptors
 * (lib/libc/fsfile.c) offer a server that runs programs from files: the
 * process server holds a file's writers off while a program runs from it
 * (docs/processes.md, ETXTBSY).
 */
#ifndef _SYS_FSFILE_H
#define _SYS_FSFILE_H

#include <mica/types.h>

/* A hold denying writes to fd's file (OpenFile.deny_write) while a
 * program runs from it: 0 with *hold 0 for a boot file of rom/, else 0 or
 * an errno value (ETXTBSY: the file is open for writing). */
int fsfile_deny_write(int fd, mica_cap_t *hold);

#endif
