/*
 * bootinfo.c - reads the multiboot v1 information structure (the memory
 * map and the modules QEMU's -initrd passes) into struct bootinfo.
 */
#include "bootinfo.h"

#include "arch.h"
#include "console.h"
#include <common/string.h>

#define MB_LOADER_MAGIC 0x2BADB002
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MODS (1u << 3)
#define MB_INFO_MMAP (1u << 6)

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_mmap_entry {
	uint32_t size;
	uint64_t base, length;
	uint32_t type;
} __attribute__((packed));

struct mb_module {
	uint32_t start, end, string, reserved;
} __attribute__((packed));

struct bootinfo bootinfo;

static void copy_module(struct boot_module *m, const struct mb_module *mb)
{
	const char *cmd = mb->string ? arch_phys_to_virt(mb->string) : "";
	const char *name_start = cmd, *p;

	m->base = mb->start;
	m->size = mb->end - mb->start;
	mica_strlcpy(m->cmdline, cmd, sizeof m->cmdline);
	/* The name is the base name of the first word (the module's path). */
	for (p = cmd; *p && *p != ' '; p++)
		if (*p == '/')
			name_start = p + 1;
	size_t len = (size_t)(p - name_start);
	if (len >= sizeof m->name)
		len = sizeof m->name - 1;
	memcpy(m->name, name_start, len);
	m->name[len] = '\0';
}

int bootinfo_parse(uint32_t magic, uint64_t info_pa)
{
	if (magic != MB_LOADER_MAGIC) {
		kprintf("kernel: not started by a multiboot loader (magic %#x)\n", magic);
		return -1;
	}
	const struct mb_info *mbi = arch_phys_to_virt(info_pa);
	if (!(mbi->flags & MB_INFO_MMAP)) {
		kprintf("kernel: the boot loader gave no memory map\n");
		return -1;
	}
	if (mbi->flags & MB_INFO_CMDLINE)
		mica_strlcpy(bootinfo.cmdline, arch_phys_to_virt(mbi->cmdline), sizeof bootinfo.cmdline);

	const char *p = arch_phys_to_virt(mbi->mmap_addr), *end = p + mbi->mmap_length;
	while (p < end && bootinfo.nregions < MICA_KIP_MEM_MAX) {
		const struct mb_mmap_entry *e = (const void *)p;
		struct boot_region *r = &bootinfo.regions[bootinfo.nregions++];
		r->base = e->base;
		r->size = e->length;
		r->type = e->type;
		if (e->type == 1)
			bootinfo.usable_bytes += e->length;
		p += e->size + sizeof e->size;
	}
	if (mbi->flags & MB_INFO_MODS) {
		const struct mb_module *mods = arch_phys_to_virt(mbi->mods_addr);
		for (uint32_t i = 0; i < mbi->mods_count && i < MICA_KIP_MODULES_MAX; i++)
			copy_module(&bootinfo.modules[bootinfo.nmodules++], &mods[i]);
	}
	return 0;
}

/* The next space-separated word of the command line from *p: its start,
 * with *len its length, or 0 at the end. */
static const char *next_word(const char **p, size_t *len)
{
	while (**p == ' ')
		(*p)++;
	const char *w = *p;
	while (**p && **p != ' ')
		(*p)++;
	*len = (size_t)(*p - w);
	return *len ? w : 0;
}

int bootinfo_has_arg(const char *word)
{
	size_t n = mica_strlen(word), len;
	const char *p = bootinfo.cmdline;

	for (const char *w; (w = next_word(&p, &len)) != 0;)
		if (len == n && memcmp(w, word, n) == 0)
			return 1;
	return 0;
}

int bootinfo_arg_number(const char *key, uint64_t *out)
{
	size_t n = mica_strlen(key), len;
	const char *p = bootinfo.cmdline;

	for (const char *w; (w = next_word(&p, &len)) != 0;) {
		if (len <= n + 1 || memcmp(w, key, n) != 0 || w[n] != '=')
			continue;
		uint64_t v = 0;
		for (size_t i = n + 1; i < len; i++) {
			if (w[i] < '0' || w[i] > '9' || v > (~0ull - 9) / 10)
				return 0;
			v = v * 10 + (uint64_t)(w[i] - '0');
		}
		*out = v;
		return 1;
	}
	return 0;
}
