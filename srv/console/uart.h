/*
 * uart.h - COM1, the 16550 UART at ports 0x3f8..0x3ff, driven from user
 * space by the console server: output by polling, input by the receive
 * interrupt.  The kernel set the line up (speed, format, FIFOs) for its own
 * console; these functions change nothing of that.
 */
#ifndef CONSOLE_UART_H
#define CONSOLE_UART_H

#include <stddef.h>

/* COM1's interrupt line on the Icu (IO-APIC input 4). */
#define UART_ICU_LINE 4

/* Let the UART interrupt when a received byte waits. */
void uart_rx_irq_enable(void);

/* fn is called while a send waits for the transmitter and a received
 * byte waits: it should take received bytes (uart_get) where it has room. */
void uart_set_waiting(void (*fn)(void));

/* Send bytes as they are, each once the transmitter holds no other. */
void uart_put(const char *s, size_t n);

/* Send text, each "\n" as "\r\n" so that a terminal starts a new line. */
void uart_put_text(const char *s, size_t n);

/* The next received byte, or -1 when none waits. */
int uart_get(void);

#endif
