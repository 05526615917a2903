/*
 * pf_user_pager.c - page faults resolved by a user-level pager in another
 * task, which maps a fresh zeroed page for each (docs/memory.md, "Faults
 * as messages").  One operation is one fault: the first write to a page
 * the faulting task does not have, the kernel's page-fault message to the
 * thread's pager, the pager zeroing a page of its pool and replying with
 * it as a flexpage, the kernel mapping it, the write going through.
 *
 *   pf_user_pager              the faulting task holds 1 page (its code and stack)
 *   pf_user_pager_100pages     ... and 99 more, mapped before the faults
 *   pf_user_pager_10000pages   ... and 9,999 more
 *
 * Three tasks take part:
 *
 *   - the pager's, a child task running mica-bench's image: one thread
 *     serving Pager.fault (the generated pager_dispatch) from a pool of
 *     POOL_PAGES pages at VPOOL, user-pool RAM that mica-bench got through
 *     its physical window (phys.h) and mapped there.  It hands the pool out
 *     in order, zeroing each page with `rep stosq` before replying;
 *   - the client's, a task that holds one page, VCODE, with a copy of
 *     pf_client() (the section pf_client_page of this file: no calls, no data,
 *     so it runs anywhere) and its stack at the top, plus the fillers of
 *     the scaling figures.  Its thread's pager is the pager's gate.  Asked
 *     by mica-bench, it writes one word to each of n fresh pages at VTOUCH
 *     and takes the instructions from the first write to the last with
 *     rdtsc in its own task, then reads every word of every page back;
 *   - mica-bench's, which asks for a batch and afterwards takes the pool's
 *     pages back from the client: Task.mem_unmap of the pool in the
 *     pager's task, self = false (not timed), so the next batch faults on
 *     the same pages again and the pager reuses its pool.
 *
 * Checks, per batch: every word of every touched page is the value written
 * (a different word and value with every batch, so a page the pager did
 * not zero shows) or zero; the pager served exactly n faults, each a write
 * to the next page of the batch, and nothing else; the unmap found the
 * pages accessed and written, and the client no longer has them.  A wrong
 * fault is never answered, so the client stops there and mica-bench's call
 * to it times out: no figure.  The scaling figures check that the kernel's
 * mapping database grew by exactly the pages mapped into the client.
 *
 * Linux's counterpart is anon_fault_4k (tests/bench/linux/bench.c): the
 * first write to each page of a fresh anonymous mapping, the kernel's own
 * fault handler zeroing and mapping a page.
 */
#include <libsys/error.h>
#include <libsys/ipc.h>
#include <mica/syscall.h>
#include <server/server.h>

#include <idl/kernel/factory.h>
#include "figures.h"
#include <idl/kernel/pager_server.h>
#include "phys.h"
#include "qtest.h"
#include "slots.h"
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>

#define POOL_ORDER 10                    /* the pager's pool: 1,024 pages (4 MiB) */
#define POOL_PAGES (1u << POOL_ORDER)
#define FAULTS POOL_PAGES                /* faults per batch */

#define VPOOL 0x600000000ull             /* the pool, in the pager's task */
#define VCODE 0x10000000ull              /* the client's page: pf_client, its stack on top */
#define VTOUCH 0x400000000ull            /* where the client faults */
#define VFILL 0x800000000ull             /* the pages the client holds besides */
#define CLIENT_UTCB 0x7fff80000000ull

#define PAGER_LABEL 0x9a6e
#define CLIENT_LABEL 0xc11e
#define PF_TOUCH 0x70                    /* mica-bench to the client: touch MR[1] pages at MR[0] */

/* ---- the client: one page, copied into its task ------------------------------- */

static inline __attribute__((always_inline)) int client_ipc(mica_word_t op, mica_word_t tag, mica_word_t *rtag)
{
	long err;
	mica_word_t label, timeouts = 0;

	__asm__ volatile("syscall"
			 : "=a"(err), "=S"(*rtag), "=D"(label), "+d"(timeouts)
			 : "a"((unsigned long)MICA_SYS_IPC), "D"(op), "S"(tag)
			 : "rcx", "r11", "r8", "r9", "r10", "memory");
	(void)label;
	return (int)err;
}

static inline __attribute__((always_inline)) uint64_t client_now(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/*
 * The client's whole program, in a section of its own that is copied to
 * VCODE: it must not call anything or use any data.  (If it did, the fault
 * on the missing page would go to the pager, which answers only writes
 * to VTOUCH: no figure.)
 * Request: MR[0] the first page, MR[1] the count n, MR[2] the batch's
 * value v.  Page i gets v + i in word (v + i) % 512.  Reply: MR[0] the
 * instructions of the n writes, MR[1] the words that read back wrong.
 */
__attribute__((section("pf_client_page"), used, noinline, noreturn)) static void pf_client(void)
{
	struct mica_utcb *u = (struct mica_utcb *)CLIENT_UTCB;
	mica_word_t tag, reply;
	int err = client_ipc(MICA_IPC_OPEN, 0, &tag);

	for (;;) {
		reply = mica_tag(-MICA_EMSG, 0, 0, 0);
		if (!err && tag == mica_tag(PF_TOUCH, 3, 0, 0)) {
			uint64_t base = u->mr[0], n = u->mr[1], v = u->mr[2], wrong = 0;
			uint64_t t0 = client_now();

			for (uint64_t i = 0; i < n; i++)
				((volatile uint64_t *)(base + 4096 * i))[(v + i) & 511] = v + i;
			uint64_t t = client_now() - t0;

			for (uint64_t i = 0; i < n; i++) {
				const volatile uint64_t *p = (const volatile uint64_t *)(base + 4096 * i);

				for (uint64_t k = 0; k < 512; k++)
					wrong += p[k] != (k == ((v + i) & 511) ? v + i : 0);
			}
			u->mr[0] = t;
			u->mr[1] = wrong;
			reply = mica_tag(0, 2, 0, 0);
		}
		err = client_ipc(MICA_IPC_REPLY | MICA_IPC_OPEN, reply, &tag);
	}
}

extern const char __start_pf_client_page[], __stop_pf_client_page[];

/* ---- the pager, in its own task (the image's globals are shared) ---------------- */

static struct {
	volatile unsigned next;         /* the pool page the next fault gets */
	volatile unsigned long served;  /* faults answered with a page */
	volatile unsigned long bad;     /* faults or messages not as expected: refused */
} pager;

/* A fault or message not as expected: answered with an error, so the
 * faulting thread stays in its fault and the figure fails. */
static int bad_fault(void)
{
	pager.bad++;
	return -MICA_EINVAL;
}

static int pool_fault(struct srv_request *req, uint64_t addr, uint64_t ip, uint32_t access,
		      struct mica_flexpage *page)
{
	unsigned k = pager.next;
	uint64_t *fresh = (uint64_t *)(VPOOL + 4096ull * k);
	unsigned long words = 512;

	(void)ip;
	if (req->label != PAGER_LABEL || access != MICA_W || (addr & ~0xfffull) != VTOUCH + 4096ull * k ||
	    k >= POOL_PAGES)
		return bad_fault();
	__asm__ volatile("rep stosq" : "+D"(fresh), "+c"(words) : "a"(0ul) : "memory");
	pager.next = k + 1;
	pager.served++;
	page->fpage = mica_fpage(VPOOL + 4096ull * k, 12, MICA_RWX);
	page->send_base = addr & ~0xfffull;
	return 0;
}

static const struct pager_ops pool_ops = { .fault = pool_fault };

static void serve_faults(void *arg)
{
	struct pager_buffers buffers;
	const struct srv s = { .protocol = &pager_server, .ops = &pool_ops };

	(void)arg;
	srv_serve(&s, &buffers);
}

/* ---- mica-bench's side ------------------------------------------------------------ */

static struct qthread pager_thread = { .slot = BENCH_S_PF_PAGER_THREAD };
static int started;
static unsigned held;          /* pages the client holds: its code page and the fillers */
static uint64_t fill_src;      /* 16 pages of mica-bench's that the fillers map, over and over */
static uint64_t value = 0x5eed0000;

static int failed_to(const char *what, int err)
{
	bench_fail("cannot %s: %s", what, mica_strerror(err < 0 ? -err : err));
	return 0;
}

static int start(void)
{
	uint64_t pool, code, old_ip, old_sp, old_flags;
	const mica_cap_t f = MICA_BOOT_FACTORY;
	unsigned long size = (unsigned long)(__stop_pf_client_page - __start_pf_client_page);
	int err;

	if (started)
		return 1;
	if (size > 2048) {
		bench_fail("the client's code takes %lu bytes, more than half its page", size);
		return 0;
	}
	if (!(pool = bench_phys_pages(POOL_ORDER)) || !(code = bench_phys_pages(0)))
		return 0;
	if ((err = qtask_create(BENCH_S_PF_PAGER_TASK)) ||
	    (err = task_mem_map(BENCH_S_PF_PAGER_TASK, mica_fpage(pool, 12 + POOL_ORDER, MICA_RWX), VPOOL, false)) ||
	    (err = qthread_start(&pager_thread, BENCH_S_PF_PAGER_TASK, 1, serve_faults, 0)) ||
	    (err = factory_create_gate(f, BENCH_S_PF_PAGER_GATE, BENCH_S_PF_PAGER_THREAD, PAGER_LABEL)))
		return failed_to("start the pager", err);
	for (unsigned long i = 0; i < size; i++)
		((char *)code)[i] = __start_pf_client_page[i];
	if ((err = factory_create_task(f, BENCH_S_PF_CLIENT_TASK)) ||
	    (err = task_mem_map(BENCH_S_PF_CLIENT_TASK, mica_fpage(code, 12, MICA_RWX), VCODE, false)) ||
	    (err = factory_create_thread(f, BENCH_S_PF_CLIENT_THREAD)) ||
	    (err = thread_bind(BENCH_S_PF_CLIENT_THREAD, BENCH_S_PF_CLIENT_TASK, CLIENT_UTCB)) ||
	    (err = thread_set_handlers(BENCH_S_PF_CLIENT_THREAD, BENCH_S_PF_PAGER_GATE, 0)) ||
	    (err = thread_ex_regs(BENCH_S_PF_CLIENT_THREAD, VCODE + (uint64_t)((const char *)pf_client - __start_pf_client_page),
				  VCODE + 4096 - 8, ~0ull, &old_ip, &old_sp, &old_flags)) ||
	    (err = thread_start(BENCH_S_PF_CLIENT_THREAD)) ||
	    (err = factory_create_gate(f, BENCH_S_PF_CLIENT_GATE, BENCH_S_PF_CLIENT_THREAD, CLIENT_LABEL)))
		return failed_to("start the client", err);
	held = 1;
	started = 1;
	return 1;
}

static uint64_t mapnodes(void)
{
	struct mica_meminfo m = { 0 };

	mica_debug(MICA_BOOT_LOG, MICA_DEBUG_MEMINFO, (unsigned long)&m, sizeof m);
	return m.mapnodes;
}

/* Map fillers into the client at VFILL until it holds `pages` pages. */
static int hold(unsigned pages)
{
	if (!fill_src && !(fill_src = bench_phys_pages(4)))
		return 0;
	uint64_t before = mapnodes();
	unsigned added = pages - held;

	while (held < pages) {
		unsigned i = held - 1;   /* the filler's index */
		unsigned order = i % 16 == 0 && pages - held >= 16 ? 4 : 0;
		int err = task_mem_map(BENCH_S_PF_CLIENT_TASK, mica_fpage(fill_src + 4096ull * (i % 16), 12 + order, MICA_RWX),
				       VFILL + 4096ull * i, false);

		if (err)
			return failed_to("map a filler page into the client", err);
		held += 1u << order;
	}
	if (mapnodes() - before != added) {
		bench_fail("mapping %u fillers made %lu mapping-database nodes", added, (unsigned long)(mapnodes() - before));
		return 0;
	}
	return 1;
}

static uint64_t fault_batch(unsigned n)
{
	struct mica_utcb *u = mica_utcb();
	const uint64_t v = value;
	unsigned long served = pager.served, bad = pager.bad;
	uint32_t status = 0, first = 1, last = 1;
	mica_word_t tag;

	value += 0x10001;   /* another value, and another word, next time */
	pager.next = 0;
	u->mr[0] = VTOUCH;
	u->mr[1] = n;
	u->mr[2] = v;
	int err = mica_ipc_call_timeout(BENCH_S_PF_CLIENT_GATE, mica_tag(PF_TOUCH, 3, 0, 0),
					mica_timeouts(MICA_TIMEOUT_NEVER, 1000000), &tag);
	uint64_t t = u->mr[0], wrong = u->mr[1];

	if (err || tag != mica_tag(0, 2, 0, 0)) {
		bench_fail("the client did not finish its batch (%s, tag %#lx); the pager left %lu fault(s) unanswered",
			   mica_strerror(err), (unsigned long)tag, pager.bad - bad);
		return 0;
	}
	if (wrong) {
		bench_fail("%lu word(s) of the %u pages read back neither as written nor as zero", (unsigned long)wrong, n);
		return 0;
	}
	if (pager.bad != bad || pager.served - served != n) {
		bench_fail("the pager served %lu fault(s) and refused %lu, want %u and none", pager.served - served,
			   pager.bad - bad, n);
		return 0;
	}
	err = task_mem_unmap(BENCH_S_PF_PAGER_TASK, mica_fpage(VPOOL, 12 + POOL_ORDER, MICA_RWX), false, &status);
	if (!err)
		err = task_mem_lookup(BENCH_S_PF_CLIENT_TASK, VTOUCH, &first);
	if (!err)
		err = task_mem_lookup(BENCH_S_PF_CLIENT_TASK, VTOUCH + 4096ull * (n - 1), &last);
	if (err || status != 3 || first || last) {
		bench_fail("taking the pool back: error %d, status %u (want 3: accessed, written), client's rights %u and %u "
			   "(want 0)", err, (unsigned)status, (unsigned)first, (unsigned)last);
		return 0;
	}
	return t;
}

static uint64_t faults_holding(unsigned pages)
{
	if (!start() || !hold(pages))
		return 0;
	return bench_measure(fault_batch, FAULTS);
}

uint64_t bench_pf_user_pager(void)
{
	return faults_holding(1);
}

uint64_t bench_pf_user_pager_100pages(void)
{
	return faults_holding(100);
}

uint64_t bench_pf_user_pager_10000pages(void)
{
	return faults_holding(10000);
}
