/*
 * Sockets and name lookup (<sys/socket.h>, <netdb.h>, <net/if.h>).  Mica
 * has no network and no local sockets yet, so no descriptor is a socket:
 * creating one fails with EAFNOSUPPORT (no address family exists), and
 * every call on a descriptor with ENOTSOCK, POSIX's error for a descriptor
 * that is not a socket.  Lookups fail with EAI_FAIL; no interface has a
 * name (ENXIO).
 */
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <sys/socket.h>

static int no_socket(void)
{
	errno = ENOTSOCK;
	return -1;
}

int socket(int domain, int type, int protocol)
{
	(void)domain, (void)type, (void)protocol;
	errno = EAFNOSUPPORT;
	return -1;
}

int socketpair(int domain, int type, int protocol, int sv[2])
{
	(void)domain, (void)type, (void)protocol, (void)sv;
	errno = EAFNOSUPPORT;
	return -1;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	(void)fd, (void)addr, (void)len;
	return no_socket();
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	(void)fd, (void)addr, (void)len;
	return no_socket();
}

int listen(int fd, int backlog)
{
	(void)fd, (void)backlog;
	return no_socket();
}

int accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
	(void)fd, (void)addr, (void)len;
	return no_socket();
}

int shutdown(int fd, int how)
{
	(void)fd, (void)how;
	return no_socket();
}

int getsockopt(int fd, int level, int name, void *restrict value, socklen_t *restrict len)
{
	(void)fd, (void)level, (void)name, (void)value, (void)len;
	return no_socket();
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
	(void)fd, (void)level, (void)name, (void)value, (void)len;
	return no_socket();
}

int getsockname(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
	(void)fd, (void)addr, (void)len;
	return no_socket();
}

int getpeername(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
	(void)fd, (void)addr, (void)len;
	return no_socket();
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	(void)fd, (void)buf, (void)len, (void)flags;
	return no_socket();
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	(void)fd, (void)buf, (void)len, (void)flags;
	return no_socket();
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
{
	(void)fd, (void)buf, (void)len, (void)flags, (void)to, (void)tolen;
	return no_socket();
}

ssize_t recvfrom(int fd, void *restrict buf, size_t len, int flags, struct sockaddr *restrict from,
	socklen_t *restrict fromlen)
{
	(void)fd, (void)buf, (void)len, (void)flags, (void)from, (void)fromlen;
	return no_socket();
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	(void)fd, (void)msg, (void)flags;
	return no_socket();
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	(void)fd, (void)msg, (void)flags;
	return no_socket();
}

int getaddrinfo(const char *restrict node, const char *restrict service, const struct addrinfo *restrict hints,
	struct addrinfo **restrict res)
{
	(void)node, (void)service, (void)hints;
	*res = NULL;
	return EAI_FAIL;
}

void freeaddrinfo(struct addrinfo *res)
{
	/* getaddrinfo never gives a list. */
	(void)res;
}

int getnameinfo(const struct sockaddr *restrict addr, socklen_t addrlen, char *restrict host, socklen_t hostlen,
	char *restrict serv, socklen_t servlen, int flags)
{
	(void)addr, (void)addrlen, (void)host, (void)hostlen, (void)serv, (void)servlen, (void)flags;
	return EAI_FAIL;
}

struct hostent *gethostbyname(const char *name)
{
	(void)name;
	return NULL;
}

const char *gai_strerror(int code)
{
	switch (code) {
	case EAI_FAIL: return "name lookup failed: Mica has no network";
	case EAI_NONAME: return "name unknown";
	case EAI_FAMILY: return "address family not supported";
	case EAI_MEMORY: return "out of memory";
	default: return "name lookup error";
	}
}

unsigned if_nametoindex(const char *name)
{
	(void)name;
	errno = ENXIO;
	return 0;
}

char *if_indextoname(unsigned index, char *name)
{
	(void)index, (void)name;
	errno = ENXIO;
	return NULL;
}
