/*
 * hello.c - the first ring-3 program: prints, checks that it runs in user
 * mode with its own KIP and that SSE works, prints its arguments and
 * exits with the status its first argument names.
 */
#include <libsys/debug.h>
#include <mica/kip.h>

static int parse_int(const char *s)
{
	int v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

int main(int argc, char **argv)
{
	const struct mica_kip *kip = (const struct mica_kip *)MICA_KIP_ADDR;
	unsigned short cs;
	volatile double x = 1.5;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	mica_printf("hello from ring %d\n", cs & 3);
	mica_printf("%s %d - runs in ring 3\n", (cs & 3) == 3 ? "ok" : "not ok", 1);
	mica_printf("%s %d - KIP magic and ABI version\n",
		    kip->magic == MICA_KIP_MAGIC && kip->abi_version == MICA_ABI_VERSION ? "ok" : "not ok", 2);
	x = x * 3.0;   /* x87/SSE in user code */
	mica_printf("%s %d - SSE arithmetic (1.5 * 3 == %d/2)\n", x == 4.5 ? "ok" : "not ok", 3, (int)(x * 2));
	for (int i = 0; i < argc; i++)
		mica_printf("argv[%d] = %s\n", i, argv[i]);
	mica_printf("1..3\n");
	return argc > 1 ? parse_int(argv[1]) : 0;
}
