/*
 * fuzz_gen.c - the random values of the kernel fuzzer: slots, rights,
 * addresses, lengths, flexpages, timeouts, labels, whole messages and
 * buffer registers, each drawn from classes built to hit the edges (0,
 * the last valid value and the first invalid one, kernel and
 * non-canonical addresses, sizes beyond every limit) besides plain
 * random words.
 *
 * One rule keeps the fuzzer itself sane: memory the kernel may write for
 * us (string buffers, meminfo) is chosen only where nothing matters (the
 * scratch pages, the pager's zero-fill region) or where no write can land,
 * and flexpages are only mapped where they cannot cover the image the
 * fuzzed tasks share with the supervisor.
 */
#include "fuzz.h"

#include <mica/kip.h>

extern char __executable_start[];

uint8_t fz_scratch[FZ_SCRATCH_PAGES][4096] __attribute__((aligned(4096)));
uint8_t fz_pool[FZ_POOL_PAGES][4096] __attribute__((aligned(4096)));

uint64_t fz_seed(uint64_t seed, uint64_t stream)
{
	/* splitmix64 of both */
	uint64_t z = seed + 0x9e3779b97f4a7c15ull * (stream + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return z ? z : 0x1234567;
}

uint64_t fz_slot(uint64_t *s)
{
	static const uint64_t far[] = { 4095, 4096, 4097, 1ull << 20, 1ull << 32, 1ull << 51, 1ull << 52, ~0ull,
					~0ull >> 12, 0x8000000000000000ull };
	unsigned c = fz_below(s, 100);

	if (c < 4)
		return 0;
	if (c < 8)
		return 1 + fz_below(s, 15);                    /* T's fixed capabilities and scratch slots */
	if (c < 86)
		return T_OBJ + fz_below(s, T_OBJ_END - T_OBJ);  /* the objects */
	if (c < 92)
		return 64 + fz_below(s, 4096 - 64);              /* a new leaf of the table */
	if (c < 98)
		return far[fz_below(s, sizeof far / sizeof far[0])];
	return fz_rand(s);
}

unsigned fz_rights(uint64_t *s)
{
	return fz_chance(s, 90) ? fz_below(s, 8) : (unsigned)fz_rand(s);
}

/* ---- addresses ---------------------------------------------------------------- */

enum { AC_SCRATCH, AC_ZERO, AC_NULL, AC_UNMAPPED, AC_KERNEL, AC_NONCANON, AC_KIP, AC_UTCB, AC_TEXT, AC_TOP,
       AC_RANDOM, AC_WRITABLE_CLASSES, AC_RX = AC_WRITABLE_CLASSES, AC_DATA, AC_CLASSES };

static uint64_t in_class(uint64_t *s, unsigned c, uint64_t *room)
{
	static const uint64_t kernel[] = { 0xffff800000000000ull, 0xffffffff80100000ull, 0xffffff0000000000ull,
					   0xffff800000100000ull, 0xfffffffffffff000ull };
	static const uint64_t noncanon[] = { 0x0000800000000000ull, 0x8000000000000000ull, 0x0000fffffffff000ull,
					     0x00007ffffffff000ull + 0x1000, 0x7fffffffffffffffull };
	uint64_t a;

	*room = ~0ull;
	switch (c) {
	case AC_SCRATCH:
		a = (uint64_t)fz_scratch + fz_below(s, sizeof fz_scratch);
		if (fz_chance(s, 50))
			a &= ~0xfffull;
		*room = (uint64_t)fz_scratch + sizeof fz_scratch - a;
		return a;
	case AC_ZERO:
		a = FZ_ZERO + 4096ull * fz_below(s, 64) + (fz_chance(s, 70) ? 0 : fz_below(s, 4096));
		*room = FZ_ZERO + FZ_REGION_SIZE - a;
		return a;
	case AC_NULL: return fz_chance(s, 50) ? 0 : fz_below(s, 8192);
	case AC_UNMAPPED: return 0x10000000ull + 4096ull * fz_below(s, 1 << 16) + fz_below(s, 4096);
	case AC_KERNEL: return kernel[fz_below(s, sizeof kernel / sizeof kernel[0])] + 8 * fz_below(s, 512);
	case AC_NONCANON: return noncanon[fz_below(s, sizeof noncanon / sizeof noncanon[0])];
	case AC_KIP: return MICA_KIP_ADDR + fz_below(s, MICA_KIP_SIZE);
	case AC_UTCB: return FZ_ACTOR_UTCB + 4096ull * fz_below(s, FZ_ACTOR_UTCBS) + 8 * fz_below(s, 128);
	case AC_TEXT: return (uint64_t)__executable_start + fz_below(s, 4096);
	case AC_TOP: return FZ_USER_END - 1 - fz_below(s, 8192);
	case AC_RX: return FZ_RX + 4096ull * fz_below(s, 64) + fz_below(s, 4096);
	case AC_DATA: return fz.image_lo + fz_below(s, (unsigned)(fz.image_hi - fz.image_lo));
	default: return fz_rand(s);
	}
}

uint64_t fz_addr_read(uint64_t *s)
{
	uint64_t room;

	return in_class(s, fz_below(s, AC_CLASSES), &room);
}

uint64_t fz_addr_write(uint64_t *s, uint64_t *len)
{
	uint64_t room;
	unsigned c = fz_below(s, 100) < 45 ? (fz_chance(s, 70) ? AC_SCRATCH : AC_ZERO) : fz_below(s, AC_WRITABLE_CLASSES);
	uint64_t a = in_class(s, c, &room);

	/* A random word might land in the image: keep only those that cannot. */
	if (c == AC_RANDOM && a < FZ_USER_END)
		a |= 0x8000000000000000ull;
	if (*len > room)
		*len = room;
	return a;
}

uint64_t fz_len(uint64_t *s)
{
	static const uint64_t edges[] = { 0, 1, 7, 8, 15, 16, 100, 239, 240, 241, 255, 256, 257, 4095, 4096, 4097,
					  8192, 65536, 1u << 20, (1u << 20) + 1, 0x7fffffff, 0xffffffff };
	unsigned c = fz_below(s, 10);

	if (c < 7)
		return edges[fz_below(s, sizeof edges / sizeof edges[0])];
	if (c < 9)
		return fz_below(s, 512);
	return (uint32_t)fz_rand(s);
}

/* ---- flexpages ---------------------------------------------------------------- */

static unsigned image_order(void)
{
	unsigned o = 12;

	while (o < 47 && (fz.image_lo >> o) != ((fz.image_hi - 1) >> o))
		o++;
	return o;
}

static unsigned small_order(uint64_t *s)
{
	unsigned c = fz_below(s, 100);

	if (c < 55)
		return 12;
	if (c < 85)
		return 13 + fz_below(s, 10);
	if (c < 92)
		return 23 + fz_below(s, 25);    /* up to 47 */
	if (c < 96)
		return fz_below(s, 12);         /* too small */
	return 48 + fz_below(s, 16);        /* too large */
}

static mica_word_t aligned(uint64_t base, unsigned order, unsigned rights)
{
	if (order < 64)
		base &= ~((1ull << order) - 1);
	return mica_fpage(base, order, rights);
}

/* A "small safe" flexpage: a scratch or pool page, what may go anywhere. */
static int safe_source(mica_word_t f)
{
	uint64_t b = mica_fpage_base(f);

	return mica_fpage_order(f) == 12 &&
	       ((b >= (uint64_t)fz_scratch && b < (uint64_t)fz_scratch + sizeof fz_scratch) ||
		(b >= (uint64_t)fz_pool && b < (uint64_t)fz_pool + sizeof fz_pool));
}

mica_word_t fz_fpage_src(uint64_t *s)
{
	unsigned r = fz_chance(s, 80) ? MICA_RWX : fz_below(s, 8);
	unsigned c = fz_below(s, 100);

	if (c < 25)
		return mica_fpage((uint64_t)fz_scratch[fz_below(s, FZ_SCRATCH_PAGES)], 12, r);
	if (c < 35)
		return mica_fpage((uint64_t)fz_pool[fz_below(s, FZ_POOL_PAGES)], 12, r);
	if (c < 50)
		return aligned(FZ_ZERO + 4096ull * fz_below(s, 64), small_order(s), r);
	if (c < 62)
		return aligned(FZ_RX + 4096ull * fz_below(s, 64), small_order(s), r);
	if (c < 72)
		return aligned(fz.image_lo, fz_chance(s, 70) ? image_order() : small_order(s), r);
	if (c < 78)
		return mica_fpage(0, 36 + fz_below(s, 12), r);       /* everything low, up to the whole space */
	if (c < 84)
		return mica_fpage(fz.image_lo + 4096ull * fz_below(s, 64), 12, r);   /* a page of the image */
	if (c < 88)
		return mica_fpage(0xffff800000000000ull, 12 + fz_below(s, 30), r);
	if (c < 94)
		return mica_fpage(fz_rand(s), fz_below(s, 64), r);   /* unaligned, any order */
	return fz_rand(s);
}

uint64_t fz_map_dest(uint64_t *s, mica_word_t f)
{
	unsigned order = mica_fpage_order(f);
	uint64_t size = order < 64 ? 1ull << order : 0;
	unsigned c = fz_below(s, 100);

	if (safe_source(f) && c < 15)
		return c < 12 ? FZ_ACTOR_UTCB + 4096ull * fz_below(s, FZ_ACTOR_UTCBS) : MICA_KIP_ADDR + 4096ull * fz_below(s, 4);
	if (c < 60 && order <= 30)
		return FZ_RX + (size ? (4096ull * fz_below(s, 1 << 16)) & ~(size - 1) : 0);
	if (c < 70 && order > 30 && order < 47)
		return size * (1 + fz_below(s, (unsigned)((FZ_USER_END / size) - 1)));   /* never 0: the image */
	if (c < 72 && order == 47)
		return 0;   /* the whole space onto itself */
	if (c < 80)
		return FZ_RX + 4096ull * fz_below(s, 64) + 8;   /* unaligned */
	if (c < 86)
		return 0xffff800000000000ull;
	if (c < 92)   /* the last aligned place (where the kernel may write for us: small safe pages only), or past it */
		return safe_source(f) ? FZ_USER_END - 4096 : FZ_USER_END - (size ? size : 4096) + 4096;
	return (fz_rand(s) | 0x8000000000000000ull) & ~0xfffull;
}

mica_word_t fz_window(uint64_t *s)
{
	unsigned c = fz_below(s, 100);

	if (c < 15)
		return 0;
	if (c < 75) {
		unsigned order = 12 + fz_below(s, 19);   /* up to 1 GiB: the RX region */
		return mica_fpage(FZ_RX + ((4096ull * fz_below(s, 1 << 18)) & ~((1ull << order) - 1)), order,
				  fz_chance(s, 80) ? MICA_RWX : fz_below(s, 8));
	}
	if (c < 82)
		return mica_fpage(FZ_RX + 4096, 14, MICA_RWX);   /* unaligned */
	if (c < 88)
		return mica_fpage(FZ_RX, fz_chance(s, 50) ? fz_below(s, 12) : 48 + fz_below(s, 16), MICA_RWX);
	if (c < 94)
		return mica_fpage(0xffff800000000000ull, 12, MICA_RWX);
	return fz_rand(s) | 0x8000000000000000ull;   /* never a valid window over the image */
}

uint64_t fz_send_base(uint64_t *s)
{
	/* Only bases that land nowhere near the image, whatever the sizes
	 * (fuzz.h: the RX region, or the top half of user space). */
	unsigned c = fz_below(s, 4);

	if (c < 2)
		return FZ_RX + 4096ull * fz_below(s, 1 << 18);
	if (c < 3)
		return 0x400000000000ull + (fz_rand(s) & 0x3ffffffff000ull);
	return FZ_RX + (fz_rand(s) & 0x3ffff000ull);
}

mica_word_t fz_iofpage(uint64_t *s)
{
	static const unsigned ports[] = { 0x80, 0x3ff, 0x3f8, 0x20, 0xa0, 0x40, 0x60, 0xf4, 0, 0xffff, 0xcf8 };

	if (fz_chance(s, 10))
		return fz_rand(s);
	unsigned order = fz_chance(s, 70) ? fz_below(s, 3) : fz_below(s, 24);
	unsigned port = fz_chance(s, 80) ? ports[fz_below(s, sizeof ports / sizeof ports[0])] : fz_below(s, 0x10000);
	return mica_io_fpage(port, order);
}

static uint32_t one_timeout(uint64_t *s, int may_block)
{
	unsigned c = fz_below(s, 100);

	if (c < 35)
		return MICA_TIMEOUT_ZERO;
	if (c < 70)
		return 1 + fz_below(s, 2000);
	if (c < 80)
		return may_block ? 2000 + fz_below(s, 18000) : 2000 + fz_below(s, 3000);
	if (c < 85)
		return may_block ? 0xfffffffeu : 1;
	if (c < 95)
		return may_block ? MICA_TIMEOUT_NEVER : MICA_TIMEOUT_ZERO;
	uint32_t r = (uint32_t)fz_rand(s);
	return may_block || r == MICA_TIMEOUT_ZERO ? r : r % 5000 + 1;
}

mica_word_t fz_timeouts(uint64_t *s, int may_block)
{
	uint32_t snd = one_timeout(s, may_block);

	return mica_timeouts(snd, one_timeout(s, may_block));
}

mica_sword_t fz_label(uint64_t *s)
{
	unsigned c = fz_below(s, 100);

	if (c < 15)
		return 0;
	if (c < 35)
		return 1 + fz_below(s, 100);
	if (c < 75)
		return 0xf000 + (fz_chance(s, 70) ? fz_below(s, 8) : fz_chance(s, 50) ? 0x10 + fz_below(s, 2) : fz_below(s, 256));
	if (c < 80)
		return 0xf100 + fz_below(s, 256);
	if (c < 85)
		return 0xefff;
	if (c < 90)
		return -(mica_sword_t)fz_below(s, 20);
	return (mica_sword_t)fz_rand(s) >> 16;
}

/* One typed item at MR[k], MR[k+1]. */
static void item(uint64_t *s, mica_word_t *w)
{
	unsigned c = fz_below(s, 100);
	int grant = fz_chance(s, 20);

	if (c < 30) {
		w[0] = mica_item_cap(fz_rights(s), grant) | (fz_chance(s, 5) ? fz_rand(s) & ~0xfull : 0);
		w[1] = fz_slot(s);
		fz_count(C_ITEM + MICA_ITEM_CAP, 1);
	} else if (c < 55) {
		w[0] = mica_item_string((uint32_t)fz_len(s)) | (fz_chance(s, 5) ? fz_rand(s) & 0xfff0 : 0);
		w[1] = fz_addr_read(s);
		fz_count(C_ITEM + MICA_ITEM_STRING, 1);
	} else if (c < 77) {
		w[0] = mica_item_mem(fz_send_base(s), grant);
		w[1] = fz_chance(s, 5) ? 0 : fz_fpage_src(s);
		fz_count(C_ITEM + MICA_ITEM_MEM, 1);
	} else if (c < 87) {
		w[0] = mica_item_io() | (grant ? MICA_ITEM_F_GRANT : 0);
		w[1] = fz_iofpage(s);
		fz_count(C_ITEM + MICA_ITEM_IO, 1);
	} else {
		static const unsigned bad[] = { MICA_ITEM_NONE, 5, 7, 15 };
		w[0] = bad[fz_below(s, 4)] | (fz_rand(s) & ~0xfull);
		w[1] = fz_rand(s);
		fz_count(C_ITEM + 0, 1);
	}
}

mica_word_t fz_message(uint64_t *s, struct mica_utcb *u, unsigned max_words)
{
	unsigned c = fz_below(s, 100);
	unsigned words = c < 50 ? fz_below(s, 4) : c < 85 ? fz_below(s, 17) : c < 95 ? fz_below(s, 65) : fz_below(s, 128);
	unsigned items = fz_chance(s, 50) ? 0 : fz_chance(s, 85) ? 1 + fz_below(s, 3) : fz_below(s, 32);
	mica_sword_t label = fz_label(s);

	if (words > max_words && fz_chance(s, 90))
		words = max_words;
	for (unsigned i = 0; i < words && i < MICA_MR_COUNT; i++)
		u->mr[i] = fz_chance(s, 50) ? fz_below(s, 16) : fz_chance(s, 50) ? fz_slot(s) : fz_rand(s);
	for (unsigned i = 0; i < items && words + 2 * i + 1 < MICA_MR_COUNT; i++)
		item(s, &u->mr[words + 2 * i]);
	if (label >= 0xf000 && label <= 0xf0ff)
		fz_count(C_KPROTO, 1);
	return mica_tag(label, words, items, fz_chance(s, 90) ? 0 : fz_below(s, 16));
}

/* A string buffer over the receiving thread's own UTCB (the kernel must
 * refuse it: a string written there would rewrite the message). */
static void utcb_buffer(uint64_t *s, struct mica_utcb *u, unsigned b)
{
	if (b + 1 >= MICA_BR_COUNT)
		return;
	u->br[b] = (uint64_t)u - 64 + fz_below(s, MICA_UTCB_SIZE + 64);
	u->br[b + 1] = 1 + fz_below(s, fz_chance(s, 50) ? 65 : 2 * MICA_UTCB_SIZE);
}

void fz_buffers(uint64_t *s, struct mica_utcb *u)
{
	unsigned ncaps = fz_chance(s, 40) ? 0 : fz_chance(s, 80) ? 1 + fz_below(s, 4) : fz_below(s, 32);
	unsigned nstr = fz_chance(s, 30) ? 0 : fz_chance(s, 85) ? 1 + fz_below(s, 3) : fz_below(s, 32);
	unsigned flags = (fz_chance(s, 30) ? MICA_BR_LOCAL_ID : 0) | (fz_chance(s, 30) ? MICA_BR_ACCEPT_IO : 0);
	unsigned b = MICA_BR_FIRST;

	u->br[MICA_BR_WINDOW] = fz_window(s);
	u->br[MICA_BR_DESC] = mica_br_desc(ncaps, nstr, flags) | (fz_chance(s, 5) ? fz_rand(s) & ~0x31f1full : 0);
	for (unsigned i = 0; i < ncaps && b < MICA_BR_COUNT; i++)
		u->br[b++] = fz_slot(s);
	for (unsigned i = 0; i < nstr && b + 1 < MICA_BR_COUNT; i++) {
		uint64_t len = fz_len(s);
		u->br[b] = fz_addr_write(s, &len);
		u->br[b + 1] = len;
		b += 2;
	}
	/* The rest of the registers: nothing a string may be written to. */
	for (; b < MICA_BR_COUNT; b++)
		u->br[b] = (b & 1) ? 0 : 0xffff800000000000ull;
	if (nstr && fz_chance(s, 10))
		utcb_buffer(s, u, MICA_BR_FIRST + ncaps + 2 * fz_below(s, nstr));
}

uint64_t fz_actor_utcb(uint64_t *s)
{
	unsigned c = fz_below(s, 100);

	if (c < 90)
		return FZ_ACTOR_UTCB + 4096ull * fz_below(s, FZ_ACTOR_UTCBS);
	if (c < 92)
		return FZ_ACTOR_UTCB + 8;
	if (c < 94)
		return MICA_KIP_ADDR;
	if (c < 96)
		return 0xffff800000000000ull;
	if (c < 98)
		return FZ_USER_END;
	return FZ_DRIVER_UTCB;   /* in use */
}
