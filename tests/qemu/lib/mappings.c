/*
 * mappings.c - every mapping the file server may make, taken (mappings.h).
 */
#include "mappings.h"

#include <stdbool.h>

#include <libsys/slot.h>
#include <mica/ipc.h>

#include <idl/rt/fs.h>

unsigned mappings_take_all(mica_cap_t gate, mica_cap_t *maps, unsigned max, int *err)
{
	unsigned n = 0;

	*err = 0;
	while (n < max && !*err) {
		maps[n] = mica_slot_alloc();
		if ((*err = open_file_mmap(gate, MICA_R, false, &maps[n])) == 0)
			n++;
		else
			mica_slot_free(maps[n]);
	}
	return n;
}

void mappings_give_back(mica_cap_t *maps, unsigned n)
{
	while (n)
		mica_slot_drop(maps[--n]);
}
