/* badjump.c - jumps to an unmapped address: must be stopped. */
#include <libsys/debug.h>

int main(void)
{
	void (*nowhere)(void) = (void (*)(void))0x12345000ul;

	mica_printf("badjump: about to jump to %p\n", (void *)nowhere);
	nowhere();
	mica_printf("badjump: came back\n");
	return 1;
}
