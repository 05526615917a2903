/*
 * getpwnam_r, getpwuid_r, getgrnam_r, getgrgid_r - the reentrant lookups
 * (POSIX): the entry of getpwnam and friends (newlib's reader of
 * /etc/passwd, group.c's of /etc/group), copied with its strings into the
 * caller's buffer.  Not found: 0 with *result NULL; a buffer too small:
 * ERANGE.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <string.h>

/* A copy of s in the buffer (*at, *left), or NULL when it does not fit. */
static char *put(char **at, size_t *left, const char *s)
{
	size_t n = strlen(s ? s : "") + 1;
	char *copy = *at;

	if (n > *left)
		return NULL;
	memcpy(copy, s ? s : "", n);
	*at += n;
	*left -= n;
	return copy;
}

static int copy_passwd(const struct passwd *p, struct passwd *out, char *buf, size_t size, struct passwd **result)
{
	*result = NULL;
	if (!p)
		return 0;
	*out = *p;
	if (!(out->pw_name = put(&buf, &size, p->pw_name)) || !(out->pw_passwd = put(&buf, &size, p->pw_passwd)) ||
	    !(out->pw_gecos = put(&buf, &size, p->pw_gecos)) || !(out->pw_dir = put(&buf, &size, p->pw_dir)) ||
	    !(out->pw_shell = put(&buf, &size, p->pw_shell)))
		return ERANGE;
	*result = out;
	return 0;
}

int getpwnam_r(const char *name, struct passwd *pwd, char *buf, size_t size, struct passwd **result)
{
	return copy_passwd(getpwnam(name), pwd, buf, size, result);
}

int getpwuid_r(uid_t uid, struct passwd *pwd, char *buf, size_t size, struct passwd **result)
{
	return copy_passwd(getpwuid(uid), pwd, buf, size, result);
}

static int copy_group(const struct group *g, struct group *out, char *buf, size_t size, struct group **result)
{
	size_t members = 0, align = (uintptr_t)buf % sizeof(char *);
	char **list;

	*result = NULL;
	if (!g)
		return 0;
	*out = *g;
	while (g->gr_mem && g->gr_mem[members])
		members++;
	/* The member list first, aligned, then the strings. */
	if (align) {
		align = sizeof(char *) - align;
		if (align > size)
			return ERANGE;
		buf += align;
		size -= align;
	}
	if ((members + 1) * sizeof(char *) > size)
		return ERANGE;
	list = (char **)(void *)buf;
	buf += (members + 1) * sizeof(char *);
	size -= (members + 1) * sizeof(char *);
	for (size_t i = 0; i < members; i++)
		if (!(list[i] = put(&buf, &size, g->gr_mem[i])))
			return ERANGE;
	list[members] = NULL;
	out->gr_mem = list;
	if (!(out->gr_name = put(&buf, &size, g->gr_name)) || !(out->gr_passwd = put(&buf, &size, g->gr_passwd)))
		return ERANGE;
	*result = out;
	return 0;
}

int getgrnam_r(const char *name, struct group *grp, char *buf, size_t size, struct group **result)
{
	return copy_group(getgrnam(name), grp, buf, size, result);
}

int getgrgid_r(gid_t gid, struct group *grp, char *buf, size_t size, struct group **result)
{
	return copy_group(getgrgid(gid), grp, buf, size, result);
}
