/*
 * stress.c - `stress TASKS THREADS CALLS` (at most 100 tasks of 10
 * threads): in every task one server and THREADS-1 clients that call the
 * servers of four other tasks through gates CALLS times each, checking
 * every answer, and fault pages in along the way (their stacks and a
 * region of their own), which a pager thread of this program maps from
 * user-pool pages.  When all clients are done, every task is destroyed,
 * and the kernel's accounting must be back where it was: the sub-factory
 * everything came from is empty, and the free pages of both pools, the
 * mapping nodes and the objects of every type are what they were before.
 *
 * Memory is tight: a thousand threads' kernel stacks and UTCBs take most
 * of a boot program's quota (MICA_BOOT_QUOTA).  So a task costs as little
 * as it can: the image, the UTCBs, the stacks, a parameter page and the
 * fault region all lie in the same 2 MiB (one page table), each task
 * holds its threads' and its pager gate's capabilities itself (granted to
 * it), and the fault pages of all clients are a few shared pages in which
 * each client owns one word.  Even so, 100 tasks of 10 threads need about
 * 16.8 MiB; stress.scenario runs 100 tasks of 9.
 */
#include "qtest.h"
#include <server/server.h>

#include <mica/kip.h>
#include <mica/syscall.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/pager_server.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>

#define MAX_TASKS 100
#define MAX_THREADS 10
#define NTARGETS 4            /* the servers each task's clients call */
#define MAX_CALLS 100000
#define NFAULTS 4             /* fault-region pages per client */

/* A child task's address space, all within [4 MiB, 6 MiB). */
#define UTCB_BASE 0x500000ull     /* + 4 KiB * thread */
#define STACK_BASE 0x520000ull    /* one page each: thread j's stack ends at + 4 KiB * (j + 1) */
#define FAULT_BASE 0x540000ull    /* + 64 KiB * thread + 4 KiB * fault */
#define PARAM_ADDR 0x5f0000ull    /* the task's parameters and results */

/* Child task's capability table. */
enum { C_TARGET = 1, C_THREAD = 20, C_GATE = 30 };
/* This program's. */
enum { S_SF = 10, S_PAGER, S_PAGER_GATE, S_TMP, S_TASK = 100, S_GATE = S_TASK + MAX_TASKS, S_END = S_GATE + MAX_TASKS };

struct param {
	uint32_t task;
	uint32_t targets[NTARGETS];       /* the task whose server C_TARGET + k names */
	volatile uint32_t served;
	volatile uint32_t go;             /* the clients start */
	volatile int32_t result[MAX_THREADS]; /* clients: 1 all right, -1 a wrong answer; 0 running */
	volatile uint32_t first_error[MAX_THREADS];
};

/* The sizes (the command line: stress TASKS THREADS CALLS), set before
 * any child task exists: the children read them too. */
static unsigned ntasks = MAX_TASKS, nthreads = MAX_THREADS, ncalls = 60;

/* ---- the threads of the child tasks ------------------------------------------------ */

void stress_entry(void);
__asm__(".text\n.global stress_entry\nstress_entry:\n\tcall stress_main\n\tud2\n");

static void server(struct param *p)
{
	struct mica_utcb *u = mica_utcb();
	mica_word_t tag, label;
	int err = mica_ipc_wait(0, &tag, &label);

	for (;;) {
		if (err) {
			err = mica_ipc_wait(0, &tag, &label);
			continue;
		}
		p->served++;
		u->mr[0] = u->mr[0] + u->mr[1] + 1;
		u->mr[1] = p->task;
		err = mica_ipc_reply_wait(mica_tag(0, 2, 0, 0), 0, &tag, &label);
	}
}

static void client(struct param *p, unsigned j)
{
	struct mica_utcb *u = mica_utcb();
	uint64_t tid = p->task * nthreads + j, rng = tid * 0x9e3779b97f4a7c15ull + 1;
	int ok = 1;

	while (!p->go)
		mica_ipc_wait(mica_timeouts(0, 1000), 0, 0);
	for (unsigned k = 0; k < ncalls && ok; k++) {
		mica_word_t tag;
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		unsigned t = (unsigned)(rng % NTARGETS);
		u->mr[0] = tid << 20;
		u->mr[1] = k;
		int err = mica_ipc_call_timeout(C_TARGET + t, mica_tag(1, 2, 0, 0), mica_timeouts(2000000, 2000000), &tag);
		if (err || mica_tag_words(tag) != 2 || u->mr[0] != (tid << 20) + k + 1 || u->mr[1] != p->targets[t]) {
			p->first_error[j] = err ? (uint32_t)err : 1000 + k;
			ok = 0;
		}
		/* Now and then a page of the fault region: the pager maps it. */
		if (k % (ncalls / NFAULTS) == 0) {
			unsigned f = k / (ncalls / NFAULTS);
			volatile uint64_t *w = (volatile uint64_t *)(FAULT_BASE + 0x10000ull * j + 0x1000ull * f) + tid % 512;
			*w = tid + f;
			if (*w != tid + f) {
				p->first_error[j] = 2000 + f;
				ok = 0;
			}
		}
	}
	p->result[j] = ok ? 1 : -1;
}

__attribute__((used)) void stress_main(void)
{
	struct param *p = (struct param *)PARAM_ADDR;
	unsigned j = (unsigned)(((uint64_t)mica_utcb() - UTCB_BASE) >> 12);

	if (j == 0)
		server(p);
	client(p, j);
	thread_stop(C_THREAD + j);
	for (;;)
		mica_ipc_wait(0, 0, 0);
}

/* ---- the pager ------------------------------------------------------------------------ */

/* User-pool pages of this program's physical window: per task a stack
 * page for each thread and its parameter page, and the shared fault pages
 * (2 per fault: 1000 clients' words fill two). */
#define STACK_PAGES (MAX_TASKS * MAX_THREADS)
#define FAULT_PAGES (2 * NFAULTS)
#define POOL_PAGES (STACK_PAGES + MAX_TASKS + FAULT_PAGES)

static uint64_t pool;      /* its address in the window */
static volatile unsigned faults, bad_faults;

static uint64_t pool_page(unsigned i)
{
	return pool + 4096ull * i;
}

static int on_fault(struct srv_request *req, uint64_t addr, uint64_t ip, uint32_t access,
		    struct mica_flexpage *page)
{
	uint64_t va = addr & ~0xfffull;
	unsigned task = (unsigned)req->label;

	(void)ip;
	(void)access;
	page->send_base = va;
	page->fpage = 0;
	faults++;
	if (va >= STACK_BASE && va < STACK_BASE + 4096ull * MAX_THREADS) {
		uint64_t src = pool_page(task * MAX_THREADS + (unsigned)((va - STACK_BASE) >> 12));
		for (unsigned i = 0; i < 512; i++)
			((volatile uint64_t *)src)[i] = 0;
		page->fpage = mica_fpage(src, 12, MICA_R | MICA_W);
	} else if (va >= FAULT_BASE && va < PARAM_ADDR) {
		unsigned f = (unsigned)((va >> 12) & 0xf), j = (unsigned)((va - FAULT_BASE) >> 16);
		unsigned tid = task * nthreads + j;
		page->fpage = mica_fpage(pool_page(STACK_PAGES + MAX_TASKS + 2 * f + tid / 512), 12, MICA_R | MICA_W);
	} else {
		bad_faults++;
		return -MICA_EFAULT;
	}
	return 0;
}

static const struct pager_ops pager_ops = { .fault = on_fault };

/* One pager gate per task: its label tells the pager whose fault it is. */
static void pager(void *arg)
{
	struct pager_buffers buffers;
	const struct srv s = { .protocol = &pager_server, .ops = &pager_ops };

	(void)arg;
	srv_serve(&s, &buffers);
}

static struct qthread pager_thread = { .slot = S_PAGER };

/* A USABLE range of the KIP no later entry covers, of `pages` pages. */
static uint64_t user_pool_range(unsigned pages)
{
	const struct mica_kip *kip = (const struct mica_kip *)MICA_KIP_ADDR;
	uint64_t size = 4096ull * pages;

	for (uint32_t i = 0; i < kip->mem_count; i++) {
		if (kip->mem[i].type != MICA_MEM_USABLE)
			continue;
		for (uint64_t pa = (kip->mem[i].base + 0xffff) & ~0xffffull; pa + size <= kip->mem[i].base + kip->mem[i].size;
		     pa += 0x10000) {
			int covered = 0;
			for (uint32_t k = i + 1; k < kip->mem_count; k++)
				if (pa + size > kip->mem[k].base && pa < kip->mem[k].base + kip->mem[k].size)
					covered = 1;
			if (!covered)
				return pa;
		}
	}
	return 0;
}

/* ---- building, running, tearing down ---------------------------------------------------- */

extern char __executable_start[], _end[];

static uint64_t now_us(void)
{
	return ((const volatile struct mica_kip *)MICA_KIP_ADDR)->clock_us;
}

static int image_to(mica_cap_t task)
{
	uint64_t lo = (uint64_t)__executable_start & ~0xfffull, hi = (uint64_t)_end;
	unsigned o = 12;

	while ((lo >> o) != ((hi - 1) >> o))
		o++;
	return task_mem_map(task, mica_fpage(lo & ~((1ull << o) - 1), o, MICA_RWX), lo & ~((1ull << o) - 1), false);
}

/* A task with the image and its parameter page, its server thread and
 * the server's gate (kept in this program's table until the others have
 * their copies), its pager gate, labelled with the task, and its clients,
 * which wait for `go`.  The task holds its threads' and its pager gate's
 * capabilities: they die with it. */
static int build_task(unsigned i)
{
	static const unsigned offsets[NTARGETS] = { 1, 7, 31, 50 };
	mica_cap_t t = S_TASK + i;
	struct param *p = (struct param *)pool_page(STACK_PAGES + i);
	int err = factory_create_task(S_SF, t);

	p->task = i;
	for (unsigned k = 0; k < NTARGETS; k++)
		p->targets[k] = (i + offsets[k]) % ntasks;
	if (!err)
		err = image_to(t);
	if (!err)
		err = task_mem_map(t, mica_fpage((uint64_t)p, 12, MICA_R | MICA_W), PARAM_ADDR, false);
	if (!err)
		err = factory_create_gate(S_SF, S_PAGER_GATE, S_PAGER, i);
	for (unsigned j = 0; j < nthreads && !err; j++) {
		uint64_t ip, sp, fl;
		err = factory_create_thread(S_SF, S_TMP);
		if (!err)
			err = thread_bind(S_TMP, t, UTCB_BASE + 4096ull * j);
		if (!err)
			err = thread_ex_regs(S_TMP, (uint64_t)stress_entry, STACK_BASE + 4096ull * (j + 1), ~0ull, &ip, &sp, &fl);
		if (!err)
			err = thread_set_handlers(S_TMP, S_PAGER_GATE, 0);
		if (!err && j == 0)
			err = factory_create_gate(S_SF, S_GATE + i, S_TMP, i);
		if (!err)
			err = thread_start(S_TMP);
		if (!err)
			err = task_cap_map(t, S_TMP, C_THREAD + j, MICA_RWX, true);
	}
	if (!err)
		err = task_cap_map(t, S_PAGER_GATE, C_GATE + 1, MICA_RWX, true);
	return err;
}

/* The clients' copies of the servers' gates; then each server's gate
 * goes to its own task. */
static int connect(void)
{
	int err = 0;

	for (unsigned i = 0; i < ntasks && !err; i++) {
		struct param *p = (struct param *)pool_page(STACK_PAGES + i);
		for (unsigned k = 0; k < NTARGETS && !err; k++)
			err = task_cap_map(S_TASK + i, S_GATE + p->targets[k], C_TARGET + k, MICA_W, false);
	}
	for (unsigned i = 0; i < ntasks && !err; i++)
		err = task_cap_map(S_TASK + i, S_GATE + i, C_GATE, MICA_RWX, true);
	return err;
}

static void take(struct mica_meminfo *m, uint64_t *boot_used)
{
	uint64_t limit;

	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)m, sizeof *m);
	factory_quota(MICA_BOOT_FACTORY, &limit, boot_used);
}

static unsigned arg(int argc, char **argv, int i, unsigned dflt, unsigned max)
{
	unsigned v = 0;

	if (i >= argc)
		return dflt;
	for (const char *c = argv[i]; *c >= '0' && *c <= '9'; c++)
		v = v * 10 + (unsigned)(*c - '0');
	return v && v <= max ? v : dflt;
}

/* What the cases share: the figures before, the clock at the start, the
 * first error (the cases after it only clean up and compare). */
static struct mica_meminfo before;
static uint64_t boot_before, t0;
static int err;

static void pool_and_pager_ready(void)
{
	thread_set_sched(MICA_BOOT_THREAD, 150, 0);
	uint64_t pa = user_pool_range(POOL_PAGES);
	expect("the KIP has enough user-pool RAM for the pool", pa != 0, 1);
	if (!pa) {
		err = MICA_ENOMEM;
		return;
	}
	pool = MICA_BOOT_PHYS_WINDOW + pa;
	/* Everything this program keeps across the test is made now: the
	 * pool's pages (first-pager faults), the capability-table leaves of
	 * the slots used, the pager thread. */
	for (unsigned i = 0; i < POOL_PAGES; i++)
		*(volatile uint64_t *)pool_page(i) = 0;
	for (mica_cap_t s = S_TASK; s < S_END + 64; s += 64) {
		factory_create_irq(MICA_BOOT_FACTORY, s, 0);
		kobject_destroy(s);
	}
	expect("pager thread", qthread_start(&pager_thread, MICA_BOOT_TASK, 1, pager, 0), 0);
	thread_set_sched(S_PAGER, 200, 0);
	take(&before, &boot_before);
}

static void tasks_and_threads_built_and_connected(void)
{
	uint64_t limit, used;

	if (err)
		return;
	factory_quota(MICA_BOOT_FACTORY, &limit, &used);
	uint64_t quota = limit - used - (64 << 10);
	expect("a sub-factory with what is left of the quota", factory_create_factory(MICA_BOOT_FACTORY, S_SF, quota), 0);
	mica_printf("# sub-factory of %lu KiB\n", (unsigned long)(quota >> 10));

	t0 = now_us();
	for (unsigned i = 0; i < ntasks && !err; i++)
		if ((err = build_task(i)) != 0)
			mica_printf("# task %u: error %d\n", i, err);
	factory_quota(S_SF, &limit, &used);
	mica_printf("# %u tasks of %u threads: %lu KiB of kernel memory\n", ntasks, nthreads, (unsigned long)(used >> 10));
	expect("the tasks and their threads built", err, 0);
	expect("their servers connected", err ? err : (err = connect()), 0);
}

static void every_client_gets_every_answer(void)
{
	if (!pool)
		return;   /* no pool: nothing was built */
	/* Go, and wait for every client. */
	for (unsigned i = 0; i < ntasks && !err; i++)
		((struct param *)pool_page(STACK_PAGES + i))->go = 1;
	unsigned done = 0, wrong = 0;
	while (!err && now_us() - t0 < 50000000) {
		done = wrong = 0;
		for (unsigned i = 0; i < ntasks; i++)
			for (unsigned j = 1; j < nthreads; j++) {
				int r = ((struct param *)pool_page(STACK_PAGES + i))->result[j];
				done += r != 0;
				wrong += r < 0;
			}
		if (done == ntasks * (nthreads - 1))
			break;
		mica_ipc_wait(mica_timeouts(0, 10000), 0, 0);
	}
	uint64_t served = 0;
	unsigned printed = 0;
	for (unsigned i = 0; i < ntasks; i++) {
		struct param *p = (struct param *)pool_page(STACK_PAGES + i);
		served += p->served;
		for (unsigned j = 1; j < nthreads; j++)
			if (p->result[j] < 0 && printed++ < 3)
				mica_printf("# task %u client %u: error %u\n", i, j, p->first_error[j]);
	}
	mica_printf("# %u clients done in %lu ms: %lu calls served, %u faults paged\n", done,
		    (unsigned long)((now_us() - t0) / 1000), (unsigned long)served, faults);
	expect("every client finished", done, ntasks * (nthreads - 1));
	expect("with every answer right", wrong, 0);
	expect("every call was served", (long)served, (long)ntasks * (nthreads - 1) * ncalls);
	expect("every fault was in a region the pager serves", bad_faults, 0);
}

static void deleting_everything_leaves_nothing_behind(void)
{
	struct mica_meminfo after;
	uint64_t boot_after, limit, used;

	/* Delete everything (after a failure, what building left here too). */
	kobject_destroy(S_TMP);
	kobject_destroy(S_PAGER_GATE);
	int gone = 1, objects_differ = 0;
	for (unsigned i = 0; i < ntasks; i++)
		gone &= kobject_destroy(S_TASK + i) == 0;
	expect("every task destroyed", gone, 1);
	factory_quota(S_SF, &limit, &used);
	expect("the sub-factory is empty again", (long)used, 0);
	expect("and destroyed", kobject_destroy(S_SF), 0);
	take(&after, &boot_after);
	mica_printf("# kernel pool free pages %lu/%lu, user pool %lu/%lu, mapping nodes %lu/%lu (before/after)\n",
		    (unsigned long)before.kernel_free_pages, (unsigned long)after.kernel_free_pages,
		    (unsigned long)before.user_free_pages, (unsigned long)after.user_free_pages,
		    (unsigned long)before.mapnodes, (unsigned long)after.mapnodes);
	expect("kernel pool free pages are back", (long)(after.kernel_free_pages - before.kernel_free_pages), 0);
	expect("user pool free pages are back", (long)(after.user_free_pages - before.user_free_pages), 0);
	expect("the root factory's use is back", (long)(after.root_quota_used - before.root_quota_used), 0);
	expect("this program's factory's use is back", (long)(boot_after - boot_before), 0);
	expect("mapping nodes are back", (long)(after.mapnodes - before.mapnodes), 0);
	expect("object cache pages are back", (long)(after.slab_pages - before.slab_pages), 0);
	for (unsigned ty = 1; ty < MICA_MEMINFO_TYPES; ty++)
		if (after.objects[ty] != before.objects[ty]) {
			mica_printf("# objects of type %u: %lu before, %lu after\n", ty, (unsigned long)before.objects[ty],
				    (unsigned long)after.objects[ty]);
			objects_differ = 1;
		}
	expect("objects of every type are back", objects_differ, 0);
}

static const struct qtest_case cases[] = {
	{ "pool_and_pager_ready", pool_and_pager_ready },
	{ "tasks_and_threads_built_and_connected", tasks_and_threads_built_and_connected },
	{ "every_client_gets_every_answer", every_client_gets_every_answer },
	{ "deleting_everything_leaves_nothing_behind", deleting_everything_leaves_nothing_behind },
};

int main(int argc, char **argv)
{
	ntasks = arg(argc, argv, 1, MAX_TASKS, MAX_TASKS);
	nthreads = arg(argc, argv, 2, MAX_THREADS, MAX_THREADS);
	ncalls = arg(argc, argv, 3, 60, MAX_CALLS);
	if (nthreads < 2 || ncalls < NFAULTS)
		nthreads = 2, ncalls = NFAULTS;
	mica_printf("# stress: %u tasks of %u threads, %u calls per client\n", ntasks, nthreads, ncalls);
	return QTEST_RUN(argv[0], cases);
}
