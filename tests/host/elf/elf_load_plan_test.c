/*
 * elf_load_plan_test.c - host unit tests of lib/common's ELF load plan: one case
 * per way a segment can end (on a page boundary or not, with or without
 * bss, read-only or writable, without file data), each checked region by
 * region, and the plan of a program linked by the host toolchain.
 *
 * The images are written as elf_image values, as elf_parse would return
 * them; what elf_parse refuses is tested in elf_test.c.
 */
#include <common/elf_load_plan.h>
#include "fixtures.h"
#include "tap.h"

#include <stdio.h>

#include <mica/error.h>
#include <mica/ipc.h>

#define TEXT 0x400000ull
#define ENTRY 0x401000ull
#define RW (MICA_R | MICA_W)

/* An image of a text segment (0x2000 bytes from file offset 0) and the
 * given second segment. */
static struct elf_image image_with(struct elf_segment second)
{
	return (struct elf_image){
		.entry = ENTRY,
		.phdr_vaddr = TEXT + 64,
		.phnum = 2,
		.phentsize = 56,
		.nsegs = 2,
		.segs = {
			{ .vaddr = TEXT, .memsz = 0x2000, .offset = 0, .filesz = 0x2000, .rights = MICA_R | MICA_X },
			second,
		},
	};
}

static void check_region(const struct elf_load_plan *plan, unsigned i, struct elf_region want)
{
	const struct elf_region *r = &plan->regions[i];

	if (!CHECK(i < plan->nregions))
		return;
	if (!(CHECK_EQ(r->kind, want.kind) & CHECK_EQ(r->vaddr, want.vaddr) & CHECK_EQ(r->size, want.size) &
	      CHECK_EQ(r->offset, want.offset) & CHECK_EQ(r->zero_tail, want.zero_tail) &
	      CHECK_EQ(r->rights, want.rights)))
		printf("# in region %u\n", i);
}

static const struct elf_region text_region = {
	.kind = ELF_REGION_SHARED, .vaddr = TEXT, .size = 0x2000, .rights = MICA_R | MICA_X,
};

static void plan_maps_text_shared_data_copied_bss_zero_filled(void)
{
	struct elf_image img = image_with((struct elf_segment){
		.vaddr = 0x602000, .memsz = 0x3000, .offset = 0x2000, .filesz = 0x800, .rights = RW });
	struct elf_load_plan plan;

	elf_plan_load(&img, &plan);
	CHECK_EQ(plan.nregions, 3);
	check_region(&plan, 0, text_region);
	check_region(&plan, 1, (struct elf_region){ .kind = ELF_REGION_COPY, .vaddr = 0x602000,
		.size = 0x1000, .offset = 0x2000, .zero_tail = 0x800, .rights = RW });
	check_region(&plan, 2, (struct elf_region){ .kind = ELF_REGION_ZERO, .vaddr = 0x603000,
		.size = 0x2000, .rights = RW });
}

static void plan_rounds_unaligned_segment_out_to_pages(void)
{
	struct elf_image img = image_with((struct elf_segment){
		.vaddr = 0x602100, .memsz = 0x3000, .offset = 0x2100, .filesz = 0x600, .rights = RW });
	struct elf_load_plan plan;

	elf_plan_load(&img, &plan);
	CHECK_EQ(plan.nregions, 3);
	check_region(&plan, 1, (struct elf_region){ .kind = ELF_REGION_COPY, .vaddr = 0x602000,
		.size = 0x1000, .offset = 0x2000, .zero_tail = 0x900, .rights = RW });
	check_region(&plan, 2, (struct elf_region){ .kind = ELF_REGION_ZERO, .vaddr = 0x603000,
		.size = 0x3000, .rights = RW });
}

static void plan_writable_segment_without_bss_has_no_tail(void)
{
	struct elf_image img = image_with((struct elf_segment){
		.vaddr = 0x602000, .memsz = 0x800, .offset = 0x2000, .filesz = 0x800, .rights = RW });
	struct elf_load_plan plan;

	elf_plan_load(&img, &plan);
	CHECK_EQ(plan.nregions, 2);
	check_region(&plan, 1, (struct elf_region){ .kind = ELF_REGION_COPY, .vaddr = 0x602000,
		.size = 0x1000, .offset = 0x2000, .rights = RW });
}

static void plan_file_data_ending_on_page_boundary_has_no_tail(void)
{
	struct elf_image img = image_with((struct elf_segment){
		.vaddr = 0x601000, .memsz = 0x3000, .offset = 0x1000, .filesz = 0x1000, .rights = RW });
	struct elf_load_plan plan;

	elf_plan_load(&img, &plan);
	CHECK_EQ(plan.nregions, 3);
	check_region(&plan, 1, (struct elf_region){ .kind = ELF_REGION_COPY, .vaddr = 0x601000,
		.size = 0x1000, .offset = 0x1000, .rights = RW });
	check_region(&plan, 2, (struct elf_region){ .kind = ELF_REGION_ZERO, .vaddr = 0x602000,
		.size = 0x2000, .rights = RW });
}

static void plan_bss_within_last_file_page_is_only_a_tail(void)
{
	struct elf_image img = image_with((struct elf_segment){
		.vaddr = 0x602000, .memsz = 0x900, .offset = 0x2000, .filesz = 0x800, .rights = RW });
	struct elf_load_plan plan;

	elf_plan_load(&img, &plan);
	CHECK_EQ(plan.nregions, 2);
	check_region(&plan, 1, (struct elf_region){ .kind = ELF_REGION_COPY, .vaddr = 0x602000,
		.size = 0x1000, .offset = 0x2000, .zero_tail = 0x800, .rights = RW });
}

/* Clearing the tail in a shared page would write to the file. */
static void plan_copies_read_only_segment_with_a_tail(void)
{
	struct elf_image img = image_with((struct elf_segment){
		.vaddr = 0x602000, .memsz = 0x3000, .offset = 0x2000, .filesz = 0x800, .rights = MICA_R });
	struct elf_load_plan plan;

	elf_plan_load(&img, &plan);
	CHECK_EQ(plan.nregions, 3);
	check_region(&plan, 1, (struct elf_region){ .kind = ELF_REGION_COPY, .vaddr = 0x602000,
		.size = 0x1000, .offset = 0x2000, .zero_tail = 0x800, .rights = MICA_R });
	check_region(&plan, 2, (struct elf_region){ .kind = ELF_REGION_ZERO, .vaddr = 0x603000,
		.size = 0x2000, .rights = MICA_R });
}

static void plan_shares_read_only_segment_with_page_aligned_bss(void)
{
	struct elf_image img = image_with((struct elf_segment){
		.vaddr = 0x601000, .memsz = 0x2000, .offset = 0x1000, .filesz = 0x1000, .rights = MICA_R });
	struct elf_load_plan plan;

	elf_plan_load(&img, &plan);
	CHECK_EQ(plan.nregions, 3);
	check_region(&plan, 1, (struct elf_region){ .kind = ELF_REGION_SHARED, .vaddr = 0x601000,
		.size = 0x1000, .offset = 0x1000, .rights = MICA_R });
	check_region(&plan, 2, (struct elf_region){ .kind = ELF_REGION_ZERO, .vaddr = 0x602000,
		.size = 0x1000, .rights = MICA_R });
}

static void plan_segment_without_file_data_is_all_zero_fill(void)
{
	struct elf_image img = image_with((struct elf_segment){
		.vaddr = 0x602100, .memsz = 0x1800, .offset = 0x100, .filesz = 0, .rights = RW });
	struct elf_load_plan plan;

	elf_plan_load(&img, &plan);
	CHECK_EQ(plan.nregions, 2);
	check_region(&plan, 1, (struct elf_region){ .kind = ELF_REGION_ZERO, .vaddr = 0x602000,
		.size = 0x2000, .rights = RW });
}

static void plan_rounds_up_below_the_top_of_the_address_space(void)
{
	struct elf_image img = image_with((struct elf_segment){ .vaddr = 0xffffffffffffd800ull,
		.memsz = 0x1000, .offset = 0x800, .filesz = 0x400, .rights = RW });
	struct elf_load_plan plan;

	elf_plan_load(&img, &plan);
	CHECK_EQ(plan.nregions, 3);
	check_region(&plan, 1, (struct elf_region){ .kind = ELF_REGION_COPY,
		.vaddr = 0xffffffffffffd000ull, .size = 0x1000, .offset = 0, .zero_tail = 0x400,
		.rights = RW });
	check_region(&plan, 2, (struct elf_region){ .kind = ELF_REGION_ZERO,
		.vaddr = 0xffffffffffffe000ull, .size = 0x1000, .rights = RW });
}

/* The region of the plan that holds the page at a, or NULL. */
static const struct elf_region *region_of(const struct elf_load_plan *plan, uint64_t a)
{
	for (unsigned i = 0; i < plan->nregions; i++)
		if (a >= plan->regions[i].vaddr && a - plan->regions[i].vaddr < plan->regions[i].size)
			return &plan->regions[i];
	return NULL;
}

/* Every page of s lies in a region with s's rights; the page where its
 * file data ends inside bss is cleared from there on. */
static void check_segment_covered(const struct elf_load_plan *plan, const struct elf_segment *s)
{
	uint64_t file_end = s->vaddr + s->filesz;

	for (uint64_t a = s->vaddr & ~0xfffull; a < s->vaddr + s->memsz; a += ELF_PAGE_SIZE) {
		const struct elf_region *r = region_of(plan, a);
		if (CHECK(r != NULL))
			CHECK_EQ(r->rights, s->rights);
	}
	if (s->filesz && s->filesz < s->memsz && file_end % ELF_PAGE_SIZE) {
		const struct elf_region *r = region_of(plan, file_end);
		if (CHECK(r != NULL))
			CHECK_EQ(r->vaddr + r->size - r->zero_tail, file_end);
	}
}

/* What the host gcc and ld make with Mica's user link flags: text shared,
 * data copied, bss zero-filled, every region whole pages, in order. */
static void plan_of_program_linked_by_host_toolchain(void)
{
	struct elf_image img;
	struct elf_load_plan plan;
	const char *why = NULL;
	unsigned kinds = 0;

	if (!CHECK_EQ(elf_parse(static_exe, (size_t)(static_exe_end - static_exe), 0x10000,
				0x800000000000ull, &img, &why), MICA_OK)) {
		printf("# refused: %s\n", why);
		return;
	}
	elf_plan_load(&img, &plan);
	for (unsigned i = 0; i < plan.nregions; i++) {
		const struct elf_region *r = &plan.regions[i];
		CHECK(r->size > 0 && (r->vaddr | r->size | r->offset) % ELF_PAGE_SIZE == 0);
		CHECK(i == 0 || plan.regions[i - 1].vaddr + plan.regions[i - 1].size <= r->vaddr);
		CHECK(r->kind != ELF_REGION_SHARED || !(r->rights & MICA_W));
		CHECK(r->zero_tail < ELF_PAGE_SIZE && (r->kind == ELF_REGION_COPY || r->zero_tail == 0));
		if (r->rights & MICA_X)
			CHECK_EQ(r->kind, ELF_REGION_SHARED);
		kinds |= 1u << r->kind;
	}
	CHECK_EQ(kinds, 1u << ELF_REGION_SHARED | 1u << ELF_REGION_COPY | 1u << ELF_REGION_ZERO);
	for (unsigned i = 0; i < img.nsegs; i++)
		check_segment_covered(&plan, &img.segs[i]);
}

static const struct tap_case cases[] = {
	TAP_CASE(plan_maps_text_shared_data_copied_bss_zero_filled),
	TAP_CASE(plan_rounds_unaligned_segment_out_to_pages),
	TAP_CASE(plan_writable_segment_without_bss_has_no_tail),
	TAP_CASE(plan_file_data_ending_on_page_boundary_has_no_tail),
	TAP_CASE(plan_bss_within_last_file_page_is_only_a_tail),
	TAP_CASE(plan_copies_read_only_segment_with_a_tail),
	TAP_CASE(plan_shares_read_only_segment_with_page_aligned_bss),
	TAP_CASE(plan_segment_without_file_data_is_all_zero_fill),
	TAP_CASE(plan_rounds_up_below_the_top_of_the_address_space),
	TAP_CASE(plan_of_program_linked_by_host_toolchain),
};

int main(void) { return tap_run(cases, TAP_COUNT(cases)); }
