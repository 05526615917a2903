/*
 * acpi.h - what the kernel needs from the ACPI tables: the MADT's local
 * APIC address, IO-APICs, interrupt source overrides and CPU count.
 */
#ifndef KERN_ARCH_ACPI_H
#define KERN_ARCH_ACPI_H

#include <stdint.h>

#define ACPI_IOAPICS_MAX 4

struct acpi_info {
	uint64_t lapic_base;
	unsigned cpus;
	unsigned nioapics;
	struct { uint64_t base; uint32_t gsi_base; } ioapic[ACPI_IOAPICS_MAX];
	uint32_t isa_gsi[16];       /* ISA IRQ -> GSI after overrides */
	uint16_t isa_flags[16];     /* MPS polarity/trigger flags of each override */
};

extern struct acpi_info acpi;

/* Find the RSDP and read the MADT; 0, or -1 when there is no MADT (then
 * the PC defaults are used: one IO-APIC at 0xfec00000, ISA identity). */
int acpi_init(void);

#endif
