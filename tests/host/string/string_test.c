/*
 * string_test.c - host unit tests of lib/common/mem.c and string.c: memcpy
 * and memset at every length and alignment (the quadword part and the odd
 * bytes), memmove in both overlap directions and apart, memcmp's sign, and
 * the mica_str* routines, checked against byte-by-byte reference loops.
 */
#include <common/string.h>
#include "tap.h"

#define N 80

static unsigned char buf[N * 3], want[N * 3];

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i * 7 + 1);
}

static int same(const unsigned char *a, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* What memmove must leave: the source read whole before anything is written. */
static void reference_move(unsigned char *base, size_t dst, size_t src, size_t n)
{
	unsigned char tmp[N * 3];

	for (size_t i = 0; i < n; i++)
		tmp[i] = base[src + i];
	for (size_t i = 0; i < n; i++)
		base[dst + i] = tmp[i];
}

static void check_move(size_t dst, size_t src, size_t n)
{
	fill(buf, sizeof buf, (unsigned)(dst + src + n));
	fill(want, sizeof want, (unsigned)(dst + src + n));
	reference_move(want, dst, src, n);
	CHECK(memmove(buf + dst, buf + src, n) == buf + dst);
	CHECK(same(buf, want, sizeof buf));
}

static void memmove_dst_inside_src_copies_backwards(void)
{
	for (size_t n = 0; n <= N; n++)
		for (size_t d = 1; d < n; d++)
			check_move(N + d, N, n);
}

static void memmove_src_inside_dst_copies_forwards(void)
{
	for (size_t n = 0; n <= N; n++)
		for (size_t d = 1; d < n; d++)
			check_move(N, N + d, n);
}

static void memmove_apart_and_onto_itself(void)
{
	for (size_t n = 0; n <= N; n++) {
		check_move(0, N + 3, n);        /* dst below src */
		check_move(N + 5, 0, n);        /* dst above src, apart */
		check_move(N, N, n);            /* onto itself */
	}
}

static void memcpy_every_length_and_alignment(void)
{
	for (size_t n = 0; n <= N; n++)
		for (size_t a = 0; a < 8; a++) {
			fill(buf, sizeof buf, (unsigned)n);
			fill(want, sizeof want, (unsigned)n);
			reference_move(want, a, N + 8 - a, n);
			CHECK(memcpy(buf + a, buf + N + 8 - a, n) == buf + a);
			CHECK(same(buf, want, sizeof buf));
		}
}

static void memset_every_length_and_alignment(void)
{
	for (size_t n = 0; n <= N; n++)
		for (size_t a = 0; a < 8; a++) {
			fill(buf, sizeof buf, (unsigned)a);
			fill(want, sizeof want, (unsigned)a);
			for (size_t i = 0; i < n; i++)
				want[a + i] = 0xa5;
			CHECK(memset(buf + a, 0x3a5, n) == buf + a);   /* only the low byte counts */
			CHECK(same(buf, want, sizeof buf));
		}
}

static void memcmp_orders_as_unsigned_bytes(void)
{
	unsigned char x[4] = { 1, 2, 3, 4 }, y[4] = { 1, 2, 3, 4 };

	CHECK_EQ(memcmp(x, y, 4), 0);
	CHECK_EQ(memcmp(x, y, 0), 0);
	y[2] = 0x80;
	CHECK(memcmp(x, y, 4) < 0);
	CHECK(memcmp(y, x, 4) > 0);
	CHECK_EQ(memcmp(x, y, 2), 0);
}

/* Every length, alignment and place of the first difference, with a later
 * difference the other way: the first differing byte decides, as unsigned
 * bytes, whatever the quadword around it holds. */
static void memcmp_first_difference_decides_at_every_place(void)
{
	unsigned char x[N + 8], y[N + 8];

	for (size_t n = 0; n <= N; n++)
		for (size_t a = 0; a < 8; a++) {
			fill(x, sizeof x, (unsigned)n);
			for (size_t i = 0; i < sizeof x; i++)
				y[i] = x[i];
			CHECK_EQ(memcmp(x + a, y + a, n), 0);
			for (size_t p = 0; p < n; p++) {
				unsigned char keep = y[a + p], later = p + 1 < n ? y[a + p + 1] : 0;
				y[a + p] = (unsigned char)(x[a + p] + 1);          /* y greater here (wrapping: 0xff + 1 is 0, smaller) */
				if (p + 1 < n)
					y[a + p + 1] = (unsigned char)(x[a + p + 1] - 1);   /* and the other way after */
				int want = y[a + p] > x[a + p] ? -1 : 1, got = memcmp(x + a, y + a, n);
				CHECK((got < 0 ? -1 : got > 0 ? 1 : 0) == want);
				got = memcmp(y + a, x + a, n);
				CHECK((got < 0 ? -1 : got > 0 ? 1 : 0) == -want);
				y[a + p] = keep;
				if (p + 1 < n)
					y[a + p + 1] = later;
			}
		}
}

static void mica_strlcpy_cuts_short_and_terminates(void)
{
	char d[8];

	fill((unsigned char *)d, sizeof d, 1);
	mica_strlcpy(d, "abc", sizeof d);
	CHECK(mica_streq(d, "abc"));
	mica_strlcpy(d, "abcdefghij", sizeof d);
	CHECK(mica_streq(d, "abcdefg"));
	mica_strlcpy(d, "xyz", 1);
	CHECK_EQ(d[0], 0);
	d[0] = 'q';
	mica_strlcpy(d, "xyz", 0);                /* no room: nothing written */
	CHECK_EQ(d[0], 'q');
}

static void mica_streq_and_strlen(void)
{
	CHECK(mica_streq("", ""));
	CHECK(mica_streq("log", "log"));
	CHECK(!mica_streq("log", "logs"));
	CHECK(!mica_streq("logs", "log"));
	CHECK(!mica_streq("a", ""));
	CHECK_EQ(mica_strlen(""), 0);
	CHECK_EQ(mica_strlen("kernel"), 6);
}

static const struct tap_case cases[] = {
	TAP_CASE(memmove_dst_inside_src_copies_backwards),
	TAP_CASE(memmove_src_inside_dst_copies_forwards),
	TAP_CASE(memmove_apart_and_onto_itself),
	TAP_CASE(memcpy_every_length_and_alignment),
	TAP_CASE(memset_every_length_and_alignment),
	TAP_CASE(memcmp_orders_as_unsigned_bytes),
	TAP_CASE(memcmp_first_difference_decides_at_every_place),
	TAP_CASE(mica_strlcpy_cuts_short_and_terminates),
	TAP_CASE(mica_streq_and_strlen),
};

int main(void)
{
	return tap_run(cases, TAP_COUNT(cases));
}
