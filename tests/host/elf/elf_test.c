/*
 * elf_test.c - host unit tests of lib/common's ELF parser (elf.c): a valid
 * executable built in memory, then one case per kind of bad file made by
 * mutating it, every truncation, and two programs linked by the host
 * toolchain (a static executable that must be accepted, a static PIE that
 * must be refused).
 *
 * Files are parsed from a buffer that ends right before an inaccessible
 * page, so a read past the end of the file crashes the test instead of
 * passing unnoticed.
 */
#include <common/elf.h>
#include "fixtures.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mica/error.h>
#include <mica/ipc.h>

#define LO 0x10000ull              /* the range programs may use */
#define HI 0x800000000000ull

#define TEXT_VADDR 0x400000ull     /* the in-memory image: text with the headers, */
#define DATA_VADDR 0x602000ull     /* then data + bss */
#define ENTRY 0x401000ull
#define FILE_SIZE 0x2800u
#define NPHDR 3

enum { PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_GNU_STACK = 0x6474e551 };
enum { PF_X = 1, PF_W = 2, PF_R = 4 };

static unsigned char file[0x4000];   /* the image being tested */

static void put(unsigned char *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void set_phdr(unsigned i, uint32_t type, uint32_t flags, uint64_t offset, uint64_t vaddr,
		     uint64_t filesz, uint64_t memsz, uint64_t align)
{
	unsigned char *p = file + 64 + 56 * i;

	put(p, type, 4);
	put(p + 4, flags, 4);
	put(p + 8, offset, 8);
	put(p + 16, vaddr, 8);
	put(p + 24, vaddr, 8);
	put(p + 32, filesz, 8);
	put(p + 40, memsz, 8);
	put(p + 48, align, 8);
}

static void set_phnum(unsigned n) { put(file + 56, n, 2); }
static void set_entry(uint64_t e) { put(file + 24, e, 8); }

/* A valid static executable: text (with the headers) RX, data+bss RW, and
 * a PT_GNU_STACK that the parser must ignore. */
static void make_valid(void)
{
	static const unsigned char ident[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

	memset(file, 0, sizeof file);
	memcpy(file, ident, sizeof ident);
	put(file + 16, 2, 2);       /* ET_EXEC */
	put(file + 18, 62, 2);      /* EM_X86_64 */
	put(file + 20, 1, 4);       /* EV_CURRENT */
	set_entry(ENTRY);
	put(file + 32, 64, 8);      /* e_phoff */
	put(file + 52, 64, 2);      /* e_ehsize */
	put(file + 54, 56, 2);      /* e_phentsize */
	set_phnum(NPHDR);
	set_phdr(0, PT_LOAD, PF_R | PF_X, 0, TEXT_VADDR, 0x2000, 0x2000, 0x1000);
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, DATA_VADDR, 0x800, 0x3000, 0x1000);
	set_phdr(2, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
}

/* A copy of f[0..len) that ends where an inaccessible page begins. */
static const void *guarded(const void *f, size_t len)
{
	static unsigned char *area;
	static size_t room;

	if (!area) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		room = 4 * 0x4000;
		area = mmap(NULL, room + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (area == MAP_FAILED || mprotect(area + room, page, PROT_NONE) != 0) {
			perror("guard page");
			_exit(2);
		}
	}
	if (len > room) {
		fprintf(stderr, "guarded: %zu bytes do not fit\n", len);
		_exit(2);
	}
	memcpy(area + room - len, f, len);
	return area + room - len;
}

static int parse(const void *f, size_t size, struct elf_image *img, const char **why)
{
	return elf_parse(guarded(f, size), size, LO, HI, img, why);
}

/* The current image (or a prefix of it) must be refused with a reason
 * containing `reason`, leaving the output untouched. */
static void expect_refused_n(size_t size, const char *reason)
{
	struct elf_image img, before;
	const char *why = NULL;

	memset(&img, 0x5a, sizeof img);
	before = img;
	CHECK_EQ(parse(file, size, &img, &why), MICA_EINVAL);
	if (!CHECK(why && strstr(why, reason)))
		printf("# size %zu: expected \"%s\", got \"%s\"\n", size, reason, why ? why : "(none)");
	CHECK(memcmp(&img, &before, sizeof img) == 0);
}

static void expect_refused(const char *reason) { expect_refused_n(FILE_SIZE, reason); }

static void expect_accepted(struct elf_image *img)
{
	const char *why = "unset";

	CHECK_EQ(parse(file, FILE_SIZE, img, &why), MICA_OK);
	if (!CHECK(why == NULL))
		printf("# refused: %s\n", why);
}

static void elf_accepts_valid_static_executable(void)
{
	struct elf_image img;

	make_valid();
	expect_accepted(&img);
	CHECK_EQ(img.entry, ENTRY);
	CHECK_EQ(img.phdr_vaddr, TEXT_VADDR + 64);
	CHECK_EQ(img.phnum, NPHDR);
	CHECK_EQ(img.phentsize, 56);
	CHECK_EQ(img.nsegs, 2);
	CHECK_EQ(img.segs[0].vaddr, TEXT_VADDR);
	CHECK_EQ(img.segs[0].memsz, 0x2000);
	CHECK_EQ(img.segs[0].offset, 0);
	CHECK_EQ(img.segs[0].filesz, 0x2000);
	CHECK_EQ(img.segs[0].rights, MICA_R | MICA_X);
	CHECK_EQ(img.segs[1].vaddr, DATA_VADDR);
	CHECK_EQ(img.segs[1].memsz, 0x3000);
	CHECK_EQ(img.segs[1].offset, 0x2000);
	CHECK_EQ(img.segs[1].filesz, 0x800);
	CHECK_EQ(img.segs[1].rights, MICA_R | MICA_W);
}

static void elf_sorts_segments_by_address(void)
{
	struct elf_image img;

	make_valid();
	set_phdr(0, PT_LOAD, PF_R | PF_W, 0x2000, DATA_VADDR, 0x800, 0x3000, 0x1000);
	set_phdr(1, PT_LOAD, PF_R | PF_X, 0, TEXT_VADDR, 0x2000, 0x2000, 0x1000);
	expect_accepted(&img);
	CHECK_EQ(img.nsegs, 2);
	CHECK_EQ(img.segs[0].vaddr, TEXT_VADDR);
	CHECK_EQ(img.segs[1].vaddr, DATA_VADDR);
}

static void elf_accepts_segments_on_adjacent_pages(void)
{
	struct elf_image img;

	make_valid();
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, TEXT_VADDR + 0x2000, 0x800, 0x3000, 0x1000);
	expect_accepted(&img);
	CHECK_EQ(img.nsegs, 2);
}

static void elf_accepts_large_alignment_when_congruent(void)
{
	struct elf_image img;

	make_valid();
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, 0x802000, 0x800, 0x3000, 0x200000);
	expect_accepted(&img);
}

static void elf_leaves_out_empty_segments(void)
{
	struct elf_image img;

	make_valid();
	set_phdr(2, PT_LOAD, PF_R, 0x1000, 0x700000, 0, 0, 0x1000);
	expect_accepted(&img);
	CHECK_EQ(img.nsegs, 2);
}

static void elf_reports_no_phdr_address_when_headers_not_loaded(void)
{
	struct elf_image img;

	make_valid();
	set_phdr(0, PT_LOAD, PF_R | PF_X, 0x1000, ENTRY, 0x1000, 0x1000, 0x1000);
	expect_accepted(&img);
	CHECK_EQ(img.phdr_vaddr, 0);
}

static void elf_accepts_sixteen_segments_refuses_seventeen(void)
{
	struct elf_image img;

	make_valid();
	for (unsigned i = 0; i < ELF_SEGMENTS_MAX + 1; i++)
		set_phdr(i, PT_LOAD, PF_R | PF_X, 0, TEXT_VADDR + 0x2000 * i, 0x1000, 0x1000, 0x1000);
	set_entry(TEXT_VADDR);
	set_phnum(ELF_SEGMENTS_MAX);
	expect_accepted(&img);
	CHECK_EQ(img.nsegs, ELF_SEGMENTS_MAX);
	set_phnum(ELF_SEGMENTS_MAX + 1);
	expect_refused("too many loadable segments");
}

static void elf_rejects_bad_magic(void)
{
	for (unsigned i = 0; i < 4; i++) {
		make_valid();
		file[i] ^= 0x20;
		expect_refused("bad magic");
	}
}

static void elf_rejects_32bit_class(void)
{
	make_valid();
	file[4] = 1;
	expect_refused("64-bit");
}

static void elf_rejects_big_endian(void)
{
	make_valid();
	file[5] = 2;
	expect_refused("little-endian");
}

static void elf_rejects_unknown_version(void)
{
	make_valid();
	file[6] = 2;
	expect_refused("version");
	make_valid();
	put(file + 20, 0, 4);
	expect_refused("version");
}

static void elf_rejects_position_independent_executable(void)
{
	make_valid();
	put(file + 16, 3, 2);
	expect_refused("ET_DYN");
}

static void elf_rejects_relocatable_and_core_files(void)
{
	make_valid();
	put(file + 16, 1, 2);
	expect_refused("not an executable");
	put(file + 16, 4, 2);
	expect_refused("not an executable");
}

static void elf_rejects_other_machines(void)
{
	make_valid();
	put(file + 18, 3, 2);   /* EM_386 */
	expect_refused("x86-64");
}

static void elf_rejects_wrong_header_size(void)
{
	make_valid();
	put(file + 52, 52, 2);
	expect_refused("e_ehsize");
}

static void elf_rejects_wrong_phentsize(void)
{
	make_valid();
	put(file + 54, 32, 2);
	expect_refused("e_phentsize");
	put(file + 54, 64, 2);
	expect_refused("e_phentsize");
}

static void elf_rejects_no_program_headers(void)
{
	make_valid();
	set_phnum(0);
	expect_refused("no program headers");
	set_phnum(0xffff);
	expect_refused("extended numbering");
}

static void elf_rejects_program_headers_outside_file(void)
{
	make_valid();
	put(file + 32, FILE_SIZE - 56, 8);
	expect_refused("program header table");
	put(file + 32, UINT64_MAX - 8, 8);   /* phoff + table wraps */
	expect_refused("program header table");
}

static void elf_rejects_interpreter(void)
{
	make_valid();
	set_phdr(2, PT_INTERP, PF_R, 0x200, TEXT_VADDR + 0x200, 28, 28, 1);
	expect_refused("PT_INTERP");
}

static void elf_rejects_dynamic_section(void)
{
	make_valid();
	set_phdr(2, PT_DYNAMIC, PF_R | PF_W, 0x2000, DATA_VADDR, 0x100, 0x100, 8);
	expect_refused("PT_DYNAMIC");
}

static void elf_rejects_no_loadable_segment(void)
{
	make_valid();
	set_phdr(0, PT_NOTE, PF_R, 0x100, 0, 0x20, 0x20, 4);
	set_phdr(1, PT_NOTE, PF_R, 0x100, 0, 0x20, 0x20, 4);
	expect_refused("no loadable segment");
}

static void elf_rejects_filesz_above_memsz(void)
{
	make_valid();
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, DATA_VADDR, 0x800, 0x7ff, 0x1000);
	expect_refused("exceeds its memory size");
}

static void elf_rejects_segment_data_outside_file(void)
{
	make_valid();
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, DATA_VADDR, 0x801, 0x3000, 0x1000);
	expect_refused("outside the file");
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x3000, DATA_VADDR + 0x1000, 0, 0x3000, 0x1000);
	expect_refused("outside the file");
	/* offset + filesz wraps around to a small number */
	set_phdr(1, PT_LOAD, PF_R | PF_W, UINT64_MAX - 0xfff, DATA_VADDR, 0x1001, 0x3000, 0x1000);
	expect_refused("outside the file");
}

/* elf_parse_head (a loader that maps the file): the headers from a
 * prefix, the segments checked against the file's size, not the prefix's. */
static void elf_parse_head_checks_segments_against_the_file_size(void)
{
	struct elf_image img, whole;
	const char *why = "unset";
	const size_t head = 64 + NPHDR * 56;

	make_valid();
	CHECK_EQ(parse(file, FILE_SIZE, &whole, &why), MICA_OK);
	CHECK_EQ(elf_parse_head(guarded(file, head), head, FILE_SIZE, LO, HI, &img, &why), MICA_OK);
	CHECK(why == NULL);
	CHECK(memcmp(&img, &whole, sizeof img) == 0);
	CHECK_EQ(elf_parse_head(guarded(file, head), head, 0x2800 - 1, LO, HI, &img, &why), MICA_EINVAL);
	CHECK(why && strstr(why, "outside the file"));
	CHECK_EQ(elf_parse_head(guarded(file, head - 1), head - 1, FILE_SIZE, LO, HI, &img, &why), MICA_EINVAL);
	CHECK(why && strstr(why, "program header"));
}

static void elf_rejects_address_wraparound(void)
{
	make_valid();
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, 0xfffffffffffff000ull, 0x800, 0x2000, 0x1000);
	expect_refused("wraps around");
}

static void elf_rejects_segment_outside_range(void)
{
	make_valid();
	set_phdr(0, PT_LOAD, PF_R | PF_X, 0, 0, 0x2000, 0x2000, 0x1000);
	set_entry(0x1000);
	expect_refused("outside the allowed address range");
	make_valid();
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, HI - 0x2000, 0x800, 0x3000, 0x1000);
	expect_refused("outside the allowed address range");
}

/* The current image parsed for the range [lo, hi). */
static int parse_in(uint64_t lo, uint64_t hi, const char **why)
{
	struct elf_image img;

	*why = NULL;
	return elf_parse(guarded(file, FILE_SIZE), FILE_SIZE, lo, hi, &img, why);
}

/* Loaders map whole pages: a segment inside [lo, hi) whose first or last
 * page reaches outside is refused; one whose pages fit is accepted. */
static void elf_rejects_segment_pages_outside_range(void)
{
	const char *why;

	make_valid();
	CHECK_EQ(parse_in(TEXT_VADDR, DATA_VADDR + 0x3000, &why), MICA_OK);
	CHECK_EQ(parse_in(LO, DATA_VADDR + 0x3800, &why), MICA_OK);
	/* text from TEXT_VADDR + 0x100: after lo, its first page before */
	set_phdr(0, PT_LOAD, PF_R | PF_X, 0x100, TEXT_VADDR + 0x100, 0x1f00, 0x1f00, 0x1000);
	CHECK_EQ(parse_in(TEXT_VADDR + 0x80, HI, &why), MICA_EINVAL);
	CHECK(why && strstr(why, "outside the allowed address range"));
	/* data up to DATA_VADDR + 0x3100: before hi, its last page after */
	make_valid();
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, DATA_VADDR, 0x800, 0x3100, 0x1000);
	CHECK_EQ(parse_in(LO, DATA_VADDR + 0x3800, &why), MICA_EINVAL);
	CHECK(why && strstr(why, "outside the allowed address range"));
	/* a last page that would end past 2^64 */
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, 0xffffffffffffe000ull, 0x800, 0x1800, 0x1000);
	CHECK_EQ(parse_in(LO, UINT64_MAX, &why), MICA_EINVAL);
	CHECK(why && strstr(why, "outside the allowed address range"));
}

static void elf_rejects_absurd_memory_size(void)
{
	make_valid();
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, DATA_VADDR, 0x800, 1ull << 60, 0x1000);
	expect_refused("larger than the whole address range");
}

static void elf_rejects_alignment_not_power_of_two(void)
{
	make_valid();
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, DATA_VADDR, 0x800, 0x3000, 0x3000);
	expect_refused("not a power of two");
}

static void elf_rejects_address_offset_not_congruent(void)
{
	make_valid();
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, DATA_VADDR + 0x100, 0x800, 0x3000, 0x1000);
	expect_refused("modulo the page size");
	/* congruent per page, but not modulo its own 2 MiB alignment */
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, 0x603000, 0x800, 0x3000, 0x200000);
	expect_refused("modulo its alignment");
}

static void elf_rejects_overlapping_segments(void)
{
	make_valid();
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, TEXT_VADDR + 0x1000, 0x800, 0x3000, 0x1000);
	expect_refused("overlap");
	/* one segment wholly inside another */
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x0, TEXT_VADDR, 0x800, 0x800, 0x1000);
	expect_refused("overlap");
}

static void elf_rejects_segments_sharing_a_page(void)
{
	make_valid();
	/* text ends at +0x17ff, data starts at +0x1800: no common byte, one
	 * common page */
	set_phdr(0, PT_LOAD, PF_R | PF_X, 0, TEXT_VADDR, 0x1800, 0x1800, 0x1000);
	set_phdr(1, PT_LOAD, PF_R | PF_W, 0x1800, TEXT_VADDR + 0x1800, 0x800, 0x3000, 0x1000);
	expect_refused("share a page");
}

static void elf_rejects_entry_outside_executable_segment(void)
{
	make_valid();
	set_entry(DATA_VADDR + 0x10);   /* in the RW segment */
	expect_refused("entry point");
	set_entry(0x500000);            /* in no segment */
	expect_refused("entry point");
	set_entry(TEXT_VADDR + 0x2000); /* one past the text */
	expect_refused("entry point");
}

static void elf_rejects_empty_address_range(void)
{
	struct elf_image img;
	const char *why;

	make_valid();
	CHECK_EQ(elf_parse(file, FILE_SIZE, HI, LO, &img, &why), MICA_EINVAL);
	CHECK(why && strstr(why, "empty address range"));
}

static void elf_refuses_every_truncation(void)
{
	make_valid();
	for (size_t n = 0; n < 64; n++)
		expect_refused_n(n, "shorter than the ELF header");
	for (size_t n = 64; n < 64 + 56 * NPHDR; n++)
		expect_refused_n(n, "program header table");
	for (size_t n = 64 + 56 * NPHDR; n < FILE_SIZE; n++)
		expect_refused_n(n, "outside the file");
}

static void elf_works_without_reason_pointer(void)
{
	struct elf_image img;

	make_valid();
	CHECK_EQ(elf_parse(guarded(file, FILE_SIZE), FILE_SIZE, LO, HI, &img, NULL), MICA_OK);
	file[0] = 0;
	CHECK_EQ(elf_parse(guarded(file, FILE_SIZE), FILE_SIZE, LO, HI, &img, NULL), MICA_EINVAL);
}

/* What the host gcc and ld make with Mica's user link flags. */
static void elf_accepts_program_linked_by_host_toolchain(void)
{
	size_t size = (size_t)(static_exe_end - static_exe);
	struct elf_image img;
	const char *why = "unset";
	unsigned rights = 0;

	CHECK_EQ(parse(static_exe, size, &img, &why), MICA_OK);
	if (!CHECK(why == NULL)) {
		printf("# refused: %s\n", why);
		return;
	}
	CHECK(img.nsegs >= 2);
	CHECK(img.phdr_vaddr != 0);
	for (unsigned i = 0; i < img.nsegs; i++) {
		rights |= img.segs[i].rights;
		CHECK(img.segs[i].offset + img.segs[i].filesz <= size);
		CHECK(i == 0 || img.segs[i - 1].vaddr < img.segs[i].vaddr);
	}
	CHECK_EQ(rights, MICA_RWX);
	/* the program headers it reports are the file's own */
	CHECK_EQ(img.phnum, static_exe[56] | static_exe[57] << 8);
}

static void elf_refuses_static_pie_linked_by_host_toolchain(void)
{
	size_t size = (size_t)(static_pie_end - static_pie);
	struct elf_image img;
	const char *why = NULL;

	CHECK_EQ(parse(static_pie, size, &img, &why), MICA_EINVAL);
	CHECK(why && strstr(why, "ET_DYN"));
}

static const struct tap_case cases[] = {
	TAP_CASE(elf_accepts_valid_static_executable),
	TAP_CASE(elf_sorts_segments_by_address),
	TAP_CASE(elf_accepts_segments_on_adjacent_pages),
	TAP_CASE(elf_accepts_large_alignment_when_congruent),
	TAP_CASE(elf_leaves_out_empty_segments),
	TAP_CASE(elf_reports_no_phdr_address_when_headers_not_loaded),
	TAP_CASE(elf_accepts_sixteen_segments_refuses_seventeen),
	TAP_CASE(elf_rejects_bad_magic),
	TAP_CASE(elf_rejects_32bit_class),
	TAP_CASE(elf_rejects_big_endian),
	TAP_CASE(elf_rejects_unknown_version),
	TAP_CASE(elf_rejects_position_independent_executable),
	TAP_CASE(elf_rejects_relocatable_and_core_files),
	TAP_CASE(elf_rejects_other_machines),
	TAP_CASE(elf_rejects_wrong_header_size),
	TAP_CASE(elf_rejects_wrong_phentsize),
	TAP_CASE(elf_rejects_no_program_headers),
	TAP_CASE(elf_rejects_program_headers_outside_file),
	TAP_CASE(elf_rejects_interpreter),
	TAP_CASE(elf_rejects_dynamic_section),
	TAP_CASE(elf_rejects_no_loadable_segment),
	TAP_CASE(elf_rejects_filesz_above_memsz),
	TAP_CASE(elf_rejects_segment_data_outside_file),
	TAP_CASE(elf_parse_head_checks_segments_against_the_file_size),
	TAP_CASE(elf_rejects_address_wraparound),
	TAP_CASE(elf_rejects_segment_outside_range),
	TAP_CASE(elf_rejects_segment_pages_outside_range),
	TAP_CASE(elf_rejects_absurd_memory_size),
	TAP_CASE(elf_rejects_alignment_not_power_of_two),
	TAP_CASE(elf_rejects_address_offset_not_congruent),
	TAP_CASE(elf_rejects_overlapping_segments),
	TAP_CASE(elf_rejects_segments_sharing_a_page),
	TAP_CASE(elf_rejects_entry_outside_executable_segment),
	TAP_CASE(elf_rejects_empty_address_range),
	TAP_CASE(elf_refuses_every_truncation),
	TAP_CASE(elf_works_without_reason_pointer),
	TAP_CASE(elf_accepts_program_linked_by_host_toolchain),
	TAP_CASE(elf_refuses_static_pie_linked_by_host_toolchain),
};

int main(void) { return tap_run(cases, TAP_COUNT(cases)); }
