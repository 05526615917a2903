/*
 * <dirent.h> for compiling e2fsprogs' lib/ext2fs for Mica (this directory
 * is on the include path of the Mica variant only).  mkjournal.c includes
 * e2p/e2p.h, which includes <dirent.h> for one prototype naming
 * struct dirent; nothing in libext2fs reads directories of the host.
 * newlib for x86_64-elf has no working <dirent.h> (its sys/dirent.h is an
 * #error), so this declares the name and nothing more.
 */
#ifndef MICA_E2FS_DIRENT_H
#define MICA_E2FS_DIRENT_H

struct dirent;

#endif
