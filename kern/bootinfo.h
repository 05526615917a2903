/*
 * bootinfo.h - what the boot loader told the kernel, copied out of the
 * multiboot structures before any memory is reused: the memory map, the
 * boot modules (range, name, command line) and the kernel command line.
 */
#ifndef KERN_BOOTINFO_H
#define KERN_BOOTINFO_H

#include <mica/kip.h>
#include <stdint.h>

struct boot_region {
	uint64_t base, size;
	uint32_t type;        /* multiboot type: 1 usable, 3 ACPI, 4 NVS, ... */
};

struct boot_module {
	uint64_t base, size;
	char name[MICA_KIP_NAME_MAX];
	char cmdline[MICA_KIP_CMDLINE_MAX];
};

struct bootinfo {
	unsigned nregions, nmodules;
	struct boot_region regions[MICA_KIP_MEM_MAX];
	struct boot_module modules[MICA_KIP_MODULES_MAX];
	char cmdline[MICA_KIP_CMDLINE_MAX];
	uint64_t usable_bytes;
};

extern struct bootinfo bootinfo;

/* Parse the multiboot v1 information at physical address `info`; returns 0
 * or -1 with a message when the loader was not multiboot or gave no map. */
int bootinfo_parse(uint32_t magic, uint64_t info);
/* Is `word` one of the words of the kernel command line? */
int bootinfo_has_arg(const char *word);
/* The number in a command-line word KEY=N (decimal): 1 and *out set, or 0
 * when there is no such word or N is not a number. */
int bootinfo_arg_number(const char *key, uint64_t *out);

#endif
