/*
 * main.c - the program options.sh builds in every way gcc accepts: its
 * answer comes from an object (part.c), an archive (libpart.a) and a header
 * found through -I or -include; it refuses to compile for anything but a
 * hosted Mica.
 */
#include <stdio.h>

#ifndef OPTS_ANSWER /* -include gave it already */
#include "opts.h"
#endif

#if defined(__linux__) || defined(__gnu_linux__)
#error "a Mica program must not see __linux__"
#endif
#if !defined(__mica__) || __STDC_HOSTED__ != 1
#error "a Mica program sees __mica__ and a hosted implementation"
#endif

int part(void);
int unused(void);

int main(void)
{
	printf("%d %d\n", part(), OPTS_ANSWER);
	return 0;
}
