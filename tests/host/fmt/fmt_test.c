/*
 * fmt_test.c - lib/common/fmt.c against the host C library's snprintf: every
 * conversion, flag and length modifier the kernel and programs use.
 */
#include "../tap.h"
#include <common/fmt.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SAME(...) do { \
	char a[128], b[128]; \
	int na = fmt_snprintf(a, sizeof a, __VA_ARGS__); \
	int nb = snprintf(b, sizeof b, __VA_ARGS__); \
	if (!CHECK(strcmp(a, b) == 0 && na == nb)) \
		printf("#   fmt \"%s\" (%d) libc \"%s\" (%d)\n", a, na, b, nb); \
} while (0)

static void fmt_integers_match_libc(void)
{
	SAME("%d %i %u", 0, -1, 42u);
	SAME("%d %d", INT_MIN, INT_MAX);
	SAME("%ld %lu %lld %llu", LONG_MIN, ULONG_MAX, LLONG_MIN, ULLONG_MAX);
	SAME("%hd %hhd %hu %hhu", -3, -4, 65535, 255);
	SAME("%zu %zd %td", (size_t)123456789, (ssize_t)-5, (ptrdiff_t)-7);
	SAME("%x %X %o %#x %#o %#X", 0xbeefu, 0xbeefu, 8u, 255u, 8u, 0u);
}

static void fmt_flags_width_precision_match_libc(void)
{
	SAME("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
	SAME("[%.3d] [%8.3d] [%-8.3x] [%.0d]", 7, -7, 0xa, 0);
	SAME("[%*d] [%-*d] [%.*d]", 6, 1, 6, 2, 4, 3);
	SAME("[%016lx] [%#018lx]", 0xdeadbeefUL, 0xdeadbeefUL);
	SAME("[%s] [%10s] [%-10s] [%.2s]", "abc", "abc", "abc", "abc");
	SAME("[%c%c] [%3c] [%%]", 'o', 'k', 'x');
}

static void fmt_pointer_prints_hex(void)
{
	char a[64];
	fmt_snprintf(a, sizeof a, "%p", (void *)0x1234);
	CHECK(strcmp(a, "0x1234") == 0);
}

static void fmt_truncates_and_reports_full_length(void)
{
	char a[8];
	int n = fmt_snprintf(a, sizeof a, "%s", "0123456789");
	CHECK_EQ(n, 10);
	CHECK(strcmp(a, "0123456") == 0);
	CHECK_EQ(fmt_snprintf(NULL, 0, "%d", 12345), 5);
}

static void fmt_null_string_is_marked(void)
{
	char a[16];
	fmt_snprintf(a, sizeof a, "%s", (char *)NULL);
	CHECK(strcmp(a, "(null)") == 0);
}

static const struct tap_case cases[] = {
	TAP_CASE(fmt_integers_match_libc),
	TAP_CASE(fmt_flags_width_precision_match_libc),
	TAP_CASE(fmt_pointer_prints_hex),
	TAP_CASE(fmt_truncates_and_reports_full_length),
	TAP_CASE(fmt_null_string_is_marked),
};

int main(void)
{
	return tap_run(cases, TAP_COUNT(cases));
}
