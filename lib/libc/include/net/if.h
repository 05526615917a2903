/* net/if.h - network interfaces: Mica has none (if_nametoindex finds none). */
#ifndef LIBC_NET_IF_H
#define LIBC_NET_IF_H

#define IF_NAMESIZE 16
#define IFNAMSIZ IF_NAMESIZE

struct if_nameindex {
	unsigned if_index;
	char *if_name;
};

unsigned if_nametoindex(const char *name);
char *if_indextoname(unsigned index, char *name);

#endif
