/*
 * uname - the system's name (POSIX): Mica on x86-64, one machine with no
 * network name.
 */
#include <string.h>
#include <sys/utsname.h>

#define UNAME_RELEASE "0"
#define UNAME_VERSION "Mica microkernel"

int uname(struct utsname *buf)
{
	memset(buf, 0, sizeof(*buf));
	strcpy(buf->sysname, "Mica");
	strcpy(buf->nodename, "mica");
	strcpy(buf->release, UNAME_RELEASE);
	strcpy(buf->version, UNAME_VERSION);
	strcpy(buf->machine, "x86_64");
	return 0;
}
