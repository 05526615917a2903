/*
 * elf_load_plan.c - segments to regions (see elf_load_plan.h).
 *
 * elf_parse keeps every segment's pages inside the address range, which
 * ends at most at the last page boundary of the 64-bit space, so rounding
 * up here never wraps.
 */
#include <common/elf_load_plan.h>

#include <stdbool.h>

#include <mica/ipc.h>

static uint64_t page_down(uint64_t a) { return a & ~(uint64_t)(ELF_PAGE_SIZE - 1); }
static uint64_t page_up(uint64_t a) { return page_down(a + ELF_PAGE_SIZE - 1); }

static void add_region(struct elf_load_plan *plan, struct elf_region r)
{
	plan->regions[plan->nregions++] = r;
}

/* The file part [start, zero_start), then the zero-filled rest up to the
 * segment's last page.  A segment without file data is all zero fill. */
static void plan_segment(struct elf_load_plan *plan, const struct elf_segment *s)
{
	uint64_t start = page_down(s->vaddr), file_end = s->vaddr + s->filesz;
	uint64_t zero_start = s->filesz ? page_up(file_end) : start;
	uint64_t mem_end = page_up(s->vaddr + s->memsz);

	if (s->filesz) {
		uint64_t tail = s->memsz > s->filesz ? zero_start - file_end : 0;
		bool shared = !(s->rights & MICA_W) && tail == 0;
		add_region(plan, (struct elf_region){
			.vaddr = start,
			.size = zero_start - start,
			.offset = page_down(s->offset),
			.zero_tail = tail,
			.rights = s->rights,
			.kind = shared ? ELF_REGION_SHARED : ELF_REGION_COPY,
		});
	}
	if (mem_end > zero_start)
		add_region(plan, (struct elf_region){
			.vaddr = zero_start,
			.size = mem_end - zero_start,
			.rights = s->rights,
			.kind = ELF_REGION_ZERO,
		});
}

void elf_plan_load(const struct elf_image *img, struct elf_load_plan *plan)
{
	plan->nregions = 0;
	for (unsigned i = 0; i < img->nsegs; i++)
		plan_segment(plan, &img->segs[i]);
}
