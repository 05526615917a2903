/*
 * mica/kip.h - the kernel information page (docs/abi.md).
 *
 * Mapped read-only at MICA_KIP_ADDR in every task.  Start-up code finds the
 * memory map, the boot modules with their command lines and the clock here.
 */
#ifndef MICA_KIP_H
#define MICA_KIP_H

#include <mica/types.h>

#define MICA_KIP_ADDR 0x00007fffffff0000ull
#define MICA_KIP_SIZE 0x4000u
#define MICA_KIP_MAGIC 0x3050494b4143494dull   /* "MICAKIP0" */
#define MICA_ABI_VERSION 1u

#define MICA_KIP_MEM_MAX 64
#define MICA_KIP_MODULES_MAX 32
#define MICA_KIP_NAME_MAX 64
#define MICA_KIP_CMDLINE_MAX 192

/* Memory map entries may overlap: a later entry says more about the range
 * it covers than an earlier one (the firmware's RAM first, then the
 * kernel's pool, image and the modules inside it).  User-pool RAM, what a
 * first pager can ask for (mica/boot.h), is USABLE RAM no later entry
 * covers. */
enum mica_mem_type {
	MICA_MEM_USABLE = 1,     /* RAM given to user level (less the kernel's own) */
	MICA_MEM_RESERVED = 2,   /* firmware, ACPI, holes */
	MICA_MEM_KERNEL = 3,     /* RAM the kernel keeps (its image, its page pool) */
	MICA_MEM_MODULE = 4,     /* RAM holding a boot module */
};

struct mica_kip_mem {
	uint64_t base;
	uint64_t size;
	uint32_t type;           /* enum mica_mem_type */
	uint32_t reserved;
};

struct mica_kip_module {
	uint64_t base;           /* physical address */
	uint64_t size;
	char name[MICA_KIP_NAME_MAX];       /* base name of the module's path */
	char cmdline[MICA_KIP_CMDLINE_MAX]; /* the whole command line: "path arg..." */
};

/* Feature bits. */
#define MICA_KIP_F_SSE (1u << 0)     /* user code may use x87/SSE; state is per thread */
#define MICA_KIP_F_SYSCALL (1u << 1) /* kernel entry by syscall/sysret */

struct mica_kip {
	uint64_t magic;
	uint32_t abi_version;
	uint32_t kernel_version;   /* major << 16 | minor */
	volatile uint64_t clock_us; /* microseconds since boot, advanced by the timer */
	uint64_t tsc_khz;          /* time-stamp counter frequency, for finer time */
	uint64_t tsc_at_boot;      /* TSC when clock_us was 0 */
	uint32_t cpu_count;
	uint32_t features;
	uint32_t mem_count;
	uint32_t module_count;
	struct mica_kip_mem mem[MICA_KIP_MEM_MAX];
	struct mica_kip_module modules[MICA_KIP_MODULES_MAX];
	char kernel_cmdline[MICA_KIP_CMDLINE_MAX];
	/* The wall clock when clock_us was 0: seconds since 1970-01-01 UTC from
	 * the CMOS RTC, read once by the kernel at boot (0: no RTC). */
	uint64_t rtc_at_boot;
};

#endif
