/*
 * rom.c - rom/: every boot module as a read-only dataspace, by the base
 * name of its path (idl/rt/rom.idl).  The dataspaces are the modules' own
 * pages, shared by everyone (program text included); they live as long as
 * root.
 */
#include "root.h"

#include <common/string.h>

#include <mica/error.h>
#include <mica/ipc.h>
#include <mica/kip.h>

#include <libsys/debug.h>

#include <idl/rt/rom.h>

static const struct mica_kip *const kip = (const struct mica_kip *)MICA_KIP_ADDR;
static struct ds *files[MICA_KIP_MODULES_MAX];

struct obj rom_obj;

void rom_init(void)
{
	obj_open(&rom_obj, K_ROM, false);
	for (uint32_t i = 0; i < kip->module_count; i++) {
		const struct mica_kip_module *m = &kip->modules[i];
		if (m->base % PAGE || !m->size ||
		    ds_create(DS_ROM, m->size, MICA_R | MICA_X, 0, m->base, m->size, false, &files[i]))
			mica_printf("root: boot file %s left out of rom/\n", m->name);
	}
}

int rom_find(const char *name)
{
	for (uint32_t i = 0; i < kip->module_count; i++)
		if (files[i] && mica_streq(kip->modules[i].name, name))
			return (int)i;
	return -1;
}

unsigned rom_count(void)
{
	return kip->module_count;
}

struct ds *rom_ds(int index)
{
	return files[index];
}

const void *rom_bytes(int index, uint64_t *size)
{
	*size = kip->modules[index].size;
	return pages_va(kip->modules[index].base);
}

int rom_open_file(const char *name, mica_cap_t *ds, uint64_t *size)
{
	int i = rom_find(name);

	if (i < 0)
		return -MICA_ENOENT;
	*ds = ds_gate(files[i]);
	*size = kip->modules[i].size;
	return 0;
}

int rom_file_at(uint32_t index, char *name, uint64_t *size)
{
	if (index >= kip->module_count)
		return -MICA_ENOENT;
	mica_strlcpy(name, kip->modules[index].name, ROM_LIST_NAME_MAX + 1);
	*size = kip->modules[index].size;
	return 0;
}
