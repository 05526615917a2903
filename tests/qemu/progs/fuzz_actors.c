/*
 * fuzz_actors.c - the threads the drivers start (actors), the code a
 * thread may be sent to by ex_regs, and the pager task's two servers.
 *
 * Actors give the drivers' operations something to hit: servers that
 * receive with random buffers and reply with random items (or hold the
 * call), clients that call random slots, threads that fault in the pager's
 * regions or in loops nobody can resolve, threads that raise exceptions,
 * spinners, senders of strings from pages the drivers unmap, waiters, and
 * actors that answer fault and exception messages with garbage when a
 * driver makes them somebody's pager.  Each follows its own seeded random
 * sequence and waits with every kind of timeout, NEVER included: the end
 * of the round destroys them wherever they are.
 *
 * An actor keeps its UTCB address from its start: a driver may map another
 * page over the UTCB's user mapping, and the UTCB's self word would then
 * point anywhere.
 */
#include "fuzz.h"
#include <server/server.h>

#include <idl/kernel/exception_server.h>
#include <idl/kernel/pager_server.h>

uint8_t fz_stacks[FZ_STACKS][FZ_STACK_SIZE] __attribute__((aligned(16)));

uint64_t fz_stack_for(void (*fn)(void *), uint64_t arg)
{
	unsigned i = __atomic_fetch_add(&fz.next_stack, 1, __ATOMIC_RELAXED);

	/* Never two threads on one stack (the supervisor starts each round
	 * from the first): a thread running on a stack another one uses
	 * would go anywhere. */
	if (i >= FZ_STACKS)
		return 0;
	mica_word_t *sp = (mica_word_t *)(fz_stacks[i] + FZ_STACK_SIZE) - 4;

	sp[0] = (mica_word_t)fn;
	sp[1] = arg;
	sp[2] = 0;   /* no slot of its own: mica_thread_main waits forever after fn */
	return (uint64_t)sp;
}

static int wait_for(uint64_t *s, mica_word_t *tag, mica_word_t *label)
{
	return fz_ipc(fz_op(0, MICA_IPC_OPEN), 0, fz_timeouts(s, 1), tag, label);
}

static void sleep_us(uint32_t us)
{
	fz_ipc(fz_op(0, MICA_IPC_OPEN), 0, mica_timeouts(0, us), 0, 0);
}

/* ---- servers and clients ------------------------------------------------------ */

static void actor_server(void *arg)
{
	uint64_t s = fz_seed((uint64_t)arg, 1);
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag, label;
	int holding = 0, err;

	fz_buffers(&s, u);
	for (;;) {
		if (fz_chance(&s, 30))
			fz_buffers(&s, u);
		if (holding && fz_chance(&s, 75)) {
			mica_word_t reply = fz_chance(&s, 50) ? mica_tag(fz_chance(&s, 70) ? 0 : -(mica_sword_t)fz_below(&s, 20),
									fz_below(&s, 4), 0, 0)
							     : fz_message(&s, u, 16);
			unsigned flags = MICA_IPC_REPLY | (fz_chance(&s, 80) ? MICA_IPC_OPEN : 0);
			err = fz_ipc(fz_op(0, flags), reply, fz_timeouts(&s, 1), &tag, &label);
			if (!err && mica_tag_items(reply))
				fz_count(C_ITEM_OK, 1);
			holding = !err && (flags & MICA_IPC_OPEN) && !(mica_tag_flags(tag) & MICA_TAG_F_IRQ);
		} else {
			err = wait_for(&s, &tag, &label);
			holding = !err && !(mica_tag_flags(tag) & MICA_TAG_F_IRQ);
			if (!err && !holding)
				fz_count(C_IRQ_RECV, 1);
		}
		fz_note_err(err);
		if (holding && fz_chance(&s, 10)) {
			/* A nested call while holding the reply capability. */
			mica_word_t t = fz_message(&s, u, 8);
			fz_note_err(fz_ipc(fz_op(fz_slot(&s), MICA_IPC_SEND | MICA_IPC_RECV), t, fz_timeouts(&s, 1), 0, 0));
		}
		if (holding && fz_chance(&s, 10))
			sleep_us(fz_below(&s, 3000));   /* a wait: may take another call and cancel this one */
	}
}

static void actor_client(void *arg)
{
	uint64_t s = fz_seed((uint64_t)arg, 2);
	struct mica_utcb *u = mica_utcb();

	for (;;) {
		if (fz_chance(&s, 30))
			fz_buffers(&s, u);
		unsigned c = fz_below(&s, 100);
		unsigned flags = c < 70 ? MICA_IPC_SEND | MICA_IPC_RECV : c < 85 ? MICA_IPC_SEND : fz_below(&s, 16);
		uint64_t slot = fz_chance(&s, 80) ? T_OBJ + fz_below(&s, T_OBJ_END - T_OBJ) : fz_slot(&s);
		mica_word_t tag = fz_message(&s, u, 64);
		int err = fz_ipc(fz_op(slot, flags), tag, fz_timeouts(&s, 1), 0, 0);
		if (!err && mica_tag_items(tag))
			fz_count(C_ITEM_OK, 1);
		fz_note_err(err);
		if (fz_chance(&s, 10))
			sleep_us(fz_below(&s, 3000));
	}
}

/* ---- faults and exceptions -------------------------------------------------------- */

void fz_probe_ud2(void), fz_probe_int3(void), fz_probe_hlt(void), fz_probe_div0(void), fz_probe_gp(void),
	fz_probe_cli(void), fz_probe_int80(void), fz_probe_in(void);

__asm__(".text\n"
	".global fz_land_wait, fz_land_spin, fz_land_ud2, fz_land_kfault, fz_land_call\n"
	/* No stack: a thread lands here with any sp. */
	"fz_land_wait:\n"
	"1:	xor %eax, %eax\n"
	"	mov $4, %edi\n"               /* MICA_IPC_OPEN */
	"	xor %esi, %esi\n"
	"	movabs $0x000003e800000000, %rdx\n"   /* receive timeout 1 ms */
	"	syscall\n"
	"	jmp 1b\n"
	"fz_land_spin:\n"
	"2:	mov $20000, %r8d\n"
	"1:	pause\n"
	"	dec %r8\n"
	"	jnz 1b\n"
	"	xor %eax, %eax\n"
	"	mov $4, %edi\n"
	"	xor %esi, %esi\n"
	"	movabs $0x000003e800000000, %rdx\n"
	"	syscall\n"
	"	jmp 2b\n"
	"fz_land_call:\n"
	"	mov %rsp, %rbx\n"            /* kept across system calls */
	"1:	xor %eax, %eax\n"
	"	mov %rbx, %rdi\n"
	"	xor %esi, %esi\n"            /* no words, no items */
	"	xor %edx, %edx\n"            /* no timeouts */
	"	syscall\n"
	"	test %eax, %eax\n"
	"	jz 1b\n"
	"	lock incq fz_senders_released(%rip)\n"
	"	jmp fz_land_wait\n"
	"fz_land_ud2:\n"
	"1:	ud2\n"
	"	jmp 1b\n"
	"fz_land_kfault:\n"
	"	movabs $0xffff800000000000, %rax\n"
	"1:	mov (%rax), %rcx\n"
	"	jmp 1b\n"
	/* Exceptions the handler knows how to step over (see on_exception). */
	".global fz_probe_ud2, fz_probe_int3, fz_probe_hlt, fz_probe_div0, fz_probe_gp, fz_probe_cli\n"
	".global fz_probe_int80, fz_probe_in\n"
	"fz_probe_ud2:	ud2\n	ret\n"
	"fz_probe_int3:	int3\n	ret\n"
	"fz_probe_hlt:	hlt\n	ret\n"
	"fz_probe_div0:	xor %ecx, %ecx\n	mov $1, %eax\n	xor %edx, %edx\n	div %rcx\n	ret\n"
	"fz_probe_gp:	movabs $0x8000000000000000, %rax\n	mov (%rax), %rax\n	ret\n"
	"fz_probe_cli:	cli\n	ret\n"
	"fz_probe_int80:	int $0x80\n	ret\n"
	"fz_probe_in:	in $0x71, %al\n	ret\n");

static void actor_faulter(void *arg)
{
	uint64_t s = fz_seed((uint64_t)arg, 3);

	for (;;) {
		unsigned c = fz_below(&s, 100);
		uint64_t a;
		if (c < 55) {
			a = FZ_ZERO + 4096ull * fz_below(&s, 64) + 8 * fz_below(&s, 512);
			if (fz_chance(&s, 50))
				*(volatile uint64_t *)a = a;
			else
				(void)*(volatile uint64_t *)a;
		} else if (c < 70) {
			(void)*(volatile uint64_t *)(FZ_RX + 4096ull * fz_below(&s, 64));
		} else if (c < 82) {
			(void)*(volatile uint64_t *)(fz.image_lo + 8 * fz_below(&s, (unsigned)((fz.image_hi - fz.image_lo) / 8)));
		} else if (c < 86) {
			*(volatile uint8_t *)fz_probe_ud2 = 0x90;   /* text: read-only, faults for ever */
		} else if (c < 90) {
			fz_land_kfault();                           /* a kernel address: the pager cannot help */
		} else if (c < 94) {
			*(volatile uint64_t *)(MICA_BOOT_UTCB - 4096) = 1;   /* unmapped, outside the pager's regions */
		} else {
			sleep_us(fz_below(&s, 2000));
		}
	}
}

static void actor_exceptions(void *arg)
{
	static void (*const probes[])(void) = { fz_probe_ud2, fz_probe_int3, fz_probe_hlt, fz_probe_div0, fz_probe_gp,
						fz_probe_cli, fz_probe_int80, fz_probe_in };
	uint64_t s = fz_seed((uint64_t)arg, 4);

	for (;;) {
		probes[fz_below(&s, sizeof probes / sizeof probes[0])]();
		if (fz_chance(&s, 30))
			sleep_us(fz_below(&s, 2000));
	}
}

static void actor_spinner(void *arg)
{
	uint64_t s = fz_seed((uint64_t)arg, 5);

	for (;;) {
		for (volatile unsigned i = 0, n = fz_below(&s, 50000); i < n; i++)
			;
		sleep_us(fz_chance(&s, 50) ? MICA_TIMEOUT_ZERO : fz_below(&s, 2000));
	}
}

/* Sends strings out of zero-fill pages, which the drivers unmap. */
static void actor_strings(void *arg)
{
	uint64_t s = fz_seed((uint64_t)arg, 6);
	struct mica_utcb *u = mica_utcb();

	for (;;) {
		uint64_t page = FZ_ZERO + 4096ull * fz_below(&s, 64);
		*(volatile uint64_t *)page = page;   /* the pager maps it */
		unsigned words = fz_below(&s, 4), items = 1 + fz_below(&s, 3);
		for (unsigned i = 0; i < words; i++)
			u->mr[i] = fz_rand(&s);
		for (unsigned i = 0; i < items; i++) {
			uint64_t off = fz_below(&s, 4096), len = fz_chance(&s, 70) ? fz_below(&s, (unsigned)(4096 - off + 1)) : fz_len(&s);
			u->mr[words + 2 * i] = mica_item_string((uint32_t)len);
			u->mr[words + 2 * i + 1] = page + off;
			fz_count(C_ITEM + MICA_ITEM_STRING, 1);
		}
		if (fz_chance(&s, 30))
			fz_buffers(&s, u);
		uint64_t slot = fz_chance(&s, 85) ? T_OBJ + fz_below(&s, T_OBJ_END - T_OBJ) : fz_slot(&s);
		unsigned flags = fz_chance(&s, 70) ? MICA_IPC_SEND | MICA_IPC_RECV : MICA_IPC_SEND;
		int err = fz_ipc(fz_op(slot, flags), mica_tag(fz_label(&s), words, items, 0), fz_timeouts(&s, 1), 0, 0);
		if (!err)
			fz_count(C_ITEM_OK, 1);
		fz_note_err(err);
	}
}

static void actor_waiter(void *arg)
{
	uint64_t s = fz_seed((uint64_t)arg, 7);
	mica_word_t tag, label;

	for (;;) {
		uint32_t to = fz_chance(&s, 60) ? MICA_TIMEOUT_NEVER : 1 + fz_below(&s, 5000);
		int err = fz_ipc(fz_op(0, MICA_IPC_OPEN), 0, mica_timeouts(0, to), &tag, &label);
		if (!err && (mica_tag_flags(tag) & MICA_TAG_F_IRQ))
			fz_count(C_IRQ_RECV, 1);
		if (fz.verbose > 1) mica_printf("# waiter err %d tag %#lx label %#lx\n", err, tag, label);
		fz_note_err(err);
	}
}

/* Answers whatever comes, fault and exception messages included, with
 * replies of the right protocol but odd contents, or with garbage. */
static void actor_pager_like(void *arg)
{
	uint64_t s = fz_seed((uint64_t)arg, 8);
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag, label, reply = 0;
	int err = 1;

	u->br[MICA_BR_WINDOW] = u->br[MICA_BR_DESC] = 0;
	for (;;) {
		mica_word_t to = fz_timeouts(&s, 1);
		err = err ? fz_ipc(fz_op(0, MICA_IPC_OPEN), 0, to, &tag, &label)
			  : fz_ipc(fz_op(0, MICA_IPC_REPLY | MICA_IPC_OPEN), reply, to, &tag, &label);
		fz_note_err(err);
		if (err)
			continue;
		mica_sword_t proto = mica_tag_label(tag);
		unsigned c = fz_below(&s, 100);
		if (proto == 0xf010 && c < 60) {
			u->mr[0] = mica_item_mem(fz_send_base(&s), fz_chance(&s, 10));
			u->mr[1] = fz_fpage_src(&s);
			reply = mica_tag(0, 0, 1, 0);
			fz_count(C_ITEM + MICA_ITEM_MEM, 1);
		} else if (proto == 0xf011 && c < 60) {
			/* Back as they came (the exception repeats), or with the flags,
			 * a scratch register (rax, rcx, rdx, rsi, rdi, r8..r11: dead
			 * after the probes) or an ip that cannot run changed.  Never
			 * a wild ip or stack: the thread would run any code of the
			 * image, printing included. */
			static const unsigned scratch[] = { 2, 3, 5, 6, 7, 8, 10, 11, 12, 13 };
			unsigned k = fz_below(&s, 13);
			/* The request: opcode, vector, error, address, UTCB,
			 * then the registers (rip, rsp, rflags, rax, rbx, rcx,
			 * rdx, rsi, rdi, rbp, r8..r15), which the reply carries
			 * from MR[0].  Left as it came (k == 12), the reply's ip
			 * is the opcode, 1. */
			if (k < 12)
				for (unsigned i = 0; i < 18; i++)
					u->mr[i] = u->mr[i + 5];
			if (k < 10)
				u->mr[scratch[k]] = fz_rand(&s) & (k ? ~0ull : ~0x400ull);   /* rflags: DF clear */
			else if (k == 10)
				u->mr[0] = fz_chance(&s, 50) ? 0x0000800000000000ull : 0xffff800000000000ull;
			reply = mica_tag(fz_chance(&s, 80) ? 0 : -MICA_EPERM, fz_chance(&s, 90) ? 18 : fz_below(&s, 64), 0, 0);
		} else if (c < 80) {
			reply = mica_tag(-(mica_sword_t)fz_below(&s, 18), 0, 0, 0);
		} else {
			reply = fz_message(&s, u, 20);
		}
	}
}

/* ---- the architecture's classes ------------------------------------------------- */

/* Loads fs and gs with selectors of every kind user code may load, then
 * does IPC (through the UTCB address it kept: gs no longer leads there);
 * after each, its selectors, and a non-null gs's base (0, the descriptor's),
 * must be its own.  Other threads check that theirs still lead to their
 * UTCBs (the drivers, before each operation). */
static volatile uint64_t seg_probe = 0x5e65;

static void actor_segments(void *arg)
{
	static const uint16_t sels[] = { 0, 1, 2, 3, 0x18, 0x1b, 0x20, 0x23, 0x28, 0x2b };
	uint64_t s = fz_seed((uint64_t)arg, 9);
	struct mica_utcb *u = mica_utcb();

	for (;;) {
		uint32_t fs = sels[fz_below(&s, 10)], gs = sels[fz_below(&s, 10)], fs2, gs2;
		__asm__ volatile("mov %0, %%fs; mov %1, %%gs" : : "r"(fs), "r"(gs));
		mica_word_t tag = fz_message(&s, u, 8);
		uint64_t slot = fz_chance(&s, 85) ? T_OBJ + fz_below(&s, T_OBJ_END - T_OBJ) : fz_slot(&s);
		unsigned flags = fz_chance(&s, 60) ? MICA_IPC_SEND | MICA_IPC_RECV : MICA_IPC_OPEN;
		fz_note_err(fz_ipc(fz_op(flags == MICA_IPC_OPEN ? 0 : slot, flags), tag, fz_timeouts(&s, 1), 0, 0));
		__asm__ volatile("mov %%fs, %0; mov %%gs, %1" : "=r"(fs2), "=r"(gs2));
		if ((fs2 & 0xffff) != fs || (gs2 & 0xffff) != gs)
			fz_count(C_SEG_BAD, 1);
		if (gs & ~3u) {
			uint64_t v;
			__asm__ volatile("mov %%gs:(%1), %0" : "=r"(v) : "r"(&seg_probe));
			if (v != seg_probe)
				fz_count(C_SEG_BAD, 1);
		}
	}
}

volatile uint64_t fz_senders_released;   /* counted by fz_land_call */

/* Uses the POST port, which only T is given (by the supervisor) and cannot
 * pass on: once the supervisor has taken it back (fz.port_gone, set after
 * its Task.io_unmap returned), an access must fault (the exception handler
 * refuses it: the actor stops). */
static void actor_ports(void *arg)
{
	uint64_t s = fz_seed((uint64_t)arg, 10);

	for (;;) {
		int gone = fz.port_gone;
		__asm__ volatile("outb %%al, $0x80" : : "a"(0));
		if (gone)
			fz_count(C_PORT_BAD, 1);
		sleep_us(fz_below(&s, 2000));
	}
}

void (*const fz_actor_fn[A_KINDS])(void *) = {
	actor_server, actor_client, actor_faulter, actor_exceptions, actor_spinner, actor_strings, actor_waiter,
	actor_pager_like, actor_segments, actor_ports,
};
const char *const fz_actor_name[A_KINDS] = {
	"server", "client", "faulter", "exceptions", "spinner", "strings", "waiter", "pager-like", "segments", "ports",
};

/* ---- the pager task's servers ------------------------------------------------------- */

static uint64_t pager_rng = 0x5eed;

/* The image where it belongs, pool pages in the zero-fill and RX regions;
 * anything else gets no mapping, and the thread faults again. */
static int on_fault(struct srv_request *req, uint64_t addr, uint64_t ip, uint32_t access,
		    struct mica_flexpage *page)
{
	uint64_t va = addr & ~0xfffull;
	unsigned c = fz_below(&pager_rng, 100);

	(void)req;
	(void)ip;
	(void)access;
	page->fpage = 0;
	page->send_base = va;
	if (c < 1)
		return -MICA_EPERM;    /* a refusal: the thread faults again */
	if (c < 2)
		return -MICA_EFAULT;   /* nobody can: on to the exception handler (on_exception) */
	if (c < 3) {
		page->fpage = mica_fpage(va, 3, MICA_RWX);   /* a malformed flexpage */
		return 0;
	}
	if (va >= fz.image_lo && va < fz.image_hi) {
		page->fpage = mica_fpage(va, 12, MICA_RWX);
	} else if ((va >= FZ_ZERO && va < FZ_ZERO + FZ_REGION_SIZE) || (va >= FZ_RX && va < FZ_RX + FZ_REGION_SIZE)) {
		page->fpage = mica_fpage((uint64_t)fz_pool[(va >> 12) % FZ_POOL_PAGES], 12, MICA_RWX);
	} else {
		fz_count(C_FAULT_HOPELESS, 1);
		return 0;
	}
	fz_count(C_FAULT_SERVED, 1);
	return 0;
}

/* The length of the instruction at ip if it is one of the probes (or a
 * landing place), so that the thread can go on after it; 0 otherwise. */
static unsigned probe_length(uint64_t ip)
{
	if (ip < fz.image_lo || ip + 3 > fz.image_hi)
		return 0;
	const uint8_t *p = (const uint8_t *)ip;
	if (p[0] == 0x0f && p[1] == 0x0b)
		return 2;   /* ud2 */
	if (p[0] == 0xf4 || p[0] == 0xfa)
		return 1;   /* hlt, cli */
	if ((p[0] == 0x48 && p[1] == 0xf7 && p[2] == 0xf1) || (p[0] == 0x48 && p[1] == 0x8b && p[2] == 0x00))
		return 3;   /* div %rcx, mov (%rax),%rax */
	if ((p[0] == 0xcd && p[1] == 0x80) || (p[0] == 0xe4 && p[1] == 0x71))
		return 2;   /* int $0x80, in $0x71,%al */
	return 0;
}

static int on_exception(struct srv_request *req, uint64_t vector, uint64_t error, uint64_t addr,
			uint64_t utcb, struct user_regs *regs)
{
	unsigned c = fz_below(&pager_rng, 100), len = probe_length(regs->rip);

	(void)req;
	(void)addr;
	(void)utcb;
	(void)error;
	if (c < 5) {
		regs->rip = 0x0000800000000000ull;   /* not canonical: refused, the thread stays stopped */
		return 0;
	}
	if (c < 8)
		regs->rflags = ~0x400ull;   /* only the arithmetic flags (and DF, kept clear: see op_ex_regs) may change */
	if (vector == 3 || len) {
		regs->rip += vector == 3 ? 0 : len;
		fz_count(C_EXC_RESUMED, 1);
		return 0;
	}
	fz_count(C_EXC_REFUSED, 1);
	return -MICA_EPERM;
}

static const struct pager_ops pager_ops = { .fault = on_fault };
static const struct exception_handler_ops exc_ops = { .exception = on_exception };

void fz_pager(void *arg)
{
	struct pager_buffers buffers;
	const struct srv s = { .protocol = &pager_server, .ops = &pager_ops };

	(void)arg;
	srv_serve(&s, &buffers);
}

void fz_exc_handler(void *arg)
{
	struct exception_handler_buffers buffers;
	const struct srv s = { .protocol = &exception_handler_server, .ops = &exc_ops };

	(void)arg;
	srv_serve(&s, &buffers);
}
