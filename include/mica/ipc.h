/*
 * mica/ipc.h - the IPC message format: tag, UTCB, typed items, flexpages and
 * receive buffers.  Shared by the kernel, libsys and the IDL compiler's
 * generated code; docs/abi.md explains it with examples.
 *
 * A message is a tag plus `words` untyped words in the message registers
 * MR[0..words-1], followed by `items` typed items of two words each in
 * MR[words..words+2*items-1].  Protocols generated from idl/ put the opcode
 * in MR[0] and the protocol number in the tag's label; a reply carries the
 * handler's result (0 or -error) as its label.
 */
#ifndef MICA_IPC_H
#define MICA_IPC_H

#include <mica/types.h>

/* ---- message tag ----------------------------------------------------------
 * bits  0..6   words  (untyped message words, 0..MICA_MR_COUNT)
 * bits  7..11  items  (typed items, 2 words each)
 * bits 12..15  flags
 * bits 16..63  label  (signed: protocol on a request, result on a reply)
 */
#define MICA_MR_COUNT 64   /* message registers in the UTCB */
#define MICA_BR_COUNT 32   /* buffer registers in the UTCB */
#define MICA_ITEMS_MAX 31

#define MICA_TAG_WORDS_SHIFT 0
#define MICA_TAG_ITEMS_SHIFT 7
#define MICA_TAG_FLAGS_SHIFT 12
#define MICA_TAG_LABEL_SHIFT 16

/* The tag flag set by the kernel on a message sent by an Irq. */
#define MICA_TAG_F_IRQ (1u << 0)

static inline mica_word_t mica_tag(mica_sword_t label, unsigned words, unsigned items, unsigned flags)
{
	return ((mica_word_t)label << MICA_TAG_LABEL_SHIFT) | ((mica_word_t)(flags & 0xf) << MICA_TAG_FLAGS_SHIFT) |
	       ((mica_word_t)(items & 0x1f) << MICA_TAG_ITEMS_SHIFT) | (mica_word_t)(words & 0x7f);
}
static inline unsigned mica_tag_words(mica_word_t t) { return t & 0x7f; }
static inline unsigned mica_tag_items(mica_word_t t) { return (t >> MICA_TAG_ITEMS_SHIFT) & 0x1f; }
static inline unsigned mica_tag_flags(mica_word_t t) { return (t >> MICA_TAG_FLAGS_SHIFT) & 0xf; }
static inline mica_sword_t mica_tag_label(mica_word_t t) { return (mica_sword_t)t >> MICA_TAG_LABEL_SHIFT; }

/* ---- UTCB: the per-thread user page area the kernel reads and writes ------ */
struct mica_utcb {
	mica_word_t mr[MICA_MR_COUNT];   /* message registers */
	mica_word_t br[MICA_BR_COUNT];   /* buffer registers: what may be received */
	mica_word_t error;               /* detail of the last IPC error */
	mica_word_t self;                /* the UTCB's own user address (set by the kernel) */
	mica_word_t user[6];             /* free for the user runtime (TLS pointer, ...) */
};
/* A thread's gs base is its UTCB: user code finds it at %gs:MICA_UTCB_SELF. */
#define MICA_UTCB_SELF ((MICA_MR_COUNT + MICA_BR_COUNT + 1) * 8)
#define MICA_UTCB_SIZE 1024u

/* ---- rights -------------------------------------------------------------- */
#define MICA_R 0x1u   /* memory: read;  capability: invoke read-like operations */
#define MICA_W 0x2u   /* memory: write; capability: modify */
#define MICA_X 0x4u   /* memory: execute; capability: create or delete objects */
#define MICA_RWX 0x7u
#define MICA_CAP_RIGHTS_ALL 0x7u

/* ---- flexpages -------------------------------------------------------------
 * A naturally aligned region of 2^order bytes (memory: order 12..47; I/O
 * ports: order 0..16).  Encoded in one word:
 * bits 0..5 order, bits 6..8 rights, bits 12..63 base (aligned to 2^order).
 */
static inline mica_word_t mica_fpage(mica_addr_t base, unsigned order, unsigned rights)
{
	return (base & ~(mica_word_t)0xfff) | ((mica_word_t)(rights & 7) << 6) | (order & 0x3f);
}
static inline mica_addr_t mica_fpage_base(mica_word_t f) { return f & ~(mica_word_t)0xfff; }
static inline unsigned mica_fpage_order(mica_word_t f) { return f & 0x3f; }
static inline unsigned mica_fpage_rights(mica_word_t f) { return (f >> 6) & 7; }

/* I/O-port flexpages put the port number in bits 12..27 of the same layout. */
static inline mica_word_t mica_io_fpage(unsigned port, unsigned order)
{
	return ((mica_word_t)port << 12) | (order & 0x3f);
}
static inline unsigned mica_io_fpage_port(mica_word_t f) { return (unsigned)(f >> 12) & 0xffff; }

/* ---- typed items (two words each) ------------------------------------------
 * word 0: bits 0..3 type, bit 4 grant (move instead of copy), bits 8..10
 *         rights mask to apply, bits 32..63 type-specific (string length);
 *         a memory item's word 0 bits 12..63 hold the send base (hot spot).
 * word 1: capability slot / flexpage / string address.
 * On receipt the kernel rewrites word 0's type bits and flags and word 1:
 * a capability arrives as the slot it landed in (or as the gate label, with
 * MICA_ITEM_F_LOCAL), or marked MICA_ITEM_F_VOID; a string as the receive
 * buffer address with the received length in bits 32..63.
 */
enum mica_item_type {
	MICA_ITEM_NONE = 0,
	MICA_ITEM_CAP = 1,
	MICA_ITEM_MEM = 2,
	MICA_ITEM_IO = 3,
	MICA_ITEM_STRING = 4,
};
#define MICA_ITEM_F_GRANT (1u << 4)
#define MICA_ITEM_F_VOID (1u << 5)    /* received: the item carried no valid capability */
#define MICA_ITEM_F_LOCAL (1u << 6)   /* received: word 1 is the label of the caller's own gate */

static inline unsigned mica_item_type(mica_word_t w0) { return w0 & 0xf; }
static inline unsigned mica_item_rights(mica_word_t w0) { return (w0 >> 8) & 7; }
static inline uint32_t mica_item_len(mica_word_t w0) { return (uint32_t)(w0 >> 32); }

static inline mica_word_t mica_item_cap(unsigned rights, int grant)
{
	return MICA_ITEM_CAP | (grant ? MICA_ITEM_F_GRANT : 0) | ((mica_word_t)(rights & 7) << 8);
}
static inline mica_word_t mica_item_mem(mica_addr_t send_base, int grant)
{
	return MICA_ITEM_MEM | (grant ? MICA_ITEM_F_GRANT : 0) | (send_base & ~(mica_word_t)0xfff);
}
static inline mica_word_t mica_item_io(void) { return MICA_ITEM_IO; }
static inline mica_word_t mica_item_string(uint32_t len) { return MICA_ITEM_STRING | ((mica_word_t)len << 32); }
/* The bytes the string items of one message carry together, at most (the
 * kernel copies them in one go; more is MICA_E2BIG). */
#define MICA_STRING_MAX (64u << 10)
/* The bytes the memory items of one message map together, at most (the
 * kernel maps them in one go): an item is cut down to what is left, by
 * the send-base rule; none left is MICA_E2BIG. */
#define MICA_MEM_ITEMS_MAX (64u << 10)

/* ---- buffer registers: what a receiver accepts -----------------------------
 * BR[0]  memory receive window (a flexpage; 0 = accept no memory)
 * BR[1]  bits 0..4 number of capability slots n, bits 8..12 number of string
 *        buffers s, bit 16 MICA_BR_LOCAL_ID (a capability to a gate the
 *        receiving thread serves arrives as the gate's label), bit 17
 *        MICA_BR_ACCEPT_IO (I/O-port items may give the task ports)
 * BR[2 .. 2+n-1]        the slots, consumed strictly in order, one per item
 * BR[2+n .. 2+n+2s-1]   string buffers as (address, length) pairs, in order
 */
#define MICA_BR_WINDOW 0
#define MICA_BR_DESC 1
#define MICA_BR_FIRST 2
#define MICA_BR_LOCAL_ID (1u << 16)
#define MICA_BR_ACCEPT_IO (1u << 17)   /* I/O-port items may give this task ports */

static inline mica_word_t mica_br_desc(unsigned ncaps, unsigned nstrings, unsigned flags)
{
	return (ncaps & 0x1f) | ((mica_word_t)(nstrings & 0x1f) << 8) | flags;
}
static inline unsigned mica_br_ncaps(mica_word_t d) { return d & 0x1f; }
static inline unsigned mica_br_nstrings(mica_word_t d) { return (d >> 8) & 0x1f; }

/* ---- timeouts: send phase in the low 32 bits, receive phase in the high --- */
#define MICA_TIMEOUT_NEVER 0u            /* wait as long as it takes */
#define MICA_TIMEOUT_ZERO 0xffffffffu    /* do not wait at all */
/* any other value: relative, in microseconds */
static inline mica_word_t mica_timeouts(uint32_t snd, uint32_t rcv)
{
	return (mica_word_t)snd | ((mica_word_t)rcv << 32);
}

#endif
