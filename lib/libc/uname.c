/*
 * uname, gethostname - the system's name (POSIX): Mica on x86-64, one
 * machine named "mica" and on no network.
 */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define NODENAME "mica"
#define UNAME_RELEASE "0"
#define UNAME_VERSION "Mica microkernel"

int uname(struct utsname *buf)
{
	memset(buf, 0, sizeof(*buf));
	strcpy(buf->sysname, "Mica");
	strcpy(buf->nodename, NODENAME);
	strcpy(buf->release, UNAME_RELEASE);
	strcpy(buf->version, UNAME_VERSION);
	strcpy(buf->machine, "x86_64");
	return 0;
}

/* ENAMETOOLONG when the name and its NUL do not fit (what fits is
 * copied), as other C libraries say. */
int gethostname(char *name, size_t len)
{
	size_t need = sizeof NODENAME;

	memcpy(name, NODENAME, len < need ? len : need);
	if (len < need) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}
