/*
 * clip - print lines START to START+COUNT-1 of FILE ("-": standard input):
 *
 *   clip FILE START COUNT
 *
 * Lines count from 1; a range past the end prints what there is.  It stops
 * reading after the last line it prints, so that `cat big | clip - 1 3`
 * ends the pipeline early, as head does.  Exit status 0, 1 when FILE cannot
 * be read, 2 for a wrong use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
	fputs("usage: clip FILE START COUNT (FILE - for standard input; START from 1)\n", stderr);
	return 2;
}

/* *n from s, a whole decimal number in [min, LONG_MAX]: 0, else -1. */
static int number(const char *s, long min, long *n)
{
	char *end;

	errno = 0;
	*n = strtol(s, &end, 10);
	return *s && !*end && !errno && *n >= min ? 0 : -1;
}

int main(int argc, char **argv)
{
	long start, count, line = 0;
	char *text = 0;
	size_t size = 0;
	FILE *in;

	if (argc != 4 || number(argv[2], 1, &start) || number(argv[3], 0, &count))
		return usage();
	in = strcmp(argv[1], "-") ? fopen(argv[1], "r") : stdin;
	if (!in) {
		fprintf(stderr, "clip: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	while (count > 0 && getline(&text, &size, in) != -1)
		if (++line >= start) {
			fputs(text, stdout);
			count--;
		}
	if (ferror(in)) {
		fprintf(stderr, "clip: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	free(text);
	return 0;
}
