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
#include <stdio.h>
#include <string.h>

#include "userdb.h"

#define PASSWD_FILE "/etc/passwd"
#define LINE_MAX_BYTES 1024

/* The next entry of f into *pw, its strings in buf: 0, ENOENT at the
 * end, ERANGE for a line longer than buf. */
static int next_entry(FILE *f, struct passwd *pw, char *buf, size_t size)
{
	char *field[7];
	unsigned long uid, gid;
	int err;

	while ((err = userdb_next(f, buf, size, field, 7)) == 0) {
		if (userdb_id(field[2], &uid) || userdb_id(field[3], &gid))
			continue;
		*pw = (struct passwd){ .pw_name = field[0], .pw_passwd = field[1], .pw_uid = (uid_t)uid,
				       .pw_gid = (gid_t)gid, .pw_gecos = field[4], .pw_dir = field[5],
				       .pw_shell = field[6] };
		return 0;
	}
	return err;
}

/* The entry named `name` (NULL: of `uid`), through a stream of its own:
 * 0 (*result NULL when there is none), ERANGE at a line longer than buf
 * (as other C libraries say: the caller asks again with a larger one). */
static int lookup(const char *name, uid_t uid, struct passwd *pw, char *buf, size_t size, struct passwd **result)
{
	FILE *f = userdb_open(PASSWD_FILE);
	int err;

	*result = 0;
	if (!f)
		return errno == ENOENT ? 0 : errno;   /* no file: no such user */
	while ((err = next_entry(f, pw, buf, size)) == 0)
		if (name ? strcmp(pw->pw_name, name) == 0 : pw->pw_uid == uid) {
			*result = pw;
			break;
		}
	fclose(f);
	return err == ENOENT ? 0 : err;
}

int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size, struct passwd **result)
{
	return lookup(name, 0, pw, buf, size, result);
}

int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t size, struct passwd **result)
{
	return lookup(0, uid, pw, buf, size, result);
}

static struct passwd found;
static char found_line[LINE_MAX_BYTES];

struct passwd *getpwnam(const char *name)
{
	struct passwd *pw;
	int err = lookup(name, 0, &found, found_line, sizeof found_line, &pw);

	if (err)
		errno = err;
	return pw;
}

struct passwd *getpwuid(uid_t uid)
{
	struct passwd *pw;
	int err = lookup(0, uid, &found, found_line, sizeof found_line, &pw);

	if (err)
		errno = err;
	return pw;
}

/* getpwent's place in the file: a stream of its own, open from its first
 * call (or setpwent's) until endpwent. */
static FILE *entries;
static struct passwd entry;
static char entry_line[LINE_MAX_BYTES];

void setpwent(void)
{
	if (entries)
		rewind(entries);
}

void endpwent(void)
{
	if (entries)
		fclose(entries);
	entries = 0;
}

struct passwd *getpwent(void)
{
	int err;

	if (!entries && !(entries = userdb_open(PASSWD_FILE)))
		return 0;
	while ((err = next_entry(entries, &entry, entry_line, sizeof entry_line)) == ERANGE)
		;   /* a line too long for any lookup here: skipped */
	return err ? 0 : &entry;
}
