/*
 * service.c - a server the glue talks to (the file server, the pipe
 * server): the named capability the program was given, else the name in
 * the registry, looked up once and kept.
 */
#include <libsys/slot.h>
#include <rt/rt.h>

#include <idl/rt/registry.h>

#include "glue.h"

mica_cap_t libc_service(const char *name, mica_cap_t *kept)
{
	if (!*kept && !(*kept = rt_cap(name))) {
		mica_cap_t c = mica_slot_alloc();
		if (c && registry_lookup(rt_cap("registry"), name, &c) == 0)
			*kept = c;
		else if (c)
			mica_slot_free(c);
	}
	return *kept;
}
