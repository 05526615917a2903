/*
 * userdb.h - the line reader under the passwd and group files
 * (passwd.c, group.c): a line of colon-separated fields read into the
 * caller's buffer, so that every lookup can parse into its own storage
 * (the _r calls into the caller's, the others into static storage) and
 * read through a stream of its own.
 */
#ifndef LIBC_USERDB_H
#define LIBC_USERDB_H

#include <stddef.h>
#include <stdio.h>

/* The next line of f with exactly n fields, read into buf (size bytes)
 * and split in place at every ':' into field[0..n): 0; ENOENT at the end
 * of the file; ERANGE when the line does not fit (the rest of it is
 * skipped, so a reader may go on to the next).  Lines with another
 * number of fields are skipped, as on other Unixes. */
int userdb_next(FILE *f, char *buf, size_t size, char **field, unsigned n);

/* s as an id (decimal digits, nothing else): 0 and *id, or -1. */
int userdb_id(const char *s, unsigned long *id);

/* path opened for a lookup of its own (close-on-exec), or NULL. */
FILE *userdb_open(const char *path);

#endif
