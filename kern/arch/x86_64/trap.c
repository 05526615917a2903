/*
 * trap.c - descriptor tables and the first stop of every trap.
 *
 * The GDT has the order syscall/sysret need (kernel code, kernel data,
 * then user code32, user data, user code64) and a TSS whose rsp0 is the
 * running thread's kernel stack; double faults run on a stack of their own
 * (IST1), so a kernel stack overflow still gets a panic report.  Faults in
 * user mode go to the thread's task (kern/fault.c); faults in kernel mode
 * panic, except a page fault inside arch_user_copy, which returns an error.
 */
#include "trap.h"
#include "irq.h"
#include "sched.h"

#include "apic.h"
#include "arch.h"
#include "console.h"
#include "cpu.h"
#include "cpu_local.h"
#include "fault.h"
#include <common/string.h>
#include "panic.h"
#include "timer.h"
#include "cpu_idle.h"
#include "irqoff.h"

#include <mica/ipc.h>

struct cpu_local cpu0;

static uint64_t gdt[8] = {
	0,
	0x00af9a000000ffff,   /* GDT_KCODE: kernel code 64 */
	0x00cf92000000ffff,   /* GDT_KDATA: kernel data */
	0x00cffa000000ffff,   /* GDT_SYSRET_BASE: user code 32 (unused) */
	0x00cff2000000ffff,   /* GDT_UDATA: user data */
	0x00affa000000ffff,   /* GDT_UCODE: user code 64 */
	0, 0,                 /* GDT_TSS (two slots) */
};

struct idt_entry {
	uint16_t off_lo, sel;
	uint8_t ist, attr;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

static struct idt_entry idt[256];
static uint8_t df_stack[4096] __attribute__((aligned(16)));

extern const uint64_t trap_vectors[256];
extern char syscall_entry[], user_copy_insn[], user_copy_fault[];

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static void gdt_init(void)
{
	uint64_t base = (uint64_t)&cpu0.tss, limit = sizeof cpu0.tss + sizeof cpu0.io_bitmap - 1;

	cpu0.tss.iomap_base = IO_BITMAP_NONE;                    /* no port for user code */
	memset(cpu0.io_bitmap, 0xff, sizeof cpu0.io_bitmap);   /* the last byte must be all ones */
	cpu0.tss.ist[0] = (uint64_t)(df_stack + sizeof df_stack);
	gdt[6] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
		 (((base >> 24) & 0xff) << 56);
	gdt[7] = base >> 32;
	struct desc_ptr p = { sizeof gdt - 1, (uint64_t)gdt };
	__asm__ volatile("lgdt %0\n"
			 "mov %1, %%ds; mov %1, %%es; mov %1, %%ss\n"
			 "pushq %2; lea 1f(%%rip), %%rax; pushq %%rax; lretq; 1:\n"
			 "ltr %w3"
			 : : "m"(p), "r"((uint64_t)GDT_KDATA), "i"(GDT_KCODE), "r"(GDT_TSS) : "rax", "memory");
}

static void idt_init(void)
{
	for (int v = 0; v < 256; v++) {
		uint64_t off = trap_vectors[v];
		idt[v] = (struct idt_entry){
			.off_lo = off & 0xffff, .sel = GDT_KCODE,
			.ist = v == VEC_DOUBLE_FAULT ? 1 : 0,
			/* int3 may be used from user mode; every other int n from user is #GP */
			.attr = v == VEC_BREAKPOINT ? 0xee : 0x8e,
			.off_mid = (off >> 16) & 0xffff, .off_hi = off >> 32,
		};
	}
	struct desc_ptr p = { sizeof idt - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p));
}

static void syscall_init(void)
{
	wrmsr(MSR_STAR, ((uint64_t)GDT_SYSRET_BASE << 48) | ((uint64_t)GDT_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_SFMASK, 0x47700);   /* IF, TF, DF, AC, NT, IOPL cleared on entry */
	wrmsr(MSR_GS_BASE, (uint64_t)&cpu0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

/* SMEP: the kernel never runs code of a user page.  SMAP: the kernel never
 * reads or writes a user page except between stac and clac (arch_user_copy;
 * every kernel entry clears AC, the syscall's through SFMASK).  Without
 * SMAP, stac and clac are invalid opcodes: they become nops. */
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)

extern char smap_clac_entry[], smap_stac_copy[], smap_clac_copy[], smap_clac_fault[];

static void protection_init(void)
{
	static char *const sites[] = { smap_clac_entry, smap_stac_copy, smap_clac_copy, smap_clac_fault };
	static const uint8_t nop3[3] = { 0x0f, 0x1f, 0x00 };
	uint32_t r[4] = { 0 };
	int smep = 0, smap = 0;

	cpuid(0, 0, r);
	if (r[0] >= 7) {
		cpuid(7, 0, r);
		smep = (r[1] >> 7) & 1;
		smap = (r[1] >> 20) & 1;
	}
	if (!smap)
		for (unsigned i = 0; i < sizeof sites / sizeof sites[0]; i++)
			memcpy(sites[i], nop3, sizeof nop3);
	write_cr4(read_cr4() | (smep ? CR4_SMEP : 0) | (smap ? CR4_SMAP : 0));
	kprintf("kernel: cpu: SMEP %s, SMAP %s\n", smep ? "on" : "off", smap ? "on" : "off");
}

void trap_init(void)
{
	gdt_init();
	idt_init();
	syscall_init();
	protection_init();
}

void trap_set_kernel_stack(uint64_t top)
{
	cpu0.tss.rsp0 = top;
	cpu0.kstack_top = top;
}

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
	"device not available", "double fault", "coprocessor overrun", "invalid TSS", "segment not present",
	"stack fault", "general protection", "page fault", "reserved", "x87 floating point", "alignment check",
	"machine check", "SIMD floating point", "virtualization", "control protection",
};

const char *arch_trap_name(uint64_t vector)
{
	if (vector < 32 && exception_names[vector])
		return exception_names[vector];
	return "interrupt";
}

void trap_frame_dump(const struct trap_frame *f)
{
	kprintf("vector %lu (%s) error %#lx cr2 %#lx\n", f->vector, arch_trap_name(f->vector), f->error, read_cr2());
	kprintf("rip %016lx cs %04lx rflags %08lx rsp %016lx ss %04lx\n", f->rip, f->cs, f->rflags, f->rsp, f->ss);
	kprintf("rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
	kprintf("rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
	kprintf("r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", f->r9, f->r10, f->r11, f->r12);
	kprintf("r13 %016lx r14 %016lx r15 %016lx\n", f->r13, f->r14, f->r15);
}

void arch_dump_cpu(void)
{
	kprintf("cr0 %016lx cr2 %016lx cr3 %016lx cr4 %016lx\n", read_cr0(), read_cr2(), read_cr3(), read_cr4());
}

static void kernel_fault(struct trap_frame *f)
{
	if (f->vector == VEC_PAGE_FAULT && f->rip == (uint64_t)user_copy_insn) {
		f->rip = (uint64_t)user_copy_fault;
		return;
	}
	panic_start();
	kprintf("%s in kernel mode\n", arch_trap_name(f->vector));
	trap_frame_dump(f);
	arch_dump_cpu();
	panic_finish(f->rbp, f->rip);
}

static void dispatch(struct trap_frame *f)
{
	if (f->vector < 32) {
		if (!trap_from_user(f))
			kernel_fault(f);
		else
			fault_user(f->vector, f->error, f->vector == VEC_PAGE_FAULT ? read_cr2() : 0, f->rip);
		return;
	}
	if (f->vector == VEC_SPURIOUS)
		return;
	if (f->vector == VEC_TIMER) {
		lapic_eoi();
		timer_tick();
	} else if (f->vector >= VEC_IRQ_BASE && f->vector < VEC_IRQ_BASE + arch_irq_lines()) {
		irq_line_fired(f->vector - VEC_IRQ_BASE);   /* masks the line first */
		lapic_eoi();
	} else {
		lapic_eoi();
		kprintf("kernel: unexpected interrupt vector %lu\n", f->vector);
	}
}

void trap_handler(struct trap_frame *f)
{
	irqoff_begin(MICA_IRQOFF_TRAP, 0, f->vector, 0);
	dispatch(f);
	/* Threads switch on the way back to user mode, and in an interrupt
	 * window (arch_irq_window); the idle loop looks at the ready queue
	 * itself. */
	if (trap_from_user(f))
		sched_kernel_exit();
	irqoff_end(MICA_IRQOFF_TRAP);
}

/* The TSS's copy of a task's bitmap, and whose it is: any change to that
 * bitmap, and its end, must come through arch_io_bitmap_forget. */
static __attribute__((noinline)) void io_bitmap_copy(const uint8_t *bits)
{
	memcpy(cpu0.io_bitmap, bits, IO_BITMAP_BYTES);
	cpu0.io_bitmap_of = bits;
}

void arch_io_bitmap_load(const uint8_t *bits, int changed)
{
	/* No ports: point the TSS past its limit, which denies every port,
	 * without touching the copy.  A task with ports gets its bitmap copied
	 * in only when the copy is not its own. */
	if (!bits) {
		cpu0.tss.iomap_base = IO_BITMAP_NONE;
		return;
	}
	cpu0.tss.iomap_base = sizeof cpu0.tss;
	if (bits != cpu0.io_bitmap_of || changed)
		io_bitmap_copy(bits);
}

void arch_io_bitmap_forget(const uint8_t *bits)
{
	if (bits == cpu0.io_bitmap_of)
		cpu0.io_bitmap_of = 0;
}

void arch_irq_disable(void)
{
	cpu_cli();
}

uintptr_t arch_frame_pointer(void)
{
	return (uintptr_t)__builtin_frame_address(0);
}

__attribute__((noreturn)) void arch_halt(enum halt_how how)
{
	cpu_cli();
	/* isa-debug-exit: QEMU exits with (value << 1) | 1: 33, 35 or 37. */
	outb(0xf4, 0x10 + how);
	for (;;)
		__asm__ volatile("hlt");
}

void cpu_idle_wait(void)
{
	irqoff_end(MICA_IRQOFF_IDLE);
	cpu_idle();
	irqoff_begin(MICA_IRQOFF_IDLE, 0, 0, 0);
}

void arch_irq_window(void)
{
	irqoff_end(MICA_IRQOFF_WINDOW);
	__asm__ volatile("sti; nop; cli" ::: "memory");
	irqoff_begin(MICA_IRQOFF_WINDOW, 0, 0, 0);
}
