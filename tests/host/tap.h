/*
 * tap.h - the host unit-test harness: a table of named cases, each printing
 * one TAP line.  A case passes when none of its CHECKs failed.
 *
 *     static void page_alloc_exhaustion_returns_error(void) { CHECK(...); }
 *     static const struct tap_case cases[] = {
 *         TAP_CASE(page_alloc_exhaustion_returns_error),
 *     };
 *     int main(void) { return tap_run(cases, TAP_COUNT(cases)); }
 */
#ifndef TESTS_HOST_TAP_H
#define TESTS_HOST_TAP_H

#include <stddef.h>

struct tap_case {
	const char *name;
	void (*fn)(void);
};

#define TAP_CASE(fn) { #fn, fn }
#define TAP_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Record a failed check in the running case (with file and line), go on. */
#define CHECK(cond) tap_check(!!(cond), #cond, __FILE__, __LINE__)
/* Compare two integers and print both on failure. */
#define CHECK_EQ(a, b) tap_check_eq((long long)(a), (long long)(b), #a " == " #b, __FILE__, __LINE__)

int tap_check(int ok, const char *what, const char *file, int line);
int tap_check_eq(long long a, long long b, const char *what, const char *file, int line);
/* Run every case; returns the process exit status (0 when all passed). */
int tap_run(const struct tap_case *cases, size_t n);

#endif
