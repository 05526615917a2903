/*
 * spin.c - runs while the timer interrupts it twenty times, its registers
 * (general-purpose and SSE) holding known values all along, without a
 * system call: proves the timer interrupts ring-3 code, the KIP clock
 * advances by whole ticks, and the kernel returns with every register
 * intact.
 */
#include <libsys/debug.h>
#include <mica/kip.h>

#define TICKS 20
#define TICK_US 1000

/* Fill rbx, r8..r15 and xmm0..xmm15 with known values, spin until the
 * clock has changed `ticks` times, and count the registers that no longer
 * hold their values. */
static unsigned long spin_checking_registers(const volatile uint64_t *clock, unsigned long ticks)
{
	unsigned long bad;

	__asm__ volatile(
		".irp r, rbx, r8, r9, r10, r11, r12, r13, r14, r15\n"
		"	movabs $0x6b6b6b6b00000000, %%rax\n"
		"	xor %%\\r, %%\\r\n"
		"	lea 0x11(%%rax), %%\\r\n"
		"	ror $8, %%\\r\n"
		".endr\n"
		".irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15\n"
		"	movabs $0x5a5a5a5a00000000 + \\n, %%rax\n"
		"	movq %%rax, %%xmm\\n\n"
		"	punpcklqdq %%xmm\\n, %%xmm\\n\n"
		".endr\n"
		"	mov (%%rdi), %%rsi\n"
		"1:	mov (%%rdi), %%rdx\n"
		"	cmp %%rdx, %%rsi\n"
		"	je 1b\n"
		"	mov %%rdx, %%rsi\n"
		"	dec %%rcx\n"
		"	jnz 1b\n"
		"	xor %%edi, %%edi\n"
		"	movabs $0x6b6b6b6b00000000, %%rax\n"
		"	lea 0x11(%%rax), %%rax\n"
		"	ror $8, %%rax\n"
		".irp r, rbx, r8, r9, r10, r11, r12, r13, r14, r15\n"
		"	cmp %%rax, %%\\r\n"
		"	setne %%dl\n"
		"	movzbl %%dl, %%edx\n"
		"	add %%rdx, %%rdi\n"
		".endr\n"
		".irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15\n"
		"	movabs $0x5a5a5a5a00000000 + \\n, %%rax\n"
		"	movq %%xmm\\n, %%rdx\n"
		"	cmp %%rax, %%rdx\n"
		"	setne %%dl\n"
		"	movzbl %%dl, %%edx\n"
		"	add %%rdx, %%rdi\n"
		"	punpckhqdq %%xmm\\n, %%xmm\\n\n"
		"	movq %%xmm\\n, %%rdx\n"
		"	cmp %%rax, %%rdx\n"
		"	setne %%dl\n"
		"	movzbl %%dl, %%edx\n"
		"	add %%rdx, %%rdi\n"
		".endr\n"
		: "=D"(bad), "+c"(ticks)
		: "D"(clock)
		: "rax", "rbx", "rdx", "rsi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "xmm0", "xmm1",
		  "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
		  "xmm14", "xmm15", "cc", "memory");
	return bad;
}

int main(void)
{
	const struct mica_kip *kip = (const struct mica_kip *)MICA_KIP_ADDR;
	uint64_t start = kip->clock_us;
	unsigned long bad = spin_checking_registers(&kip->clock_us, TICKS);
	uint64_t spun = kip->clock_us - start;

	mica_printf("%s 1 - the KIP clock advanced by whole ticks, %d at least, while spinning (%lu us)\n",
		    spun >= TICKS * TICK_US && spun % TICK_US == 0 ? "ok" : "not ok", TICKS, (unsigned long)spun);
	mica_printf("%s 2 - 9 general-purpose and 16 SSE registers kept across the interrupts (%lu changed)\n",
		    bad == 0 ? "ok" : "not ok", bad);
	mica_printf("1..2\n");
	return 0;
}
