/*
 * mem.c - memcpy, memmove, memset and memcmp for the kernel and for
 * programs without newlib (common/string.h); newlib programs have the C
 * library's, so these are apart from string.c's mica_str*, which they link
 * too.  rep movs/stos by quadwords, then the
 * odd bytes: under icount each repetition counts as an instruction, so
 * eight bytes at a time is eight times cheaper than one; root zeroes and
 * copies whole pages with them.  memcmp compares quadwords.
 */
#include <common/string.h>

#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n / 8, r = n % 8;

	__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(r) : : "memory");
	return dst;
}

/* Forwards (memcpy) unless dst starts inside src, where a forward copy
 * would overwrite bytes before reading them: then backwards, the odd
 * bytes at the end first, then quadwords (rep movs with the direction
 * flag set, cleared again after). */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	size_t q = n / 8, r = n % 8;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (r--)
		d[q * 8 + r] = s[q * 8 + r];
	if (q) {
		unsigned char *dl = d + (q - 1) * 8;
		const unsigned char *sl = s + (q - 1) * 8;
		__asm__ volatile("std; rep movsq; cld" : "+D"(dl), "+S"(sl), "+c"(q) : : "memory");
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	size_t q = n / 8, r = n % 8;
	uint64_t v = (uint8_t)c * 0x0101010101010101ull;

	__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(v) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(r) : "a"(v) : "memory");
	return dst;
}

/* A quadword at any alignment. */
typedef uint64_t __attribute__((may_alias, aligned(1))) unaligned_u64;

/* By quadwords while they are equal (byte-swapped, the first differing
 * byte decides the order, as memcmp's unsigned bytes do), then bytes. */
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n >= 8; n -= 8, x += 8, y += 8) {
		uint64_t u = *(const unaligned_u64 *)x, v = *(const unaligned_u64 *)y;
		if (u != v)
			return __builtin_bswap64(u) < __builtin_bswap64(v) ? -1 : 1;
	}
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}
