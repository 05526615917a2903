/* divzero.c - divides by zero: must be stopped. */
#include <libsys/debug.h>

int main(void)
{
	unsigned int quotient, zero = 0;

	mica_printf("divzero: about to divide by zero\n");
	/* In assembly: gcc turns 1/x into a comparison that cannot trap. */
	__asm__ volatile("divl %2" : "=a"(quotient) : "a"(1), "r"(zero), "d"(0));
	mica_printf("divzero: %u\n", quotient);
	return 1;
}
