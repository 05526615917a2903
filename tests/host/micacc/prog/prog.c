/*
 * prog.c - a program whose own headers are named like Mica's: memory.h and
 * process.h (root's protocols), task.h (a kernel object's protocol) and
 * qtest.h (the QEMU tests' helpers).  Built with `mica-cc -I.`, it must get
 * its own (each defines an OWN_ constant the others do not), and still
 * reach Mica's protocols by their namespaced path.
 */
#include <memory.h>
#include <process.h>
#include <qtest.h>
#include <task.h>

#include <idl/rt/memory.h>
#include <stdio.h>

int main(void)
{
	printf("%d %d %d %d %d\n", OWN_MEMORY, OWN_PROCESS, OWN_TASK, OWN_QTEST, MEMORY_PROTOCOL);
	return 0;
}
