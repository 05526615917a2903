/*
 * lookup.c - the registry's names looked up once (lookup.h).
 */
#include "lookup.h"

#include <common/string.h>
#include <libsys/slot.h>
#include <rt/rt.h>

#include <idl/rt/registry.h>

static struct {
	const char *name;   /* 0: a free entry */
	mica_cap_t cap;
} kept[LOOKUP_KEPT];

mica_cap_t lookup_once(const char *name)
{
	unsigned i;
	mica_cap_t cap;

	for (i = 0; i < LOOKUP_KEPT && kept[i].name; i++)
		if (mica_streq(kept[i].name, name))
			return kept[i].cap;
	if (i == LOOKUP_KEPT || !(cap = mica_slot_alloc()))
		return 0;
	if (registry_lookup(rt_cap("registry"), name, &cap) != 0) {
		mica_slot_free(cap);   /* empty: nothing came */
		return 0;
	}
	kept[i].name = name;
	kept[i].cap = cap;
	return cap;
}
