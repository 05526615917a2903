/*
 * static_prog.c - a tiny static program with text, read-only data, data and
 * bss, linked by the host gcc and binutils.  The ELF parser's host test reads
 * the linked file to check that it accepts what the real toolchain produces
 * (and refuses the same program linked as a static PIE).  It is never run.
 */
static volatile int counter = 1;
static volatile char scratch[8192];
static const char message[] = "mica";

void _start(void)
{
	scratch[counter] = message[counter];
	for (;;)
		__asm__ volatile("hlt");
}
