/*
 * mica/fs.h - what the file server (idl/rt/fs.idl, srv/ext2fs) and its
 * clients (lib/libc/fsfile.c) agree on beside the IDL: how an errno value
 * travels, the open flags and a directory record of a listing.
 */
#ifndef MICA_FS_H
#define MICA_FS_H

#include <stdint.h>

/* A file-system errno e travels as the method's answer -(MICA_FS_ERRNO + e),
 * apart from the Mica errors (enum mica_error). */
#define MICA_FS_ERRNO 0x1000

/* The longest name of one path component (ext2's). */
#define MICA_FS_NAME_MAX 255

/* Fs.open flags. */
#define MICA_FS_O_READ      0x01u
#define MICA_FS_O_WRITE     0x02u
#define MICA_FS_O_CREAT     0x04u
#define MICA_FS_O_EXCL      0x08u
#define MICA_FS_O_TRUNC     0x10u
#define MICA_FS_O_DIRECTORY 0x20u
#define MICA_FS_O_NOFOLLOW  0x40u

/* The size a file's dataspace (OpenFile.mmap) reports: a mapping may
 * reach past the file's end.  A page there wholly past the end is refused
 * (Dataspace.map's MICA_EFAULT: the client's fault becomes SIGBUS, as
 * POSIX says), unless the mapping was made with MICA_FS_MAP_ZEROS among
 * its rights: then it reads as zeros and what is written there never
 * reaches the file (the C library's read view, whose reads stop at the
 * end the server tells them). */
#define MICA_FS_MAP_SIZE (1ull << 40)
#define MICA_FS_MAP_ZEROS (1u << 8)

/* The bytes of a file a client reads through at once (OpenFile.load): its
 * view of the file is a region of this size over the file's dataspace,
 * at an offset in the file aligned to it. */
#define MICA_FS_WINDOW (1u << 20)

/* The counters of FileSystem.cuts' page: a file of inode ino has counter
 * ino % MICA_FS_CUTS, which the server moves before it cuts the file's
 * bytes (a truncation). */
#define MICA_FS_CUTS 512

/* OpenFile.notify's events of a file, which a notifier subscribes to with
 * <sys/notifier.h>'s names for them: bits beside <poll.h>'s (the low ten).
 * WRITTEN: bytes written by a session, or by a shared mapping once the
 * server writes them back; RESIZED: the size changed (a truncation, an
 * O_TRUNC open, a write past the end); CLOSED: a session of the file
 * ended. */
#define MICA_FS_EV_WRITTEN 0x0400u
#define MICA_FS_EV_RESIZED 0x0800u
#define MICA_FS_EV_CLOSED  0x1000u
#define MICA_FS_EVENTS (MICA_FS_EV_WRITTEN | MICA_FS_EV_RESIZED | MICA_FS_EV_CLOSED)
/* The subscriptions (one per session) the server keeps at once, all
 * clients together: OpenFile.notify's MICA_ENOMEM past them. */
#define MICA_FS_SUBSCRIPTIONS_MAX 128

/* OpenFile.advise's advice: posix_fadvise's, with the same numbers as
 * <fcntl.h>'s POSIX_FADV_*. */
#define MICA_FS_ADVISE_NORMAL     0u
#define MICA_FS_ADVISE_RANDOM     1u
#define MICA_FS_ADVISE_SEQUENTIAL 2u
#define MICA_FS_ADVISE_WILLNEED   3u
#define MICA_FS_ADVISE_DONTNEED   4u
#define MICA_FS_ADVISE_NOREUSE    5u

/* OpenFile.lock's types, and its table: byte ranges locked and owners
 * (each holding or waiting for one), all clients together (ENOLCK past
 * them). */
#define MICA_FS_LOCK_UNLOCK 0u
#define MICA_FS_LOCK_READ   1u
#define MICA_FS_LOCK_WRITE  2u
#define MICA_FS_LOCKS_MAX 512
#define MICA_FS_LOCKERS_MAX 256   /* OpenFile.lock_owner's lockers at once */
/* A locker keeps its owner known while it holds nothing: room for each
 * locker's and 64 more. */
#define MICA_FS_LOCK_OWNERS_MAX (MICA_FS_LOCKERS_MAX + 64)

/* One entry of a listing (OpenFile.list), a record in the listing's
 * pipe: records are 8-byte aligned, and the server writes each whole.
 * `next` is the directory's position after the entry (telldir's value:
 * a listing from it goes on with the entry after this one).  A record of
 * inode 0 is no entry: the listing failed, with the file system's errno
 * in `next`, and ends there. */
struct mica_fs_dirent {
	uint64_t next;
	uint32_t ino;
	uint16_t reclen;   /* bytes to the next record */
	uint8_t type;      /* DT_* of <dirent.h> (the ext2 types' order) */
	uint8_t namelen;
	char name[];       /* namelen bytes and a NUL */
};

/* Listings the server keeps at once, all clients together (OpenFile.list
 * answers ENFILE after): each is a pipe of the pipe server's. */
#define MICA_FS_LISTINGS_MAX 16

/* The longest record: a name of MICA_FS_NAME_MAX bytes. */
#define MICA_FS_DIRENT_MAX ((sizeof(struct mica_fs_dirent) + MICA_FS_NAME_MAX + 1 + 7) & ~(size_t)7)

#endif
