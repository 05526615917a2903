/*
 * acpi.c - finds the RSDP in the BIOS area, follows the RSDT/XSDT to the
 * MADT ("APIC") and records the interrupt hardware (see acpi.h).  Tables
 * are read through the direct map; every length is checked against the
 * table it belongs to.
 */
#include "acpi.h"

#include "arch.h"
#include <common/string.h>

struct acpi_info acpi;

struct rsdp {
	char sig[8];
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
} __attribute__((packed));

struct sdt {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

static int checksum_ok(const void *p, uint32_t len)
{
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum += ((const uint8_t *)p)[i];
	return sum == 0;
}

static const struct rsdp *find_rsdp(void)
{
	uint64_t ebda = (uint64_t)*(const uint16_t *)arch_phys_to_virt(0x40e) << 4;
	uint64_t ranges[2][2] = { { ebda, ebda + 1024 }, { 0xe0000, 0x100000 } };

	for (int r = 0; r < 2; r++)
		for (uint64_t a = ranges[r][0]; a && a + sizeof(struct rsdp) <= ranges[r][1]; a += 16) {
			const struct rsdp *p = arch_phys_to_virt(a);
			if (memcmp(p->sig, "RSD PTR ", 8) == 0 && checksum_ok(p, 20))
				return p;
		}
	return 0;
}

static const struct sdt *find_table(const struct rsdp *rsdp, const char *sig)
{
	int wide = rsdp->revision >= 2 && rsdp->xsdt;
	const struct sdt *root = arch_phys_to_virt(wide ? rsdp->xsdt : rsdp->rsdt);
	unsigned entry = wide ? 8 : 4;

	if (root->length < sizeof *root)
		return 0;
	unsigned n = (root->length - sizeof *root) / entry;
	const uint8_t *entries = (const uint8_t *)(root + 1);
	for (unsigned i = 0; i < n; i++) {
		uint64_t pa = 0;
		memcpy(&pa, entries + i * entry, entry);
		const struct sdt *t = arch_phys_to_virt(pa);
		if (memcmp(t->sig, sig, 4) == 0 && t->length >= sizeof *t)
			return t;
	}
	return 0;
}

static void parse_madt(const struct sdt *madt)
{
	const uint8_t *p = (const uint8_t *)madt + sizeof *madt;
	const uint8_t *end = (const uint8_t *)madt + madt->length;

	acpi.lapic_base = *(const uint32_t *)p;
	for (p += 8; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		switch (p[0]) {
		case 0:   /* processor local APIC: enabled or online-capable */
			if (*(const uint32_t *)(p + 4) & 3)
				acpi.cpus++;
			break;
		case 1:   /* IO-APIC */
			if (acpi.nioapics < ACPI_IOAPICS_MAX) {
				acpi.ioapic[acpi.nioapics].base = *(const uint32_t *)(p + 4);
				acpi.ioapic[acpi.nioapics].gsi_base = *(const uint32_t *)(p + 8);
				acpi.nioapics++;
			}
			break;
		case 2:   /* interrupt source override */
			if (p[3] < 16) {
				acpi.isa_gsi[p[3]] = *(const uint32_t *)(p + 4);
				acpi.isa_flags[p[3]] = *(const uint16_t *)(p + 8);
			}
			break;
		}
	}
}

int acpi_init(void)
{
	const struct rsdp *rsdp = find_rsdp();
	const struct sdt *madt = rsdp ? find_table(rsdp, "APIC") : 0;

	for (int i = 0; i < 16; i++)
		acpi.isa_gsi[i] = i;
	if (!madt) {
		acpi.lapic_base = 0xfee00000;
		acpi.cpus = 1;
		acpi.nioapics = 1;
		acpi.ioapic[0].base = 0xfec00000;
		return -1;
	}
	parse_madt(madt);
	if (acpi.cpus == 0)
		acpi.cpus = 1;
	return 0;
}
