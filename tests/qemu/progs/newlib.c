/*
 * newlib.c - an ordinary C program on Mica: stdio, malloc, the string
 * and conversion functions, qsort, floating point, atexit and the exit
 * status, through newlib and lib/libc's system-call glue.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tests, failures;

static void check(const char *what, int ok)
{
	tests++;
	failures += !ok;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", tests, what);
}

static int cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void bye(void)
{
	printf("newlib: atexit handler ran\n");
}

int main(int argc, char **argv)
{
	char buf[64];

	printf("newlib: hello from printf, argc %d, argv[0] %s\n", argc, argv[0]);
	snprintf(buf, sizeof buf, "%5.2f|%-4s|%x|%lld", 3.14159, "ab", 255, -1234567890123ll);
	check("snprintf formats numbers and strings", !strcmp(buf, " 3.14|ab  |ff|-1234567890123"));
	check("strtol", strtol("-0x7f", 0, 16) == -127);
	double x = 0;
	for (int i = 1; i <= 10; i++)
		x += 1.0 / i;
	check("floating point", x > 2.928 && x < 2.929);

	/* malloc: many blocks of many sizes, written, checked, freed. */
	enum { N = 200 };
	static char *blocks[N];
	int ok = 1;
	for (int i = 0; i < N; i++) {
		size_t size = 1 + (size_t)(i * 997) % 20000;
		blocks[i] = malloc(size);
		if (!blocks[i]) {
			ok = 0;
			break;
		}
		memset(blocks[i], i & 0xff, size);
	}
	for (int i = 0; i < N && ok; i++)
		ok = blocks[i][0] == (char)(i & 0xff) && blocks[i][(i * 997) % 20000] == (char)(i & 0xff);
	check("200 malloc blocks up to 20 KB hold what was written", ok);
	for (int i = 0; i < N; i += 2)
		free(blocks[i]);
	char *big = malloc(4 << 20);
	check("a 4 MiB block", big != 0);
	if (big) {
		memset(big, 0x5a, 4 << 20);
		check("... written through", big[(4 << 20) - 1] == 0x5a);
		big = realloc(big, 8 << 20);
		check("realloc keeps the contents", big && big[(4 << 20) - 1] == 0x5a);
		free(big);
	}
	for (int i = 1; i < N; i += 2)
		free(blocks[i]);
	errno = 0;
	check("an impossible malloc fails with ENOMEM", malloc((size_t)1 << 40) == 0 && errno == ENOMEM);

	int v[] = { 5, 3, 9, 1, 7, 2 };
	qsort(v, 6, sizeof v[0], cmp);
	check("qsort", v[0] == 1 && v[5] == 9 && v[2] == 3);
	check("fopen of a file is not there yet: ENOSYS", fopen("/etc/motd", "r") == 0 && errno == ENOSYS);

	atexit(bye);
	printf("1..%d\n", tests);
	return failures;
}
