/*
 * passwd.c - the passwd file, /etc/passwd on the file server (<pwd.h>):
 * getpwnam, getpwuid and their _r forms, getpwent, setpwent, endpwent
 * (docs/libc.md, "Users and groups").  A line is
 * name:password:uid:gid:gecos:dir:shell; a field may be empty; a line
 * with another number of fields or ids that are no numbers is skipped.
 *
 * Each lookup reads the file through a stream of its own into its own
 * storage: the _r calls into the caller's buffer (ERANGE when the line
 * does not fit), so that threads may look up at once, and getpwnam and
 * getpwuid into static storage kept until their next call; neither moves
 * getpwent's place in the file.  (newlib's reader, which these replace,
 * kept one stream for all: getpwent answered nothing before a setpwent,
 * endpwent left the closed stream to the next call, a name of eight
 * characters or more overran its storage, and an empty field stopped the
 * parse, leaving the line before's values.)
 */
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userdb.h"

_Static_assert((uid_t)-1 > 0 && (gid_t)-1 > 0, "uid_t and gid_t are unsigned: (uid_t)-1 is the largest id");

#define PASSWD_FILE "/etc/passwd"
#define LINE_MAX_BYTES 1024

/* The next entry of f into *pw, its strings in buf (userdb_file.next). */
static int next_entry(FILE *f, void *entry, char *buf, size_t size)
{
	struct passwd *pw = entry;
	char *field[7];
	unsigned long uid, gid;
	int err;

	while ((err = userdb_next(f, buf, size, field, 7)) == 0) {
		if (userdb_id(field[2], (uid_t)-1, &uid) || userdb_id(field[3], (gid_t)-1, &gid))
			continue;
		*pw = (struct passwd){ .pw_name = field[0], .pw_passwd = field[1], .pw_uid = (uid_t)uid,
				       .pw_gid = (gid_t)gid, .pw_gecos = field[4], .pw_dir = field[5],
				       .pw_shell = field[6] };
		return 0;
	}
	return err;
}

static int is(const void *entry, const char *name, unsigned long uid)
{
	const struct passwd *pw = entry;

	return name ? strcmp(pw->pw_name, name) == 0 : pw->pw_uid == (uid_t)uid;
}

static const struct userdb_file passwd_file = { PASSWD_FILE, next_entry, is };

int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size, struct passwd **result)
{
	bool found;
	int err = userdb_lookup(&passwd_file, name, 0, pw, buf, size, false, &found);

	*result = found ? pw : 0;
	return err;
}

int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t size, struct passwd **result)
{
	bool found;
	int err = userdb_lookup(&passwd_file, 0, uid, pw, buf, size, false, &found);

	*result = found ? pw : 0;
	return err;
}

static struct passwd looked_up;
static char *looked_up_line;   /* LINE_MAX_BYTES, at the first lookup: no bss in programs that make none */

/* getpwnam's and getpwuid's: errno set when the file could not be read. */
static struct passwd *lookup(const char *name, uid_t uid)
{
	bool is_there;
	int err;

	if (!looked_up_line && !(looked_up_line = malloc(LINE_MAX_BYTES)))
		return 0;   /* errno ENOMEM */
	err = userdb_lookup(&passwd_file, name, uid, &looked_up, looked_up_line, LINE_MAX_BYTES,
			    true, &is_there);
	if (err)
		errno = err;
	return is_there ? &looked_up : 0;
}

struct passwd *getpwnam(const char *name)
{
	return lookup(name, 0);
}

struct passwd *getpwuid(uid_t uid)
{
	return lookup(0, uid);
}

/* getpwent's place in the file: a stream of its own, open from its first
 * call until endpwent. */
static FILE *entries;
static struct passwd entry;
static char *entry_line;       /* LINE_MAX_BYTES, at the first call */

struct passwd *getpwent(void)
{
	if (!entry_line && !(entry_line = malloc(LINE_MAX_BYTES)))
		return 0;
	return userdb_enumerate(&passwd_file, &entries, &entry, entry_line, LINE_MAX_BYTES);
}

void setpwent(void)
{
	userdb_rewind(entries);
}

void endpwent(void)
{
	userdb_close(&entries);
}
