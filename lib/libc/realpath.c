/*
 * realpath.c - the absolute path of a name with no `.`, `..` or symlink
 * in it (POSIX realpath): the components walked one at a time with lstat,
 * each symlink's target put in front of what is left, as many as Linux
 * follows (40, then ELOOP).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mica/fs.h>

#include "glue.h"

#define LINKS_MAX 40

/* out without its last component ("/a/b" to "/a", "/a" to ""). */
static void drop_last(char *out)
{
	char *slash = strrchr(out, '/');

	if (slash)
		*slash = 0;
}

char *realpath(const char *restrict path, char *restrict resolved)
{
	char out[PATH_MAX] = "", rest[PATH_MAX], target[PATH_MAX];
	unsigned links = 0;

	if (!path) {
		libc_fail(EINVAL);
		return 0;
	}
	if (!*path) {
		libc_fail(ENOENT);
		return 0;
	}
	/* A relative path goes after the working directory, which may hold
	 * `..` or a symlink itself (chdir keeps the path as given). */
	if (*path != '/' && !getcwd(rest, sizeof rest))
		return 0;
	size_t cwd_len = *path != '/' ? strlen(rest) : 0;
	if (cwd_len + 1 + strlen(path) >= PATH_MAX) {
		libc_fail(ENAMETOOLONG);
		return 0;
	}
	if (cwd_len)
		rest[cwd_len++] = '/';
	strcpy(rest + cwd_len, path);   /* out stays "": the root, never ending in '/' */

	char *next = rest;
	while (*next) {
		while (*next == '/')
			next++;
		char *end = strchr(next, '/');
		end = end ? end : next + strlen(next);
		size_t len = (size_t)(end - next), have = strlen(out);
		if (!len)
			break;
		if (len == 1 && *next == '.') {
			next = end;
			continue;
		}
		if (len == 2 && next[0] == '.' && next[1] == '.') {
			drop_last(out);
			next = end;
			continue;
		}
		if (len > MICA_FS_NAME_MAX || have + 1 + len >= PATH_MAX) {
			libc_fail(ENAMETOOLONG);
			return 0;
		}
		out[have] = '/';
		memcpy(out + have + 1, next, len);
		out[have + 1 + len] = 0;
		next = end;

		struct stat st;
		if (lstat(out, &st))
			return 0;
		if (S_ISLNK(st.st_mode)) {
			if (++links > LINKS_MAX) {
				libc_fail(ELOOP);
				return 0;
			}
			ssize_t n = readlink(out, target, sizeof target - 1);
			if (n < 0)
				return 0;
			if (n + strlen(next) + 1 > sizeof target) {
				libc_fail(ENAMETOOLONG);
				return 0;
			}
			target[n] = 0;
			strcat(target, next);   /* next is "" or starts with '/' */
			strcpy(rest, target);
			next = rest;
			if (*next == '/')
				out[0] = 0;
			else
				drop_last(out);
		} else if (!S_ISDIR(st.st_mode) && *next) {
			libc_fail(ENOTDIR);   /* more after a file, if only a '/' */
			return 0;
		}
	}
	if (!out[0])
		strcpy(out, "/");
	if (resolved)
		return strcpy(resolved, out);
	if (!(resolved = strdup(out)))
		libc_fail(ENOMEM);
	return resolved;
}
