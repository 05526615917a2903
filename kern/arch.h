/*
 * arch.h - the seam between generic kernel code and the architecture
 * (kern/arch/x86_64/).  Generic code calls only these hooks and never
 * includes an x86 header.
 */
#ifndef KERN_ARCH_H
#define KERN_ARCH_H

#include <stdint.h>
#include <stddef.h>

/* Bring-up, in this order: descriptor tables, syscall entry and FPU; the
 * kernel's page tables (after the page allocator); interrupt controllers
 * and the periodic timer. */
void arch_init_cpu(void);
void arch_init_paging(void);
void arch_init_interrupts(unsigned hz, uint64_t *tsc_khz, unsigned *cpus);

/* Console. */
void arch_console_init(void);
void arch_console_putc(char c);

/* Physical memory as seen through the direct map. */
void *arch_phys_to_virt(uint64_t pa);
uint64_t arch_virt_to_phys(const void *va);

/* How the machine ended: every boot program ended with status 0 and left
 * nothing behind; a panic; or some boot program failed (an error status,
 * a fault, a leak, broken invariants). */
enum halt_how { HALT_CLEAN, HALT_PANIC, HALT_FAILED };

/* End the machine.  Under QEMU this leaves through isa-debug-exit with
 * 0x10 + how (QEMU's exit status: 33, 35, 37); otherwise it stops the CPU. */
__attribute__((noreturn)) void arch_halt(enum halt_how how);

/* Interrupts off for good (panic), and the control registers for a dump. */
void arch_irq_disable(void);
/* Let pending interrupts in for an instant (a preemption point of the
 * kernel, preempt.h): their handlers may switch threads, so the caller's
 * data must be consistent. */
void arch_irq_window(void);
void arch_dump_cpu(void);

/* Frame-pointer chain walking for backtraces. */
uintptr_t arch_frame_pointer(void);

/* Address spaces: a page-table root per task, the kernel half shared.
 * Rights are MICA_R/W/X.  Functions that may create page tables add how
 * many to *tables (their memory is charged to the task's factory);
 * destroying a space returns how many it freed.  Frames are never freed
 * here: the mapping database owns them. */
int arch_space_create(uint64_t *root);
unsigned arch_space_destroy(uint64_t root);
/* Free the user page tables in steps, each 2 MiB of address space
 * spending a unit of *budget (*cursor: where to go on, 0 at first; *freed
 * counts the tables): 1 when none is left, then arch_space_destroy frees
 * the root alone.  Nothing may be mapped any more (the tables it frees
 * are zero, and kept spare for the next tables made). */
int arch_space_prune(uint64_t root, uint64_t *cursor, long *budget, unsigned *freed);
/* The spare page tables: free kernel memory, taken before the pool; and
 * how many of them are not zero (the invariant checker's: none). */
unsigned arch_spare_tables(void);
/* The spare tables back to the kernel's pool (kmem.c, when it runs out);
 * how many there were. */
unsigned arch_spare_tables_release(void);
unsigned arch_spare_tables_unclean(void);
int arch_space_map(uint64_t root, uint64_t va, uint64_t pa, unsigned rights, int uncached, unsigned *tables);
/* Only if nothing is mapped at va (MICA_EEXIST otherwise). */
int arch_space_map_new(uint64_t root, uint64_t va, uint64_t pa, unsigned rights, int uncached, unsigned *tables);
/* Remove va's mapping / set its rights; both return what the entry said
 * of the page: ARCH_ACCESSED, ARCH_DIRTY. */
#define ARCH_ACCESSED 1u
#define ARCH_DIRTY 2u
unsigned arch_space_unmap(uint64_t root, uint64_t va);
unsigned arch_space_protect(uint64_t root, uint64_t va, unsigned rights);
/* The frame and rights of a user page: 0 or MICA_EFAULT. */
int arch_space_lookup(uint64_t root, uint64_t va, uint64_t *pa, unsigned *rights);
/* The first mapped page in [va, last] (skipping empty tables): 1 and
 * *found, or 0. */
int arch_space_next_mapped(uint64_t root, uint64_t va, uint64_t last, uint64_t *found);
/* The same in steps: each entry looked at spends one unit of *budget;
 * -1 with *found the address to go on from when it ran out. */
int arch_space_scan(uint64_t root, uint64_t va, uint64_t last, uint64_t *found, long *budget);
/* Copy n bytes between user memory of two spaces, marking the pages
 * accessed (and the destination's dirty): 0, or MICA_EFAULT with nothing
 * copied when a page is missing, read-only at the destination, or device
 * memory. */
int arch_space_copy(uint64_t dst_root, uint64_t dst, uint64_t src_root, uint64_t src, size_t n);
/* Load a task's I/O permission bitmap (IO_PORT_BITMAP_BYTES, 1 bit per
 * port, 1 = denied; NULL: no ports) for the thread about to run; `changed`
 * when the same bitmap was modified.  The CPU may keep a copy of a bitmap
 * while other tasks run: a bitmap changed while its task is not running,
 * or freed, must be forgotten first. */
#define IO_PORT_BITMAP_BYTES 8192
void arch_io_bitmap_load(const uint8_t *bits, int changed);
void arch_io_bitmap_forget(const uint8_t *bits);
/* Whether the page at pa holds device registers the kernel drives. */
int arch_device_is_kernels(uint64_t pa);
/* Hardware interrupt lines: how many, and masking one. */
unsigned arch_irq_lines(void);
void arch_irq_line_mask(unsigned line, int masked);

/* Copy between kernel and user memory of the running space: 0 or
 * MICA_EFAULT (outside user space, or a page is missing). */
int user_copy_in(void *dst, uint64_t usrc, size_t n);
int user_copy_out(uint64_t udst, const void *src, size_t n);

/* User faults (kern/fault.c): the name of a trap vector (whether one is a
 * page fault: arch_fault.h). */
const char *arch_trap_name(uint64_t vector);

/* The CPU's time-stamp counter. */
uint64_t arch_timestamp(void);
/* The CMOS real-time clock: seconds since 1970-01-01 UTC, 0 if unreadable. */
uint64_t arch_rtc_seconds(void);

#endif
