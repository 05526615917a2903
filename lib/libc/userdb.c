/*
 * userdb.c - the line reader under the passwd and group files
 * (userdb.h, docs/libc.md "Users and groups").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "userdb.h"

FILE *userdb_open(const char *path)
{
	return fopen(path, "re");
}

int userdb_id(const char *s, unsigned long *id)
{
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*id = strtoul(s, &end, 10);
	return *end || errno ? -1 : 0;
}

int userdb_next(FILE *f, char *buf, size_t size, char **field, unsigned n)
{
	int c;

	if (size < 2)
		return ERANGE;
	while (fgets(buf, (int)size, f)) {
		size_t len = strlen(buf);
		if (len && buf[len - 1] == '\n')
			buf[--len] = 0;
		else if (len == size - 1 && (c = getc(f)) != EOF && c != '\n') {
			while ((c = getc(f)) != EOF && c != '\n')   /* no room for it: the rest skipped */
				;
			return ERANGE;
		}
		unsigned colons = 0;
		for (char *s = buf; (s = strchr(s, ':')) != 0; s++)
			colons++;
		if (colons != n - 1)
			continue;   /* not a line of this file */
		char *s = buf;
		for (unsigned i = 0; i < n; i++) {
			field[i] = s;
			if (i + 1 < n) {
				s = strchr(s, ':');
				*s++ = 0;
			}
		}
		return 0;
	}
	return ENOENT;
}
