/*
 * elf_stack.c - the initial stack (see elf_stack.h).
 *
 * Everything is measured before anything is written, so a stack that does
 * not fit leaves the memory as it was.  Words are stored byte by byte,
 * little-endian: mem need not be aligned, and only the program's addresses
 * decide the layout.
 */
#include <common/elf_stack.h>

#include <stdbool.h>

#include <mica/error.h>

#define AUXV_MAX 6

struct auxv {
	uint64_t type, value;
};

/* Where the next word and the next string go, as offsets into mem; base
 * is the program's address of mem[0]. */
struct cursor {
	uint8_t *mem;
	uint64_t base;
	size_t word, str;
};

static size_t count(const char *const v[])
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* Add the bytes of v's n strings, NULs included, to *total; false when
 * *total would exceed limit (the scan stops there too). */
static bool add_string_bytes(const char *const v[], size_t n, size_t limit, size_t *total)
{
	for (size_t i = 0; i < n; i++) {
		size_t room = limit - *total, len = 0;
		while (len < room && v[i][len])
			len++;
		if (len >= room)
			return false;
		*total += len + 1;
	}
	return true;
}

/* img's auxv pairs, ELF_AT_NULL included; returns how many. */
static unsigned auxv_of(const struct elf_image *img, struct auxv a[AUXV_MAX])
{
	unsigned n = 0;

	if (img->phdr_vaddr) {
		a[n++] = (struct auxv){ ELF_AT_PHDR, img->phdr_vaddr };
		a[n++] = (struct auxv){ ELF_AT_PHENT, img->phentsize };
		a[n++] = (struct auxv){ ELF_AT_PHNUM, img->phnum };
	}
	a[n++] = (struct auxv){ ELF_AT_PAGESZ, ELF_PAGE_SIZE };
	a[n++] = (struct auxv){ ELF_AT_ENTRY, img->entry };
	a[n++] = (struct auxv){ ELF_AT_NULL, 0 };
	return n;
}

static void put_word(struct cursor *c, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		c->mem[c->word++] = (uint8_t)(v >> 8 * i);
}

/* The addresses of v's n strings and a 0 word; the strings themselves go
 * to the string area. */
static void put_vector(struct cursor *c, const char *const v[], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = v[i];
		put_word(c, c->base + c->str);
		do
			c->mem[c->str++] = (uint8_t)*s;
		while (*s++);
	}
	put_word(c, 0);
}

int elf_stack_build(const struct elf_image *img, const char *const argv[], const char *const envp[],
		    uint64_t top, void *mem, size_t size, uint64_t *sp)
{
	struct auxv auxv[AUXV_MAX];
	unsigned nauxv = auxv_of(img, auxv);
	size_t argc = count(argv), envc = count(envp), strings = 0;

	if (size > top)
		return MICA_EINVAL;
	if (!add_string_bytes(argv, argc, size, &strings) || !add_string_bytes(envp, envc, size, &strings))
		return MICA_E2BIG;
	/* argc + envc <= strings <= size: every string has its NUL. */
	size_t words = 1 + argc + 1 + envc + 1 + 2 * (size_t)nauxv;
	if (words > (size - strings) / 8)
		return MICA_E2BIG;
	uint64_t base = top - size, first = (top - strings - 8 * words) & ~(uint64_t)15;
	if (first < base)
		return MICA_E2BIG;

	struct cursor c = { mem, base, first - base, size - strings };
	put_word(&c, argc);
	put_vector(&c, argv, argc);
	put_vector(&c, envp, envc);
	for (unsigned i = 0; i < nauxv; i++) {
		put_word(&c, auxv[i].type);
		put_word(&c, auxv[i].value);
	}
	while (c.word < size - strings) /* the padding up to the strings */
		c.mem[c.word++] = 0;
	*sp = first;
	return MICA_OK;
}
