/*
 * panic.c - kernel panic: reason, registers, backtrace, threads, halt.
 *
 * The backtrace follows the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer) and names each return address from .ksyms, a
 * table of the kernel's text symbols that the build makes with nm after a
 * first link and links in a second time (tools/mksyms).
 */
#include "panic.h"

#include "arch.h"
#include "console.h"
#include "thread.h"

struct ksym {
	unsigned long addr;
	unsigned long name;   /* offset into ksym_names */
};

extern const unsigned long ksym_count;
extern const struct ksym ksym_table[];
extern const char ksym_names[];

static int panicking;

const char *ksym_lookup(unsigned long addr, unsigned long *offset)
{
	unsigned long lo = 0, hi = ksym_count;

	/* The table is sorted: find the last symbol at or below addr. */
	while (lo < hi) {
		unsigned long mid = (lo + hi) / 2;
		if (ksym_table[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	*offset = addr - ksym_table[lo - 1].addr;
	return ksym_names + ksym_table[lo - 1].name;
}

/* A return address is looked up one byte back: a call to a noreturn
 * function may be the last instruction of its caller. */
static void print_addr(unsigned long addr, int is_return)
{
	unsigned long off;
	const char *name = ksym_lookup(addr - is_return, &off);

	if (name)
		kprintf("  %016lx %s+%#lx\n", addr, name, off + is_return);
	else
		kprintf("  %016lx ?\n", addr);
}

static void backtrace(unsigned long rbp, unsigned long rip)
{
	kprintf("backtrace:\n");
	if (rip)
		print_addr(rip, 0);
	for (int depth = 0; rbp && depth < 32; depth++) {
		const unsigned long *frame = (const unsigned long *)rbp;
		if (rbp & 7 || rbp < 0xffff800000000000ul)
			break;
		print_addr(frame[1], 1);
		rbp = frame[0];
	}
}

void panic_start(void)
{
	arch_irq_disable();
	if (panicking++)
		arch_halt(HALT_PANIC);
	kprintf("\nkernel panic: ");
}

void panic_finish(unsigned long rbp, unsigned long rip)
{
	backtrace(rbp, rip);
	thread_dump_all();
	kprintf("kernel: halted after panic\n");
	arch_halt(HALT_PANIC);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	panic_start();
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	arch_dump_cpu();
	panic_finish(arch_frame_pointer(), 0);
}
