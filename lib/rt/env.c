/*
 * env.c - the program's named capabilities (rt_cap), read once at start
 * from the environment variable MICA_CAPS ("name=slot name=slot ...").
 */
#include "rt_internal.h"

#include <libsys/slot.h>
#include <common/string.h>

#define NAMES_MAX 32
#define NAME_LEN 24

static struct {
	char name[NAME_LEN];
	mica_cap_t slot;
} names[NAMES_MAX];
static unsigned nnames;

void rt_cap_set(const char *name, mica_cap_t slot)
{
	unsigned i = 0;

	while (i < nnames && !mica_streq(names[i].name, name))
		i++;
	if (i == NAMES_MAX)
		return;
	for (unsigned k = 0; k + 1 < NAME_LEN && name[k]; k++)
		names[i].name[k] = name[k];
	names[i].slot = slot;
	nnames += i == nnames;
}

mica_cap_t rt_cap(const char *name)
{
	for (unsigned i = 0; i < nnames; i++)
		if (mica_streq(names[i].name, name))
			return names[i].slot;
	return MICA_CAP_NULL;
}

/* Parse "MICA_CAPS=stdout=8 stdin=9 ..." out of envp; the slots named are
 * taken from the slot allocator. */
void rt_env_parse(char **envp)
{
	static const char key[] = "MICA_CAPS=";

	for (; envp && *envp; envp++) {
		const char *p = *envp;
		unsigned k = 0;
		while (key[k] && p[k] == key[k])
			k++;
		if (key[k])
			continue;
		for (p += k; *p;) {
			char name[NAME_LEN];
			unsigned n = 0;
			mica_cap_t slot = 0;
			while (*p == ' ')
				p++;
			while (*p && *p != '=' && *p != ' ')
				if (n + 1 < NAME_LEN)
					name[n++] = *p++;
				else
					p++;
			name[n] = 0;
			if (*p != '=')
				continue;
			for (p++; *p >= '0' && *p <= '9'; p++)
				slot = slot * 10 + (mica_cap_t)(*p - '0');
			if (n && slot) {
				rt_cap_set(name, slot);
				mica_slot_take(slot);
			}
		}
	}
}
