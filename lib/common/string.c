/*
 * string.c - the string routines of the kernel and freestanding programs
 * (common/string.h), named apart from the C library's so that programs on
 * newlib can link them too.
 */
#include <common/string.h>

bool mica_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

size_t mica_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

void mica_strlcpy(char *dst, const char *src, size_t room)
{
	size_t i = 0;

	for (; i + 1 < room && src[i]; i++)
		dst[i] = src[i];
	if (room)
		dst[i] = 0;
}
