/*
 * mica/syscall.h - the system-call convention (docs/abi.md).
 *
 * Kernel entry is the `syscall` instruction, all arguments in registers, the
 * message itself in the caller's UTCB:
 *
 *   rax  MICA_SYS_IPC or MICA_SYS_DEBUG
 *   IPC:   rdi = (slot << MICA_IPC_SLOT_SHIFT) | MICA_IPC_* operation flags
 *          rsi = message tag, rdx = timeouts (mica_timeouts())
 *          returns rax = error code, rsi = received tag, rdi = received label
 *   DEBUG: rdi = (Log slot << MICA_IPC_SLOT_SHIFT) | MICA_DEBUG_* operation,
 *          rsi, rdx = its arguments; returns rax = error code
 * rcx and r11 are clobbered by the instruction; every other register but the
 * results is preserved.
 */
#ifndef MICA_SYSCALL_H
#define MICA_SYSCALL_H

#include <mica/types.h>

enum mica_sys {
	MICA_SYS_IPC = 0,
	MICA_SYS_DEBUG = 1,
};

/* IPC operation flags (low bits of rdi); the slot is in the bits above. */
#define MICA_IPC_SEND 0x1u   /* send phase to the capability in the slot */
#define MICA_IPC_RECV 0x2u   /* receive phase (closed: from the send partner) */
#define MICA_IPC_OPEN 0x4u   /* receive from anything bound to this thread */
#define MICA_IPC_REPLY 0x8u  /* send phase through the implicit reply capability */
#define MICA_IPC_SLOT_SHIFT 12

/* The kernel debug interface: the one call that is not an IPC.  PRINT,
 * MEMINFO and CHECK name a Log capability (the slot in rdi's upper bits):
 * MICA_EBADCAP, MICA_ETYPE or MICA_EPERM without one with the right. */
enum mica_debug_op {
	MICA_DEBUG_PRINT = 0,  /* W: rsi = buffer, rdx = length (at most MICA_DEBUG_PRINT_MAX): to the kernel console */
	MICA_DEBUG_EXIT = 1,   /* rsi = status: end the calling task (until tasks exit by IPC) */
	MICA_DEBUG_PANIC = 2,  /* panic the kernel: only when booted with "panic-test" */
	MICA_DEBUG_MEMINFO = 3, /* R: rsi = struct mica_meminfo *, rdx = its size: the kernel's accounting */
	MICA_DEBUG_CHECK = 4,   /* R: run the kernel's invariant checker: 0, or MICA_EBUSY with a report on the console;
				 * MICA_E2BIG when the kernel is too big to check in one stretch (outside test boots) */
	MICA_DEBUG_IRQOFF = 5,  /* R: rsi = struct mica_irqoff *, rdx = its size (0: a uint64_t, the longest only):
				 * the longest stretch with interrupts off since the last call, in TSC ticks, and
				 * where it happened; only the measuring kernel records them (else MICA_ENOSYS) */
};
#define MICA_DEBUG_OP_MASK 0xfffu
#define MICA_DEBUG_PRINT_MAX 256

/* What MICA_DEBUG_IRQOFF reports: the longest stretch, how it began (a
 * system call, an interrupt or exception, the end of an interrupt window
 * or of the idle wait), and the kernel object invocation last begun in or
 * before it (a stretch after a window goes on with that operation). */
enum mica_irqoff_entry {
	MICA_IRQOFF_SYSCALL = 1,  /* `arg` = rdi (the IPC's destination word or the debug op), `tag` = rsi */
	MICA_IRQOFF_TRAP = 2,     /* `arg` = the vector */
	MICA_IRQOFF_WINDOW = 3,   /* an interrupt window inside an operation (arch_irq_window) */
	MICA_IRQOFF_IDLE = 4,     /* the idle loop woke */
};
#define MICA_IRQOFF_TYPES 8
struct mica_irqoff {
	uint64_t longest;    /* TSC ticks: guest instructions under -icount shift=0 */
	uint32_t entry;      /* enum mica_irqoff_entry */
	uint32_t syscall;    /* for MICA_IRQOFF_SYSCALL: rax (MICA_SYS_IPC or MICA_SYS_DEBUG) */
	uint64_t arg, tag;
	uint32_t obj_type;   /* the last invocation: Kobject.info's type (0: none yet) */
	uint32_t obj_label;  /* and its operation (the tag's label) */
	uint16_t reaped[MICA_IRQOFF_TYPES];   /* destruction steps in the stretch, by object type */
	uint32_t ended;      /* how it ended: the way out of a system call or trap, a window, the idle wait
			      * (enum mica_irqoff_entry's values) */
	uint32_t switches;   /* threads switched to in it */
};

/* What MICA_DEBUG_MEMINFO reports: free pages of both pools, and the
 * kernel objects in use by type (index: Kobject.info's type numbers). */
#define MICA_MEMINFO_TYPES 8
struct mica_meminfo {
	uint64_t kernel_free_pages;    /* the kernel's page pool */
	uint64_t user_free_pages;      /* the user pool (the first pager's) */
	uint64_t root_quota_used;      /* bytes charged to the root factory */
	uint64_t mapnodes;             /* mapping-database nodes */
	uint64_t slab_pages;           /* pages held by the kernel's object caches */
	uint64_t objects[MICA_MEMINFO_TYPES];
};

/* The debug call `op` on the Log capability in slot `log` (0 for EXIT and
 * PANIC, which need none). */
static inline long mica_debug(mica_cap_t log, unsigned long op, unsigned long a, unsigned long b)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"((unsigned long)MICA_SYS_DEBUG), "D"(op | (log << MICA_IPC_SLOT_SHIFT)), "S"(a), "d"(b)
			 : "rcx", "r11", "memory");
	return ret;
}

#endif
