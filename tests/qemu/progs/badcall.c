/*
 * badcall.c - hostile arguments to the one system call there is: every
 * bad pointer, length, operation and call number is an error code, and
 * the program goes on.
 */
#include <libsys/debug.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/ipc.h>
#include <mica/syscall.h>

static int n;

static void expect(const char *what, long got, long want)
{
	mica_printf("%s %d - %s (got %ld, want %ld)\n", got == want ? "ok" : "not ok", ++n, what, got, want);
}

static long raw_syscall(unsigned long nr, unsigned long a, unsigned long b, unsigned long c)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return ret;
}

int main(void)
{
	static char ok_text[] = "badcall: printing works\n";

	expect("print of a valid buffer", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_PRINT, (unsigned long)ok_text, sizeof ok_text - 1), MICA_OK);
	expect("print from kernel memory is EFAULT",
	       mica_debug(MICA_BOOT_LOG, MICA_DEBUG_PRINT, 0xffffffff80100000ul, 16), MICA_EFAULT);
	expect("print from an unmapped page is EFAULT", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_PRINT, 0x10000000ul, 16), MICA_EFAULT);
	expect("print crossing the end of user space is EFAULT",
	       mica_debug(MICA_BOOT_LOG, MICA_DEBUG_PRINT, 0x00007ffffffffff0ul, 64), MICA_EFAULT);
	expect("print with a wrapping length is EINVAL", mica_debug(MICA_BOOT_LOG, MICA_DEBUG_PRINT, (unsigned long)ok_text, ~0ul),
	       MICA_EINVAL);
	expect("print of one byte more than MICA_DEBUG_PRINT_MAX is EINVAL",
	       mica_debug(MICA_BOOT_LOG, MICA_DEBUG_PRINT, (unsigned long)ok_text, MICA_DEBUG_PRINT_MAX + 1), MICA_EINVAL);
	expect("unknown debug operation is EINVAL", mica_debug(MICA_BOOT_LOG, 99, 0, 0), MICA_EINVAL);
	expect("panic without panic-test is EPERM", mica_debug(MICA_CAP_NULL, MICA_DEBUG_PANIC, 0, 0), MICA_EPERM);
	expect("unknown system call is ENOSYS", raw_syscall(12345, 0, 0, 0), MICA_ENOSYS);
	expect("IPC with no phase is the null call", raw_syscall(MICA_SYS_IPC, 0, 0, 0), MICA_OK);
	expect("IPC send to an empty slot is EBADCAP", raw_syscall(MICA_SYS_IPC, (77 << MICA_IPC_SLOT_SHIFT) | MICA_IPC_SEND, 0, 0),
	       MICA_EBADCAP);
	expect("IPC send to a slot beyond the table is EBADCAP",
	       raw_syscall(MICA_SYS_IPC, (0xfffffffful << MICA_IPC_SLOT_SHIFT) | MICA_IPC_SEND, 0, 0), MICA_EBADCAP);
	expect("IPC closed receive alone is EINVAL", raw_syscall(MICA_SYS_IPC, MICA_IPC_RECV, 0, 0), MICA_EINVAL);
	expect("IPC reply without a caller is EGONE", raw_syscall(MICA_SYS_IPC, MICA_IPC_REPLY, 0, 0), MICA_EGONE);
	expect("IPC with 65 words is E2BIG", raw_syscall(MICA_SYS_IPC, (1 << MICA_IPC_SLOT_SHIFT) | MICA_IPC_SEND, 65, 0),
	       MICA_E2BIG);
	expect("IPC open wait with timeout zero is ETIMEOUT",
	       raw_syscall(MICA_SYS_IPC, MICA_IPC_OPEN, 0, mica_timeouts(0, MICA_TIMEOUT_ZERO)), MICA_ETIMEOUT);
	mica_printf("1..%d\n", n);
	return 0;
}
