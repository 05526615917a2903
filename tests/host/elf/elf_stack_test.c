/*
 * elf_stack_test.c - host unit tests of lib/common's ELF initial-stack builder:
 * a stack checked word by word against the System V layout, the alignment
 * of sp for every string length, aligned or not, the auxv without program
 * headers, empty argument lists, and what does not fit.
 *
 * The buffer is filled with a marker byte first, so a test sees exactly
 * which bytes the builder wrote.
 */
#include <common/elf_stack.h>
#include "tap.h"

#include <stdio.h>
#include <string.h>

#include <mica/error.h>

#define TOP 0x7fff00000000ull
#define MARK 0xa5

static unsigned char stack[4096 + 16];
static uint64_t base; /* the program's address of the buffer's first byte */

static const struct elf_image image = {
	.entry = 0x401000,
	.phdr_vaddr = 0x400040,
	.phnum = 4,
	.phentsize = 56,
};

/* Build into the `size` bytes at stack + skew, standing for [top - size, top). */
static int build(const struct elf_image *img, const char *const argv[], const char *const envp[],
		 uint64_t top, size_t skew, size_t size, uint64_t *sp)
{
	memset(stack, MARK, sizeof stack);
	base = top - size - skew;
	return elf_stack_build(img, argv, envp, top, stack + skew, size, sp);
}

static uint64_t word_at(uint64_t a)
{
	uint64_t v = 0;

	for (unsigned i = 8; i-- > 0;)
		v = v << 8 | stack[a - base + i];
	return v;
}

static const char *string_at(uint64_t a) { return (const char *)&stack[a - base]; }

/* The bytes [from, to) of the program's addresses all still hold MARK. */
static int untouched(uint64_t from, uint64_t to)
{
	for (uint64_t a = from; a < to; a++)
		if (stack[a - base] != MARK)
			return 0;
	return 1;
}

static void stack_lays_out_argc_argv_envp_auxv_word_by_word(void)
{
	static const char *const argv[] = { "prog", "-x", NULL }, *const envp[] = { "HOME=/", NULL };
	/* strings: "prog" at TOP-15, "-x" at TOP-10, "HOME=/" at TOP-7; 18
	 * words below them, rounded down to 16 bytes */
	static const uint64_t want[] = {
		2, TOP - 15, TOP - 10, 0,
		TOP - 7, 0,
		ELF_AT_PHDR, 0x400040, ELF_AT_PHENT, 56, ELF_AT_PHNUM, 4,
		ELF_AT_PAGESZ, 4096, ELF_AT_ENTRY, 0x401000, ELF_AT_NULL, 0,
	};
	uint64_t sp = 0;

	CHECK_EQ(build(&image, argv, envp, TOP, 0, 4096, &sp), MICA_OK);
	CHECK_EQ(sp, TOP - 160);
	for (unsigned i = 0; i < TAP_COUNT(want); i++)
		if (!CHECK_EQ(word_at(sp + 8 * i), want[i]))
			printf("# word %u\n", i);
	CHECK_EQ(stack[TOP - 16 - base], 0); /* the padding */
	CHECK(memcmp(string_at(TOP - 15), "prog\0-x\0HOME=/", 15) == 0);
	CHECK(untouched(base, sp));
}

/* sp is 16-byte aligned, and the vector ends below the strings, whatever
 * their length, the stack top and the buffer's own alignment. */
static void stack_pointer_is_16_byte_aligned(void)
{
	static const char text[] = "0123456789abcdefghijklmnopqrstuvwxyz0123456";
	static const uint64_t tops[] = { TOP, TOP - 5, TOP + 8 };

	for (unsigned t = 0; t < TAP_COUNT(tops); t++)
		for (size_t len = 0; len < sizeof text; len++) {
			const char *argv[] = { text + sizeof text - 1 - len, NULL };
			uint64_t sp = 0;
			if (!CHECK_EQ(build(&image, argv, NULL, tops[t], t, 4096, &sp), MICA_OK))
				continue;
			CHECK_EQ(sp % 16, 0);
			CHECK_EQ(word_at(sp), 1);
			CHECK(sp + 8 * 16 <= word_at(sp + 8)); /* 16 words, then the string */
			CHECK_EQ(word_at(sp + 8) + len + 1, tops[t]);
			CHECK(strcmp(string_at(word_at(sp + 8)), argv[0]) == 0);
		}
}

static void stack_leaves_out_phdr_entries_when_headers_not_loaded(void)
{
	static const char *const argv[] = { "a", NULL };
	static const uint64_t want[] = {
		1, TOP - 2, 0, 0, ELF_AT_PAGESZ, 4096, ELF_AT_ENTRY, 0x401000, ELF_AT_NULL, 0,
	};
	struct elf_image img = image;
	uint64_t sp = 0;

	img.phdr_vaddr = 0;
	CHECK_EQ(build(&img, argv, NULL, TOP, 0, 4096, &sp), MICA_OK);
	for (unsigned i = 0; i < TAP_COUNT(want); i++)
		if (!CHECK_EQ(word_at(sp + 8 * i), want[i]))
			printf("# word %u\n", i);
}

static void stack_takes_null_lists_as_empty(void)
{
	static const char *const empty[] = { NULL };
	uint64_t sp = 0, sp_empty = 0;

	CHECK_EQ(build(&image, NULL, NULL, TOP, 0, 4096, &sp), MICA_OK);
	CHECK_EQ(word_at(sp), 0);
	CHECK_EQ(word_at(sp + 8), 0);
	CHECK_EQ(word_at(sp + 16), 0);
	CHECK_EQ(word_at(sp + 24), ELF_AT_PHDR);
	CHECK_EQ(build(&image, empty, empty, TOP, 0, 4096, &sp_empty), MICA_OK);
	CHECK_EQ(sp_empty, sp);
}

/* A stack that needs n bytes builds in n and is refused in n - 1, leaving
 * the buffer as it was, for stacks of every padding. */
static void stack_fits_exactly_or_is_refused_untouched(void)
{
	static const char text[] = "0123456789abcdef";

	for (size_t len = 0; len < sizeof text; len++) {
		const char *argv[] = { "prog", text + sizeof text - 1 - len, NULL };
		uint64_t sp = 0, sp_exact = 0;
		CHECK_EQ(build(&image, argv, argv, TOP, 0, 4096, &sp), MICA_OK);
		size_t need = (size_t)(TOP - sp);
		CHECK_EQ(build(&image, argv, argv, TOP, 4096 - need, need, &sp_exact), MICA_OK);
		CHECK_EQ(sp_exact, sp);
		sp = 1;
		CHECK_EQ(build(&image, argv, argv, TOP, 4096 - need + 1, need - 1, &sp), MICA_E2BIG);
		CHECK_EQ(sp, 1);
		CHECK(untouched(base, TOP));
	}
}

static void stack_refuses_strings_or_pointers_that_do_not_fit(void)
{
	static char huge[5000];
	static const char *many[600];
	const char *argv[] = { huge, NULL };
	uint64_t sp = 0;

	memset(huge, 'x', sizeof huge - 1);
	CHECK_EQ(build(&image, argv, NULL, TOP, 0, 4096, &sp), MICA_E2BIG);
	CHECK(untouched(base, TOP));
	/* 599 empty strings take 599 bytes, their pointers 4792 */
	for (unsigned i = 0; i + 1 < TAP_COUNT(many); i++)
		many[i] = "";
	CHECK_EQ(build(&image, many, NULL, TOP, 0, 4096, &sp), MICA_E2BIG);
	CHECK(untouched(base, TOP));
}

static void stack_refuses_buffer_below_address_zero(void)
{
	uint64_t sp = 0;

	CHECK_EQ(elf_stack_build(&image, NULL, NULL, 100, stack, 4096, &sp), MICA_EINVAL);
}

static const struct tap_case cases[] = {
	TAP_CASE(stack_lays_out_argc_argv_envp_auxv_word_by_word),
	TAP_CASE(stack_pointer_is_16_byte_aligned),
	TAP_CASE(stack_leaves_out_phdr_entries_when_headers_not_loaded),
	TAP_CASE(stack_takes_null_lists_as_empty),
	TAP_CASE(stack_fits_exactly_or_is_refused_untouched),
	TAP_CASE(stack_refuses_strings_or_pointers_that_do_not_fit),
	TAP_CASE(stack_refuses_buffer_below_address_zero),
};

int main(void) { return tap_run(cases, TAP_COUNT(cases)); }
