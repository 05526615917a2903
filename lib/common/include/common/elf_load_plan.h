/*
 * common/elf_load_plan.h - the regions a loader sets up for a parsed executable.
 *
 * Programs are loaded by demand paging (root's launcher, docs/root.md):
 * nothing is copied up front, every segment becomes regions of the new
 * task's region mapper, and the pages arrive on fault.  This turns an
 * elf_image (elf.h) into that list of regions, so the loader itself only
 * attaches them:
 *
 *   - the file part of a read-only segment (text, read-only data) is a
 *     read-only region of the program file's dataspace at the segment's
 *     file offset: the file's own pages, shared by every process running
 *     the program;
 *   - the file part of a writable segment is a copy-on-write region of the
 *     same dataspace, so each process writes to its own copy;
 *   - the rest of the segment (bss) is zero-filled anonymous memory.
 *
 * Every region is whole pages.  The page holding the end of the file data
 * is mapped from the file, so when bss follows in that page its bytes past
 * the file data (the "zero tail") hold whatever the file has there: the
 * loader must clear them in the process's private copy of the page.  A
 * read-only segment with such a tail is therefore copy-on-write too, never
 * shared (clearing the shared page would change the file).
 *
 * Planning cannot fail: elf_parse has refused everything a plan could not
 * express (segments sharing a page, vaddr and offset not congruent modulo
 * the page size, pages outside the address range).  Freestanding.
 */
#ifndef COMMON_ELF_LOAD_PLAN_H
#define COMMON_ELF_LOAD_PLAN_H

#include <common/elf.h>

enum elf_region_kind {
	ELF_REGION_SHARED, /* the file's pages themselves, never written */
	ELF_REGION_COPY,   /* the file's pages, copy-on-write */
	ELF_REGION_ZERO,   /* fresh zero-filled memory */
};

/* size bytes at vaddr (both page-aligned) with rights (MICA_R|W|X).  For
 * SHARED and COPY they show the file from offset (page-aligned); a COPY
 * region's last zero_tail bytes must be cleared by the loader. */
struct elf_region {
	uint64_t vaddr, size, offset, zero_tail;
	unsigned rights;
	enum elf_region_kind kind;
};

/* A segment gives at most two regions: its file part and its bss. */
#define ELF_REGIONS_MAX (2 * ELF_SEGMENTS_MAX)

struct elf_load_plan {
	unsigned nregions;
	struct elf_region regions[ELF_REGIONS_MAX]; /* sorted by vaddr, disjoint */
};

/* Fill *plan with the regions that load img, an image elf_parse accepted. */
void elf_plan_load(const struct elf_image *img, struct elf_load_plan *plan);

#endif
