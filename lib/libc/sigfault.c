/*
 * sigfault.c - signals from faults (docs/processes.md "Signals from
 * faults"): SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP on the thread that
 * faulted, and sigaltstack.
 *
 * The region mapper (lib/rt/rm.c) is every thread's pager and exception
 * handler.  A page fault it cannot resolve it refuses, and the kernel sends
 * the fault back to it as an exception; that, and every other exception
 * (ud2, a division by zero, a privileged instruction), it hands to
 * rt_fault_signal here, on the region mapper's thread.  When the program
 * catches the signal, the region mapper's reply sends the faulting thread
 * to libc_fault_entry, on its alternate stack (SA_ONSTACK) or below its
 * red zone, with the registers it had and the signal in a record in its
 * UTCB page (struct libc_fault_record): the entry copies the record onto
 * the stack, saves the FPU/SSE state and the UTCB, runs the handler
 * (signal.c) and restores everything, the stack pointer and the ip last:
 * a handler that returns retries the instruction (one that fixed the
 * mapping with mprotect goes on), one that longjmps leaves.  When the
 * program does not catch it, blocks it, or faults again before the record
 * is safe (a stack that overflowed without an alternate one), the program
 * ends by the signal (the process server says so in the wait status).
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/exception_signal.h>
#include <unistd.h>

#include <common/exception_signal.h>
#include <libsys/debug.h>
#include <mica/exception.h>
#include <mica/ipc.h>
#include <rt/rt.h>

#include <idl/kernel/exception.h>
#include <idl/rt/proc.h>

#include "glue.h"
#include "pthread_impl.h"
#include "sigstate.h"

#define RED_ZONE 128   /* the x86-64 ABI's, below the faulting sp: the thread's own */
#define UTCB_TAIL 1024   /* MICA_UTCB_SIZE, spelt for the assembler */
#define STR_(x) #x
#define STR(x) STR_(x)

_Static_assert(UTCB_TAIL == MICA_UTCB_SIZE, "UTCB_TAIL");
_Static_assert(sizeof(struct libc_fault_record) == LIBC_FAULT_RECORD_WORDS * 8, "record words");
_Static_assert(sizeof(struct libc_fault_record) % 16 == 0, "record keeps the stack aligned");
_Static_assert(sizeof(struct user_regs) == sizeof(((struct libc_fault_record *)0)->regs), "user_regs");
_Static_assert(sizeof(gregset_t) == sizeof(((struct libc_fault_record *)0)->regs), "gregs are the registers");
_Static_assert(MICA_UTCB_SIZE + sizeof(struct libc_fault_record) <= MICA_PAGE_SIZE, "record in the UTCB page");

/* The faulting thread starts here, sp 16-byte aligned, its record in its
 * UTCB page.  Up to libc_fault_entry_safe a fault means the record could
 * not be saved: rt_fault_signal ends the program then.  The return: the
 * general registers from the record, rflags by popfq, then the stack
 * pointer and a jump through the UTCB (nothing is written below the
 * interrupted sp: its red zone stays as it was). */
void libc_fault_entry(void);
extern const char libc_fault_entry_safe[];
__asm__(".text\n"
	".globl libc_fault_entry\n"
	".type libc_fault_entry, @function\n"
	"libc_fault_entry:\n"
	"	cld\n"
	"	sub $" STR(LIBC_FAULT_RECORD_WORDS) "*8, %rsp\n"
	"	mov %gs:" STR(MICA_UTCB_SELF) ", %rsi\n"
	"	add $" STR(UTCB_TAIL) ", %rsi\n"
	"	mov %rsp, %rdi\n"
	"	mov $" STR(LIBC_FAULT_RECORD_WORDS) ", %ecx\n"
	"	rep movsq\n"
	".globl libc_fault_entry_safe\n"
	"libc_fault_entry_safe:\n"
	"	mov %rsp, %rbx\n"
	"	sub $512, %rsp\n"
	"	and $-16, %rsp\n"
	"	fxsave64 (%rsp)\n"
	"	mov %rbx, %rdi\n"
	"	call libc_fault_deliver\n"
	"	fxrstor64 (%rsp)\n"
	"	mov %rbx, %rsp\n"
	"	mov 0(%rsp), %rax\n"
	"	mov %rax, %gs:(" STR(MICA_UTCB_SELF) "+8+8*" STR(LIBC_UTCB_FAULT_RETURN) ")\n"
	"	mov 24(%rsp), %rax\n	mov 40(%rsp), %rcx\n	mov 48(%rsp), %rdx\n	mov 56(%rsp), %rsi\n"
	"	mov 64(%rsp), %rdi\n	mov 72(%rsp), %rbp\n	mov 80(%rsp), %r8\n	mov 88(%rsp), %r9\n"
	"	mov 96(%rsp), %r10\n	mov 104(%rsp), %r11\n	mov 112(%rsp), %r12\n	mov 120(%rsp), %r13\n"
	"	mov 128(%rsp), %r14\n	mov 136(%rsp), %r15\n	mov 32(%rsp), %rbx\n"
	"	lea 16(%rsp), %rsp\n"
	"	popfq\n"
	"	mov -16(%rsp), %rsp\n"
	"	jmp *%gs:(" STR(MICA_UTCB_SELF) "+8+8*" STR(LIBC_UTCB_FAULT_RETURN) ")\n"
	".size libc_fault_entry, . - libc_fault_entry\n");

/* On the faulting thread, the record on its stack: the handler, with the
 * registers in its context (it may change them: the thread goes on with
 * them) and the UTCB as the fault left it afterwards (the thread may have
 * been between writing a message and sending it). */
void libc_fault_deliver(struct libc_fault_record *r);
void libc_fault_deliver(struct libc_fault_record *r)
{
	struct mica_utcb *u = mica_utcb(), saved = *u;
	siginfo_t info = { .si_signo = (int)r->sig, .si_code = (int)r->code, .si_addr = (void *)r->addr };
	ucontext_t uc = { .uc_sigmask = libc_thread_self()->blocked };

	uc.uc_stack.ss_sp = (void *)u->user[LIBC_UTCB_ALTSTACK_SP];
	uc.uc_stack.ss_size = u->user[LIBC_UTCB_ALTSTACK_SIZE];
	uc.uc_stack.ss_flags = uc.uc_stack.ss_size ? 0 : SS_DISABLE;
	memcpy(uc.uc_mcontext.gregs, r->regs, sizeof r->regs);
	libc_signal_run_handler((int)r->sig, &info, &uc);
	memcpy(r->regs, uc.uc_mcontext.gregs, sizeof r->regs);
	libc_signal_deliver_pending();
	memcpy(u, &saved, offsetof(struct mica_utcb, self));
}

_Static_assert(EXC_SIGILL == SIGILL && EXC_SIGTRAP == SIGTRAP && EXC_SIGFPE == SIGFPE && EXC_SIGBUS == SIGBUS &&
		       EXC_SIGSEGV == SIGSEGV,
	       "common/exception_signal.h numbers the signals as <signal.h> does");

int libc_exception_signal(uint64_t vector, int *code)
{
	switch (vector) {
	case MICA_EXC_PAGE_FAULT:
		*code = SEGV_MAPERR;
		break;
	case MICA_EXC_DIVIDE:
		*code = FPE_INTDIV;
		break;
	case MICA_EXC_OVERFLOW:
		*code = FPE_INTOVF;
		break;
	case MICA_EXC_X87:
	case MICA_EXC_SIMD:
		*code = FPE_FLTINV;
		break;
	case MICA_EXC_INVALID_OPCODE:
		*code = ILL_ILLOPN;
		break;
	case MICA_EXC_DEBUG:
	case MICA_EXC_BREAKPOINT:
		*code = TRAP_BRKPT;
		break;
	case MICA_EXC_ALIGNMENT:
		*code = BUS_ADRALN;
		break;
	default:   /* a stack segment fault, general protection */
		*code = 0;
	}
	return exception_signal(vector);
}

/* The signal of an exception, its si_code and si_addr (the address of a
 * page fault, else the instruction's, as POSIX says; none for a general
 * protection fault). */
static int classify(const struct rt_fault *f, const struct user_regs *regs, int *code, uint64_t *addr)
{
	*addr = regs->rip;
	if (f->vector == MICA_EXC_PAGE_FAULT) {
		*addr = f->addr;
		if (f->kind == RT_FAULT_NO_PAGE) {
			*code = BUS_ADRERR;
			return SIGBUS;
		}
		*code = f->kind == RT_FAULT_RIGHTS ? SEGV_ACCERR : SEGV_MAPERR;
		return SIGSEGV;
	}
	int sig = libc_exception_signal(f->vector, code);
	if (sig == SIGSEGV)
		*addr = 0;
	return sig;
}

static const char *describe(const struct rt_fault *f)
{
	if (f->vector != MICA_EXC_PAGE_FAULT)
		return "exception";
	return f->kind == RT_FAULT_UNMAPPED ? "outside every region"
	       : f->kind == RT_FAULT_RIGHTS ? "against the region's rights"
					    : "no page in the region";
}

static const char *name(int sig)
{
	return sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGILL ? "SIGILL"
	       : sig == SIGFPE ? "SIGFPE" : "SIGTRAP";
}

/* Not caught: the process server ends the program by sig, which its
 * parent's wait status says.  Answers only when it cannot (no server, a
 * program boot.cfg started): the region mapper ends it its own way. */
static int die(int sig, const struct rt_fault *f, const struct user_regs *regs)
{
	mica_cap_t proc = libc_proc_if_known();

	if (!proc)
		return -1;
	mica_printf("%s (pid %d): killed by %s: vector %lu, address %#lx (%s), ip %#lx\n", libc_program_name(),
		    (int)getpid(), name(sig), (unsigned long)f->vector, (unsigned long)f->addr, describe(f),
		    (unsigned long)regs->rip);
	proc_sigdefault(proc, sig);
	return -1;
}

static bool on_stack(uint64_t sp, uint64_t base, uint64_t size)
{
	return size && sp - base < size;
}

int rt_fault_signal(const struct rt_fault *f, struct user_regs *regs)
{
	int code;
	uint64_t addr;
	int sig = classify(f, regs, &code, &addr);
	const struct sigaction *a = &libc_sig_actions[sig];
	bool caught = a->sa_handler != SIG_DFL && a->sa_handler != SIG_IGN;
	bool unsaved = regs->rip >= (uint64_t)libc_fault_entry && regs->rip < (uint64_t)libc_fault_entry_safe;

	/* Ignoring a fault would run into it again: as blocking it (in the
	 * faulting thread's mask), the default (POSIX leaves both undefined). */
	if (!caught || (libc_thread_of_utcb((const void *)f->utcb)->blocked & LIBC_SIG_BIT(sig)) || unsaved)
		return die(sig, f, regs);
	const struct mica_utcb *u = (const struct mica_utcb *)f->utcb;
	uint64_t alt = u->user[LIBC_UTCB_ALTSTACK_SP], alt_size = u->user[LIBC_UTCB_ALTSTACK_SIZE];
	uint64_t sp = regs->rsp - RED_ZONE;
	if ((a->sa_flags & SA_ONSTACK) && alt_size && !on_stack(regs->rsp, alt, alt_size))
		sp = alt + alt_size;
	struct libc_fault_record *r = (struct libc_fault_record *)(f->utcb + MICA_UTCB_SIZE);
	memcpy(r->regs, regs, sizeof r->regs);
	r->sig = sig;
	r->code = code;
	r->addr = addr;
	regs->rip = (uint64_t)libc_fault_entry;
	regs->rsp = sp & ~15ull;
	return 0;
}

void *libc_altstack_top(void)
{
	struct mica_utcb *u = mica_utcb();
	uint64_t base = u->user[LIBC_UTCB_ALTSTACK_SP], size = u->user[LIBC_UTCB_ALTSTACK_SIZE];

	if (!size || on_stack((uint64_t)__builtin_frame_address(0), base, size))
		return 0;
	return (void *)((base + size) & ~15ull);
}

__asm__(".text\n"
	".globl libc_call_on_stack\n"
	".type libc_call_on_stack, @function\n"
	"libc_call_on_stack:\n"
	"	push %rbp\n"
	"	mov %rsp, %rbp\n"
	"	mov %rdx, %rsp\n"
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	call *%rax\n"
	"	mov %rbp, %rsp\n"
	"	pop %rbp\n"
	"	ret\n"
	".size libc_call_on_stack, .-libc_call_on_stack\n");

int sigaltstack(const stack_t *ss, stack_t *old)
{
	struct mica_utcb *u = mica_utcb();
	uint64_t base = u->user[LIBC_UTCB_ALTSTACK_SP], size = u->user[LIBC_UTCB_ALTSTACK_SIZE];
	uint64_t sp = (uint64_t)__builtin_frame_address(0);
	bool on = on_stack(sp, base, size);

	if (ss) {
		if (on)
			return libc_fail(EPERM);
		if (ss->ss_flags & ~SS_DISABLE)
			return libc_fail(EINVAL);
		if (!(ss->ss_flags & SS_DISABLE) && ss->ss_size < MINSIGSTKSZ)
			return libc_fail(ENOMEM);
	}
	if (old) {
		old->ss_sp = (void *)base;
		old->ss_size = size;
		old->ss_flags = !size ? SS_DISABLE : on ? SS_ONSTACK : 0;
	}
	if (ss) {
		bool off = ss->ss_flags & SS_DISABLE;
		u->user[LIBC_UTCB_ALTSTACK_SP] = off ? 0 : (uint64_t)ss->ss_sp;
		u->user[LIBC_UTCB_ALTSTACK_SIZE] = off ? 0 : ss->ss_size;
	}
	return 0;
}
