/*
 * serial.c - COM1 (a 16550 UART at I/O port 0x3f8) as the kernel console:
 * 115200 baud, 8N1, FIFOs on, polled output.  The user-level console
 * server takes the port's input side over later.
 */
#include "arch.h"
#include "cpu.h"

#define COM1 0x3f8
#define UART_THR 0      /* transmit holding */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20

void arch_console_init(void)
{
	outb(COM1 + UART_IER, 0x00);   /* no interrupts */
	outb(COM1 + UART_LCR, 0x80);   /* divisor latch */
	outb(COM1 + 0, 1);             /* 115200 baud */
	outb(COM1 + 1, 0);
	outb(COM1 + UART_LCR, 0x03);   /* 8N1 */
	/* No FIFOs: turning them on would flush input that arrived before
	 * the kernel ran (a scenario types at once); the console server takes
	 * the bytes one by one. */
	outb(COM1 + UART_FCR, 0x00);
	outb(COM1 + UART_MCR, 0x0b);   /* DTR, RTS, OUT2 */
}

void arch_console_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE))
		cpu_pause();
	outb(COM1 + UART_THR, (uint8_t)c);
}
