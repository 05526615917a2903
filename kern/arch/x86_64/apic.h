/*
 * apic.h - the local APIC (timer, end of interrupt) and the IO-APICs
 * (hardware interrupt lines), with the legacy 8259 PICs masked.
 */
#ifndef KERN_ARCH_APIC_H
#define KERN_ARCH_APIC_H

#include <stdint.h>

/* Mask the 8259s, enable the local APIC, program every IO-APIC line masked
 * at vector VEC_IRQ_BASE + line, and start the periodic timer at `hz`. */
void apic_init(unsigned hz);
void lapic_eoi(void);
/* TSC ticks per millisecond, measured against the PIT at boot. */
uint64_t apic_tsc_khz(void);
/* Number of hardware interrupt lines (GSIs) the IO-APICs have. */
unsigned ioapic_lines(void);
void ioapic_set_mask(unsigned gsi, int masked);

#endif
