/*
 * registry.c - names of services (idl/rt/registry.idl).  The registry keeps
 * a copy of each capability; a name whose object has gone (the slot is
 * empty: the kernel cleared it) is forgotten when next looked at.
 */
#include "root.h"

#include <libsys/slot.h>

#include <common/string.h>

#include <mica/error.h>

#include <idl/rt/registry.h>
#include <idl/kernel/task.h>

#define NAMES_MAX 64
#define NAME_LEN (REGISTRY_PUBLISH_NAME_MAX + 1)

static struct {
	char name[NAME_LEN];
	mica_cap_t slot;
} names[NAMES_MAX];

struct obj registry_obj;

void registry_init(void)
{
	obj_open(&registry_obj, K_REGISTRY, false);
}

static bool alive(unsigned i)
{
	uint32_t type, rights;

	if (!names[i].slot)
		return false;
	if (task_cap_info(MICA_BOOT_TASK, names[i].slot, &type, &rights) == 0 && type != 0)
		return true;
	mica_slot_drop(names[i].slot);
	names[i].slot = 0;
	return false;
}

static int find(const char *name)
{
	for (unsigned i = 0; i < NAMES_MAX; i++)
		if (alive(i) && mica_streq(names[i].name, name))
			return (int)i;
	return -1;
}

mica_cap_t registry_find(const char *name)
{
	int i = find(name);
	return i < 0 ? MICA_CAP_NULL : names[i].slot;
}

/* Takes `slot` (a capability root keeps). */
int registry_add(const char *name, mica_cap_t slot)
{
	if (!name[0] || mica_strlen(name) >= NAME_LEN)
		return -MICA_EINVAL;
	if (find(name) >= 0)
		return -MICA_EEXIST;
	for (unsigned i = 0; i < NAMES_MAX; i++) {
		if (!alive(i)) {
			mica_strlcpy(names[i].name, name, NAME_LEN);
			names[i].slot = slot;
			return 0;
		}
	}
	return -MICA_ENOMEM;
}

int reg_publish(const char *name, mica_cap_t c)
{
	if (c == MICA_CAP_NULL)
		return -MICA_EINVAL;
	return registry_add(name, c);
}

int reg_lookup(const char *name, mica_cap_t *c)
{
	int i = find(name);

	if (i < 0)
		return -MICA_ENOENT;
	*c = names[i].slot;
	return 0;
}

int reg_entry(uint32_t index, char *name)
{
	for (unsigned i = 0; i < NAMES_MAX; i++) {
		if (alive(i) && index-- == 0) {
			mica_strlcpy(name, names[i].name, NAME_LEN);
			return 0;
		}
	}
	return -MICA_ENOENT;
}

int reg_withdraw(const char *name, mica_cap_t owner)
{
	uint32_t type, rights;
	bool same;
	int i = find(name);

	if (i < 0)
		return -MICA_ENOENT;
	if (!owner || task_cap_info(MICA_BOOT_TASK, owner, &type, &rights) != 0 || !(rights & MICA_X) ||
	    task_cap_same(MICA_BOOT_TASK, owner, names[i].slot, &same) != 0 || !same)
		return -MICA_EPERM;
	mica_slot_drop(names[i].slot);
	names[i].slot = 0;
	return 0;
}
