/*
 * elf.c - the static ELF64 executable parser (see elf.h for what it accepts).
 *
 * Every field is read byte by byte with a bounds check done before it, so
 * the file may be unaligned and truncated anywhere.  Each check returns the
 * reason it failed (a static string) or NULL; elf_parse builds the image in
 * a local copy and hands it out only when every check passed, so a caller
 * never sees half a description.
 */
#include <common/elf.h>

#include <stdbool.h>

#include <mica/error.h>
#include <mica/ipc.h>

/* The numbers used, from the System V gABI and the x86-64 psABI. */
enum {
	EHDR_SIZE = 64,
	PHDR_SIZE = 56,
	ELFCLASS64 = 2,
	ELFDATA2LSB = 1,
	EV_CURRENT = 1,
	ET_EXEC = 2,
	ET_DYN = 3,
	EM_X86_64 = 62,
	PN_XNUM = 0xffff,
	PT_LOAD = 1,
	PT_DYNAMIC = 2,
	PT_INTERP = 3,
	PF_X = 1,
	PF_W = 2,
	PF_R = 4,
};

static uint64_t page_down(uint64_t a) { return a & ~(uint64_t)(ELF_PAGE_SIZE - 1); }

/* A program header, decoded. */
struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

/* Little-endian n-byte field at p; the caller has checked the bounds. */
static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static const char *check_ident(const uint8_t *f, size_t size)
{
	if (size < EHDR_SIZE)
		return "file shorter than the ELF header";
	if (f[0] != 0x7f || f[1] != 'E' || f[2] != 'L' || f[3] != 'F')
		return "bad magic: not an ELF file";
	if (f[4] != ELFCLASS64)
		return "not a 64-bit ELF file (ELFCLASS64)";
	if (f[5] != ELFDATA2LSB)
		return "not a little-endian ELF file";
	if (f[6] != EV_CURRENT || le(f + 20, 4) != EV_CURRENT)
		return "unknown ELF version";
	return NULL;
}

/* The header fields after e_ident, and the program-header table's place. */
static const char *check_header(const uint8_t *f, size_t size)
{
	uint64_t type = le(f + 16, 2), phoff = le(f + 32, 8);
	uint64_t phentsize = le(f + 54, 2), phnum = le(f + 56, 2);

	if (type == ET_DYN)
		return "position-independent (ET_DYN), not a static executable";
	if (type != ET_EXEC)
		return "not an executable (e_type is not ET_EXEC)";
	if (le(f + 18, 2) != EM_X86_64)
		return "not an x86-64 program (e_machine)";
	if (le(f + 52, 2) != EHDR_SIZE)
		return "wrong ELF header size (e_ehsize)";
	if (phentsize != PHDR_SIZE)
		return "wrong program header entry size (e_phentsize)";
	if (phnum == 0)
		return "no program headers";
	if (phnum == PN_XNUM)
		return "too many program headers (extended numbering)";
	if (phoff > size || phnum * PHDR_SIZE > size - phoff)
		return "program header table truncated or outside the file";
	return NULL;
}

static struct phdr read_phdr(const uint8_t *p)
{
	return (struct phdr){
		.type = (uint32_t)le(p, 4),
		.flags = (uint32_t)le(p + 4, 4),
		.offset = le(p + 8, 8),
		.vaddr = le(p + 16, 8),
		.filesz = le(p + 32, 8),
		.memsz = le(p + 40, 8),
		.align = le(p + 48, 8),
	};
}

/* Where the segment's bytes come from: inside the file, and mappable. */
static const char *check_load_file(const struct phdr *ph, size_t size)
{
	if (ph->filesz > ph->memsz)
		return "segment file size exceeds its memory size";
	if (ph->offset > size || ph->filesz > size - ph->offset)
		return "segment data lies outside the file";
	if (ph->align & (ph->align - 1))
		return "segment alignment is not a power of two";
	if ((ph->vaddr ^ ph->offset) & (ELF_PAGE_SIZE - 1))
		return "segment address and file offset differ modulo the page size";
	if (ph->align > ELF_PAGE_SIZE && ((ph->vaddr ^ ph->offset) & (ph->align - 1)))
		return "segment address and file offset differ modulo its alignment";
	return NULL;
}

/* Where the segment goes: inside [lo, hi), without wrapping.  The loader
 * maps whole pages, so the pages the segment touches must fit too; its end
 * rounded up fits below hi exactly when the end itself fits below hi
 * rounded down (which cannot wrap). */
static const char *check_load_memory(const struct phdr *ph, uint64_t lo, uint64_t hi)
{
	if (ph->memsz > hi - lo)
		return "segment larger than the whole address range";
	if (ph->memsz > UINT64_MAX - ph->vaddr)
		return "segment wraps around the end of the address space";
	if (page_down(ph->vaddr) < lo || ph->vaddr + ph->memsz > page_down(hi))
		return "segment outside the allowed address range";
	return NULL;
}

static unsigned rights_of(uint32_t flags)
{
	return (flags & PF_R ? MICA_R : 0) | (flags & PF_W ? MICA_W : 0) | (flags & PF_X ? MICA_X : 0);
}

/* Insert a segment into img->segs, keeping them sorted by vaddr. */
static const char *add_segment(struct elf_image *img, const struct phdr *ph)
{
	unsigned i;

	if (img->nsegs == ELF_SEGMENTS_MAX)
		return "too many loadable segments";
	for (i = img->nsegs; i > 0 && img->segs[i - 1].vaddr > ph->vaddr; i--)
		img->segs[i] = img->segs[i - 1];
	img->segs[i] = (struct elf_segment){
		.vaddr = ph->vaddr,
		.memsz = ph->memsz,
		.offset = ph->offset,
		.filesz = ph->filesz,
		.rights = rights_of(ph->flags),
	};
	img->nsegs++;
	return NULL;
}

static const char *take_phdr(struct elf_image *img, const struct phdr *ph, size_t size, uint64_t lo,
			     uint64_t hi)
{
	const char *why;

	if (ph->type == PT_INTERP)
		return "needs an interpreter (PT_INTERP): not a static executable";
	if (ph->type == PT_DYNAMIC)
		return "dynamically linked (PT_DYNAMIC): not a static executable";
	if (ph->type != PT_LOAD)
		return NULL;
	why = check_load_file(ph, size);
	if (!why)
		why = check_load_memory(ph, lo, hi);
	if (!why && ph->memsz > 0)
		why = add_segment(img, ph);
	return why;
}

static const char *read_segments(struct elf_image *img, const uint8_t *f, size_t size, uint64_t lo,
				 uint64_t hi)
{
	uint64_t phoff = le(f + 32, 8);
	const char *why = NULL;

	for (unsigned i = 0; i < img->phnum && !why; i++) {
		struct phdr ph = read_phdr(f + phoff + (uint64_t)i * PHDR_SIZE);
		why = take_phdr(img, &ph, size, lo, hi);
	}
	if (!why && img->nsegs == 0)
		why = "no loadable segment";
	return why;
}

/* Sorted segments overlap exactly when two neighbours share a page. */
static const char *check_overlap(const struct elf_image *img)
{
	for (unsigned i = 1; i < img->nsegs; i++) {
		const struct elf_segment *a = &img->segs[i - 1], *b = &img->segs[i];
		if ((a->vaddr + a->memsz - 1) / ELF_PAGE_SIZE >= b->vaddr / ELF_PAGE_SIZE)
			return "segments overlap (or share a page)";
	}
	return NULL;
}

static const char *check_entry(const struct elf_image *img)
{
	for (unsigned i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];
		if ((s->rights & MICA_X) && img->entry >= s->vaddr && img->entry - s->vaddr < s->memsz)
			return NULL;
	}
	return "entry point not inside an executable segment";
}

/* The program headers' address in memory, if a segment loads them. */
static uint64_t phdr_vaddr(const struct elf_image *img, uint64_t phoff)
{
	uint64_t len = (uint64_t)img->phnum * img->phentsize;

	for (unsigned i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];
		if (phoff >= s->offset && phoff + len <= s->offset + s->filesz)
			return s->vaddr + (phoff - s->offset);
	}
	return 0;
}

/* f's first `size` bytes hold the headers; the segments lie in the
 * file's first `file_size` (the same for a whole file). */
static const char *parse(const uint8_t *f, size_t size, uint64_t file_size, uint64_t lo, uint64_t hi,
			 struct elf_image *img)
{
	const char *why;

	if (lo >= hi)
		return "empty address range";
	why = check_ident(f, size);
	if (!why)
		why = check_header(f, size);
	if (why)
		return why;
	*img = (struct elf_image){
		.entry = le(f + 24, 8),
		.phentsize = PHDR_SIZE,
		.phnum = (uint16_t)le(f + 56, 2),
	};
	why = read_segments(img, f, file_size, lo, hi);
	if (!why)
		why = check_overlap(img);
	if (!why)
		why = check_entry(img);
	if (!why)
		img->phdr_vaddr = phdr_vaddr(img, le(f + 32, 8));
	return why;
}

static int answer(const char *reason, const struct elf_image *img, struct elf_image *out, const char **why)
{
	if (why)
		*why = reason;
	if (reason)
		return MICA_EINVAL;
	*out = *img;
	return MICA_OK;
}

int elf_parse(const void *file, size_t size, uint64_t lo, uint64_t hi, struct elf_image *out,
	      const char **why)
{
	struct elf_image img;

	return answer(parse(file, size, size, lo, hi, &img), &img, out, why);
}

int elf_parse_head(const void *head, size_t head_size, uint64_t file_size, uint64_t lo, uint64_t hi,
		   struct elf_image *out, const char **why)
{
	struct elf_image img;

	return answer(parse(head, head_size, file_size, lo, hi, &img), &img, out, why);
}
