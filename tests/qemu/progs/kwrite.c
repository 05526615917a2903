/* kwrite.c - writes to the kernel image from ring 3: must be stopped. */
#include <libsys/debug.h>

int main(void)
{
	volatile unsigned long *kernel = (volatile unsigned long *)0xffffffff80100000ul;

	mica_printf("kwrite: about to write kernel memory\n");
	*kernel = 0xdead;
	mica_printf("kwrite: kernel memory written\n");
	return 1;
}
