/*
 * arpa/inet.h - Internet addresses as text (POSIX; lib/libc/inet.c):
 * IPv4 addresses convert (they need no network); IPv6 ones are not
 * converted yet (EAFNOSUPPORT from inet_ntop, -1 from inet_pton).
 */
#ifndef LIBC_ARPA_INET_H
#define LIBC_ARPA_INET_H

#include <netinet/in.h>

const char *inet_ntop(int af, const void *__restrict src, char *__restrict dst, socklen_t size);
int inet_pton(int af, const char *__restrict src, void *__restrict dst);
in_addr_t inet_addr(const char *cp);
int inet_aton(const char *cp, struct in_addr *inp);
char *inet_ntoa(struct in_addr in);

#endif
