/* hlt.c - executes a privileged instruction in ring 3: must be stopped. */
#include <libsys/debug.h>

int main(void)
{
	mica_printf("hlt: about to execute hlt\n");
	__asm__ volatile("hlt");
	mica_printf("hlt: still running after hlt\n");
	return 1;
}
