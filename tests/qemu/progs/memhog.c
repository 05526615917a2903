/*
 * memhog.c - takes memory until malloc says no: 1 MiB at a time, each
 * page touched, until the memory server refuses (the program's quota or
 * the pool) and malloc returns NULL with ENOMEM.  Then one piece is freed
 * and taken again, to show the program goes on after running out.
 * Exits 0 when all of that happened.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PIECE (1u << 20)

struct piece {
	struct piece *next;
};

int main(void)
{
	struct piece *list = 0, *p;
	size_t got = 0;
	int err;

	errno = 0;
	while ((p = malloc(PIECE))) {
		for (size_t off = 0; off < PIECE; off += 4096)
			((volatile char *)p)[off] = 1;
		p->next = list;
		list = p;
		got++;
	}
	err = errno;
	printf("memhog: got %zu MiB\n", got);
	printf("malloc returned NULL: %s\n", err == ENOMEM ? "ENOMEM" : strerror(err));
	if (!list)
		return 1;
	free(list);   /* the rest stays taken */
	list = malloc(PIECE);
	printf("memhog: after a free, malloc %s\n", list ? "works again" : "still fails");
	return err == ENOMEM && list ? 0 : 1;
}
