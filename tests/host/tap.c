/*
 * tap.c - runs a table of test cases and prints one TAP line per case.
 * Failed checks print a diagnostic ("# file:line: ...") before the verdict.
 */
#include "tap.h"

#include <stdio.h>

static int case_failed;

int tap_check(int ok, const char *what, const char *file, int line)
{
	if (!ok) {
		printf("# %s:%d: check failed: %s\n", file, line, what);
		case_failed = 1;
	}
	return ok;
}

int tap_check_eq(long long a, long long b, const char *what, const char *file, int line)
{
	if (a != b) {
		printf("# %s:%d: check failed: %s (%lld != %lld)\n", file, line, what, a, b);
		case_failed = 1;
	}
	return a == b;
}

int tap_run(const struct tap_case *cases, size_t n)
{
	int failures = 0;

	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		case_failed = 0;
		cases[i].fn();
		printf("%s %zu - %s\n", case_failed ? "not ok" : "ok", i + 1, cases[i].name);
		fflush(stdout);
		failures += case_failed;
	}
	return failures ? 1 : 0;
}
