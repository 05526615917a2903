/*
 * printer.c - prints COUNT lines "pX N XXXX...", X its letter: two of them
 * at once through the console must never mix within a line.
 *
 *   printer LETTER COUNT
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	char c = argv[1][0];
	char body[61];
	for (int i = 0; i < 60; i++)
		body[i] = c;
	body[60] = 0;
	for (int n = 0; n < atoi(argv[2]); n++)
		printf("p%c %d %s\n", c, n, body);
	return 0;
}
