/*
 * strspn.c - strspn, strcspn and strpbrk over a set of 256 bits: one pass
 * over the set, one over the string.  newlib's compare each byte of the
 * string with every byte of the set (SQLite's speedtest1 spent 6% of its
 * instructions in strcspn); being in the glue archive, these are linked
 * instead (lib/libc/build.mk).
 */
#include <stdint.h>
#include <string.h>

struct byte_set {
	uint64_t bits[4];
};

/* The bytes of `chars`, and the NUL too when `with_nul`. */
static void make_set(struct byte_set *set, const char *chars, int with_nul)
{
	*set = (struct byte_set){ { with_nul ? 1 : 0, 0, 0, 0 } };
	for (const unsigned char *c = (const unsigned char *)chars; *c; c++)
		set->bits[*c / 64] |= 1ull << (*c % 64);
}

static int in_set(const struct byte_set *set, unsigned char c)
{
	return (set->bits[c / 64] >> (c % 64)) & 1;
}

size_t strspn(const char *s, const char *accept)
{
	struct byte_set set;
	const unsigned char *p = (const unsigned char *)s;

	make_set(&set, accept, 0);
	while (in_set(&set, *p))
		p++;
	return (size_t)(p - (const unsigned char *)s);
}

size_t strcspn(const char *s, const char *reject)
{
	struct byte_set set;
	const unsigned char *p = (const unsigned char *)s;

	make_set(&set, reject, 1);   /* the end stops it too */
	while (!in_set(&set, *p))
		p++;
	return (size_t)(p - (const unsigned char *)s);
}

char *strpbrk(const char *s, const char *accept)
{
	s += strcspn(s, accept);
	return *s ? (char *)s : 0;
}
