/*
 * The configuration of e2fsprogs' lib/et and lib/ext2fs for Mica, written by
 * hand in place of the config.h that e2fsprogs' configure would generate
 * (its sources include "config.h"; the build puts this directory first on
 * their include path).  The host build of the same files uses this header
 * too (lib/ext2fs/host/config.h), so the sanitized host tests run the code
 * paths Mica runs.
 *
 * Only what newlib for x86_64-elf really provides is switched on.  Left off
 * on purpose:
 *   HAVE_POSIX_MEMALIGN  newlib declares posix_memalign but does not define
 *                        it; memalign (HAVE_MEMALIGN) is there.
 *   HAVE_PTHREAD         libext2fs is used from one thread at a time (lib/fs
 *                        serialises it), and Mica has no pthreads yet.
 *   HAVE_MMAP, CONFIG_MMP  multi-mount protection needs O_DIRECT and a
 *                        shared disk; one file server owns each Mica disk.
 *   CONFIG_TDB           the trivial database is used only by undo_io.
 *   HAVE_SEM_INIT, HAVE_PRCTL, HAVE_SECURE_GETENV, HAVE_TERMIOS_H, HAVE_FCNTL
 *                        com_err's optional locking, privilege checks and
 *                        terminal handling, which Mica does not have.
 */
#ifndef MICA_E2FSPROGS_CONFIG_H
#define MICA_E2FSPROGS_CONFIG_H

#define HAVE_UNISTD_H 1
#define HAVE_STDLIB_H 1
#define HAVE_ERRNO_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_TIME_H 1
#define HAVE_MALLOC_H 1
#define HAVE_MEMALIGN 1
#define HAVE_STRNLEN 1
#define HAVE_VPRINTF 1

/* x86-64: little-endian, LP64. */
#undef WORDS_BIGENDIAN
#define SIZEOF_SHORT 2
#define SIZEOF_INT 4
#define SIZEOF_LONG 8
#define SIZEOF_LONG_LONG 8
#define SIZEOF_OFF_T 8
#define SIZEOF_TIME_T 8

#endif
