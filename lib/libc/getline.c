/*
 * getline.c - getline and getdelim by their POSIX names: newlib has them as
 * __getline and __getdelim only.
 */
#include <stdio.h>

ssize_t getline(char **restrict line, size_t *restrict cap, FILE *restrict f)
{
	return __getline(line, cap, f);
}

ssize_t getdelim(char **restrict line, size_t *restrict cap, int delim, FILE *restrict f)
{
	return __getdelim(line, cap, delim, f);
}
