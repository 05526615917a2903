/*
 * kip.h - the kernel information page (include/mica/kip.h for its layout):
 * filled once at boot, its clock advanced by the timer, mapped read-only
 * into every task.
 */
#ifndef KERN_KIP_H
#define KERN_KIP_H

#include <mica/kip.h>
#include <stdint.h>

extern struct mica_kip *kip;

void kip_init(uint64_t tsc_khz, unsigned cpus);
/* TSC cycles in nanoseconds, by the frequency measured at boot. */
uint64_t kip_tsc_ns(uint64_t cycles);
/* Where the KIP is in physical memory (every task maps it read-only). */
uint64_t kip_phys(void);

#endif
