/*
 * fshalt.c - the file system is unmounted cleanly at halt (fshalt.scenario,
 * docs/fsserver.md "Durability").
 *
 *   fshalt          writes files through the C library and a shared
 *                   mapping and syncs nothing, keeps them open (one of
 *                   them unlinked, the mapping still there), checks who
 *                   may ask for Parent.on_halt, then asks root to halt
 *                   and waits: the file server must write everything
 *                   back and unmount before root stops the rest;
 *   fshalt child    spawned by the first through the launcher (so not
 *                   started by boot.cfg): Parent.on_halt must be refused;
 *   fshalt lingering  a daemon that asks to be told of the halt and then
 *                   never ends: root must stop it after MICA_HALT_WAIT_US.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libsys/error.h>
#include <libsys/slot.h>
#include <rt/rt.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/rt/process.h>

#include "../lib/qtest.h"

#define LINES 10000      /* /halted.txt: "line 0\n" .. "line 9999\n" */
#define MAPPED 8192      /* /mapped.bin: 'M's written through a mapping */
#define IRQ_LABEL 0x51

static __attribute__((noreturn)) void wait_forever(void)
{
	for (;;)
		mica_ipc_wait(0, 0, 0);
}

/* An irq bound to this thread, given to root with Parent.on_halt. */
static int ask_halt_irq(void)
{
	mica_cap_t irq = mica_slot_alloc();
	int err = factory_create_irq(MICA_BOOT_FACTORY, irq, IRQ_LABEL);

	if (!err)
		err = irq_bind(irq, MICA_BOOT_THREAD);
	return err ? err : parent_on_halt(rt_cap("parent"), irq);
}

static void written_file_left_open(void)
{
	char line[32];
	int fd = open("/halted.txt", O_CREAT | O_TRUNC | O_WRONLY, 0644), bad = 0;

	expect("open /halted.txt", fd >= 0, 1);
	for (int i = 0; i < LINES; i++) {
		int n = snprintf(line, sizeof line, "line %d\n", i);
		bad += write(fd, line, (size_t)n) != n;
	}
	expect("10,000 lines written, no sync, the file left open", bad, 0);
}

static void mapping_written_left_mapped(void)
{
	int fd = open("/mapped.bin", O_CREAT | O_TRUNC | O_RDWR, 0644);

	expect("open /mapped.bin", fd >= 0, 1);
	expect("... 8 KiB long", ftruncate(fd, MAPPED), 0);
	char *p = mmap(0, MAPPED, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect("a shared writable mapping of it", p != MAP_FAILED, 1);
	if (p != MAP_FAILED)
		memset(p, 'M', MAPPED);   /* neither msync nor munmap */
	expect("its descriptor closed, the mapping kept", close(fd), 0);
}

static void unlinked_file_left_open(void)
{
	static char block[10240];
	int fd = open("/tmp/gone", O_CREAT | O_TRUNC | O_RDWR, 0644);

	memset(block, 'g', sizeof block);
	expect("10 KiB written to /tmp/gone", write(fd, block, sizeof block), (long)sizeof block);
	expect("... unlinked while open (its inode waits for the last close)", unlink("/tmp/gone"), 0);
}

static void only_boot_programs_hear_of_the_halt(void)
{
	mica_cap_t irq = mica_slot_alloc(), proc = mica_slot_alloc();
	mica_word_t tag, label;
	bool ended = false;
	int32_t status = -1;
	uint64_t pid;

	expect("Parent.on_halt without a capability: EINVAL", parent_on_halt(rt_cap("parent"), 0), -MICA_EINVAL);
	expect("an irq to hear of the child's end", factory_create_irq(MICA_BOOT_FACTORY, irq, IRQ_LABEL), 0);
	expect("... bound to this thread", irq_bind(irq, MICA_BOOT_THREAD), 0);
	expect("spawn fshalt child", launcher_spawn(rt_cap("launcher"), "fshalt", "child", 6, 0, 0, irq, 2 << 20,
						    &proc), 0);
	do
		mica_ipc_wait(0, &tag, &label);
	while (label != IRQ_LABEL);
	expect("the child ended", process_status(proc, &ended, &status, &pid) == 0 && ended, 1);
	expect("... its Parent.on_halt refused with EPERM (status 0)", status, 0);
	mica_slot_drop(proc);
	mica_slot_drop(irq);
}

static const struct qtest_case cases[] = {
	{ "written_file_left_open", written_file_left_open },
	{ "mapping_written_left_mapped", mapping_written_left_mapped },
	{ "unlinked_file_left_open", unlinked_file_left_open },
	{ "only_boot_programs_hear_of_the_halt", only_boot_programs_hear_of_the_halt },
};

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "child") == 0)
		return ask_halt_irq() == -MICA_EPERM ? 0 : 1;
	if (argc == 2 && strcmp(argv[1], "lingering") == 0) {
		int err = ask_halt_irq();
		printf("fshalt: lingering: told of the halt: %s\n", err ? "refused" : "asked");
		wait_forever();
	}
	if (QTEST_RUN(argv[0], cases))
		return 1;
	/* The boot then ends only if root halts (the scenario's outcome). */
	printf("fshalt: halting with the files open: %s\n", mica_strerror(launcher_halt(rt_cap("launcher"))));
	wait_forever();
}
