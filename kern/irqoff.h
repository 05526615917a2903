/*
 * irqoff.h - measuring the kernel's stretches with interrupts off.
 *
 * Only the measuring kernel (build/kern/mica-measure.elf32, built from the
 * same sources with -DKERN_MEASURE_IRQOFF and
 * kern/arch/x86_64/measure/irqoff.c) records them: the hooks mark where
 * interrupts go off (a kernel entry, the end of an interrupt window) and
 * on again (the way back to user mode, the idle loop's wait, a window),
 * and keep the longest stretch in TSC ticks, which under QEMU's
 * -icount shift=0 are guest instructions, with where it happened (struct
 * mica_irqoff).  In the normal kernel the hooks are empty and
 * MICA_DEBUG_IRQOFF answers MICA_ENOSYS.
 */
#ifndef KERN_IRQOFF_H
#define KERN_IRQOFF_H

#include <mica/error.h>
#include <mica/syscall.h>
#include <stdint.h>

#ifdef KERN_MEASURE_IRQOFF
/* A stretch begins: how (enum mica_irqoff_entry) and its words. */
void irqoff_begin(uint32_t entry, uint32_t syscall, uint64_t arg, uint64_t tag);
void irqoff_end(uint32_t how);
/* The kernel switches threads. */
void irqoff_switch(void);
/* A kernel object invocation begins in the current stretch. */
void irqoff_invoke(uint32_t obj_type, uint32_t label);
/* A step of an object's destruction (kobj.c's reaper). */
void irqoff_reap(uint32_t obj_type);
/* The longest stretch since the last report; starts a new one. */
int irqoff_report(struct mica_irqoff *worst);
/* The current stretch is not recorded: a test boot's full invariant
 * check, which other boots refuse (kern/debug.c). */
void irqoff_exempt(void);
#else
static inline void irqoff_begin(uint32_t entry, uint32_t syscall, uint64_t arg, uint64_t tag)
{
	(void)entry, (void)syscall, (void)arg, (void)tag;
}
static inline void irqoff_end(uint32_t how)
{
	(void)how;
}
static inline void irqoff_switch(void) {}
static inline void irqoff_invoke(uint32_t obj_type, uint32_t label)
{
	(void)obj_type, (void)label;
}
static inline void irqoff_reap(uint32_t obj_type)
{
	(void)obj_type;
}
static inline void irqoff_exempt(void) {}
static inline int irqoff_report(struct mica_irqoff *worst)
{
	(void)worst;
	return MICA_ENOSYS;
}
#endif

#endif
