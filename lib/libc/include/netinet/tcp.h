/* netinet/tcp.h - TCP options (no network yet: <sys/socket.h>). */
#ifndef LIBC_NETINET_TCP_H
#define LIBC_NETINET_TCP_H

#define TCP_NODELAY 1

#endif
