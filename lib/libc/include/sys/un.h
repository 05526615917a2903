/* sys/un.h - the address of a local socket (none exist yet: <sys/socket.h>). */
#ifndef LIBC_SYS_UN_H
#define LIBC_SYS_UN_H

#include <sys/socket.h>

struct sockaddr_un {
	sa_family_t sun_family;
	char sun_path[108];
};

#endif
