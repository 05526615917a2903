/*
 * userdb.h - what the passwd and group files share (passwd.c, group.c):
 * a line of colon-separated fields read into the caller's buffer, the
 * lookup of one entry through a stream of its own, and the enumeration
 * through a stream kept for it (each close-on-exec), so that every lookup parses into its own
 * storage (the _r calls into the caller's, the others into static
 * storage) and none moves an enumeration's place.
 */
#ifndef LIBC_USERDB_H
#define LIBC_USERDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The next line of f with exactly n fields, read into buf (size bytes)
 * and split in place at every ':' into field[0..n): 0; ENOENT at the end
 * of the file; ERANGE when the line does not fit (the rest of it is
 * skipped, so a reader may go on to the next).  Lines with another
 * number of fields are skipped, as on other Unixes. */
int userdb_next(FILE *f, char *buf, size_t size, char **field, unsigned n);

/* s as an id (decimal digits, nothing else, at most max): 0 and *id, or
 * -1 (an id past uid_t or gid_t would read as another, root's perhaps). */
int userdb_id(const char *s, unsigned long max, unsigned long *id);

/* One of the files: where it is, how an entry is read from it (as
 * userdb_next answers: 0, ENOENT, ERANGE; the entry's strings in buf),
 * and whether an entry has a name (or, with name NULL, an id). */
struct userdb_file {
	const char *path;
	int (*next)(FILE *f, void *entry, char *buf, size_t size);
	int (*is)(const void *entry, const char *name, unsigned long id);
};

/* The entry of `name` (NULL: of `id`) into *entry, through a stream of its
 * own (close-on-exec): 0 and *found; or ERANGE at a line longer than buf,
 * unless `skip_long` (the calls without a buffer of the caller's skip it
 * as the enumerations do; the _r calls say ERANGE, as other C libraries
 * do, and the caller asks again with a larger buffer). */
int userdb_lookup(const struct userdb_file *file, const char *name, unsigned long id, void *entry, char *buf,
		  size_t size, bool skip_long, bool *found);

/* The next entry of an enumeration (getpwent, getgrent) through *stream,
 * opened at the first call: the entry, or NULL at the end; lines too long
 * for buf are skipped.  userdb_rewind starts it again, userdb_close ends it. */
void *userdb_enumerate(const struct userdb_file *file, FILE **stream, void *entry, char *buf, size_t size);
void userdb_rewind(FILE *stream);
void userdb_close(FILE **stream);

#endif
