/*
 * group.c - the group file, /etc/group on the file server (<grp.h>):
 * getgrnam, getgrgid and their _r forms, getgrent, setgrent, endgrent
 * (docs/libc.md, "Users and groups").  A line is
 * name:password:gid:member,...; a line with another number of fields or
 * a gid that is no number is skipped, as on other Unixes.
 *
 * As in passwd.c, each lookup reads through a stream of its own into its
 * own storage (the caller's buffer for the _r calls: the member list,
 * then the line), and none moves getgrent's place in the file.
 */
#include <errno.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "userdb.h"

#define GROUP_FILE "/etc/group"
#define LINE_MAX_BYTES 4096

/* The next entry of f into *g: its member list at the start of buf
 * (aligned), the line after it.  0, ENOENT at the end, ERANGE for a line
 * (with its list) longer than buf. */
static int next_entry(FILE *f, struct group *g, char *buf, size_t size)
{
	size_t align = (sizeof(char *) - (uintptr_t)buf % sizeof(char *)) % sizeof(char *);
	char *field[4];
	unsigned long gid;
	int err;

	if (align >= size)
		return ERANGE;
	buf += align;
	size -= align;
	while ((err = userdb_next(f, buf, size, field, 4)) == 0) {
		if (userdb_id(field[2], &gid))
			continue;
		size_t members = *field[3] ? 1 : 0, len = (size_t)(field[3] - buf) + strlen(field[3]) + 1;
		for (const char *c = field[3]; *c; c++)
			members += *c == ',';
		size_t list = (members + 1) * sizeof(char *);
		if (list > size || len > size - list)
			return ERANGE;
		memmove(buf + list, buf, len);   /* room for the list before the line */
		for (unsigned i = 0; i < 4; i++)
			field[i] += list;
		char **mem = (char **)(void *)buf, *s = field[3];
		for (size_t i = 0; i < members; i++) {
			mem[i] = s;
			if ((s = strchr(s, ',')) != 0)
				*s++ = 0;
		}
		mem[members] = 0;
		*g = (struct group){ .gr_name = field[0], .gr_passwd = field[1], .gr_gid = (gid_t)gid, .gr_mem = mem };
		return 0;
	}
	return err;
}

/* The entry named `name` (NULL: of `gid`), through a stream of its own:
 * 0 (*result NULL when there is none), ERANGE at a line longer than buf. */
static int lookup(const char *name, gid_t gid, struct group *g, char *buf, size_t size, struct group **result)
{
	FILE *f = userdb_open(GROUP_FILE);
	int err;

	*result = 0;
	if (!f)
		return errno == ENOENT ? 0 : errno;   /* no file: no such group */
	while ((err = next_entry(f, g, buf, size)) == 0)
		if (name ? strcmp(g->gr_name, name) == 0 : g->gr_gid == gid) {
			*result = g;
			break;
		}
	fclose(f);
	return err == ENOENT ? 0 : err;
}

int getgrnam_r(const char *name, struct group *g, char *buf, size_t size, struct group **result)
{
	return lookup(name, 0, g, buf, size, result);
}

int getgrgid_r(gid_t gid, struct group *g, char *buf, size_t size, struct group **result)
{
	return lookup(0, gid, g, buf, size, result);
}

static struct group found;
static char found_line[LINE_MAX_BYTES];

struct group *getgrnam(const char *name)
{
	struct group *g;
	int err = lookup(name, 0, &found, found_line, sizeof found_line, &g);

	if (err)
		errno = err;
	return g;
}

struct group *getgrgid(gid_t gid)
{
	struct group *g;
	int err = lookup(0, gid, &found, found_line, sizeof found_line, &g);

	if (err)
		errno = err;
	return g;
}

/* getgrent's place in the file: a stream of its own, open from its first
 * call until endgrent. */
static FILE *entries;
static struct group entry;
static char entry_line[LINE_MAX_BYTES];

void setgrent(void)
{
	if (entries)
		rewind(entries);
}

void endgrent(void)
{
	if (entries)
		fclose(entries);
	entries = 0;
}

struct group *getgrent(void)
{
	int err;

	if (!entries && !(entries = userdb_open(GROUP_FILE)))
		return 0;
	while ((err = next_entry(entries, &entry, entry_line, sizeof entry_line)) == ERANGE)
		;   /* a line too long for any lookup here: skipped */
	return err ? 0 : &entry;
}
