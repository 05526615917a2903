/*
 * memory.c - address spaces, the mapping database and user-level pagers:
 * a map chain A->B->C unmapped at A, a rights downgrade whose write fault
 * goes to a pager, grant, a pager in another task serving zero-filled
 * pages and copy-on-write, the first pager's physical window (user-pool
 * RAM read-write, boot modules read-only, the kernel's RAM refused), TLB
 * entries flushed when the running address space loses a mapping or a
 * right, an exception handler that resumes a thread, a page fault its
 * pager refuses with -MICA_EFAULT going on to the exception handler, and
 * without one stopping the thread (the kernel's report), and a thousand tasks
 * with mappings created and deleted with nothing left behind.  The cases
 * run in order from the table at the end.
 */
#include "qtest.h"

#include <libsys/bootmem.h>
#include <mica/kip.h>
#include <mica/syscall.h>
#include <server/server.h>

#include <idl/kernel/exception_server.h>
#include <idl/kernel/factory.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/pager_server.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>

enum {
	S_B = 10, S_C, S_P, S_C1, S_C2, S_BT, S_PT, S_CT1, S_CT2, S_HANDLER, S_HANDLER_GATE, S_PAGER_GATE,
	S_LOCAL_PAGER, S_LOCAL_PAGER_GATE, S_VICTIM, S_A_IN_B, S_PROBER, S_RECORDER, S_RECORDER_GATE, S_REFUSER,
	S_REFUSER_GATE, S_LOADER, S_LONE_TASK, S_LONE, S_EFAULTER, S_EFAULTER_GATE, S_FROM, S_INTO, S_FROM_RO, S_INTO_RO,
	S_MANY = 100,
};

#define VB 0x200000000ull
#define VC 0x300000000ull
#define VG 0x210000000ull
#define VZ 0x400000000ull   /* the zero-fill region of the client */
#define VCOW 0x500000000ull
#define VPOOL 0x600000000ull   /* the pager task's pool */
#define VT 0x700000000ull      /* a second mapping of a page of this task's own */
#define VF 0x900000000ull      /* Task.mem_map_from's range */
#define POOL_PAGES 16

static uint8_t pages[4][4096] __attribute__((aligned(4096)));

static uint32_t rights_at(mica_cap_t task, uint64_t va)
{
	uint32_t r = 99;

	task_mem_lookup(task, va, &r);
	return r;
}

static void sleep_ms(unsigned ms)
{
	mica_ipc_wait(mica_timeouts(0, ms * 1000), 0, 0);
}

static void wait_for(volatile int *flag)
{
	for (int i = 0; i < 2000 && !*flag; i++)
		sleep_ms(1);
}

/* ---- A -> B -> C, unmapped at A -------------------------------------------- */

static struct qthread bt = { .slot = S_BT };
static volatile int forwarded;

static void forward(void *arg)
{
	(void)arg;
	forwarded = task_mem_map(40, mica_fpage(VB, 12, MICA_RWX), VC, false) == 0 ? 1 : -1;
}

static void unmap_at_the_root_removes_derived_mappings(void)
{
	pages[0][0] = 0x11;
	expect("task B", qtask_create(S_B), 0);
	expect("task C", qtask_create(S_C), 0);
	expect("A maps its page to B", task_mem_map(S_B, mica_fpage((uint64_t)pages[0], 12, MICA_RWX), VB, false), 0);
	expect("B holds it, read-write (what A has)", rights_at(S_B, VB), MICA_R | MICA_W);
	expect("B gets a capability to C", task_cap_map(S_B, S_C, 40, MICA_RWX, false), 0);
	expect("B's thread maps it on to C", qthread_start(&bt, S_B, 1, forward, 0), 0);
	wait_for(&forwarded);
	expect("... done", forwarded, 1);
	expect("C holds it", rights_at(S_C, VC), MICA_R | MICA_W);
	uint32_t status = 0;
	expect("A unmaps what it gave", task_mem_unmap(MICA_BOOT_TASK, mica_fpage((uint64_t)pages[0], 12, MICA_RWX), false,
						       &status), 0);
	expect("gone from B", rights_at(S_B, VB), 0);
	expect("gone from C, derived through B", rights_at(S_C, VC), 0);
	expect("A keeps its own", rights_at(MICA_BOOT_TASK, (uint64_t)pages[0]), MICA_R | MICA_W);
	expect("nobody used the copies: unmap reports neither accessed nor dirty", status, 0);
	kobject_destroy(S_BT);
}

/* ---- rights downgrade, and the write fault going to a pager ------------------- */

static struct qthread local_pager = { .slot = S_LOCAL_PAGER };
static volatile uint64_t fault_addr, fault_access;
static volatile int pager_faults;

/* A's pager for B: maps A's page 0 back read-write at the fault address. */
static int remap_fault(struct srv_request *req, uint64_t addr, uint64_t ip, uint32_t access,
		       struct mica_flexpage *page)
{
	(void)req;
	(void)ip;
	fault_addr = addr;
	fault_access = access;
	pager_faults++;
	page->fpage = mica_fpage((uint64_t)pages[0], 12, MICA_RWX);
	page->send_base = addr & ~0xfffull;
	return 0;
}

static const struct pager_ops remap_ops = { .fault = remap_fault };

static void serve_pager(void *arg)
{
	struct pager_buffers buffers;
	const struct srv s = { .protocol = &pager_server, .ops = arg };

	srv_serve(&s, &buffers);
}

static volatile int writer_done;
static volatile uint8_t writer_read;

static void writer(void *arg)
{
	volatile uint8_t *p = (volatile uint8_t *)VB;

	(void)arg;
	writer_read = p[0];
	p[1] = 0x22;   /* faults: B has the page read-only */
	writer_done = 1;
}

static void write_after_downgrade_faults_to_the_pager(void)
{
	uint32_t status;

	expect("A maps its page to B again", task_mem_map(S_B, mica_fpage((uint64_t)pages[0], 12, MICA_RWX), VB, false), 0);
	expect("A takes W from what it gave", task_mem_unmap(MICA_BOOT_TASK, mica_fpage((uint64_t)pages[0], 12, MICA_W),
							  false, &status), 0);
	expect("B may only read now", rights_at(S_B, VB), MICA_R);
	expect("A still writes", rights_at(MICA_BOOT_TASK, (uint64_t)pages[0]), MICA_R | MICA_W);
	expect("a pager thread in A", qthread_start(&local_pager, MICA_BOOT_TASK, 2, serve_pager, (void *)&remap_ops), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_LOCAL_PAGER_GATE, S_LOCAL_PAGER, 7), 0);
	bt.slot = S_BT;
	expect("a thread in B (stopped)", qthread_create(&bt, S_B, 2, writer, 0), 0);
	expect("its pager is A's pager", thread_set_handlers(S_BT, S_LOCAL_PAGER_GATE, 0), 0);
	expect("B's writer starts", thread_start(S_BT), 0);
	wait_for(&writer_done);
	expect("B read the page", writer_read, 0x11);
	expect("its write faulted to the pager once", pager_faults, 1);
	expect("... at the address written", (long)fault_addr, (long)VB + 1);
	expect("... as a write", (long)fault_access, MICA_W);
	expect("after the pager's mapping the write went through", writer_done && pages[0][1] == 0x22, 1);
	expect("B writes again", rights_at(S_B, VB), MICA_R | MICA_W);
	expect("unmapping B's copy", task_mem_unmap(MICA_BOOT_TASK, mica_fpage((uint64_t)pages[0], 12, MICA_RWX), false,
						   &status), 0);
	expect("... reports it accessed and written", status, 3);
	kobject_destroy(S_BT);
}

static volatile int gave_back;
static volatile uint8_t b_read;

/* In B: reads the granted page, writes it and grants it back to A (slot
 * 41 of B's table holds A's task). */
static void give_back(void *arg)
{
	volatile uint8_t *p = (volatile uint8_t *)VG;

	(void)arg;
	b_read = p[5];
	p[6] = 0x44;
	gave_back = task_mem_map(41, mica_fpage(VG, 12, MICA_RWX), (uint64_t)pages[1], true) == 0 ? 1 : -1;
}

static void grant_moves_the_page_and_back(void)
{
	pages[1][5] = 0x33;
	expect("A grants a page to B", task_mem_map(S_B, mica_fpage((uint64_t)pages[1], 12, MICA_RWX), VG, true), 0);
	expect("A has it no more", rights_at(MICA_BOOT_TASK, (uint64_t)pages[1]), 0);
	expect("B has it", rights_at(S_B, VG), MICA_R | MICA_W);
	expect("B gets a capability to A", task_cap_map(S_B, MICA_BOOT_TASK, 41, MICA_RWX, false), 0);
	bt.slot = S_BT;
	expect("B's thread gives it back", qthread_start(&bt, S_B, 3, give_back, 0), 0);
	expect("... by a grant", qtest_wait(&gave_back), 1);
	expect("B read what A had written", b_read, 0x33);
	expect("B has it no more", rights_at(S_B, VG), 0);
	expect("A has it again, read-write", rights_at(MICA_BOOT_TASK, (uint64_t)pages[1]), MICA_R | MICA_W);
	expect("it holds A's byte and B's", pages[1][5] == 0x33 && pages[1][6] == 0x44, 1);
	kobject_destroy(S_BT);
	kobject_destroy(S_B);
	kobject_destroy(S_C);
}

/* ---- the first pager's physical window -------------------------------------- */

static uint64_t pool_window;   /* 16 pages of the user pool, in the physical window */

static void sigma0_window_maps_user_pool_ram(void)
{
	pool_window = mica_bootmem_pages(POOL_PAGES, POOL_PAGES);
	expect("the KIP names user-pool RAM", pool_window != 0, 1);
	volatile uint64_t *w = (volatile uint64_t *)pool_window;
	for (int i = 0; i < POOL_PAGES; i++)
		w[i * 512] = 0x5eed0000 + i;   /* each touch: a fault the kernel resolves */
	expect("the window's pages are mine", rights_at(MICA_BOOT_TASK, (uint64_t)w), MICA_RWX);
	expect("and hold what I wrote", w[3 * 512] == 0x5eed0003, 1);
}

/* A thread whose faults go to a recorder that never answers: what the
 * first pager refuses reaches the thread's own pager. */
static struct qthread prober = { .slot = S_PROBER }, recorder = { .slot = S_RECORDER };
static volatile uint64_t recorded_addr, recorded_access;
static volatile int recorded;

static void record_faults(void *arg)
{
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag, label;

	(void)arg;
	for (;;) {
		if (mica_ipc_wait(0, &tag, &label) || recorded)
			continue;   /* the first fault only; nobody is answered */
		recorded_addr = u->mr[1];
		recorded_access = u->mr[3];
		recorded = 1;
	}
}

static void touch(void *arg)
{
	*(volatile uint8_t *)arg;
}

static void poke(void *arg)
{
	*(volatile uint8_t *)arg = 1;
}

/* Run fn(addr) in a thread whose pager is the recorder; returns whether
 * its access faulted to it (then recorded_* say how). */
static int faults_to_pager(void (*fn)(void *), uint64_t addr)
{
	recorded = 0;
	prober.slot = S_PROBER;
	if (qthread_create(&prober, MICA_BOOT_TASK, 6, fn, (void *)addr) ||
	    thread_set_handlers(S_PROBER, S_RECORDER_GATE, 0) || thread_start(S_PROBER))
		return -1;
	int faulted = qtest_wait(&recorded);
	kobject_destroy(S_PROBER);
	return faulted && recorded_addr == addr;
}

static void sigma0_window_guards_kernel_ram_and_modules(void)
{
	const struct mica_kip *kip = (const struct mica_kip *)MICA_KIP_ADDR;
	uint64_t kernel_pa = 0;

	for (unsigned i = 0; i < kip->mem_count && !kernel_pa; i++)
		if (kip->mem[i].type == MICA_MEM_KERNEL && kip->mem[i].size >= 0x2000)
			kernel_pa = (kip->mem[i].base + 0xfff) & ~0xfffull;
	expect("the KIP names the kernel's RAM", kernel_pa != 0, 1);
	expect("a recorder thread", qthread_start(&recorder, MICA_BOOT_TASK, 7, record_faults, 0), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_RECORDER_GATE, S_RECORDER, 11), 0);

	uint64_t kernel_va = MICA_BOOT_PHYS_WINDOW + kernel_pa;
	expect("reading the kernel's RAM through the window faults to the thread's pager",
	       faults_to_pager(touch, kernel_va), 1);
	expect("... nothing was mapped there", rights_at(MICA_BOOT_TASK, kernel_va), 0);

	uint64_t module = MICA_BOOT_PHYS_WINDOW + kip->modules[0].base;
	expect("this program's module is mapped", kip->module_count >= 1 && (kip->modules[0].base & 0xfff) == 0, 1);
	const volatile uint8_t *m = (const volatile uint8_t *)module;
	expect("... and reads as the ELF file", m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F', 1);
	expect("... read and execute only", rights_at(MICA_BOOT_TASK, module), MICA_R | MICA_X);
	expect("writing it faults to the thread's pager", faults_to_pager(poke, module), 1);
	expect("... as a write", (long)recorded_access, MICA_W);
	expect("... and the module is unchanged", m[0], 0x7f);
	kobject_destroy(S_RECORDER);
}

/* ---- TLB entries of the running address space ------------------------------ */

static volatile int tlb_done, faults_after_unmap, faults_after_downgrade;
static volatile uint8_t tlb_read;

/* Runs in this task, its pager the remapping one: every access below
 * after an unmap or downgrade must fault, not use a stale TLB entry. */
static void tlb_prober(void *arg)
{
	volatile uint8_t *p = (volatile uint8_t *)VT;
	uint32_t status;

	(void)arg;
	tlb_read = p[0];   /* the TLB now holds VT, writable */
	p[2] = 0x77;
	int before = pager_faults;
	task_mem_unmap(MICA_BOOT_TASK, mica_fpage(VT, 12, MICA_RWX), true, &status);
	tlb_read = p[0];   /* faults; the pager maps the page again */
	faults_after_unmap = pager_faults - before;
	p[3] = 0x78;
	task_mem_unmap(MICA_BOOT_TASK, mica_fpage(VT, 12, MICA_W), true, &status);
	p[4] = 0x79;       /* faults; the pager maps it writable again */
	faults_after_downgrade = pager_faults - before - faults_after_unmap;
	tlb_done = 1;
}

static void unmap_and_downgrade_flush_the_running_space(void)
{
	pages[0][0] = 0x5a;
	expect("a second mapping of my own page", task_mem_map(MICA_BOOT_TASK, mica_fpage((uint64_t)pages[0], 12, MICA_RWX),
								 VT, false), 0);
	prober.slot = S_PROBER;
	expect("a thread here whose pager maps the page back", qthread_create(&prober, MICA_BOOT_TASK, 8, tlb_prober, 0), 0);
	thread_set_handlers(S_PROBER, S_LOCAL_PAGER_GATE, 0);
	thread_start(S_PROBER);
	expect("it ran through", qtest_wait(&tlb_done), 1);
	expect("a read after its own unmap faulted", faults_after_unmap, 1);
	expect("a write after its own downgrade faulted", faults_after_downgrade, 1);
	expect("... there", (long)fault_addr, (long)VT + 4);
	expect("the writes reached the page", pages[0][2] == 0x77 && pages[0][3] == 0x78 && pages[0][4] == 0x79, 1);
	kobject_destroy(S_PROBER);
	uint32_t status;
	task_mem_unmap(MICA_BOOT_TASK, mica_fpage(VT, 12, MICA_RWX), true, &status);
}

/* ---- a pager in another task: zero fill and copy-on-write --------------------- */

static struct qthread pt = { .slot = S_PT }, ct1 = { .slot = S_CT1 }, ct2 = { .slot = S_CT2 };
static volatile int pool_next, zero_faults, cow_faults;

/* Runs in task P: pages from its pool, zeroed, or copied for a write to the
 * shared read-only page. */
static int pool_fault(struct srv_request *req, uint64_t addr, uint64_t ip, uint32_t access,
		      struct mica_flexpage *page)
{
	(void)req;
	(void)ip;
	if (pool_next >= POOL_PAGES)
		return -MICA_ENOMEM;
	uint64_t *fresh = (uint64_t *)(VPOOL + 4096ull * pool_next++);
	if (addr >= VCOW && addr < VCOW + 4096 && access == MICA_W) {
		const uint64_t *orig = (const uint64_t *)pages[2];   /* the image is mapped here too */
		for (int i = 0; i < 512; i++)
			fresh[i] = orig[i];
		cow_faults++;
	} else {
		for (int i = 0; i < 512; i++)
			fresh[i] = 0;
		zero_faults++;
	}
	page->fpage = mica_fpage((uint64_t)fresh, 12, MICA_RWX);
	page->send_base = addr & ~0xfffull;
	return 0;
}

static const struct pager_ops pool_ops = { .fault = pool_fault };

static volatile int zero_ok, cow1, cow2;

static void toucher(void *arg)
{
	int ok = 1;

	(void)arg;
	for (int i = 0; i < 8; i++) {
		volatile uint64_t *p = (volatile uint64_t *)(VZ + 4096ull * i);
		ok &= p[7] == 0;     /* a fresh page reads as zeros */
		p[0] = 100 + i;
	}
	for (int i = 0; i < 8; i++)
		ok &= ((volatile uint64_t *)(VZ + 4096ull * i))[0] == 100u + i;
	zero_ok = ok ? 1 : -1;
}

static void cow_writer(void *arg)
{
	volatile uint8_t *p = (volatile uint8_t *)VCOW;

	(void)arg;
	p[0] = 0x66;   /* a write fault: a private copy */
	cow1 = p[0] == 0x66 && p[1] == 0x55 ? 1 : -1;
}

static void cow_reader(void *arg)
{
	volatile uint8_t *p = (volatile uint8_t *)VCOW;

	(void)arg;
	while (!cow1)
		mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
	cow2 = p[0] == 0x55 ? 1 : -1;
}

static void pager_task_serves_zero_fill_and_copy_on_write(void)
{
	expect("pager task", qtask_create(S_P), 0);
	expect("its pool: 16 pages of my window",
	       task_mem_map(S_P, mica_fpage(pool_window, 16, MICA_RWX), VPOOL, false), 0);
	expect("pager thread there", qthread_start(&pt, S_P, 1, serve_pager, (void *)&pool_ops), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_PAGER_GATE, S_PT, 9), 0);
	expect("client task", qtask_create(S_C1), 0);
	/* Each client thread gets its pager before it runs: started first, it
	 * could fault before the pager is set. */
	expect("client thread (stopped)", qthread_create(&ct1, S_C1, 1, toucher, 0), 0);
	thread_set_handlers(S_CT1, S_PAGER_GATE, 0);
	expect("... started", thread_start(S_CT1), 0);
	wait_for(&zero_ok);
	expect("8 zero-filled pages, written and read back", zero_ok, 1);
	expect("... 8 faults served", zero_faults, 8);
	kobject_destroy(S_CT1);

	pages[2][0] = 0x55;
	pages[2][1] = 0x55;
	expect("second client task", qtask_create(S_C2), 0);
	expect("the page, read-only, to the first client",
	       task_mem_map(S_C1, mica_fpage((uint64_t)pages[2], 12, MICA_R), VCOW, false), 0);
	expect("... and to the second", task_mem_map(S_C2, mica_fpage((uint64_t)pages[2], 12, MICA_R), VCOW, false), 0);
	ct1.slot = S_CT1;
	expect("writer in the first", qthread_create(&ct1, S_C1, 2, cow_writer, 0), 0);
	thread_set_handlers(S_CT1, S_PAGER_GATE, 0);
	expect("... started", thread_start(S_CT1), 0);
	expect("reader in the second", qthread_create(&ct2, S_C2, 1, cow_reader, 0), 0);
	thread_set_handlers(S_CT2, S_PAGER_GATE, 0);
	expect("... started", thread_start(S_CT2), 0);
	wait_for(&cow2);
	expect("the writer got a private copy", cow1, 1);
	expect("... through one copy-on-write fault", cow_faults, 1);
	expect("the other task still sees the original", cow2, 1);
	expect("and so does the owner", pages[2][0], 0x55);
	kobject_destroy(S_C1);
	kobject_destroy(S_C2);
	kobject_destroy(S_P);
}

/* ---- exceptions ------------------------------------------------------------------ */

static struct qthread handler = { .slot = S_HANDLER }, victim = { .slot = S_VICTIM };
static volatile int exceptions_seen, victim_after_ud2;
static volatile uint64_t last_vector, last_error, last_addr, last_utcb;

static int on_exception(struct srv_request *req, uint64_t vector, uint64_t error, uint64_t addr,
			uint64_t utcb, struct user_regs *regs)
{
	(void)req;
	exceptions_seen++;
	last_vector = vector;
	last_error = error;
	last_addr = addr;
	last_utcb = utcb;
	if (vector == 14) {
		regs->rip += 3;   /* past loads_unmapped's load */
		return 0;
	}
	if (vector != 6)
		return -MICA_EPERM;   /* leave it stopped */
	regs->rip += 2;           /* past the ud2 */
	return 0;
}

static const struct exception_handler_ops exc_ops = { .exception = on_exception };

static void serve_exceptions(void *arg)
{
	struct exception_handler_buffers buffers;
	const struct srv s = { .protocol = &exception_handler_server, .ops = &exc_ops };

	(void)arg;
	srv_serve(&s, &buffers);
}

static void faulty(void *arg)
{
	(void)arg;
	__asm__ volatile("ud2");
	victim_after_ud2 = 1;
	__asm__ volatile("int3");
	victim_after_ud2 = 2;   /* never: the handler leaves it stopped */
}

static void exception_handler_resumes_or_leaves_stopped(void)
{
	uint32_t state;
	uint64_t id;

	expect("exception handler thread", qthread_start(&handler, MICA_BOOT_TASK, 3, serve_exceptions, 0), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_HANDLER_GATE, S_HANDLER, 3), 0);
	/* Its handler set before it runs: started at once, it could reach
	 * the ud2 first. */
	expect("a thread that runs ud2", qthread_create(&victim, MICA_BOOT_TASK, 4, faulty, 0), 0);
	thread_set_handlers(S_VICTIM, 0, S_HANDLER_GATE);
	expect("... started", thread_start(S_VICTIM), 0);
	for (int i = 0; i < 100 && exceptions_seen < 2; i++)
		sleep_ms(1);
	expect("the handler saw the invalid opcode and resumed the thread past it", victim_after_ud2, 1);
	expect("then the breakpoint", (long)last_vector, 3);
	thread_state(S_VICTIM, &state, &id);
	expect("which the handler refused: the thread stays stopped", state, 0);
	kobject_destroy(S_VICTIM);
}

/* A page fault its pager refuses with -MICA_EFAULT goes on to the
 * thread's exception handler as vector 14 with the address and the
 * thread's UTCB; another refusal retries the fault. */
static struct qthread refuser = { .slot = S_REFUSER }, loader = { .slot = S_LOADER };
static volatile int refusals, loader_done;

#define UNMAPPED 0x800000000ull
#define LOADER_UTCB (0x00007fff80000000ull + 9 * 4096ull)   /* qtest.c's UTCB_AREA, index 9 */

static int refuse_fault(struct srv_request *req, uint64_t addr, uint64_t ip, uint32_t access,
			struct mica_flexpage *page)
{
	(void)req;
	(void)addr;
	(void)ip;
	(void)access;
	page->fpage = 0;
	return ++refusals < 3 ? -MICA_EPERM : -MICA_EFAULT;   /* twice retried, then nobody can */
}

static const struct pager_ops refuse_ops = { .fault = refuse_fault };

static void loads_unmapped(void *arg)
{
	uint64_t v = UNMAPPED;

	(void)arg;
	__asm__ volatile("mov (%0), %0" : "+a"(v)::"memory");   /* 48 8b 00: 3 bytes */
	loader_done = 1;
	for (;;)
		sleep_ms(1000);
}

static void pager_efault_goes_to_the_exception_handler(void)
{
	exceptions_seen = 0;
	expect("a pager that refuses", qthread_start(&refuser, MICA_BOOT_TASK, 10, serve_pager, (void *)&refuse_ops), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_REFUSER_GATE, S_REFUSER, 10), 0);
	expect("a thread that loads from an unmapped page", qthread_create(&loader, MICA_BOOT_TASK, 9, loads_unmapped, 0),
	       0);
	thread_set_handlers(S_LOADER, S_REFUSER_GATE, S_HANDLER_GATE);
	expect("... started", thread_start(S_LOADER), 0);
	wait_for(&loader_done);
	expect("the pager was asked three times (two refusals retried)", refusals, 3);
	expect("then the exception handler, once", exceptions_seen, 1);
	expect("with vector 14", (long)last_vector, 14);
	expect("the address", (long)last_addr, (long)UNMAPPED);
	expect("a read of a page not present (error 4: user)", (long)last_error, 4);
	expect("the thread's UTCB", (long)last_utcb, (long)LOADER_UTCB);
	expect("it resumed where the handler said", loader_done, 1);
	kobject_destroy(S_LOADER);
	kobject_destroy(S_REFUSER);
}

/* A page fault its pager refuses with -MICA_EFAULT in a thread without an
 * exception handler: nobody can handle it, so the kernel reports it
 * (`kernel: program ... stopped: page fault ...`, which the scenario
 * checks) and stops the thread; a task nobody watches goes on (a boot
 * program's whole task would end: faults.scenario's programs). */
static struct qthread efaulter = { .slot = S_EFAULTER }, lone = { .slot = S_LONE };
static volatile int efault_refusals, lone_after_load;

static int always_efault(struct srv_request *req, uint64_t addr, uint64_t ip, uint32_t access,
			 struct mica_flexpage *page)
{
	(void)req;
	(void)ip;
	(void)access;
	page->fpage = 0;
	if (addr == UNMAPPED + 0x40)
		efault_refusals++;
	return -MICA_EFAULT;
}

static const struct pager_ops efault_ops = { .fault = always_efault };

static void loads_unmapped_alone(void *arg)
{
	(void)arg;
	(void)*(volatile uint64_t *)(UNMAPPED + 0x40);
	lone_after_load = 1;   /* never: nobody resumes it */
	for (;;)
		;
}

static void pager_efault_without_exception_handler_stops_the_thread(void)
{
	uint32_t state;
	uint64_t id;

	expect("a pager that always answers -MICA_EFAULT",
	       qthread_start(&efaulter, MICA_BOOT_TASK, 11, serve_pager, (void *)&efault_ops), 0);
	expect("a gate to it", factory_create_gate(MICA_BOOT_FACTORY, S_EFAULTER_GATE, S_EFAULTER, 11), 0);
	expect("a task nobody watches, with our image", qtask_create(S_LONE_TASK), 0);
	expect("a thread there that loads from an unmapped page",
	       qthread_create(&lone, S_LONE_TASK, 1, loads_unmapped_alone, 0), 0);
	expect("its pager is that one; no exception handler", thread_set_handlers(S_LONE, S_EFAULTER_GATE, 0), 0);
	expect("... started", thread_start(S_LONE), 0);
	expect("the pager was asked once", qtest_wait(&efault_refusals), 1);
	for (int i = 0; i < 100; i++)   /* the kernel's half after the pager's reply */
		if (thread_state(S_LONE, &state, &id) == 0 && state == 0)
			break;
		else
			sleep_ms(1);
	expect("the thread is stopped", state, 0);
	expect("it never went on past the load", lone_after_load, 0);
	expect("and was not asked again", efault_refusals, 1);
	kobject_destroy(S_LONE);
	kobject_destroy(S_LONE_TASK);
	kobject_destroy(S_EFAULTER);
	kobject_destroy(S_EFAULTER_GATE);
}

/* ---- a thousand tasks with mappings, and nothing left behind ---------------------- */

/* ---- Task.mem_map_from ------------------------------------------------------ */

/* Another task's mappings of a range into a task at the same addresses,
 * rights reduced, derived from the source's; holes stay holes, a range
 * longer than one kernel entry's budget goes on after its restarts, and
 * the refusals. */
static void map_from_copies_another_tasks_mappings(void)
{
	const uint64_t page = MICA_PAGE_SIZE, far = VF + 40 * page, past = VF + 80 * page;
	int all = 1;

	pages[0][0] = 0x21;
	expect("a source task", qtask_create(S_FROM), 0);
	expect("a task to map into", qtask_create(S_INTO), 0);
	expect("the source has a page at VF",
	       task_mem_map(S_FROM, mica_fpage((uint64_t)pages[0], 12, MICA_RWX), VF, false), 0);
	expect("... one after a hole",
	       task_mem_map(S_FROM, mica_fpage((uint64_t)pages[1], 12, MICA_RWX), VF + 2 * page, false), 0);
	expect("... 32 from 16 on (two views of 16 pool pages)",
	       task_mem_map(S_FROM, mica_fpage(pool_window, 16, MICA_RWX), VF + 16 * page, false) == 0 &&
		       task_mem_map(S_FROM, mica_fpage(pool_window, 16, MICA_RWX), VF + 32 * page, false) == 0, 1);
	expect("... and one past the range", task_mem_map(S_FROM, mica_fpage((uint64_t)pages[1], 12, MICA_RWX), past,
							false), 0);
	expect("mem_map_from of 64 pages, read-only", task_mem_map_from(S_INTO, S_FROM, VF, 64 * page, MICA_R), 0);
	expect("the first page, with the rights asked", rights_at(S_INTO, VF), MICA_R);
	expect("the hole stays a hole", rights_at(S_INTO, VF + page), 0);
	expect("the page after it", rights_at(S_INTO, VF + 2 * page), MICA_R);
	for (uint64_t va = VF + 16 * page; va < VF + 48 * page; va += page)
		all &= rights_at(S_INTO, va) == MICA_R;
	expect("all 32 (more than one kernel entry maps: restarted)", all, 1);
	expect("nothing past the range", rights_at(S_INTO, past), 0);
	uint32_t status;
	expect("the source unmaps its first page",
	       task_mem_unmap(S_FROM, mica_fpage(VF, 12, MICA_RWX), true, &status), 0);
	expect("derived: gone from the other task too", rights_at(S_INTO, VF), 0);
	expect("the rest stays", rights_at(S_INTO, far), MICA_R);

	expect("from no task: ETYPE", task_mem_map_from(S_INTO, MICA_BOOT_LOG, VF, page, MICA_R), -MICA_ETYPE);
	expect("from an empty slot: EBADCAP", task_mem_map_from(S_INTO, S_FROM_RO, VF, page, MICA_R), -MICA_EBADCAP);
	expect("a read-only capability to the source",
	       task_cap_map(MICA_BOOT_TASK, S_FROM, S_FROM_RO, MICA_R, false), 0);
	expect("... is not enough: EPERM", task_mem_map_from(S_INTO, S_FROM_RO, VF, page, MICA_R), -MICA_EPERM);
	expect("a read-only capability to the target",
	       task_cap_map(MICA_BOOT_TASK, S_INTO, S_INTO_RO, MICA_R, false), 0);
	expect("... is not enough: EPERM", task_mem_map_from(S_INTO_RO, S_FROM, VF, page, MICA_R), -MICA_EPERM);
	expect("an empty range: EINVAL", task_mem_map_from(S_INTO, S_FROM, VF, 0, MICA_R), -MICA_EINVAL);
	expect("an unaligned one: EINVAL", task_mem_map_from(S_INTO, S_FROM, VF + 8, page, MICA_R), -MICA_EINVAL);
	expect("... or size: EINVAL", task_mem_map_from(S_INTO, S_FROM, VF, page + 8, MICA_R), -MICA_EINVAL);
	expect("past user space: EINVAL", task_mem_map_from(S_INTO, S_FROM, MICA_USER_END - page, 2 * page, MICA_R),
	       -MICA_EINVAL);
	expect("a size that wraps: EINVAL", task_mem_map_from(S_INTO, S_FROM, VF, ~0ull & ~(page - 1), MICA_R),
	       -MICA_EINVAL);
	expect("unknown rights: EINVAL", task_mem_map_from(S_INTO, S_FROM, VF, page, 0x80), -MICA_EINVAL);
	task_cap_unmap(MICA_BOOT_TASK, S_FROM_RO, true);
	task_cap_unmap(MICA_BOOT_TASK, S_INTO_RO, true);
	kobject_destroy(S_INTO);
	kobject_destroy(S_FROM);
}

static void thousand_tasks_leave_nothing_behind(void)
{
	struct mica_meminfo before, after;
	uint64_t limit, used_before, used_after;
	int ok = 1;

	/* A first round grows this task's capability table to the slots used;
	 * the figures are taken after it. */
	for (int round = 0; round < 11; round++) {
		if (round == 1) {
			mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&before, sizeof before);
			factory_quota(MICA_BOOT_FACTORY, &limit, &used_before);
		}
		for (int i = 0; i < 100; i++) {
			ok &= factory_create_task(MICA_BOOT_FACTORY, S_MANY + i) == 0;
			ok &= task_mem_map(S_MANY + i, mica_fpage((uint64_t)pages[3], 12, MICA_RWX), VB + 4096ull * i, false) ==
			      0;
			ok &= task_mem_map(S_MANY + i, mica_fpage(pool_window, 14, MICA_R), VC, false) ==
			      0;
		}
		for (int i = 0; i < 100; i++)
			ok &= kobject_destroy(S_MANY + i) == 0;
	}
	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&after, sizeof after);
	factory_quota(MICA_BOOT_FACTORY, &limit, &used_after);
	expect("1100 tasks created with mappings, then deleted", ok, 1);
	mica_printf("# kernel pool free pages: %lu before, %lu after; user pool free pages: %lu before, %lu after\n",
		    (unsigned long)before.kernel_free_pages, (unsigned long)after.kernel_free_pages,
		    (unsigned long)before.user_free_pages, (unsigned long)after.user_free_pages);
	mica_printf("# kernel memory charged: %lu bytes before, %lu after; mapping nodes %lu before, %lu after\n",
		    (unsigned long)used_before, (unsigned long)used_after, (unsigned long)before.mapnodes,
		    (unsigned long)after.mapnodes);
	expect("kernel memory charged is back", (long)(used_after - used_before), 0);
	expect("user pool free pages are back", (long)(after.user_free_pages - before.user_free_pages), 0);
	expect("mapping nodes are back", (long)(after.mapnodes - before.mapnodes), 0);
	expect("tasks in use are back", (long)(after.objects[1] - before.objects[1]), 0);
	expect("kernel pool free pages are back", (long)(after.kernel_free_pages - before.kernel_free_pages), 0);
}

static const struct qtest_case cases[] = {
	{ "unmap_at_the_root_removes_derived_mappings", unmap_at_the_root_removes_derived_mappings },
	{ "write_after_downgrade_faults_to_the_pager", write_after_downgrade_faults_to_the_pager },
	{ "grant_moves_the_page_and_back", grant_moves_the_page_and_back },
	{ "sigma0_window_maps_user_pool_ram", sigma0_window_maps_user_pool_ram },
	{ "sigma0_window_guards_kernel_ram_and_modules", sigma0_window_guards_kernel_ram_and_modules },
	{ "unmap_and_downgrade_flush_the_running_space", unmap_and_downgrade_flush_the_running_space },
	{ "pager_task_serves_zero_fill_and_copy_on_write", pager_task_serves_zero_fill_and_copy_on_write },
	{ "exception_handler_resumes_or_leaves_stopped", exception_handler_resumes_or_leaves_stopped },
	{ "pager_efault_goes_to_the_exception_handler", pager_efault_goes_to_the_exception_handler },
	{ "pager_efault_without_exception_handler_stops_the_thread",
	  pager_efault_without_exception_handler_stops_the_thread },
	{ "map_from_copies_another_tasks_mappings", map_from_copies_another_tasks_mappings },
	{ "thousand_tasks_leave_nothing_behind", thousand_tasks_leave_nothing_behind },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
