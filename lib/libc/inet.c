/*
 * inet_ntop, inet_pton, inet_addr, inet_aton, inet_ntoa - IPv4 addresses
 * between text ("192.0.2.1", each part a decimal 0-255) and network byte
 * order.  IPv6 is not converted yet (<arpa/inet.h>).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Four dotted decimal parts, none above 255, nothing after: 1 or 0. */
static int ipv4_parse(const char *s, uint32_t *host_order)
{
	uint32_t addr = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (!digits || v > 255)
			return 0;
		addr = addr << 8 | v;
		if (part < 3 && *s++ != '.')
			return 0;
	}
	if (*s)
		return 0;
	*host_order = addr;
	return 1;
}

const char *inet_ntop(int af, const void *restrict src, char *restrict dst, socklen_t size)
{
	const unsigned char *b = src;
	char text[INET_ADDRSTRLEN];

	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	snprintf(text, sizeof(text), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	if (strlen(text) >= size) {
		errno = ENOSPC;
		return NULL;
	}
	strcpy(dst, text);
	return dst;
}

int inet_pton(int af, const char *restrict src, void *restrict dst)
{
	uint32_t addr;

	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (!ipv4_parse(src, &addr))
		return 0;
	addr = htonl(addr);
	memcpy(dst, &addr, sizeof(addr));
	return 1;
}

int inet_aton(const char *cp, struct in_addr *inp)
{
	uint32_t addr;

	if (!ipv4_parse(cp, &addr))
		return 0;
	inp->s_addr = htonl(addr);
	return 1;
}

in_addr_t inet_addr(const char *cp)
{
	struct in_addr a;

	return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
	static char text[INET_ADDRSTRLEN];

	return (char *)inet_ntop(AF_INET, &in, text, sizeof(text));
}
