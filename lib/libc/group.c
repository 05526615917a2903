/*
 * group.c - the group file, /etc/group on the file server: getgrent,
 * setgrent, endgrent, getgrnam and getgrgid (newlib reads /etc/passwd but
 * has no reader for this file).  A line is name:password:gid:member,...;
 * a line that does not parse is skipped, as on other Unixes.  The answer
 * lives in static storage until the next call.
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUP_FILE "/etc/group"
#define LINE_MAX_BYTES 1024
#define MEMBERS_MAX 64

static FILE *file;
static char line[LINE_MAX_BYTES];
static char *members[MEMBERS_MAX + 1];
static struct group entry;

void setgrent(void)
{
	if (file)
		rewind(file);
}

void endgrent(void)
{
	if (file)
		fclose(file);
	file = 0;
}

/* Cut s at the next `sep`: the piece, and *s after it (NULL at the end). */
static char *piece(char **s, char sep)
{
	char *start = *s, *end = start ? strchr(start, sep) : 0;

	if (end)
		*end = 0;
	*s = end ? end + 1 : 0;
	return start;
}

static int parse(char *s)
{
	char *gid, *list, *end;
	unsigned n = 0;

	s[strcspn(s, "\n")] = 0;
	entry.gr_name = piece(&s, ':');
	entry.gr_passwd = piece(&s, ':');
	gid = piece(&s, ':');
	list = s;
	if (!entry.gr_passwd || !gid || !*gid || !list)
		return -1;
	entry.gr_gid = (gid_t)strtoul(gid, &end, 10);
	if (*end)
		return -1;
	while (list && *list && n < MEMBERS_MAX)
		members[n++] = piece(&list, ',');
	members[n] = 0;
	entry.gr_mem = members;
	return 0;
}

struct group *getgrent(void)
{
	if (!file && !(file = fopen(GROUP_FILE, "r")))
		return 0;
	while (fgets(line, sizeof line, file))
		if (parse(line) == 0)
			return &entry;
	return 0;
}

static struct group *find(const char *name, gid_t gid)
{
	struct group *g;

	setgrent();
	while ((g = getgrent()) != 0)
		if (name ? strcmp(g->gr_name, name) == 0 : g->gr_gid == gid)
			break;
	endgrent();
	return g;
}

struct group *getgrnam(const char *name)
{
	return find(name, 0);
}

struct group *getgrgid(gid_t gid)
{
	return find(0, gid);
}
