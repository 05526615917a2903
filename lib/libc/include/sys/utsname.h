/*
 * sys/utsname.h - the system's name and version (POSIX uname, in
 * lib/libc/uname.c).
 */
#ifndef LIBC_SYS_UTSNAME_H
#define LIBC_SYS_UTSNAME_H

#define UTSNAME_LENGTH 65

struct utsname {
	char sysname[UTSNAME_LENGTH];   /* "Mica" */
	char nodename[UTSNAME_LENGTH];  /* "mica": there is no network */
	char release[UTSNAME_LENGTH];
	char version[UTSNAME_LENGTH];
	char machine[UTSNAME_LENGTH];   /* "x86_64" */
	char domainname[UTSNAME_LENGTH];
};

int uname(struct utsname *buf);

#endif
