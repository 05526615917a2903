/*
 * strerror_test.c - host unit tests of libsys's mica_strerror: every code
 * of enum mica_error has its own name of the form "NAME: description", so
 * a code added without a name fails here; negated codes name the same
 * error; every other value is "unknown error".
 */
#include <libsys/error.h>

#include "tap.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char unknown[] = "unknown error";

static void strerror_names_every_code_distinctly(void)
{
	for (int i = 0; i < MICA_ERROR_COUNT; i++) {
		const char *name = mica_strerror(i);
		if (!CHECK(name && name[0] && strcmp(name, unknown) != 0)) {
			printf("# code %d has no name\n", i);
			continue;
		}
		for (int j = 0; j < i; j++)
			if (!CHECK(strcmp(name, mica_strerror(j)) != 0))
				printf("# codes %d and %d share \"%s\"\n", j, i, name);
	}
}

/* An upper-case name, ": ", then a description. */
static void strerror_names_read_name_colon_description(void)
{
	for (int i = 0; i < MICA_ERROR_COUNT; i++) {
		const char *name = mica_strerror(i), *p = name;
		while (isupper((unsigned char)*p) || isdigit((unsigned char)*p))
			p++;
		if (!CHECK(p > name && p[0] == ':' && p[1] == ' ' && p[2] != '\0'))
			printf("# code %d: \"%s\"\n", i, name);
	}
}

static void strerror_names_the_codes_they_stand_for(void)
{
	CHECK(strcmp(mica_strerror(MICA_OK), "OK: success") == 0);
	CHECK(strcmp(mica_strerror(MICA_EBADCAP), "EBADCAP: bad capability slot") == 0);
	CHECK(strncmp(mica_strerror(MICA_ENOMEM), "ENOMEM: ", 8) == 0);
	CHECK(strncmp(mica_strerror(MICA_EBUSY), "EBUSY: ", 7) == 0);
}

static void strerror_takes_negated_codes(void)
{
	for (int i = 0; i < MICA_ERROR_COUNT; i++)
		CHECK(mica_strerror(-i) == mica_strerror(i));
}

static void strerror_calls_other_values_unknown(void)
{
	static const int others[] = { MICA_ERROR_COUNT, -MICA_ERROR_COUNT, 1000, -1000, INT_MAX, -INT_MAX, INT_MIN };

	for (unsigned i = 0; i < TAP_COUNT(others); i++)
		if (!CHECK(strcmp(mica_strerror(others[i]), unknown) == 0))
			printf("# %d: \"%s\"\n", others[i], mica_strerror(others[i]));
}

static const struct tap_case cases[] = {
	TAP_CASE(strerror_names_every_code_distinctly),
	TAP_CASE(strerror_names_read_name_colon_description),
	TAP_CASE(strerror_names_the_codes_they_stand_for),
	TAP_CASE(strerror_takes_negated_codes),
	TAP_CASE(strerror_calls_other_values_unknown),
};

int main(void) { return tap_run(cases, TAP_COUNT(cases)); }
