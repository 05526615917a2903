/*
 * apic.c - local APIC and IO-APIC (see apic.h).
 *
 * The timer's rate is not known in advance, so at boot we count LAPIC
 * timer ticks and TSC ticks over 10 ms of PIT channel 2 (whose input clock,
 * 1.193182 MHz, is fixed), then program the LAPIC timer periodic.
 */
#include "apic.h"

#include "acpi.h"
#include "arch.h"
#include "console.h"
#include "cpu.h"
#include "paging.h"
#include "trap.h"

#define LAPIC_ID 0x20
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN 0x10
#define IOAPIC_VER 0x01
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))

#define PIT_HZ 1193182u

static volatile uint32_t *lapic;
static uint64_t tsc_khz;

struct ioapic {
	volatile uint32_t *regs;
	uint32_t gsi_base, lines;
};
static struct ioapic ioapics[ACPI_IOAPICS_MAX];
static unsigned nioapics, total_lines;

static uint32_t lapic_read(unsigned reg) { return lapic[reg / 4]; }
static void lapic_write(unsigned reg, uint32_t v) { lapic[reg / 4] = v; }

static uint32_t ioapic_read(struct ioapic *io, uint32_t reg)
{
	io->regs[IOAPIC_REGSEL / 4] = reg;
	return io->regs[IOAPIC_WIN / 4];
}

static void ioapic_write(struct ioapic *io, uint32_t reg, uint32_t v)
{
	io->regs[IOAPIC_REGSEL / 4] = reg;
	io->regs[IOAPIC_WIN / 4] = v;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

uint64_t apic_tsc_khz(void)
{
	return tsc_khz;
}

unsigned ioapic_lines(void)
{
	return total_lines;
}

static void pic_mask_all(void)
{
	/* Remap the 8259s away from the exception vectors, then mask them. */
	outb(0x20, 0x11); outb(0xa0, 0x11);
	outb(0x21, 0x20); outb(0xa1, 0x28);
	outb(0x21, 0x04); outb(0xa1, 0x02);
	outb(0x21, 0x01); outb(0xa1, 0x01);
	outb(0x21, 0xff); outb(0xa1, 0xff);
}

static void ioapic_init(void)
{
	for (unsigned i = 0; i < acpi.nioapics; i++) {
		struct ioapic *io = &ioapics[nioapics++];
		io->regs = paging_map_device(acpi.ioapic[i].base, 0x20);
		io->gsi_base = acpi.ioapic[i].gsi_base;
		io->lines = ((ioapic_read(io, IOAPIC_VER) >> 16) & 0xff) + 1;
		for (uint32_t n = 0; n < io->lines; n++) {
			uint32_t gsi = io->gsi_base + n;
			uint32_t low = LVT_MASKED | (VEC_IRQ_BASE + gsi);
			/* ISA lines are edge/active-high unless an override says
			 * otherwise; PCI lines (above 15) are level/active-low. */
			uint16_t flags = 0;
			for (int irq = 0; irq < 16; irq++)
				if (acpi.isa_gsi[irq] == gsi)
					flags = acpi.isa_flags[irq];
			if ((flags & 3) == 3 || (gsi >= 16 && (flags & 3) == 0))
				low |= 1u << 13;   /* active low */
			if (((flags >> 2) & 3) == 3 || (gsi >= 16 && ((flags >> 2) & 3) == 0))
				low |= 1u << 15;   /* level triggered */
			ioapic_write(io, IOAPIC_REDTBL(n), low);
			ioapic_write(io, IOAPIC_REDTBL(n) + 1, lapic_read(LAPIC_ID) & 0xff000000);
		}
		if (io->gsi_base + io->lines > total_lines)
			total_lines = io->gsi_base + io->lines;
	}
}

void ioapic_set_mask(unsigned gsi, int masked)
{
	for (unsigned i = 0; i < nioapics; i++) {
		struct ioapic *io = &ioapics[i];
		if (gsi < io->gsi_base || gsi >= io->gsi_base + io->lines)
			continue;
		uint32_t reg = IOAPIC_REDTBL(gsi - io->gsi_base);
		uint32_t low = ioapic_read(io, reg);
		ioapic_write(io, reg, masked ? low | LVT_MASKED : low & ~LVT_MASKED);
	}
}

/* LAPIC timer ticks (divider 16) in 10 ms, measured with PIT channel 2. */
static uint32_t calibrate(void)
{
	uint16_t count = PIT_HZ / 100;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);   /* gate on, speaker off */
	outb(0x43, 0xb0);                          /* channel 2, lo/hi, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	lapic_write(LAPIC_TIMER_DIV, 0x3);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	uint64_t t0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		cpu_pause();
	uint32_t ticks = 0xffffffff - lapic_read(LAPIC_TIMER_CUR);
	tsc_khz = (rdtsc() - t0) / 10;
	lapic_write(LAPIC_TIMER_INIT, 0);
	return ticks;
}

void apic_init(unsigned hz)
{
	pic_mask_all();
	acpi_init();
	lapic = paging_map_device(acpi.lapic_base, 0x1000);
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 11));
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	ioapic_init();
	uint32_t per_10ms = calibrate();
	lapic_write(LAPIC_TIMER_DIV, 0x3);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, per_10ms * 100 / hz);
	kprintf("kernel: apic: %u cpu(s), %u io-apic line(s), timer %u Hz, tsc %lu kHz\n", acpi.cpus, total_lines, hz,
		tsc_khz);
}

uint64_t arch_timestamp(void)
{
	return rdtsc();
}

unsigned arch_irq_lines(void)
{
	return ioapic_lines();
}

void arch_irq_line_mask(unsigned line, int masked)
{
	ioapic_set_mask(line, masked);
}
