/*
 * uartirq.c - a hardware interrupt through the Icu: COM1's receive line
 * (IO-APIC input 4) bound to an irq, masked until unmasked, delivered to
 * this thread's open wait as the characters the scenario types arrive.
 */
#include "qtest.h"

#include <libsys/port.h>

int memcmp(const void *a, const void *b, size_t n);   /* libsys (string.c) */

#include <idl/kernel/factory.h>
#include <idl/kernel/icu.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>

#define COM1 0x3f8
#define UART_LINE 4
enum { S_IRQ = 10, S_IRQ2 };

static void icu_binds_a_line_once(void)
{
	uint32_t lines;

	expect("an irq", factory_create_irq(MICA_BOOT_FACTORY, S_IRQ, 0x44), 0);
	expect("bound to this thread", irq_bind(S_IRQ, MICA_BOOT_THREAD), 0);
	expect("Icu.lines", icu_lines(MICA_BOOT_ICU, &lines), 0);
	expect("a line that does not exist: EINVAL", icu_bind(MICA_BOOT_ICU, lines, S_IRQ), -MICA_EINVAL);
	expect("COM1's line to the irq", icu_bind(MICA_BOOT_ICU, UART_LINE, S_IRQ), 0);
	expect("a second irq", factory_create_irq(MICA_BOOT_FACTORY, S_IRQ2, 0x45), 0);
	expect("the same line twice: EBUSY", icu_bind(MICA_BOOT_ICU, UART_LINE, S_IRQ2), -MICA_EBUSY);
}

static void masked_line_delivers_nothing(void)
{
	mica_word_t tag, label;

	expect("nothing before the line is unmasked", mica_ipc_wait(mica_timeouts(0, MICA_TIMEOUT_ZERO), &tag, &label),
	       MICA_ETIMEOUT);
}

static void typed_characters_arrive_as_notifications(void)
{
	char got[24];
	unsigned n = 0, notifications = 0;
	mica_word_t tag, label;

	/* The line is edge-triggered: an edge while it is masked is lost, so
	 * unmask first, then let the UART interrupt when a character waits
	 * (IER bit 0; OUT2 lets the interrupt out of the chip), and after each
	 * notification unmask before draining. */
	expect("unmask", irq_unmask(S_IRQ), 0);
	mica_outb(COM1 + 1, 0x01);
	mica_outb(COM1 + 4, mica_inb(COM1 + 4) | 0x08);
	int wrong = 0;
	while (n < sizeof got - 1) {
		/* The characters come in as QEMU feeds them: stop after a quiet
		 * second (the input may end before all of them arrive). */
		if (mica_ipc_wait(mica_timeouts(0, n ? 1000000 : 5000000), &tag, &label))
			break;
		notifications++;
		if (label != 0x44 || !(mica_tag_flags(tag) & MICA_TAG_F_IRQ)) {
			wrong = 1;
			break;
		}
		irq_unmask(S_IRQ);
		while ((mica_inb(COM1 + 5) & 1) && n < sizeof got - 1)
			got[n++] = (char)mica_inb(COM1);
	}
	got[n] = 0;
	expect("notifications came, each with the irq's label", notifications > 0 && !wrong, 1);
	/* The first byte may be gone: QEMU feeds the input from the start, and
	 * the kernel's console set-up empties the UART. */
	expect("the typed characters arrived", n >= 10 && !memcmp(got + n - 11, "interrupts\n", 11), 1);
	mica_printf("# %u characters in %u notifications: %s\n", n, notifications, got);
	mica_outb(COM1 + 1, 0x00);
}

static void unbinding_or_destroying_frees_the_line(void)
{
	expect("Icu.unbind", icu_unbind(MICA_BOOT_ICU, UART_LINE), 0);
	expect("the line is free for another irq", icu_bind(MICA_BOOT_ICU, UART_LINE, S_IRQ2), 0);
	expect("destroying the irq frees the line", kobject_destroy(S_IRQ2), 0);
	expect("... so it can be bound again", icu_bind(MICA_BOOT_ICU, UART_LINE, S_IRQ), 0);
	icu_unbind(MICA_BOOT_ICU, UART_LINE);
}

static const struct qtest_case cases[] = {
	{ "icu_binds_a_line_once", icu_binds_a_line_once },
	{ "masked_line_delivers_nothing", masked_line_delivers_nothing },
	{ "typed_characters_arrive_as_notifications", typed_characters_arrive_as_notifications },
	{ "unbinding_or_destroying_frees_the_line", unbinding_or_destroying_frees_the_line },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
