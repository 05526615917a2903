/*
 * main.c - the root task (docs/root.md): the first program the kernel
 * starts (kernel command line word `root`).  It owns the user pool of
 * physical memory, serves the memory server, rom/, the registry and the
 * launcher from one thread (the server loop of lib/server), starts the
 * programs of the boot configuration (the boot file `boot.cfg`), and ends,
 * which halts the machine, when the programs it waits for have ended or
 * when asked to halt.
 */
#include "root.h"

#include <common/string.h>

#include <libsys/debug.h>
#include <libsys/error.h>
#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/kip.h>
#include <server/server.h>

#include "config.h"
#include <idl/rt/root_server.h>
#include <idl/kernel/task.h>

/* An irq labelled with an object's address and WATCH_BIT: the last client
 * capability to the object's gate is gone. */
static void last_ref(const struct srv *s, mica_word_t label)
{
	struct obj *o = (struct obj *)(label & ~WATCH_BIT);

	(void)s;
	if (!(label & WATCH_BIT))
		return;
	switch (o->kind) {
	case K_DS:
		ds_destroy((struct ds *)o);
		break;
	case K_PROCESS:
		process_last_ref(o);
		break;
	case K_PCIDEV:
		pci_release((struct pcidev *)o);
		break;
	default:
		break;
	}
}

/* Serving ends when the program root waits for has ended (pid 0: when no
 * program root waits for is left), or when asked to halt. */
static bool served_enough(const struct srv *s)
{
	uint64_t pid = *(const uint64_t *)s->state;

	return root_halting || (pid ? !launcher_alive(pid) : !launcher_busy());
}

static struct root_buffers buffers;   /* one thread serves */

static void serve(uint64_t pid)
{
	const struct srv s = { .protocol = &root_server, .ops = &root_ops, .state = &pid, .irq = last_ref,
			       .done = served_enough };

	if (srv_serve(&s, &buffers))
		mica_printf("root: no slot left to receive capabilities into\n");
}

/* Halting: serving ends when every program told of the halt has ended,
 * or when the time it had is up. */
static bool halt_waited(const struct srv *s)
{
	const uint64_t *deadline = s->state;
	const volatile struct mica_kip *kip = (const volatile struct mica_kip *)MICA_KIP_ADDR;

	return !launcher_halt_pending() || kip->clock_us >= *deadline;
}

/* Tell the programs that asked (Parent.on_halt) that the system halts,
 * and serve them (their faults, their memory) while they end. */
static void halt_programs(void)
{
	const volatile struct mica_kip *kip = (const volatile struct mica_kip *)MICA_KIP_ADDR;
	uint64_t deadline = kip->clock_us + MICA_HALT_WAIT_US;
	const struct srv s = { .protocol = &root_server, .ops = &root_ops, .state = &deadline, .irq = last_ref,
			       .done = halt_waited, .timeouts = mica_timeouts(MICA_TIMEOUT_NEVER, 10000) };

	if (!launcher_tell_halt())
		return;
	if (srv_serve(&s, &buffers))
		mica_printf("root: no slot left to receive capabilities into\n");
	if (launcher_halt_pending())
		mica_printf("root: a program told of the halt did not end in %u ms\n", MICA_HALT_WAIT_US / 1000);
}

/* A copy of root's capability in `slot` (0 stays 0). */
static mica_cap_t copy(mica_cap_t slot)
{
	mica_cap_t c = slot ? mica_slot_alloc() : MICA_CAP_NULL;

	if (c && task_cap_map(MICA_BOOT_TASK, slot, c, MICA_RWX, false)) {
		mica_slot_drop(c);
		c = MICA_CAP_NULL;
	}
	return c;
}

/* A program's stdout or stdin as the configuration names it. */
static mica_cap_t stream(const char *name)
{
	if (!name)
		name = registry_find("console") ? "console" : "log";
	if (mica_streq(name, "none"))
		return MICA_CAP_NULL;
	if (mica_streq(name, "log"))
		return copy(log_stream.gate);
	mica_cap_t c = registry_find(name);
	if (!c)
		mica_printf("root: boot.cfg: no service %s\n", name);
	return copy(c);
}

static mica_cap_t named(const char *name)
{
	if (mica_streq(name, "icu"))
		return MICA_BOOT_ICU;
	if (mica_streq(name, "log"))
		return MICA_BOOT_LOG;
	if (name[0] == 'p' && name[1] == 'c' && name[2] == 'i' && name[3] == ':')
		return pci_find(name);
	return registry_find(name);
}

/* Start one program of the configuration; its pid, or 0. */
static uint64_t start(const struct config_prog *c)
{
	struct spawn_args a = {
		.name = c->argv[0], .argv = c->argv, .env = c->env, .out = stream(c->out), .in = stream(c->in),
		.mem_quota = c->mem, .kmem_quota = c->kmem, .io_port = c->io_port, .io_count = c->io_count,
		.provide = c->provide, .daemon = c->daemon,
	};
	struct process *p;

	for (unsigned i = 0; i < c->ncaps; i++) {
		a.caps[a.ncaps].name = c->caps[i].as;
		if ((a.caps[a.ncaps].slot = named(c->caps[i].name)) != 0)
			a.ncaps++;
		else
			mica_printf("root: boot.cfg: %s: no capability %s\n", c->argv[0], c->caps[i].name);
	}
	int err = launcher_spawn_program(&a, &p);
	/* What was not granted to the program goes. */
	mica_slot_drop(a.out);
	mica_slot_drop(a.in);
	if (err) {
		mica_printf("root: cannot start %s: %s\n", c->argv[0], mica_strerror(-err));
		return 0;
	}
	return process_pid(p);
}

static struct config cfg;

int main(void)
{
	uint64_t total, free;

	mica_slot_init(MICA_BOOT_FIRST_FREE);
	pages_init();
	rom_init();
	registry_init();
	log_stream_init();
	pci_init();
	pages_stats(&total, &free);
	mica_printf("root: %lu KiB of memory to serve, %u boot files\n", (unsigned long)(total * 4),
		    (unsigned)rom_count());
	int cfg_file = rom_find("boot.cfg");
	if (cfg_file < 0) {
		mica_printf("root: no boot.cfg in rom/: nothing to start\n");
		return 1;
	}
	uint64_t size;
	const char *text = rom_bytes(cfg_file, &size);
	char why[96];
	if (config_parse(text, size, &cfg, why, sizeof why)) {
		mica_printf("root: boot.cfg: %s\n", why);
		return 1;
	}
	for (unsigned i = 0; i < cfg.nprogs && !root_halting; i++) {
		uint64_t pid = start(&cfg.progs[i]);
		if (pid && cfg.progs[i].wait)
			serve(pid);
	}
	if (!root_halting && launcher_busy())
		serve(0);
	halt_programs();
	launcher_kill_all();
	mica_printf("root: halting\n");
	return 0;
}
