/*
 * strspn_test.c - host unit test of the C library's strspn, strcspn and
 * strpbrk (lib/libc/strspn.c), against byte-by-byte reference loops over
 * sets and strings of every byte value, the empty set and the empty string.
 */
#include <string.h>

#include "tap.h"

static size_t reference_span(const char *s, const char *set, int in)
{
	size_t n = 0;

	for (; s[n]; n++) {
		int found = 0;
		for (const char *c = set; *c; c++)
			found |= *c == s[n];
		if (found != in)
			break;
	}
	return n;
}

static const char *const sets[] = { "", "a", "abc", "\x01\x7f\x80\xff", " \t\n", "0123456789" };
static const char *const strings[] = { "", "a", "aaab", "cab\x80", "\xff\x80\x01z", "  \t x", "12345", "x12" };

static void spans_agree_with_the_reference(void)
{
	for (unsigned i = 0; i < sizeof sets / sizeof sets[0]; i++)
		for (unsigned j = 0; j < sizeof strings / sizeof strings[0]; j++) {
			CHECK_EQ(strspn(strings[j], sets[i]), reference_span(strings[j], sets[i], 1));
			CHECK_EQ(strcspn(strings[j], sets[i]), reference_span(strings[j], sets[i], 0));
			size_t at = reference_span(strings[j], sets[i], 0);
			const char *p = strpbrk(strings[j], sets[i]);
			CHECK(p == (strings[j][at] ? strings[j] + at : NULL));
		}
}

static void every_byte_value(void)
{
	char all[256], one[2] = { 0, 0 };

	for (int c = 1; c < 256; c++)
		all[c - 1] = (char)c;
	all[255] = 0;
	CHECK_EQ(strspn(all, all), 255);
	CHECK_EQ(strcspn(all, ""), 255);
	for (int c = 1; c < 256; c++) {
		one[0] = (char)c;
		CHECK_EQ(strcspn(all, one), (size_t)(c - 1));
		CHECK(strpbrk(all, one) == all + c - 1);
	}
}

static const struct tap_case cases[] = {
	TAP_CASE(spans_agree_with_the_reference),
	TAP_CASE(every_byte_value),
};

int main(void)
{
	return tap_run(cases, TAP_COUNT(cases));
}
