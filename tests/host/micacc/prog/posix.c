/*
 * posix.c - a program on newlib's POSIX parts that Mica builds (libposix.a,
 * docs/libc.md): <regex.h> included first and on its own (it must bring
 * its off_t), then glob, fnmatch, libgen, pwd and grp, getline.  It only
 * has to compile and link; posix.scenario runs the same calls in Mica.
 */
#include <regex.h>

#include <fnmatch.h>
#include <glob.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	regex_t re;
	glob_t g;
	char *line = 0;
	size_t cap = 0;
	int r = regcomp(&re, "^a+$", REG_EXTENDED | REG_NOSUB);

	r |= regexec(&re, argv[0], 0, 0, 0);
	regfree(&re);
	r |= glob("/bin/*", 0, 0, &g) == GLOB_NOMATCH;
	globfree(&g);
	r |= fnmatch("*.c", basename(argv[0]), FNM_PERIOD);
	r |= getpwnam("root") == 0 || getgrgid(0) == 0;
	r |= getline(&line, &cap, stdin) < 0;
	return r + argc;
}
