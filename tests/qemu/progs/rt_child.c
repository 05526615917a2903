/*
 * rt_child.c - what rt_spawn starts: `exit N` ends with status N, `fault`
 * touches an address outside every region, `hog PAGES` touches that many
 * fresh pages of a new dataspace and waits to be killed, `busy` keeps
 * calling the memory server from two threads until it is killed, `publish
 * NAME` publishes its memory session as NAME and waits, `reader` waits for
 * input on stdin (notify registered, a read answered EAGAIN) after
 * publishing `reader-ready`, `Halt` tries Launcher.halt and ends with the
 * error it got, `drop` detaches its own bss region, drops the dataspace
 * capability that comes back and ends (status 0), `cow` checks that its
 * data is as in the file and the rest of the page the file data ends in
 * reads as zeros, writes its data (status 0, or what failed) and with
 * `cow hold` publishes `cow-written` and waits; `zfuzz SEED ROUNDS` sends
 * its own launcher gate idlc's fuzz driver of the Launcher protocol
 * (rt_fuzz.scenario: a program's Launcher.halt is EPERM, so nothing there
 * ends the run) and ends with status 0 when every answer had its shape.
 */
#include <libsys/debug.h>
#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <libsys/thread.h>
#include <rt/rt.h>

#include <idl/rt/dataspace.h>
#include <idl/kernel/factory.h>
#include <idl/rt/memory.h>
#include <idl/kernel/irq.h>
#include <idl/rt/process.h>
#include <idl/rt/region_map.h>
#include <idl/rt/registry.h>
#include <idl/rt/stream.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>

static long number(const char *s)
{
	long v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

static void wait_forever(void)
{
	for (;;)
		mica_ipc_wait(0, 0, 0);
}

/* Allocate, touch and give back dataspaces, forever. */
static void churn(void *arg)
{
	(void)arg;
	for (;;) {
		mica_cap_t ds = mica_slot_alloc(), back = mica_slot_alloc();
		uint64_t start, size;
		if (memory_alloc(rt_cap("mem"), 64 << 10, &ds) == 0 &&
		    region_map_attach(rt_cap("rm"), 0, 64 << 10, MICA_R | MICA_W, ds, 0, &start) == 0) {
			for (unsigned i = 0; i < 16; i++)
				((volatile char *)start)[i * 4096] = 1;
			region_map_detach(rt_cap("rm"), start, &start, &size, &back);
		}
		mica_slot_free(ds);
		mica_slot_drop(back);
	}
}

static char stack[16384] __attribute__((aligned(16)));

/* Whole pages past the data (the first object of bss: what lies between
 * the end of the data and it is never written). */
static char in_bss[1 << 16] __attribute__((aligned(4096)));

#define DATA_INIT 0x1234abcd
static volatile int data_word = DATA_INIT;

/* `cow`: 0, or 3 the data is not the file's, 4 the page cut by the end of
 * the file data holds something past it, 5 the write did not stick, 6 the
 * layout is not what this check assumes. */
static int check_copy_on_write(void)
{
	extern char _edata[];
	uintptr_t cut_end = ((uintptr_t)_edata + 4095) & ~4095ul;

	if ((uintptr_t)in_bss != cut_end)
		return 6;
	for (const volatile char *p = _edata; (uintptr_t)p < cut_end; p++)
		if (*p)
			return 4;
	if (data_word != DATA_INIT)
		return 3;
	data_word = 0x5555;
	return data_word == 0x5555 ? 0 : 5;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	if (argv[1][0] == 'e')
		return (int)number(argc > 2 ? argv[2] : "0");
	if (argv[1][0] == 'z' && argc > 3)
		return launcher_fuzz(rt_cap("launcher"), (uint64_t)number(argv[2]), (unsigned)number(argv[3])) ? 1 : 0;
	if (argv[1][0] == 'H')   /* `Halt`: try it; the status is the error */
		return -launcher_halt(rt_cap("launcher"));
	if (argv[1][0] == 'd') {
		/* After the detach nothing of bss may be touched: only locals. */
		mica_cap_t parent = rt_cap("parent"), rm = rt_cap("rm"), back = mica_slot_alloc();
		uint64_t start, size;
		if (region_map_detach(rm, (uint64_t)in_bss + sizeof in_bss / 2, &start, &size, &back))
			return 1;
		task_cap_unmap(MICA_BOOT_TASK, back, true);
		parent_exit(parent, 0);
	}
	if (argv[1][0] == 'c') {
		int err = check_copy_on_write();
		if (err || argc < 3)
			return err;
		if (registry_publish(rt_cap("registry"), "cow-written", rt_cap("mem")))
			return 1;
		wait_forever();
	}
	if (argv[1][0] == 'f')
		return *(volatile int *)0x123456789000ull;
	if (argv[1][0] == 'h') {
		long pages = number(argc > 2 ? argv[2] : "1");
		mica_cap_t ds = mica_slot_alloc();
		uint64_t start;
		if (memory_alloc(rt_cap("mem"), (uint64_t)pages * 4096, &ds) ||
		    region_map_attach(rt_cap("rm"), 0, (uint64_t)pages * 4096, MICA_R | MICA_W, ds, 0, &start))
			return 1;
		for (long i = 0; i < pages; i++)
			((volatile char *)start)[i * 4096] = 1;
		wait_forever();
	}
	if (argv[1][0] == 'p' && argc > 2) {
		if (registry_publish(rt_cap("registry"), argv[2], rt_cap("mem")))
			return 1;
		wait_forever();
	}
	if (argv[1][0] == 'l' && argc > 2) {   /* `launcher NAME`: its own launcher gate */
		if (registry_publish(rt_cap("registry"), argv[2], rt_cap("launcher")))
			return 1;
		wait_forever();
	}
	if (argv[1][0] == 'r') {
		mica_cap_t irq = mica_slot_alloc();
		char buf[64];
		uint32_t len = sizeof buf;
		if (factory_create_irq(MICA_BOOT_FACTORY, irq, 1) || irq_bind(irq, MICA_BOOT_THREAD) ||
		    stream_notify(rt_cap("stdin"), irq) || stream_read(rt_cap("stdin"), buf, &len) != -MICA_EAGAIN ||
		    registry_publish(rt_cap("registry"), "reader-ready", rt_cap("mem")))
			return 1;
		wait_forever();
	}
	if (argv[1][0] == 'b') {
		mica_cap_t t = mica_slot_alloc();
		mica_cap_t rm = rt_cap("rm");
		if (mica_thread_create(MICA_BOOT_FACTORY, MICA_BOOT_TASK, t, rt_utcb_alloc(), churn, 0, stack,
				       sizeof stack, 0) ||
		    thread_set_handlers(t, rm, rm) || thread_start(t))
			return 1;
		churn(0);
	}
	return 2;
}
