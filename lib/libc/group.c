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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userdb.h"

#define GROUP_FILE "/etc/group"
#define LINE_MAX_BYTES 4096

/* The next entry of f into *g: its member list at the start of buf
 * (aligned), the line after it.  0, ENOENT at the end, ERANGE for a line
 * (with its list) longer than buf. */
static int next_entry(FILE *f, void *entry, char *buf, size_t size)
{
	struct group *g = entry;
	size_t align = (sizeof(char *) - (uintptr_t)buf % sizeof(char *)) % sizeof(char *);
	char *field[4];
	unsigned long gid;
	int err;

	if (align >= size)
		return ERANGE;
	buf += align;
	size -= align;
	while ((err = userdb_next(f, buf, size, field, 4)) == 0) {
		if (userdb_id(field[2], (gid_t)-1, &gid))
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

static int is(const void *entry, const char *name, unsigned long gid)
{
	const struct group *g = entry;

	return name ? strcmp(g->gr_name, name) == 0 : g->gr_gid == (gid_t)gid;
}

static const struct userdb_file group_file = { GROUP_FILE, next_entry, is };

int getgrnam_r(const char *name, struct group *g, char *buf, size_t size, struct group **result)
{
	bool found;
	int err = userdb_lookup(&group_file, name, 0, g, buf, size, false, &found);

	*result = found ? g : 0;
	return err;
}

int getgrgid_r(gid_t gid, struct group *g, char *buf, size_t size, struct group **result)
{
	bool found;
	int err = userdb_lookup(&group_file, 0, gid, g, buf, size, false, &found);

	*result = found ? g : 0;
	return err;
}

static struct group looked_up;
static char *looked_up_line;   /* LINE_MAX_BYTES, at the first lookup: no bss in programs that make none */

/* getgrnam's and getgrgid's: errno set when the file could not be read. */
static struct group *lookup(const char *name, gid_t gid)
{
	bool is_there;
	int err;

	if (!looked_up_line && !(looked_up_line = malloc(LINE_MAX_BYTES)))
		return 0;   /* errno ENOMEM */
	err = userdb_lookup(&group_file, name, gid, &looked_up, looked_up_line, LINE_MAX_BYTES,
			    true, &is_there);
	if (err)
		errno = err;
	return is_there ? &looked_up : 0;
}

struct group *getgrnam(const char *name)
{
	return lookup(name, 0);
}

struct group *getgrgid(gid_t gid)
{
	return lookup(0, gid);
}

/* getgrent's place in the file: a stream of its own, open from its first
 * call until endgrent. */
static FILE *entries;
static struct group entry;
static char *entry_line;       /* LINE_MAX_BYTES, at the first call */

struct group *getgrent(void)
{
	if (!entry_line && !(entry_line = malloc(LINE_MAX_BYTES)))
		return 0;
	return userdb_enumerate(&group_file, &entries, &entry, entry_line, LINE_MAX_BYTES);
}

void setgrent(void)
{
	userdb_rewind(entries);
}

void endgrent(void)
{
	userdb_close(&entries);
}
