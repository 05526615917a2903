/*
 * rom.c - rom/: every boot module as a read-only dataspace, by the base
 * name of its path (idl/rt/rom.idl).  The dataspaces are the modules' own
 * pages, shared by everyone (program text included); they live as long as
 * root.
 *
 * A module lies wherever the boot loader put it, at a page boundary, so its
 * 64 KiB blocks are not aligned where root's window shows them: for
 * fault-around (ds_map) root maps each block once more, on its first use,
 * at an alias aligned to 64 KiB.
 */
#include "root.h"

#include <common/string.h>

#include <mica/error.h>
#include <mica/ipc.h>
#include <mica/kip.h>

#include <libsys/debug.h>

#include <idl/rt/rom.h>

#include <idl/kernel/task.h>

#define ALIAS_START 0x0000600000000000ull   /* above the window (mica/boot.h), below the stack */
#define BLOCK (1ull << DS_AROUND_ORDER)
#define ALIAS_BLOCKS 1024                    /* per module: its first 64 MiB */

static const struct mica_kip *const kip = (const struct mica_kip *)MICA_KIP_ADDR;
static struct ds *files[MICA_KIP_MODULES_MAX];
static uint64_t alias[MICA_KIP_MODULES_MAX];   /* each module's, aligned to BLOCK */
static uint64_t aliased[MICA_KIP_MODULES_MAX][ALIAS_BLOCKS / 64];   /* a bit per block mapped there */

struct obj rom_obj;

void rom_init(void)
{
	uint64_t next = ALIAS_START;

	obj_open(&rom_obj, K_ROM, false);
	for (uint32_t i = 0; i < kip->module_count; i++) {
		const struct mica_kip_module *m = &kip->modules[i];
		if (m->base % PAGE || !m->size ||
		    ds_create(DS_ROM, m->size, MICA_R | MICA_X, 0, m->base, m->size, false, &files[i]))
			mica_printf("root: boot file %s left out of rom/\n", m->name);
		alias[i] = next;
		next += (m->size + BLOCK - 1) & ~(BLOCK - 1);
	}
}

uint64_t rom_block(const struct ds *d, uint64_t offset, uint64_t size)
{
	uint32_t i = 0;

	while (i < kip->module_count && files[i] != d)
		i++;
	uint64_t b = offset / BLOCK, start = offset & ~(BLOCK - 1);
	if (i == kip->module_count || b >= ALIAS_BLOCKS)
		return 0;
	if (!(aliased[i][b / 64] & (1ull << (b % 64)))) {
		const struct mica_kip_module *m = &kip->modules[i];
		for (uint64_t off = start; off < start + BLOCK && off < m->size; off += PAGE) {
			volatile const char *va = pages_va(m->base + off);
			(void)*va;   /* root must have the page mapped to map it on */
			if (task_mem_map(MICA_BOOT_TASK, mica_fpage((mica_addr_t)va, 12, MICA_R | MICA_X), alias[i] + off,
					 false) != 0)
				return 0;
		}
		aliased[i][b / 64] |= 1ull << (b % 64);
	}
	return alias[i] + (offset & ~(size - 1));
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
