/*
 * user.c - who the program runs as.  Mica has one user for now (getuid()
 * is 0, proc.c), named by /etc/passwd on the file server like any other:
 * getlogin is that entry's name (passwd.c reads the file).  No
 * program runs with privileges it did not start with, so issetugid is 0.
 * The one user is in group 0 and no other: getgroups answers that.
 */
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "glue.h"

int getlogin_r(char *name, size_t size)
{
	struct passwd *pw = getpwuid(getuid());

	if (!pw)
		return ENXIO;
	if (strlen(pw->pw_name) >= size)
		return ERANGE;
	strcpy(name, pw->pw_name);
	return 0;
}

char *getlogin(void)
{
	static char name[256];   /* Linux's LOGIN_NAME_MAX */
	int err = getlogin_r(name, sizeof name);

	if (err) {
		libc_fail(err);
		return 0;
	}
	return name;
}

int issetugid(void)
{
	return 0;
}

int getgroups(int size, gid_t list[])
{
	if (size == 0)
		return 1;   /* how many there are */
	if (size < 1)
		return libc_fail(EINVAL);
	list[0] = getgid();
	return 1;
}
