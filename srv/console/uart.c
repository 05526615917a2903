/*
 * uart.c - the console's 16550 driver (uart.h): the task holds COM1's
 * eight ports, granted by root.
 */
#include "uart.h"

#include <libsys/port.h>

#define COM1 0x3f8
#define RBR (COM1 + 0)   /* receive buffer (read) */
#define THR (COM1 + 0)   /* transmit holding register (write) */
#define IER (COM1 + 1)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)

#define IER_RX 0x01      /* interrupt when received data is available */
#define MCR_OUT2 0x08    /* gates the UART's interrupt output on PC hardware */
#define LSR_DR 0x01      /* a received byte waits in RBR */
#define LSR_THRE 0x20    /* the transmit holding register is empty */

void uart_rx_irq_enable(void)
{
	mica_outb(IER, IER_RX);
	mica_outb(MCR, mica_inb(MCR) | MCR_OUT2);
}

static void (*waiting)(void);

void uart_set_waiting(void (*fn)(void))
{
	waiting = fn;
}

/* While the transmitter is busy, received bytes are taken too: on real
 * hardware a long write would otherwise overrun the receiver. */
static void put(char c)
{
	while (!(mica_inb(LSR) & LSR_THRE))
		if (waiting && (mica_inb(LSR) & LSR_DR))
			waiting();
	mica_outb(THR, (unsigned char)c);
}

void uart_put(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(s[i]);
}

void uart_put_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put('\r');
		put(s[i]);
	}
}

int uart_get(void)
{
	if (!(mica_inb(LSR) & LSR_DR))
		return -1;
	return mica_inb(RBR);
}
