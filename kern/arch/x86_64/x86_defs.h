/*
 * x86_defs.h - the x86-64 numbers that both C and entry.S use: segment
 * selectors, interrupt vectors and the offsets the entry paths read in
 * struct cpu_local and struct trap_frame.  Defines only, so that
 * assembly can include it; cpu_local.h and trap.h check the offsets
 * against their structs at compile time.
 */
#ifndef KERN_ARCH_X86_DEFS_H
#define KERN_ARCH_X86_DEFS_H

/* GDT selectors (trap.c's GDT; boot.S's has the first two alike) */
#define GDT_KCODE 0x08
#define GDT_KDATA 0x10
#define GDT_SYSRET_BASE 0x18 /* sysret loads ss = base + 8, cs = base + 16 */
#define GDT_UDATA 0x23       /* user data, RPL 3 */
#define GDT_UCODE 0x2b       /* user 64-bit code, RPL 3 */
#define GDT_TSS 0x30

/* Vectors */
#define VEC_DIVIDE 0
#define VEC_DEBUG 1
#define VEC_NMI 2
#define VEC_BREAKPOINT 3
#define VEC_INVALID_OP 6
#define VEC_DOUBLE_FAULT 8
#define VEC_INVALID_TSS 10
#define VEC_SEGMENT_NP 11
#define VEC_STACK_FAULT 12
#define VEC_GP 13
#define VEC_PAGE_FAULT 14
#define VEC_ALIGNMENT 17
#define VEC_CONTROL_PROT 21
#define VEC_VMM_COMM 29
#define VEC_SECURITY 30
#define VEC_TIMER 32
#define VEC_IRQ_BASE 48      /* IO-APIC lines are vectors 48.. */
#define VEC_SPURIOUS 255
#define VEC_SYSCALL 256      /* frame->vector of a syscall entry */

/* struct cpu_local, read by the syscall entry through gs */
#define CPU_KSTACK_TOP 0
#define CPU_USER_RSP 8

/* struct trap_frame: the words the CPU pushes (or the syscall entry
 * builds alike) */
#define FRAME_RIP (17 * 8)
#define FRAME_CS (18 * 8)
#define FRAME_RFLAGS (19 * 8)
#define FRAME_RSP (20 * 8)

#endif
