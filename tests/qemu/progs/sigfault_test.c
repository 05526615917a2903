/*
 * sigfault_test.c - signals from faults and the alternate signal stack
 * (docs/processes.md "Signals from faults", docs/libc.md "Signals"): a
 * NULL dereference caught with SA_SIGINFO's fields, and one not caught
 * (the wait status says SIGSEGV); a division by zero (SIGFPE), ud2
 * (SIGILL), int3 (SIGTRAP), a write to a read-only mapping (SIGSEGV,
 * SEGV_ACCERR), caught and not; a handler that makes the mapping writable
 * with mprotect and returns, so that the write is retried and the
 * registers are as they were; a handler that steps over the instruction
 * through its context (ucontext_t); a fault in a thread other than the main
 * one, handled on that thread; a stack overflow handled on the alternate
 * stack, and one without an alternate stack ending the program;
 * sigaltstack's errors; a fault in a handler whose signal is blocked; a
 * file mapping read a whole page past the file's end (SIGBUS, BUS_ADRERR)
 * and an address outside every mapping (SIGSEGV, SEGV_MAPERR), caught and
 * not.  sigfault.scenario boots it with the pipe, block, file and process
 * servers (the file on a copy of the disk); it joins
 * the process server as a program boot.cfg started and forks the children
 * that must die.
 */
#define _GNU_SOURCE   /* REG_RIP */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "child.h"
#include "qtest.h"

static sigjmp_buf back;
static volatile int got_sig, got_code, got_count;
static void *volatile got_addr;
static volatile uint64_t fault_ip;

static void record(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	got_sig = si->si_signo == sig ? sig : -1;
	got_code = si->si_code;
	got_addr = si->si_addr;
	got_count++;
}

static void record_and_leave(int sig, siginfo_t *si, void *ctx)
{
	record(sig, si, ctx);
	siglongjmp(back, 1);
}

static void catch(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa = { .sa_sigaction = fn, .sa_flags = SA_SIGINFO | flags };
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, 0))
		expect("sigaction", errno, 0);
}

static void uncatch(int sig)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigaction(sig, &sa, 0);
}

/* The wait status of pid. */
static int term_sig(int st)
{
	return st >= 0 && WIFSIGNALED(st) ? WTERMSIG(st) : -1;
}

/* The signal a forked child running fn ends by (-1: it exited). */
static int child_dies_by(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(0);
	}
	return term_sig(child_status(pid));
}

/* NULL through a volatile pointer: the compiler cannot see it is NULL
 * (and so cannot drop the access as undefined). */
static volatile int *volatile null_pointer;

__attribute__((noinline)) static void read_null(void)
{
	got_count += *null_pointer;
}

__attribute__((noinline)) static void divide_by_zero(void)
{
	unsigned long a = 1000, d = 0, zero = 0;

	__asm__ volatile("div %2" : "+a"(a), "+d"(d) : "r"(zero));
	got_count += (int)a;
}

__attribute__((noinline)) static void ud2(void)
{
	__asm__ volatile("ud2");
}

__attribute__((noinline)) static void int3(void)
{
	__asm__ volatile("int3");
}

/* ---- caught ------------------------------------------------------------ */

static void null_dereference_caught(void)
{
	catch(SIGSEGV, record_and_leave, 0);
	got_count = 0;
	if (sigsetjmp(back, 1) == 0) {
		read_null();
		expect("the read of NULL came back", 0, 1);
	}
	expect("the handler ran once", got_count, 1);
	expect("si_signo is SIGSEGV", got_sig, SIGSEGV);
	expect("si_code is SEGV_MAPERR", got_code, SEGV_MAPERR);
	expect("si_addr is NULL", (long)got_addr, 0);
	/* siglongjmp restored the mask: a second one is caught too. */
	if (sigsetjmp(back, 1) == 0)
		read_null();
	expect("a second NULL read is caught", got_count, 2);
	uncatch(SIGSEGV);
}

static void divide_by_zero_is_sigfpe(void)
{
	catch(SIGFPE, record_and_leave, 0);
	got_count = 0;
	if (sigsetjmp(back, 1) == 0)
		divide_by_zero();
	expect("SIGFPE caught", got_sig, SIGFPE);
	expect("si_code is FPE_INTDIV", got_code, FPE_INTDIV);
	expect("si_addr is in divide_by_zero", (uintptr_t)got_addr - (uintptr_t)divide_by_zero < 64, 1);
	uncatch(SIGFPE);
	expect("uncaught, it ends a child: WTERMSIG is SIGFPE", child_dies_by(divide_by_zero), SIGFPE);
}

static void ud2_is_sigill(void)
{
	catch(SIGILL, record_and_leave, 0);
	got_count = 0;
	if (sigsetjmp(back, 1) == 0)
		ud2();
	expect("SIGILL caught", got_sig, SIGILL);
	expect("si_code is ILL_ILLOPN", got_code, ILL_ILLOPN);
	expect("si_addr is the ud2", *(const uint16_t *)got_addr, 0x0b0f);
	uncatch(SIGILL);
	expect("uncaught, it ends a child: WTERMSIG is SIGILL", child_dies_by(ud2), SIGILL);
}

static void int3_is_sigtrap(void)
{
	catch(SIGTRAP, record_and_leave, 0);
	got_count = 0;
	if (sigsetjmp(back, 1) == 0)
		int3();
	expect("SIGTRAP caught", got_sig, SIGTRAP);
	expect("si_code is TRAP_BRKPT", got_code, TRAP_BRKPT);
	uncatch(SIGTRAP);
	expect("uncaught, it ends a child: WTERMSIG is SIGTRAP", child_dies_by(int3), SIGTRAP);
}

static void null_dereference_uncaught_ends_with_sigsegv(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		*null_pointer = 1;
		_exit(0);
	}
	st = child_status(pid);
	expect("WIFSIGNALED", st >= 0 && WIFSIGNALED(st), 1);
	expect("WTERMSIG is SIGSEGV", term_sig(st), SIGSEGV);
}

/* ---- a read-only mapping ------------------------------------------------- */

static char *volatile ro_page;

static void write_ro_page(void)
{
	ro_page[5] = 'x';
}

static void write_to_read_only_is_accerr(void)
{
	ro_page = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect("mmap PROT_READ", ro_page != MAP_FAILED, 1);
	expect("it reads", ro_page[5], 0);
	catch(SIGSEGV, record_and_leave, 0);
	got_count = 0;
	if (sigsetjmp(back, 1) == 0)
		write_ro_page();
	expect("SIGSEGV caught", got_sig, SIGSEGV);
	expect("si_code is SEGV_ACCERR", got_code, SEGV_ACCERR);
	expect("si_addr is the byte written", (long)got_addr, (long)(ro_page + 5));
	uncatch(SIGSEGV);
	expect("uncaught, it ends a child: WTERMSIG is SIGSEGV", child_dies_by(write_ro_page), SIGSEGV);
}

static void make_writable(int sig, siginfo_t *si, void *ctx)
{
	record(sig, si, ctx);
	uintptr_t page = (uintptr_t)si->si_addr & ~(uintptr_t)4095;
	if (mprotect((void *)page, 4096, PROT_READ | PROT_WRITE))
		_exit(99);
}

/* Values in callee-saved registers across a write that faults: the
 * handler returns and the write is retried with them as they were. */
static long write_keeping_registers(char *at)
{
	long bad;

	__asm__ volatile("mov $0x1111, %%rbx\n"
			 "mov $0x1212, %%r12\n"
			 "mov $0x1313, %%r13\n"
			 "mov $0x1414, %%r14\n"
			 "mov $0x1515, %%r15\n"
			 "movb $'w', (%1)\n"
			 "xor %0, %0\n"
			 "cmp $0x1111, %%rbx\n	jz 1f\n	or $1, %0\n1:\n"
			 "cmp $0x1212, %%r12\n	jz 2f\n	or $2, %0\n2:\n"
			 "cmp $0x1313, %%r13\n	jz 3f\n	or $4, %0\n3:\n"
			 "cmp $0x1414, %%r14\n	jz 4f\n	or $8, %0\n4:\n"
			 "cmp $0x1515, %%r15\n	jz 5f\n	or $16, %0\n5:\n"
			 "cmp %1, %%rcx\n	jz 6f\n	or $32, %0\n6:\n"
			 : "=&a"(bad)
			 : "c"(at)
			 : "rbx", "r12", "r13", "r14", "r15", "memory", "cc");
	return bad;
}

static void handler_fixes_the_mapping_and_returns(void)
{
	char *p = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	expect("mmap PROT_READ", p != MAP_FAILED, 1);
	catch(SIGSEGV, make_writable, 0);
	got_count = 0;
	*(volatile char *)(p + 7) = 'v';   /* faults; the handler makes the page writable; retried */
	expect("the handler ran once", got_count, 1);
	expect("si_code is SEGV_ACCERR", got_code, SEGV_ACCERR);
	expect("the retried write landed", p[7], 'v');
	mprotect(p, 4096, PROT_READ);
	expect("registers kept across the handler (0: all)", write_keeping_registers(p + 9), 0);
	expect("the handler ran again", got_count, 2);
	expect("that write landed too", p[9], 'w');
	uncatch(SIGSEGV);
	munmap(p, 4096);
}

/* ---- the handler's context ---------------------------------------------- */

static volatile long rip_seen, rbx_seen;

static void step_over_ud2(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	record(sig, si, ctx);
	rip_seen = uc->uc_mcontext.gregs[REG_RIP];
	rbx_seen = uc->uc_mcontext.gregs[REG_RBX];
	uc->uc_mcontext.gregs[REG_RIP] += 2;       /* past the ud2 */
	uc->uc_mcontext.gregs[REG_RBX] = 0x5678;   /* and the thread sees this */
}

static void handler_steps_over_through_its_context(void)
{
	long rbx;

	catch(SIGILL, step_over_ud2, 0);
	got_count = 0;
	__asm__ volatile("mov $0x1234, %%rbx\n"
			 "ud2\n"
			 "mov %%rbx, %0\n"
			 : "=r"(rbx)::"rbx");
	expect("the handler ran once", got_count, 1);
	expect("gregs[REG_RIP] is the ud2 (si_addr)", rip_seen, (long)got_addr);
	expect("gregs[REG_RBX] is the thread's", rbx_seen, 0x1234);
	expect("the thread went on past it with the handler's rbx", rbx, 0x5678);
	uncatch(SIGILL);
}

/* ---- another thread ------------------------------------------------------- */

static pthread_t faulted_on;
static sigjmp_buf thread_back;

static void note_thread(int sig, siginfo_t *si, void *ctx)
{
	record(sig, si, ctx);
	faulted_on = pthread_self();
	siglongjmp(thread_back, 1);
}

static void *faulting_thread(void *arg)
{
	(void)arg;
	if (sigsetjmp(thread_back, 1) == 0)
		read_null();
	return (void *)1;
}

static void fault_in_another_thread(void)
{
	pthread_t t;
	void *ret = 0;

	catch(SIGSEGV, note_thread, 0);
	got_count = 0;
	faulted_on = 0;
	expect("pthread_create", pthread_create(&t, 0, faulting_thread, 0), 0);
	expect("pthread_join", pthread_join(t, &ret), 0);
	expect("the thread went on after its handler", (long)ret, 1);
	expect("the handler ran once", got_count, 1);
	expect("on the thread that faulted", pthread_equal(faulted_on, t), 1);
	uncatch(SIGSEGV);
}

/* ---- the alternate stack --------------------------------------------------- */

static char *volatile alt_base;
static volatile int on_alt;

static int recurse(int n)
{
	volatile char pad[4096];
	pad[0] = (char)n;
	if (n > 1 << 20)
		return 0;   /* never: the stack ends first */
	return recurse(n + 1) + pad[0];
}

static void on_overflow(int sig, siginfo_t *si, void *ctx)
{
	stack_t now;
	char here;

	record(sig, si, ctx);
	on_alt = sigaltstack(0, &now) == 0 && (now.ss_flags & SS_ONSTACK) && &here >= alt_base &&
		 &here < alt_base + SIGSTKSZ;
	stack_t other = { .ss_sp = alt_base, .ss_size = SIGSTKSZ };
	if (sigaltstack(&other, 0) != -1 || errno != EPERM)
		on_alt = 0;   /* changing it while on it: EPERM */
	siglongjmp(back, 1);
}

static void overflow_with_altstack(void)
{
	stack_t ss = { .ss_size = SIGSTKSZ }, old;

	alt_base = malloc(SIGSTKSZ);
	ss.ss_sp = alt_base;
	expect("no alternate stack at first", sigaltstack(0, &old) == 0 && (old.ss_flags & SS_DISABLE), 1);
	expect("sigaltstack", sigaltstack(&ss, 0), 0);
	expect("it reads back", sigaltstack(0, &old) == 0 && old.ss_sp == alt_base && old.ss_size == SIGSTKSZ &&
				      old.ss_flags == 0, 1);
	catch(SIGSEGV, on_overflow, SA_ONSTACK);
	got_count = 0;
	on_alt = 0;
	if (sigsetjmp(back, 1) == 0)
		recurse(0);
	expect("the overflow was caught", got_count, 1);
	expect("SIGSEGV with SEGV_MAPERR", got_sig == SIGSEGV && got_code == SEGV_MAPERR, 1);
	expect("on the alternate stack (and sigaltstack there: EPERM)", on_alt, 1);
	/* A fault on the ordinary stack with the same action: also there. */
	on_alt = 0;
	if (sigsetjmp(back, 1) == 0)
		read_null();
	expect("a NULL read with SA_ONSTACK runs there too", on_alt, 1);
	pid_t pid = fork();
	if (pid == 0) {
		stack_t child;
		_exit(sigaltstack(0, &child) == 0 && child.ss_sp == alt_base && child.ss_size == SIGSTKSZ ? 0 : 1);
	}
	int st = child_status(pid);
	expect("a forked child has it too", st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
	uncatch(SIGSEGV);
	ss.ss_flags = SS_DISABLE;
	expect("SS_DISABLE", sigaltstack(&ss, 0), 0);
	expect("disabled", sigaltstack(0, &old) == 0 && (old.ss_flags & SS_DISABLE), 1);
	free(alt_base);
}

static void overflow_caught_without_altstack(void)
{
	catch(SIGSEGV, record_and_leave, 0);   /* its frame cannot be built: the program ends */
	recurse(0);
}

static void overflow_without_altstack_ends(void)
{
	expect("a handler but no alternate stack: WTERMSIG is SIGSEGV",
	       child_dies_by(overflow_caught_without_altstack), SIGSEGV);
}

static void sigaltstack_errors(void)
{
	char small[64];
	stack_t ss = { .ss_sp = small, .ss_size = sizeof small };

	errno = 0;
	expect("smaller than MINSIGSTKSZ: ENOMEM", sigaltstack(&ss, 0) == -1 && errno == ENOMEM, 1);
	ss.ss_flags = 0x100;
	ss.ss_size = SIGSTKSZ;
	errno = 0;
	expect("unknown flags: EINVAL", sigaltstack(&ss, 0) == -1 && errno == EINVAL, 1);
}

/* ---- a fault in a handler whose signal is blocked ---------------------- */

static void fault_again(int sig)
{
	(void)sig;
	read_null();   /* SIGSEGV is blocked in its own handler */
}

static void fault_in_handler(void)
{
	struct sigaction sa = { .sa_handler = fault_again };
	sigaction(SIGSEGV, &sa, 0);
	read_null();
}

static void fault_while_blocked_ends(void)
{
	expect("a fault in its own handler (blocked): WTERMSIG is SIGSEGV", child_dies_by(fault_in_handler), SIGSEGV);
}

/* ---- a file mapping past the file's end ----------------------------------- */

#define PAGE 4096
static volatile char *volatile file_map;   /* three pages over a file of a page and 100 bytes */
static volatile char *volatile read_at;

static void read_byte(void)
{
	got_count += *read_at;
}

static void write_byte(void)
{
	*(volatile char *)read_at = 'w';
}

/* Which signal a read (or write) at p raises, caught: 0 for none. */
static int caught_at(volatile char *p, void (*access)(void))
{
	got_sig = 0;
	got_addr = 0;
	read_at = p;
	if (sigsetjmp(back, 1) == 0)
		access();
	return got_sig;
}

static void file_mapping_past_the_end_is_sigbus(void)
{
	char buf[PAGE + 100];
	int fd;

	mkdir("/sf", 0755);
	fd = open("/sf/short", O_RDWR | O_CREAT | O_TRUNC, 0644);
	memset(buf, 'f', sizeof buf);
	expect("a file of a page and 100 bytes", fd >= 0 && write(fd, buf, sizeof buf) == (ssize_t)sizeof buf, 1);
	file_map = mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect("mmap of three pages", file_map != MAP_FAILED, 1);
	catch(SIGBUS, record_and_leave, 0);
	catch(SIGSEGV, record_and_leave, 0);
	expect("the file's bytes", caught_at(file_map + PAGE + 99, read_byte) == 0 && file_map[PAGE + 99] == 'f', 1);
	expect("the rest of its last page: zeros, no signal",
	       caught_at(file_map + 2 * PAGE - 1, read_byte) == 0 && file_map[2 * PAGE - 1] == 0, 1);
	expect("a read of the page past the end: SIGBUS", caught_at(file_map + 2 * PAGE + 8, read_byte), SIGBUS);
	expect("si_code is BUS_ADRERR", got_code, BUS_ADRERR);
	expect("si_addr is the byte read", (long)got_addr, (long)(file_map + 2 * PAGE + 8));
	expect("a write there: SIGBUS", caught_at(file_map + 2 * PAGE + 16, write_byte), SIGBUS);
	expect("si_addr is the byte written", (long)got_addr, (long)(file_map + 2 * PAGE + 16));
	char *priv = mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	expect("a private mapping: SIGBUS past the end too",
	       priv != MAP_FAILED && caught_at(priv + 2 * PAGE, write_byte) == SIGBUS, 1);
	munmap(priv, 3 * PAGE);
	expect("ftruncate to 50", ftruncate(fd, 50), 0);
	expect("the second page is past the end now: SIGBUS", caught_at(file_map + PAGE, read_byte), SIGBUS);
	expect("the first still reads", caught_at(file_map + 60, read_byte) == 0 && file_map[60] == 0, 1);
	expect("ftruncate to three pages", ftruncate(fd, 3 * PAGE), 0);
	expect("the third page reads (zeros) again", caught_at(file_map + 2 * PAGE + 8, read_byte) == 0 &&
	       file_map[2 * PAGE + 8] == 0, 1);
	expect("ftruncate back to a page and 100 bytes", ftruncate(fd, PAGE + 100), 0);
	close(fd);
	uncatch(SIGBUS);
	uncatch(SIGSEGV);
	read_at = file_map + 2 * PAGE;
	expect("uncaught, it ends a child: WTERMSIG is SIGBUS", child_dies_by(read_byte), SIGBUS);
}

static void outside_every_mapping_is_sigsegv(void)
{
	volatile char *gone = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	expect("mmap and munmap a page", gone != MAP_FAILED && munmap((void *)gone, PAGE) == 0, 1);
	catch(SIGBUS, record_and_leave, 0);
	catch(SIGSEGV, record_and_leave, 0);
	expect("a read there: SIGSEGV", caught_at(gone + 12, read_byte), SIGSEGV);
	expect("si_code is SEGV_MAPERR", got_code, SEGV_MAPERR);
	expect("si_addr is the byte read", (long)got_addr, (long)(gone + 12));
	expect("past the file mapping's end (the page after it): SIGSEGV",
	       caught_at(file_map + 3 * PAGE, read_byte) == SIGSEGV && got_code == SEGV_MAPERR, 1);
	munmap((void *)file_map, 3 * PAGE);
	uncatch(SIGBUS);
	uncatch(SIGSEGV);
	read_at = gone + 12;
	expect("uncaught, it ends a child: WTERMSIG is SIGSEGV", child_dies_by(read_byte), SIGSEGV);
}

static const struct qtest_case cases[] = {
	{ "null_dereference_caught", null_dereference_caught },
	{ "null_dereference_uncaught_ends_with_sigsegv", null_dereference_uncaught_ends_with_sigsegv },
	{ "divide_by_zero_is_sigfpe", divide_by_zero_is_sigfpe },
	{ "ud2_is_sigill", ud2_is_sigill },
	{ "int3_is_sigtrap", int3_is_sigtrap },
	{ "write_to_read_only_is_accerr", write_to_read_only_is_accerr },
	{ "handler_fixes_the_mapping_and_returns", handler_fixes_the_mapping_and_returns },
	{ "handler_steps_over_through_its_context", handler_steps_over_through_its_context },
	{ "fault_in_another_thread", fault_in_another_thread },
	{ "overflow_with_altstack", overflow_with_altstack },
	{ "overflow_without_altstack_ends", overflow_without_altstack_ends },
	{ "sigaltstack_errors", sigaltstack_errors },
	{ "fault_while_blocked_ends", fault_while_blocked_ends },
	{ "file_mapping_past_the_end_is_sigbus", file_mapping_past_the_end_is_sigbus },
	{ "outside_every_mapping_is_sigsegv", outside_every_mapping_is_sigsegv },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}
