/* panic.c - asks a test kernel (booted with panic-test) to panic. */
#include <libsys/debug.h>
#include <mica/syscall.h>

int main(void)
{
	mica_printf("panic: asking the kernel to panic\n");
	mica_debug(MICA_CAP_NULL, MICA_DEBUG_PANIC, 0, 0);
	mica_printf("panic: the kernel did not panic\n");
	return 1;
}
