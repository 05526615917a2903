/*
 * userdb.c - what the passwd and group files share (userdb.h,
 * docs/libc.md "Users and groups").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "userdb.h"

int userdb_id(const char *s, unsigned long max, unsigned long *id)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*id = strtoul(s, &end, 10);
	return *end || errno || *id > max ? -1 : 0;
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

/* path opened for reading, close-on-exec (newlib's fopen takes no "e"). */
static FILE *open_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : 0;

	if (fd >= 0 && !f)
		close(fd);
	return f;
}

int userdb_lookup(const struct userdb_file *file, const char *name, unsigned long id, void *entry, char *buf,
		  size_t size, bool skip_long, bool *found)
{
	FILE *f = open_file(file->path);
	int err;

	*found = false;
	if (!f)
		return errno == ENOENT ? 0 : errno;   /* no file: no such entry */
	while ((err = file->next(f, entry, buf, size)) == 0 || (err == ERANGE && skip_long))
		if (!err && (*found = file->is(entry, name, id)))
			break;
	fclose(f);
	return err == ENOENT ? 0 : err;
}

void *userdb_enumerate(const struct userdb_file *file, FILE **stream, void *entry, char *buf, size_t size)
{
	int err;

	if (!*stream && !(*stream = open_file(file->path)))
		return 0;
	while ((err = file->next(*stream, entry, buf, size)) == ERANGE)
		;
	return err ? 0 : entry;
}

void userdb_rewind(FILE *stream)
{
	if (stream)
		rewind(stream);
}

void userdb_close(FILE **stream)
{
	if (*stream)
		fclose(*stream);
	*stream = 0;
}
