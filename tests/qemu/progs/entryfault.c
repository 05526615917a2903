/*
 * entryfault.c - programs whose first instruction faults, before any
 * start-up code runs: `badop` executes ud2 (invalid opcode), `baddiv`
 * divides by zero (tests/qemu/build.mk links one per entry).  As boot
 * programs the kernel stops them (faults.scenario); started from rom/ by
 * the process server, which is then their exception handler, they end by
 * SIGILL and SIGFPE (proc.scenario).
 */
__asm__(".text\n"
	".global badop_start\n"
	"badop_start:\n"
	"	ud2\n"
	".global baddiv_start\n"
	"baddiv_start:\n"
	"	xor %ecx, %ecx\n"
	"	div %ecx\n"
	"	ud2\n");
