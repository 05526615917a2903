/*
 * common/elf.h - checks and describes a static ELF64 x86-64 executable.
 *
 * The kernel (boot modules) and root's launcher (every program root starts)
 * load programs with this one parser, so a file is
 * judged the same way wherever it comes from.  The parser only reads: it
 * copies nothing and maps nothing.  It never reads outside [file, file+size)
 * and never trusts a field; the caller loads the segments it returns.
 *
 * Freestanding: builds for the host (unit tests), the kernel and Mica
 * programs alike, with no libc.
 *
 * What is accepted: ELFCLASS64, little-endian, EM_X86_64, ET_EXEC (a static,
 * non-PIE executable) with no PT_INTERP and no PT_DYNAMIC.  Every PT_LOAD
 * segment must
 *   - have filesz <= memsz, and offset+filesz inside the file;
 *   - lie entirely in [lo, hi) (no wrap-around), memsz at most hi-lo, and
 *     so must the pages it touches (vaddr rounded down and vaddr+memsz
 *     rounded up to 4 KiB), since loaders map whole pages;
 *   - have p_align 0 or a power of two, vaddr and offset congruent modulo
 *     the page size (4096) and, when p_align exceeds it, modulo p_align;
 *   - share no 4 KiB page with another segment: the loader maps whole pages
 *     with one set of rights each, so two segments that touch the same page
 *     (even without overlapping bytes) count as overlapping and are refused.
 * The entry point must lie in an executable segment.  Empty PT_LOAD segments
 * (memsz 0) are checked and then left out; other program-header types
 * (PT_NOTE, PT_GNU_STACK, PT_TLS, ...) are ignored.
 */
#ifndef COMMON_ELF_H
#define COMMON_ELF_H

#include <stddef.h>
#include <stdint.h>

/* The page size segments are checked against and loaders map with
 * (auxv AT_PAGESZ). */
#define ELF_PAGE_SIZE 4096u

/* Loadable segments kept at most; a file with more is refused. */
#define ELF_SEGMENTS_MAX 16

/* One PT_LOAD segment: memsz bytes at vaddr, of which the first filesz come
 * from the file at offset and the rest are zero.  rights is MICA_R|MICA_W|
 * MICA_X from <mica/ipc.h>, taken from p_flags. */
struct elf_segment {
	uint64_t vaddr, memsz, offset, filesz;
	unsigned rights;
};

struct elf_image {
	uint64_t entry;
	/* Where the program headers are in memory once the segments are
	 * loaded (auxv AT_PHDR): the address of the file bytes
	 * [phoff, phoff+phnum*phentsize) inside a PT_LOAD segment's file
	 * part, or 0 when no segment loads them. */
	uint64_t phdr_vaddr;
	uint16_t phnum, phentsize;        /* auxv AT_PHNUM, AT_PHENT */
	unsigned nsegs;
	struct elf_segment segs[ELF_SEGMENTS_MAX]; /* PT_LOAD, sorted by vaddr */
};

/*
 * Check and describe the executable of `size` bytes at `file`; every
 * loadable byte must lie in [lo, hi).  Returns 0 and fills *out, or
 * MICA_EINVAL and leaves *out untouched.  If `why` is not NULL it is set to
 * a short reason ("bad magic", "segments overlap", ...) on failure and to
 * NULL on success: a static string, for the kernel log or an error reply.
 */
int elf_parse(const void *file, size_t size, uint64_t lo, uint64_t hi, struct elf_image *out,
	      const char **why);
/*
 * elf_parse from the file's first `head_size` bytes, which must hold its
 * ELF header and program headers, for a file of `file_size` bytes that the
 * segments must lie in: for a loader that maps the file rather than
 * reading it (the process server's programs, docs/processes.md).
 */
int elf_parse_head(const void *head, size_t head_size, uint64_t file_size, uint64_t lo, uint64_t hi,
		   struct elf_image *out, const char **why);

#endif
