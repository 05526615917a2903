/*
 * fuzz.h - what the parts of the kernel fuzzer share (fuzz.c runs the
 * rounds, fuzz_gen.c draws random values, fuzz_ops.c is the drivers' table
 * of operations, fuzz_actors.c the threads they start and the pager).
 *
 * A round works inside one sub-factory F of the boot program: the
 * supervisor (the boot thread, in the boot task) creates from F a fuzz task
 * T, a second task U and a pager task P, each with the program's image
 * mapped at the same addresses, and starts driver threads in T.  The
 * drivers hold only capabilities to objects made from F (and read-only
 * ones to the Log and the Icu): whatever they do stays inside F, which the
 * supervisor destroys at the end of the round before checking the kernel's
 * accounting.  The supervisor keeps its own state on its stack, which no
 * fuzzed task can reach: the image's data is shared with them.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <libsys/debug.h>
#include <libsys/ipc.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/ipc.h>
#include <mica/syscall.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- the address map of the fuzzed tasks (T, U, P and the tasks the
 * drivers make); the image sits where it is linked, near 4 MiB ---------- */
#define FZ_ZERO 0x0000000800000000ull        /* 32 GiB: the pager maps pool pages on faults here */
#define FZ_RX 0x0000001000000000ull          /* 64 GiB: receive windows and mem_map targets */
#define FZ_REGION_SIZE (1ull << 30)
#define FZ_DRIVER_UTCB 0x00007fff80000000ull /* drivers' UTCBs (never a fuzzed address) */
#define FZ_ACTOR_UTCB 0x00007fff90000000ull  /* the UTCBs of threads the drivers start */
#define FZ_ACTOR_UTCBS 64
#define FZ_PAGER_UTCB 0x00007fffa0000000ull  /* the pager task's threads */
#define FZ_SENDER_UTCB 0x00007fffb0000000ull /* huge_senders' threads, FZ_SENDER_SPAN a driver */
#define FZ_SENDER_SPAN 0x400000ull
#define FZ_USER_END MICA_USER_END

/* ---- the capability table of T ------------------------------------------ */
/* The Log where a boot program has it (MICA_BOOT_LOG): the drivers' and
 * actors' mica_printf (verbose runs) goes through it. */
enum {
	T_SELF = 1, T_FACTORY, T_U, T_ICU, T_LOG, T_PAGER_GATE, T_EXC_GATE, T_SELF2,
	T_TMP = 10,          /* 10..15: the drivers' scratch slots (10 + driver) */
	T_OBJ = 16,          /* 16..63: what the drivers create */
	T_OBJ_END = 64,
};
_Static_assert((int)T_LOG == (int)MICA_BOOT_LOG, "the fuzzed threads print through T_LOG");

/* ---- sizes ------------------------------------------------------------------- */
#define FZ_DRIVERS_MAX 4
#define FZ_STACKS 64
#define FZ_STACK_SIZE 8192
/* The drivers' MCP, below their priority (fuzz.c): nothing they make or
 * raise runs above them. */
#define FZ_DRIVER_MCP 110
#define FZ_SCRATCH_PAGES 8
#define FZ_POOL_PAGES 32

/* ---- coverage: what the round's threads did ------------------------------------ */
enum fz_cover {
	/* objects created and destroyed (index: Kobject.info type) */
	C_CREATED = 0, C_DESTROYED = 8,
	/* items sent, by type (0 none/unknown, 1 cap, 2 mem, 3 io, 4 string) */
	C_ITEM = 16,
	C_ITEM_OK = 21,          /* an IPC with items that went through */
	C_ACTOR = 24,            /* actors started, by kind */
	C_FAULT_SERVED = 40, C_FAULT_HOPELESS, C_EXC_RESUMED, C_EXC_REFUSED, C_EXREGS_BLOCKED,
	C_DESTROY_BLOCKED, C_UNMAP_MAPPED, C_ENOMEM, C_ETIMEOUT, C_ECANCELED, C_EGONE, C_EFAULT, C_EOVERFLOW,
	C_ENOBUF, C_IPC_OK, C_KPROTO, C_GEN_FUZZ, C_GEN_BAD, C_DEBUG, C_IRQ_RECV, C_WATCHDOG, C_CHECK_BAD,
	C_RIGHTS_BAD,            /* a message went through a gate copy without W */
	/* the architecture's classes: fs/gs not a thread's own, a revoked port that worked */
	C_SEG_BAD, C_PORT_BAD,
	C_MCP_BAD,               /* a priority or MCP above the driver's MCP, or a slice too long, accepted */
	C_MCP_EPERM,             /* one refused for the MCP */
	C_OP = 72,               /* driver operations, by index in the table */
	C_COUNT = 128,
};

/* What the round's threads share with the supervisor (in the image: any
 * fuzzed task can scribble on it, so the supervisor only reads numbers). */
struct fz_shared {
	uint64_t round_seed;
	unsigned ndrivers, ops_per_driver, verbose;
	volatile int stop;
	volatile uint64_t done[FZ_DRIVERS_MAX];     /* operations finished */
	volatile int finished[FZ_DRIVERS_MAX];
	volatile uint64_t hash[FZ_DRIVERS_MAX];     /* of the results, for replays */
	volatile uint64_t calls;                    /* system calls of drivers and actors */
	volatile uint64_t cover[C_COUNT];
	volatile unsigned next_stack;
	volatile uint8_t known[8][16];              /* slots of T recently given objects, by type */
	volatile unsigned nknown[8];
	volatile uint8_t actor_at[T_OBJ_END];        /* 1 + the actor kind started in T's slot */
	uint64_t image_lo, image_hi;                /* [lo, hi) page-aligned */
	volatile int port_revoke_asked;             /* a driver asked the supervisor to take T's port back */
	volatile int port_gone;                     /* the supervisor took it back: no task has it now */
};
extern struct fz_shared fz;

extern uint8_t fz_scratch[FZ_SCRATCH_PAGES][4096];
extern uint8_t fz_pool[FZ_POOL_PAGES][4096];
extern uint8_t fz_stacks[FZ_STACKS][FZ_STACK_SIZE];

static inline void fz_count(unsigned what, uint64_t n)
{
	if (what < C_COUNT)
		__atomic_fetch_add(&fz.cover[what], n, __ATOMIC_RELAXED);
}

void fz_note_err(int err);   /* counts the interesting error codes */

/* ---- random numbers: xorshift64*, one state per thread ------------------------- */
static inline uint64_t fz_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}
static inline unsigned fz_below(uint64_t *s, unsigned n) { return n ? (unsigned)((fz_rand(s) >> 16) % n) : 0; }
static inline int fz_chance(uint64_t *s, unsigned percent) { return fz_below(s, 100) < percent; }
/* A well-mixed, never-zero state from a seed and a stream number. */
uint64_t fz_seed(uint64_t seed, uint64_t stream);

/* ---- values built to hit the edges (fuzz_gen.c) ----------------------------------- */
uint64_t fz_slot(uint64_t *s);                 /* 0, boot-like, object, far, beyond the table */
unsigned fz_rights(uint64_t *s);
uint64_t fz_addr_read(uint64_t *s);            /* for memory the kernel reads */
/* For memory the kernel writes: *len is clamped so that a writable choice
 * never reaches past its scratch area (what lies beyond is shared). */
uint64_t fz_addr_write(uint64_t *s, uint64_t *len);
uint64_t fz_len(uint64_t *s);
mica_word_t fz_fpage_src(uint64_t *s);         /* a flexpage of the sender's */
uint64_t fz_map_dest(uint64_t *s, mica_word_t fpage);   /* where mem_map puts it */
mica_word_t fz_window(uint64_t *s);            /* a receive window */
uint64_t fz_send_base(uint64_t *s);
mica_word_t fz_iofpage(uint64_t *s);
mica_word_t fz_timeouts(uint64_t *s, int may_block);
mica_sword_t fz_label(uint64_t *s);
/* Fill MR[0..words-1] and `items` items after them; returns the tag. */
mica_word_t fz_message(uint64_t *s, struct mica_utcb *u, unsigned max_words);
/* Random buffer registers (what the calling thread accepts). */
void fz_buffers(uint64_t *s, struct mica_utcb *u);
uint64_t fz_actor_utcb(uint64_t *s);

/* ---- the raw IPC system call, counted ------------------------------------------------ */
static inline int fz_ipc(mica_word_t op, mica_word_t tag, mica_word_t timeouts, mica_word_t *rtag,
			 mica_word_t *rlabel)
{
	__atomic_fetch_add(&fz.calls, 1, __ATOMIC_RELAXED);
	return mica_ipc(op, tag, timeouts, rtag, rlabel);
}
static inline mica_word_t fz_op(uint64_t slot, unsigned flags)
{
	return (slot << 12) | flags;
}

/* ---- threads (fuzz_actors.c) ------------------------------------------------------------ */
enum fz_actor {
	A_SERVER, A_CLIENT, A_FAULTER, A_EXCEPTIONS, A_SPINNER, A_STRINGS, A_WAITER, A_PAGER_LIKE, A_SEGMENTS,
	A_PORTS, A_KINDS
};
extern void (*const fz_actor_fn[A_KINDS])(void *);
extern const char *const fz_actor_name[A_KINDS];
/* Where a thread ex_regs-ed elsewhere may land: code that needs no stack. */
void fz_land_wait(void), fz_land_spin(void), fz_land_ud2(void), fz_land_kfault(void);
/* A sender that needs no stack: its sp is the IPC operation word (a gate's
 * slot and MICA_IPC_SEND, with or without RECV), which it uses without a
 * timeout for as long as that succeeds, then goes to fz_land_wait. */
void fz_land_call(void);
extern volatile uint64_t fz_senders_released;   /* fz_land_call's threads whose IPC failed */
/* A stack for a new thread holding mica_thread_entry's (fn, arg, 0);
 * returns the stack pointer to start it with. */
uint64_t fz_stack_for(void (*fn)(void *), uint64_t arg);
void mica_thread_entry(void);

void fz_driver(void *arg);
void fz_pager(void *arg);
void fz_exc_handler(void *arg);

/* The table of driver operations (fuzz_ops.c). */
struct fz_drv;
struct fz_opdesc {
	const char *name;
	unsigned weight;
	void (*fn)(struct fz_drv *d);
};
extern const struct fz_opdesc fz_ops[];
extern const unsigned fz_nops;

#endif
