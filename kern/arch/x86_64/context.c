/*
 * context.c - thread contexts on x86-64 (see arch_thread.h).
 *
 * A new user thread's kernel stack holds, from the top: its user register
 * frame (struct trap_frame), then the callee-saved registers and return
 * address arch_context_switch pops, pointing at thread_first_return, so its
 * first switch-in "returns" to user mode through the ordinary iret path.
 */
#include "arch_thread.h"

#include "arch.h"
#include "cpu.h"
#include "cpu_local.h"
#include "kmem.h"
#include <common/string.h>
#include "layout.h"
#include "trap.h"

#include <mica/error.h>

extern void arch_context_switch(uint64_t *save_ksp, uint64_t load_ksp);
extern char thread_first_return[];

static uint8_t fpu_template[512] __attribute__((aligned(16)));

void arch_fpu_init(void)
{
	write_cr0((read_cr0() & ~((1ull << 2) | (1ull << 3))) | (1ull << 1) | (1ull << 5));  /* no EM/TS; MP, NE */
	write_cr4(read_cr4() | (1ull << 9) | (1ull << 10));                                /* OSFXSR, OSXMMEXCPT */
	uint32_t mxcsr = 0x1f80;
	__asm__ volatile("fninit; ldmxcsr %1; fxsave %0" : "=m"(fpu_template) : "m"(mxcsr));
}

static uint64_t kstack_top(const struct arch_thread *a)
{
	return a->kstack_top;
}

int arch_thread_init_user(struct arch_thread *a, uint64_t pml4, uint64_t ip, uint64_t sp, uint64_t arg0,
			  uint64_t arg1)
{
	int err = kmem_run_alloc_pa(ARCH_KSTACK_PAGES, &a->kstack);

	if (err)
		return err;
	a->kstack_top = (uint64_t)arch_phys_to_virt(a->kstack) + ARCH_KSTACK_PAGES * 4096;
	a->pml4 = pml4;
	memcpy(a->fpu, fpu_template, sizeof a->fpu);

	struct trap_frame *f = (struct trap_frame *)kstack_top(a) - 1;
	memset(f, 0, sizeof *f);
	f->rip = ip;
	f->cs = GDT_UCODE;
	f->rflags = 0x202;   /* IF */
	f->rsp = sp;
	f->ss = GDT_UDATA;
	f->rdi = arg0;
	f->rsi = arg1;
	uint64_t *s = (uint64_t *)f;
	*--s = (uint64_t)thread_first_return;
	for (int i = 0; i < 6; i++)   /* rbx, rbp, r12..r15 */
		*--s = 0;
	a->ksp = (uint64_t)s;
	return MICA_OK;
}

void arch_thread_fini(struct arch_thread *a)
{
	if (a->kstack)
		kmem_run_free_pa(a->kstack, ARCH_KSTACK_PAGES);
	a->kstack = 0;
}

void arch_thread_bind(struct arch_thread *a, uint64_t pml4, uint64_t utcb)
{
	a->pml4 = pml4;
	a->gs_base = utcb;
	a->segs = 0;
}

static struct trap_frame *user_frame(const struct arch_thread *a)
{
	return (struct trap_frame *)kstack_top(a) - 1;
}

void arch_thread_get_regs(const struct arch_thread *a, uint64_t *ip, uint64_t *sp, uint64_t *flags)
{
	const struct trap_frame *f = user_frame(a);

	*ip = f->rip;
	*sp = f->rsp;
	*flags = f->rflags;
}

/* What user code may change in rflags: the arithmetic flags and DF. */
#define USER_FLAGS 0xcd5ull

static int canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

int arch_thread_regs_valid(uint64_t ip, uint64_t sp)
{
	return (ip == ARCH_FLAGS_KEEP || canonical(ip)) && (sp == ARCH_FLAGS_KEEP || canonical(sp));
}

int arch_thread_set_regs(struct arch_thread *a, uint64_t ip, uint64_t sp, uint64_t flags)
{
	struct trap_frame *f = user_frame(a);

	if (!arch_thread_regs_valid(ip, sp))
		return MICA_EINVAL;
	if (ip != ARCH_FLAGS_KEEP)
		f->rip = ip;
	if (sp != ARCH_FLAGS_KEEP)
		f->rsp = sp;
	if (flags != ARCH_FLAGS_KEEP)
		f->rflags = (f->rflags & ~USER_FLAGS) | (flags & USER_FLAGS);
	return MICA_OK;
}

void arch_thread_set_args(struct arch_thread *a, uint64_t arg0, uint64_t arg1)
{
	struct trap_frame *f = user_frame(a);

	f->rdi = arg0;
	f->rsi = arg1;
}

void arch_thread_get_user_regs(const struct arch_thread *a, uint64_t r[ARCH_USER_REGS])
{
	const struct trap_frame *f = user_frame(a);
	const uint64_t v[ARCH_USER_REGS] = { f->rip, f->rsp, f->rflags, f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi,
					      f->rbp, f->r8, f->r9, f->r10, f->r11, f->r12, f->r13, f->r14, f->r15 };

	memcpy(r, v, sizeof v);
}

int arch_thread_set_user_regs(struct arch_thread *a, const uint64_t r[ARCH_USER_REGS])
{
	struct trap_frame *f = user_frame(a);

	if (arch_thread_set_regs(a, r[0], r[1], r[2]))
		return MICA_EINVAL;
	f->rax = r[3];
	f->rbx = r[4];
	f->rcx = r[5];
	f->rdx = r[6];
	f->rsi = r[7];
	f->rdi = r[8];
	f->rbp = r[9];
	f->r8 = r[10];
	f->r9 = r[11];
	f->r10 = r[12];
	f->r11 = r[13];
	f->r12 = r[14];
	f->r13 = r[15];
	f->r14 = r[16];
	f->r15 = r[17];
	return MICA_OK;
}

/*
 * fs and gs belong to the thread.  User code can change them only by
 * loading a selector (CR4.FSGSBASE stays off, so wrfsbase and wrgsbase are
 * invalid opcodes), which sets the base from the descriptor: 0 for every
 * descriptor of the GDT.  So the fs base is 0 for every thread, and what a
 * thread may have changed is its two selectors and its gs base, which the
 * kernel keeps in MSR_KERNEL_GS_BASE (swapgs).  The switch saves those three
 * and loads the next thread's where they differ (it runs on every IPC
 * round trip: the common case is written for few instructions).  A selector
 * loaded in the kernel sets the base of the gs the kernel uses, so gs is
 * loaded between two swapgs and the user's base written after it.
 */
static void segments_switch(struct arch_thread *from, const struct arch_thread *to)
{
	/* Save from's, write to's base (unconditionally: fewer instructions
	 * than comparing first). */
	__asm__ volatile("rdmsr; mov %%eax, %[lo]; mov %%edx, %[hi]; mov %%fs, %[fs]; mov %%gs, %[gs]\n\t"
			 "mov %[to_lo], %%eax; mov %[to_hi], %%edx; wrmsr"
			 : [lo] "=m"(from->gs_base32.lo), [hi] "=m"(from->gs_base32.hi), [fs] "=m"(from->seg.fs),
			   [gs] "=m"(from->seg.gs)
			 : "c"(MSR_KERNEL_GS_BASE), [to_lo] "m"(to->gs_base32.lo), [to_hi] "m"(to->gs_base32.hi)
			 : "rax", "rdx");
	if (__builtin_expect(from->segs == to->segs, 1))
		return;
	if (from->seg.fs != to->seg.fs)
		__asm__ volatile("mov %0, %%fs" : : "r"((uint32_t)to->seg.fs));
	if (from->seg.gs != to->seg.gs) {
		__asm__ volatile("swapgs; mov %0, %%gs; swapgs" : : "r"((uint32_t)to->seg.gs) : "memory");
		wrmsr(MSR_KERNEL_GS_BASE, to->gs_base);   /* the load set the descriptor's */
	}
}

void arch_thread_switch(struct arch_thread *from, struct arch_thread *to)
{
	segments_switch(from, to);
	__asm__ volatile("fxsave %0" : "=m"(from->fpu));
	__asm__ volatile("fxrstor %0" : : "m"(to->fpu));
	if (to->pml4 && read_cr3() != to->pml4)
		write_cr3(to->pml4);
	/* (0 for the idle thread, which never leaves the kernel) */
	cpu0.tss.rsp0 = cpu0.kstack_top = kstack_top(to);
	arch_context_switch(&from->ksp, to->ksp);
}
