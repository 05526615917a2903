/*
 * sys/dirent.h - directory entries for newlib's <dirent.h> (which includes
 * this file; newlib's own says "not supported").  Listings come from the
 * file server (lib/libc/fsfile.c, docs/libc.md).
 */
#ifndef _SYS_DIRENT_H
#define _SYS_DIRENT_H

#include <sys/types.h>

/* d_type: the ext2 order (include/mica/fs.h's records carry these). */
enum { DT_UNKNOWN = 0, DT_REG = 1, DT_DIR = 2, DT_CHR = 3, DT_BLK = 4, DT_FIFO = 5, DT_SOCK = 6, DT_LNK = 7 };

struct dirent {
	ino_t d_ino;
	unsigned char d_type;
	char d_name[256];
};

typedef struct libc_dir DIR;

#endif
